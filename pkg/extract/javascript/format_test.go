package javascript

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/model"
)

// pkg is a compact expected package: "name@version" plus flags
// ("dev", "direct", "indirect").
type pkg struct {
	id    string
	flags string
}

type formatCase struct {
	name  string
	in    string
	want  []pkg
	warns int // number of warnings expected
}

// runFormatCases checks hand-written files in each format's documented
// shape, for cases the real artefacts do not cover.
func runFormatCases(t *testing.T, parse parser, cases []formatCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			res, err := parse(context.Background(), strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			var got []pkg
			for _, p := range res.Packages {
				var flags []string
				if p.Dev {
					flags = append(flags, "dev")
				}
				if p.Relation != "" {
					flags = append(flags, string(p.Relation))
				}
				got = append(got, pkg{p.Name + "@" + p.Version, strings.Join(flags, " ")})
				if p.PURL == "" || p.Type != model.TypeNPM || p.Ecosystem != model.EcoNPM {
					t.Errorf("%s: purl %q type %q ecosystem %q", p.Name, p.PURL, p.Type, p.Ecosystem)
				}
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(pkg{})); diff != "" {
				t.Errorf("packages (-want +got):\n%s", diff)
			}
			if len(res.Warnings) != tt.warns {
				t.Errorf("warnings %q; want %d", res.Warnings, tt.warns)
			}
		})
	}
}

func TestNPMLockCases(t *testing.T) {
	runFormatCases(t, ParseNPMLock, []formatCase{
		{"v3 nested workspace deps and links", `{"lockfileVersion":3,"packages":{
			"":{"name":"root","workspaces":["w/*"],"dependencies":{"a":"^1"},"devDependencies":{"d":"1"},"peerDependencies":{"p":"*"}},
			"node_modules/a":{"version":"1.0.0","dependencies":{"b":"^2"}},
			"node_modules/b":{"version":"2.0.0"},
			"node_modules/a/node_modules/b":{"version":"2.1.0","dev":true},
			"node_modules/d":{"version":"1.0.0","dev":true,"dependencies":{"b":"^2"}},
			"node_modules/p":{"version":"3.0.0","peer":true},
			"node_modules/w1":{"resolved":"w/w1","link":true},
			"w/w1":{"name":"w1","version":"0.1.0","dependencies":{"b":"2.2.0","e":"1"}},
			"w/w1/node_modules/b":{"version":"2.2.0"},
			"node_modules/e":{"version":"1.0.0","devOptional":true},
			"node_modules/@s/x":{"version":"1.0.0","optional":true},
			"node_modules/alias":{"name":"real","version":"4.0.0"}
		}}`, []pkg{
			{"@s/x@1.0.0", "indirect"},
			{"a@1.0.0", "direct"},
			{"b@2.0.0", "indirect"},
			{"b@2.1.0", "dev indirect"},
			{"b@2.2.0", "direct"},
			{"d@1.0.0", "dev direct"},
			{"e@1.0.0", "direct"},
			{"p@3.0.0", "direct"},
			{"real@4.0.0", "indirect"},
		}, 0},
		{"same version dev and prod is prod", `{"lockfileVersion":2,"packages":{"":{},
			"node_modules/x/node_modules/a":{"version":"1.0.0","dev":true},
			"node_modules/a":{"version":"1.0.0"}}}`,
			[]pkg{{"a@1.0.0", "indirect"}}, 0},
		{"no root entry: relation unknown", `{"lockfileVersion":3,"packages":{"node_modules/a":{"version":"1.0.0"}}}`,
			[]pkg{{"a@1.0.0", ""}}, 0},
		{"bad entries are skipped", `{"lockfileVersion":3,"packages":{"":{},
			"node_modules/a":{"version":5},
			"node_modules/b":{},
			"node_modules/c d":{"version":"1.0.0"},
			"node_modules/e":null,
			"node_modules/f":{"version":"1.0.0"}}}`,
			[]pkg{{"f@1.0.0", "indirect"}}, 4},
		{"v1 aliases, local, git, nesting", `{"lockfileVersion":1,"dependencies":{
			"a":{"version":"1.0.0","dependencies":{"b":{"version":"2.0.0","dev":true}}},
			"b":{"version":"2.0.0"},
			"c":{"version":"3.0.0","dev":true,"dependencies":{"d":{"version":"npm:@s/real@4.0.0","dev":true}}},
			"w":{"version":"file:packages/w"},
			"g":{"version":"git+https://github.com/x/g.git#0123456789abcdef","from":"git+https://github.com/x/g.git"},
			"t":{"version":"https://example.com/t-1.0.0.tgz"},
			"bad":{"version":"npm:nover"}
		}}`, []pkg{
			{"@s/real@4.0.0", "dev"},
			{"a@1.0.0", ""},
			{"b@2.0.0", ""},
			{"c@3.0.0", "dev"},
		}, 3},
		{"empty object", `{}`, nil, 0},
		{"v1 without dependencies", `{"lockfileVersion":1,"name":"x"}`, nil, 0},
	})
}

func TestYarnLockCases(t *testing.T) {
	runFormatCases(t, ParseYarnLock, []formatCase{
		{"v1 quoting, aliases, local protocols", `# yarn lockfile v1


"@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4":
  version "7.12.13"
  resolved "https://registry.yarnpkg.com/@babel/code-frame/-/code-frame-7.12.13.tgz#dcfc826beef65e75c50e21d3837d7d95798dd658"
  dependencies:
    "@babel/highlight" "^7.12.13"

lodash@^4.17.4, lodash@^4.2.0:
  version 4.17.21
  integrity sha512-x

alias@npm:@s/real@^1.0.0:
  version "1.2.0"

"ws@link:./ws":
  version "0.0.0"

"local@file:./local":
  version "1.0.0"

"w@workspace:w":
  version "0.0.0-use.local"
`, []pkg{{"@babel/code-frame@7.12.13", ""}, {"@s/real@1.2.0", ""}, {"local@1.0.0", ""}, {"lodash@4.17.21", ""}}, 0},
		{"v1 CRLF and garbled entries", "# yarn lockfile v1\r\n\r\na@^1:\r\n  version \"1.0.0\"\r\n\r\nnot an entry\r\n  version \"9\"\r\n\r\nb@^2:\r\n  resolved \"x\"\r\n\r\n\"unterminated@1:\r\n  version \"1\"\r\n\r\nc@^3:\r\n  version \"3.0.0\"\r\n",
			[]pkg{{"a@1.0.0", ""}, {"c@3.0.0", ""}}, 3},
		{"v1 only comments", "# yarn lockfile v1\n\n", nil, 0},
		{"berry workspaces, patches, links", `# This file is generated by running "yarn install" inside your project.

__metadata:
  version: 6
  cacheKey: 8

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  dependencies:
    lodash: ^4.17.21
    typescript: "patch:typescript@^5.0.0#~builtin<compat/typescript>"
    w: "workspace:*"
    alias: "npm:@s/real@1.0.0"
  languageName: unknown
  linkType: soft

"w@workspace:*, w@workspace:w":
  version: 0.0.0-use.local
  resolution: "w@workspace:w"
  dependencies:
    dep: "npm:^2.0.0"
  languageName: unknown
  linkType: soft

"lodash@npm:^4.17.21":
  version: 4.17.21
  resolution: "lodash@npm:4.17.21"
  languageName: node
  linkType: hard

"typescript@npm:^5.0.0":
  version: 5.5.4
  resolution: "typescript@npm:5.5.4"
  languageName: node
  linkType: hard

"typescript@patch:typescript@^5.0.0#~builtin<compat/typescript>":
  version: 5.5.4
  resolution: "typescript@patch:typescript@npm%3A5.5.4#~builtin<compat/typescript>::version=5.5.4&hash=b1b5a0"
  languageName: node
  linkType: hard

"dep@npm:^2.0.0, dep@npm:^2.1.0":
  version: 2.1.0
  resolution: "dep@npm:2.1.0"
  dependencies:
    lodash: "npm:^4.17.21"

"alias@npm:@s/real@1.0.0":
  version: 1.0.0
  resolution: "@s/real@npm:1.0.0"

"l@link:./l::locator=app%40workspace%3A.":
  version: 0.0.0-use.local
  resolution: "l@link:./l::locator=app%40workspace%3A."

"g@https://github.com/x/g.git#commit=abc":
  version: 3.0.0
  resolution: "g@https://github.com/x/g.git#commit=abc"

"bad@npm:1":
  version: [1]
  resolution: "bad@npm:1"

"nores@npm:1":
  version: 1.0.0
`, []pkg{
			{"@s/real@1.0.0", "direct"},
			{"dep@2.1.0", "direct"},
			{"g@3.0.0", "indirect"},
			{"lodash@4.17.21", "direct"},
			{"typescript@5.5.4", "direct"},
		}, 2},
	})
}

func TestPNPMLockCases(t *testing.T) {
	runFormatCases(t, ParsePNPMLock, []formatCase{
		{"9.0 dev from the graph, peers, aliases, links", `lockfileVersion: '9.0'

importers:
  .:
    dependencies:
      a:
        specifier: ^1.0.0
        version: 1.0.0(p@2.0.0)
      al:
        specifier: npm:@s/real@^1
        version: '@s/real@1.1.0'
      w:
        specifier: workspace:*
        version: link:w
    devDependencies:
      d:
        specifier: ^1.0.0
        version: 1.0.0
      t:
        specifier: github:x/t
        version: https://codeload.github.com/x/t/tar.gz/abc
  w:
    optionalDependencies:
      o:
        specifier: 1.0.0
        version: 1.0.0

packages:
  a@1.0.0:
    resolution: {integrity: sha512-a}
  p@2.0.0:
    resolution: {integrity: sha512-p}
  '@s/real@1.1.0':
    resolution: {integrity: sha512-r}
  d@1.0.0:
    resolution: {integrity: sha512-d}
  x@1.0.0:
    resolution: {integrity: sha512-x}
  y@1.0.0:
    resolution: {integrity: sha512-y}
  o@1.0.0:
    resolution: {integrity: sha512-o}
  t@https://codeload.github.com/x/t/tar.gz/abc:
    resolution: {tarball: https://codeload.github.com/x/t/tar.gz/abc}
    version: 0.3.0
  orphan@1.0.0:
    resolution: {integrity: sha512-z}

snapshots:
  a@1.0.0(p@2.0.0):
    dependencies:
      p: 2.0.0
  a@1.0.0(p@3.0.0):
    dependencies:
      p: 3.0.0
  p@2.0.0:
    dependencies:
      y: 1.0.0
  '@s/real@1.1.0': {}
  d@1.0.0:
    dependencies:
      x: 1.0.0
      y: 1.0.0
      a: 1.0.0(p@2.0.0)
  x@1.0.0: {}
  y@1.0.0: {}
  o@1.0.0: {}
  t@https://codeload.github.com/x/t/tar.gz/abc: {}
  orphan@1.0.0: {}
`, []pkg{
			{"@s/real@1.1.0", "direct"},
			{"a@1.0.0", "direct"},
			{"d@1.0.0", "dev direct"},
			{"o@1.0.0", "direct"},
			{"orphan@1.0.0", "indirect"},
			{"p@2.0.0", "indirect"},
			{"t@0.3.0", "dev direct"},
			{"x@1.0.0", "dev indirect"},
			{"y@1.0.0", "indirect"},
		}, 0},
		{"6.0 one project", `lockfileVersion: '6.0'

dependencies:
  '@s/a':
    specifier: ^1.0.0
    version: 1.0.0(b@2.0.0)
  al:
    specifier: npm:b@2
    version: /b@2.0.0

devDependencies:
  c:
    specifier: ^1
    version: 1.0.0

packages:

  /@s/a@1.0.0(b@2.0.0):
    resolution: {integrity: sha512-a}
    peerDependencies:
      b: '*'
    dependencies:
      b: 2.0.0
    dev: false

  /b@2.0.0:
    resolution: {integrity: sha512-b}
    dev: false

  /c@1.0.0:
    resolution: {integrity: sha512-c}
    dev: true

  github.com/x/g/abc:
    resolution: {tarball: https://codeload.github.com/x/g/tar.gz/abc}
    name: g
    version: 5.0.0
    dev: true
`, []pkg{
			{"@s/a@1.0.0", "direct"},
			{"b@2.0.0", "direct"},
			{"c@1.0.0", "dev direct"},
			{"g@5.0.0", "dev indirect"},
		}, 0},
		{"5.3 peers and underscores", `lockfileVersion: 5.3

specifiers:
  string_decoder: ^1.3.0
  '@s/a': ^1.0.0

dependencies:
  string_decoder: 1.3.0
  '@s/a': 1.0.0_b@2.0.0

packages:

  /string_decoder/1.3.0:
    resolution: {integrity: sha512-s}
    dev: false

  /@s/a/1.0.0_b@2.0.0:
    resolution: {integrity: sha512-a}
    dev: false

  /@s/a/1.0.0_b@3.0.0:
    resolution: {integrity: sha512-a}
    dev: true

  /bad:
    resolution: {integrity: sha512-x}
`, []pkg{
			{"@s/a@1.0.0", "direct"},
			{"string_decoder@1.3.0", "direct"},
		}, 1},
		{"bad entries are skipped", `lockfileVersion: '9.0'
importers:
  .:
    dependencies: [1, 2]
packages:
  a@1.0.0:
    resolution: {integrity: sha512-a}
  b@1.0.0: [oops]
  'c d@1.0.0': {}
  e@file:e: {}
snapshots: 7
`, []pkg{{"a@1.0.0", ""}}, 5},
		{"two documents (pnpm 10)", `---
lockfileVersion: '9.0'
importers:
  .:
    configDependencies: {}
packages:
  cfg@1.0.0:
    resolution: {integrity: sha512-c}
---
lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      a:
        specifier: 1.0.0
        version: 1.0.0
packages:
  a@1.0.0:
    resolution: {integrity: sha512-a}
snapshots:
  a@1.0.0: {}
`, []pkg{{"a@1.0.0", "direct"}, {"cfg@1.0.0", "indirect"}}, 0},
	})
}
