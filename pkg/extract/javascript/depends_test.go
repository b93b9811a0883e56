package javascript

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

// graphOf returns the dependencies of the packages that have any, by
// name@version. A purl that is no package of pkgs shows as "dangling ...".
func graphOf(pkgs []model.Package) map[string][]string {
	ids := map[string]string{}
	for _, p := range pkgs {
		ids[p.PURL] = p.Name + "@" + p.Version
	}
	out := map[string][]string{}
	for _, p := range pkgs {
		for _, d := range p.DependsOn {
			id, ok := ids[d]
			if !ok {
				id = "dangling " + d
			}
			out[p.Name+"@"+p.Version] = append(out[p.Name+"@"+p.Version], id)
		}
	}
	return out
}

// TestDependsOnArtefacts checks the dependencies of a few packages of the
// real lock files (testdata/make.sh) against what the package manager
// says: npm ls (testdata/npm/ls.json) for npm and pnpm, whose trees are the
// same, and the lock files' own entries, read by hand, for yarn (yarn 4's
// `yarn info -AR`, testdata/yarn/berry/info.json, agrees). The whole graphs
// are compared with the tools' listings in TestLockFilesAgainstNPM and
// TestYarnLockAgainstYarn.
func TestDependsOnArtefacts(t *testing.T) {
	mocha := []string{
		"browser-stdout@1.3.1", "commander@2.15.1", "debug@3.1.0", "diff@3.5.0",
		"escape-string-regexp@1.0.5", "glob@7.1.2", "growl@1.10.5", "he@1.1.1",
		"minimatch@3.0.4", "mkdirp@0.5.1", "supports-color@5.4.0",
	}
	tests := []struct {
		file  string
		parse parser
		want  map[string][]string // name@version → its dependencies
	}{
		{"testdata/npm/v3/package-lock.json", ParseNPMLock, map[string][]string{
			// node_modules/mkdirp/node_modules/minimist 0.0.8, not the
			// hoisted node_modules/minimist 1.2.0.
			"mkdirp@0.5.1": {"minimist@0.0.8"},
			// node_modules/mocha/node_modules/escape-string-regexp
			// 1.0.5, not the hoisted 4.0.0.
			"mocha@5.2.0": mocha,
			// Nested 2.0.0 beside the hoisted lodash.deburr.
			"@sindresorhus/transliterate@0.1.2": {"escape-string-regexp@2.0.0", "lodash.deburr@4.1.0"},
			// The hoisted copies.
			"@sindresorhus/slugify@1.1.0": {"@sindresorhus/transliterate@0.1.2", "escape-string-regexp@4.0.0"},
			"lodash@4.17.4":               nil,
		}},
		{"testdata/npm/v1/package-lock.json", ParseNPMLock, map[string][]string{
			"mkdirp@0.5.1":                      {"minimist@0.0.8"},
			"mocha@5.2.0":                       mocha,
			"@sindresorhus/transliterate@0.1.2": {"escape-string-regexp@2.0.0", "lodash.deburr@4.1.0"},
			"to-regex-range@5.0.1":              {"is-number@7.0.0"},
		}},
		// yarn.lock: glob's "minimatch@^3.0.4" is the entry of version
		// 3.1.5, mocha's "minimatch@3.0.4" that of 3.0.4; mkdirp's
		// "minimist@0.0.8" is 0.0.8; glob's inherits "2" is the entry
		// "inherits@2" (2.0.4).
		{"testdata/yarn/v1/yarn.lock", ParseYarnLock, map[string][]string{
			"glob@7.1.2":      {"fs.realpath@1.0.0", "inflight@1.0.6", "inherits@2.0.4", "minimatch@3.1.5", "once@1.4.0", "path-is-absolute@1.0.1"},
			"mocha@5.2.0":     mocha,
			"mkdirp@0.5.1":    {"minimist@0.0.8"},
			"minimatch@3.0.4": {"brace-expansion@1.1.22"},
			"minimatch@3.1.5": {"brace-expansion@1.1.22"},
		}},
		// The same in yarn 4's file: "minimatch: npm:^3.0.4" is the entry
		// "minimatch@npm:^3.0.4"; debug's optional peer supports-color
		// (from yarn's compat extensions) is not in the lock file.
		{"testdata/yarn/berry/yarn.lock", ParseYarnLock, map[string][]string{
			"glob@7.1.2":   {"fs.realpath@1.0.0", "inflight@1.0.6", "inherits@2.0.4", "minimatch@3.1.5", "once@1.4.0", "path-is-absolute@1.0.1"},
			"mocha@5.2.0":  mocha,
			"mkdirp@0.5.1": {"minimist@0.0.8"},
			"debug@3.1.0":  {"ms@2.0.0"},
		}},
		// pnpm: mocha's "debug: 3.1.0(supports-color@5.4.0)" is debug
		// 3.1.0, whose snapshot of that peer variant lists supports-color
		// under optionalDependencies (9.0) or dependencies (6.0, 5.4 as
		// "3.1.0_supports-color@5.4.0").
		{"testdata/pnpm/v9/pnpm-lock.yaml", ParsePNPMLock, map[string][]string{
			"mocha@5.2.0":  mocha,
			"debug@3.1.0":  {"ms@2.0.0", "supports-color@5.4.0"},
			"mkdirp@0.5.1": {"minimist@0.0.8"},
		}},
		{"testdata/pnpm/v6/pnpm-lock.yaml", ParsePNPMLock, map[string][]string{
			"mocha@5.2.0":  mocha,
			"debug@3.1.0":  {"ms@2.0.0", "supports-color@5.4.0"},
			"mkdirp@0.5.1": {"minimist@0.0.8"},
		}},
		{"testdata/pnpm/v5/pnpm-lock.yaml", ParsePNPMLock, map[string][]string{
			"mocha@5.2.0": mocha,
			"debug@3.1.0": {"ms@2.0.0", "supports-color@5.4.0"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res, err := tt.parse(context.Background(), bytes.NewReader(readFile(t, tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			graph := graphOf(res.Packages)
			for id, want := range tt.want {
				if diff := cmp.Diff(want, graph[id]); diff != "" {
					t.Errorf("%s depends on (-want +got):\n%s", id, diff)
				}
			}
		})
	}
}

// TestDependsOnCases checks the resolution rules on hand-written files in
// each format's documented shape.
func TestDependsOnCases(t *testing.T) {
	tests := []struct {
		name  string
		parse parser
		in    string
		want  map[string][]string
		warns int
	}{
		{"npm v3 nested, links, missing optional and peer", ParseNPMLock, `{"lockfileVersion":3,"packages":{
			"":{"name":"root","workspaces":["w/*"],"dependencies":{"a":"^1","w1":"*","ext":"file:../ext"}},
			"node_modules/a":{"version":"1.0.0","dependencies":{"b":"^2","w1":"*"},"optionalDependencies":{"fsevents":"^2"},"peerDependencies":{"p":"*","q":"*"}},
			"node_modules/b":{"version":"2.0.0","dependencies":{"c":"1"}},
			"node_modules/a/node_modules/b":{"version":"2.1.0","dependencies":{"c":"1"}},
			"node_modules/a/node_modules/c":{"version":"1.1.0"},
			"node_modules/c":{"version":"1.0.0"},
			"node_modules/p":{"version":"3.0.0","peer":true},
			"node_modules/@s/x":{"version":"1.0.0","dependencies":{"b":"2","alias":"npm:real@4"}},
			"node_modules/alias":{"name":"real","version":"4.0.0","dependencies":{"@s/x":"1"}},
			"node_modules/w1":{"resolved":"w/w1","link":true},
			"w/w1":{"name":"w1","version":"0.1.0","dependencies":{"b":"2.2.0"}},
			"w/w1/node_modules/b":{"version":"2.2.0","dependencies":{"c":"1","d":"1"}},
			"w/w1/node_modules/d":{"version":"1.0.0"},
			"node_modules/ext":{"resolved":"../ext","link":true},
			"../ext":{"name":"ext","version":"1.0.0","dependencies":{"e":"1","c":"1"}},
			"../ext/node_modules/e":{"version":"1.0.0","dependencies":{"c":"1"}}
		}}`, map[string][]string{
			// Its own b, not the hoisted one; w1 (a workspace) is left
			// out, as are the optional fsevents and the peer q, not
			// installed.
			"a@1.0.0":    {"b@2.1.0", "p@3.0.0"},
			"b@2.0.0":    {"c@1.0.0"},
			"b@2.1.0":    {"c@1.1.0"},
			"@s/x@1.0.0": {"b@2.0.0", "real@4.0.0"},
			"real@4.0.0": {"@s/x@1.0.0"},
			// From the workspace's real folder up to the root.
			"b@2.2.0": {"c@1.0.0", "d@1.0.0"},
			// e@1.0.0, in a linked folder outside the project, does not
			// see the project's node_modules/c.
		}, 0},
		{"npm v1 nested requires, aliases, local and git", ParseNPMLock, `{"lockfileVersion":1,"dependencies":{
			"a":{"version":"1.0.0","requires":{"b":"^2","c":"1","gone":"1"},"dependencies":{
				"b":{"version":"2.1.0","requires":{"c":"1"},"dependencies":{"c":{"version":"1.2.0"}}}}},
			"b":{"version":"2.0.0","requires":{"c":"1","al":"npm:real@4","loc":"file:loc","g":"github:x/g"}},
			"c":{"version":"1.0.0"},
			"al":{"version":"npm:real@4.0.0","requires":{"c":"1"}},
			"loc":{"version":"file:loc","requires":{"c":"1"},"dependencies":{"c":{"version":"1.3.0"}}},
			"g":{"version":"git+https://github.com/x/g.git#abc","requires":{"c":"1"}}
		}}`, map[string][]string{
			"a@1.0.0":    {"b@2.1.0", "c@1.0.0"},
			"b@2.1.0":    {"c@1.2.0"},
			"b@2.0.0":    {"c@1.0.0", "real@4.0.0"},
			"real@4.0.0": {"c@1.0.0"},
		}, 1},
		{"yarn 1 quoting, aliases, optional, links", ParseYarnLock, `# yarn lockfile v1


a@^1.0.0, a@^1.1.0:
  version "1.2.0"
  dependencies:
    "@s/b" "^2.0.0"
    c "1.x || >=2.5.0"
    alias "npm:real@^3"
    gone "^9"
  optionalDependencies:
    fsevents "^2.0.0"

"@s/b@^2.0.0":
  version "2.1.0"
  dependencies:
    a "^1.1.0"

"c@1.x || >=2.5.0":
  version "1.9.0"

"alias@npm:real@^3":
  version "3.1.0"

fsevents@^2.0.0:
  version "2.3.3"

"w@link:./w":
  version "0.0.0"
  dependencies:
    a "^1.0.0"

d@^4:
  version "4.0.0"
  dependencies:
    w "link:./w"
    a ^1.0.0
`, map[string][]string{
			"a@1.2.0":    {"@s/b@2.1.0", "c@1.9.0", "fsevents@2.3.3", "real@3.1.0"},
			"@s/b@2.1.0": {"a@1.2.0"},
			"d@4.0.0":    {"a@1.2.0"},
		}, 0},
		{"berry ranges, aliases, patches, workspaces, peers", ParseYarnLock, `__metadata:
  version: 6
  cacheKey: 8

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  dependencies:
    a: ^1.0.0
  languageName: unknown
  linkType: soft

"w@workspace:w":
  version: 0.0.0-use.local
  resolution: "w@workspace:w"
  dependencies:
    b: "npm:^2.0.0"
  languageName: unknown
  linkType: soft

"a@npm:^1.0.0":
  version: 1.2.0
  resolution: "a@npm:1.2.0"
  dependencies:
    b: ^2.0.0
    al: "npm:@s/real@1.0.0"
    typescript: "patch:typescript@^5.0.0#~builtin<compat/typescript>"
    w: "workspace:^"
    gone: "npm:^9"
  peerDependencies:
    p: "*"

"b@npm:^2.0.0, b@npm:^2.1.0":
  version: 2.1.0
  resolution: "b@npm:2.1.0"
  dependencies:
    a: "npm:^1.0.0"

"al@npm:@s/real@1.0.0":
  version: 1.0.0
  resolution: "@s/real@npm:1.0.0"

"typescript@npm:^5.0.0":
  version: 5.5.4
  resolution: "typescript@npm:5.5.4"

"typescript@patch:typescript@^5.0.0#~builtin<compat/typescript>":
  version: 5.5.4
  resolution: "typescript@patch:typescript@npm%3A5.5.4#~builtin<compat/typescript>::version=5.5.4&hash=b1b5a0"
  dependencies:
    b: "npm:^2.1.0"

"p@npm:*":
  version: 1.0.0
  resolution: "p@npm:1.0.0"
`, map[string][]string{
			// The peer p is resolved per dependent, not in the file; the
			// workspace w is the project's own code.
			"a@1.2.0":          {"@s/real@1.0.0", "b@2.1.0", "typescript@5.5.4"},
			"b@2.1.0":          {"a@1.2.0"},
			"typescript@5.5.4": {"b@2.1.0"},
		}, 0},
		{"pnpm 9.0 peer variants, aliases, links, tarballs", ParsePNPMLock, `lockfileVersion: '9.0'

importers:
  .:
    dependencies:
      a:
        specifier: ^1.0.0
        version: 1.0.0(p@2.0.0)

packages:
  a@1.0.0:
    resolution: {integrity: sha512-a}
    peerDependencies:
      p: '*'
  p@2.0.0:
    resolution: {integrity: sha512-p}
  '@s/real@1.1.0':
    resolution: {integrity: sha512-r}
  o@1.0.0:
    resolution: {integrity: sha512-o}
  t@https://codeload.github.com/x/t/tar.gz/abc:
    resolution: {tarball: https://codeload.github.com/x/t/tar.gz/abc}
    version: 0.3.0

snapshots:
  a@1.0.0(p@2.0.0):
    dependencies:
      p: 2.0.0
      al: '@s/real@1.1.0'
      w: link:../w
    optionalDependencies:
      o: 1.0.0
  a@1.0.0(p@3.0.0):
    dependencies:
      p: 3.0.0
      t: https://codeload.github.com/x/t/tar.gz/abc
  p@2.0.0: {}
  '@s/real@1.1.0':
    dependencies:
      a: 1.0.0(p@2.0.0)
  o@1.0.0: {}
  t@https://codeload.github.com/x/t/tar.gz/abc: {}
`, map[string][]string{
			// Both peer variants of a, without the p@3.0.0 the file
			// does not list.
			"a@1.0.0":       {"@s/real@1.1.0", "o@1.0.0", "p@2.0.0", "t@0.3.0"},
			"@s/real@1.1.0": {"a@1.0.0"},
		}, 0},
		{"pnpm 6.0 peers, aliases, git", ParsePNPMLock, `lockfileVersion: '6.0'

dependencies:
  '@s/a':
    specifier: ^1.0.0
    version: 1.0.0(b@2.0.0)

packages:

  /@s/a@1.0.0(b@2.0.0):
    resolution: {integrity: sha512-a}
    peerDependencies:
      b: '*'
    dependencies:
      b: 2.0.0
      al: /c@3.0.0
      g: github.com/x/g/abc
    dev: false

  /b@2.0.0:
    resolution: {integrity: sha512-b}
    dependencies:
      '@s/a': 1.0.0(b@2.0.0)
    dev: false

  /c@3.0.0:
    resolution: {integrity: sha512-c}
    dev: false

  github.com/x/g/abc:
    resolution: {tarball: https://codeload.github.com/x/g/tar.gz/abc}
    name: g
    version: 5.0.0
    dev: false
`, map[string][]string{
			"@s/a@1.0.0": {"b@2.0.0", "c@3.0.0", "g@5.0.0"},
			"b@2.0.0":    {"@s/a@1.0.0"},
		}, 0},
		{"pnpm 5.4 peer suffixes and aliases", ParsePNPMLock, `lockfileVersion: 5.4

specifiers:
  a: ^1.0.0

dependencies:
  a: 1.0.0_p@2.0.0

packages:

  /a/1.0.0_p@2.0.0:
    resolution: {integrity: sha512-a}
    peerDependencies:
      p: '*'
    dependencies:
      p: 2.0.0
      al: /@s/real/1.0.0
    dev: false

  /p/2.0.0:
    resolution: {integrity: sha512-p}
    dev: false

  /@s/real/1.0.0:
    resolution: {integrity: sha512-r}
    dependencies:
      w: link:../w
    dev: false
`, map[string][]string{
			"a@1.0.0": {"@s/real@1.0.0", "p@2.0.0"},
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tt.parse(context.Background(), strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Warnings) != tt.warns {
				t.Errorf("warnings %q; want %d", res.Warnings, tt.warns)
			}
			if diff := cmp.Diff(tt.want, graphOf(res.Packages)); diff != "" {
				t.Errorf("dependencies (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDependsOnResolves checks every lock file of testdata (the installed
// tree's hidden lock file and the big benchmark files included): each
// DependsOn is sorted and unique, and names packages of the same result
// other than the package itself.
func TestDependsOnResolves(t *testing.T) {
	parsers := map[string]parser{
		"package-lock.json":  ParseNPMLock,
		".package-lock.json": ParseNPMLock,
		"yarn.lock":          ParseYarnLock,
		"pnpm-lock.yaml":     ParsePNPMLock,
	}
	var files []string
	err := filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if _, ok := parsers[strings.TrimSuffix(d.Name(), ".gz")]; ok && !d.IsDir() {
			files = append(files, filepath.ToSlash(p))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 13 {
		t.Fatalf("found only %q", files)
	}
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			data := readFile(t, file)
			if strings.HasSuffix(file, ".gz") {
				data = gunzip(t, file)
			}
			parse := parsers[strings.TrimSuffix(filepath.Base(file), ".gz")]
			res, err := parse(context.Background(), bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			purls := map[string]bool{}
			for _, p := range res.Packages {
				purls[p.PURL] = true
			}
			edges := 0
			for _, p := range res.Packages {
				if !slices.IsSorted(p.DependsOn) || len(slices.Compact(slices.Clone(p.DependsOn))) != len(p.DependsOn) {
					t.Errorf("%s: DependsOn not sorted and unique: %q", p.PURL, p.DependsOn)
				}
				for _, d := range p.DependsOn {
					if !purls[d] || d == p.PURL {
						t.Errorf("%s depends on %s, no other package of the file", p.PURL, d)
					}
				}
				if want := extract.LanguagePackage(model.TypeNPM, p.Name, p.Version).PURL; p.PURL != want {
					t.Errorf("%s: purl; want %s", p.PURL, want)
				}
				edges += len(p.DependsOn)
			}
			if edges < len(res.Packages)/2 {
				t.Errorf("%d packages, only %d dependencies", len(res.Packages), edges)
			}
		})
	}
}

// TestNPMResolutionByPath checks the folder tree walk of npm lock files
// against the plain statement of Node's rule on every npm lock file of
// testdata: from a package's key, try KEY/node_modules/NAME, then the same
// in each parent folder (folders named node_modules skipped) up to the
// root.
func TestNPMResolutionByPath(t *testing.T) {
	for _, file := range []string{
		"testdata/npm/v2/package-lock.json",
		"testdata/npm/v3/package-lock.json",
		"testdata/nodemodules/node_modules/.package-lock.json",
		"testdata/big/package-lock.json.gz",
	} {
		t.Run(file, func(t *testing.T) {
			data := readFile(t, file)
			if strings.HasSuffix(file, ".gz") {
				data = gunzip(t, file)
			}
			var lock npmLockFile
			if err := json.Unmarshal(data, &lock); err != nil {
				t.Fatal(err)
			}
			// The id of each key reported as a package.
			ids := map[string]string{}
			for key, p := range lock.Packages {
				if p == nil || p.Link || !underNodeModules(key+"/") {
					continue
				}
				name := p.Name
				if name == "" {
					name = key[strings.LastIndex(key, "node_modules/")+len("node_modules/"):]
				}
				ids[key] = name + "@" + p.Version
			}
			want := map[string][]string{}
			for key, id := range ids {
				p := lock.Packages[key]
				for _, deps := range []map[string]string{p.Dependencies, p.OptionalDependencies, p.PeerDependencies} {
					for name := range deps {
						if at, ok := ids[resolveByPath(lock.Packages, key, name)]; ok && at != id {
							want[id] = append(want[id], at)
						}
					}
				}
			}
			for id, deps := range want {
				slices.Sort(deps)
				want[id] = slices.Compact(deps)
			}
			res, err := ParseNPMLock(context.Background(), bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, graphOf(res.Packages)); diff != "" {
				t.Errorf("dependencies (-by path +parsed):\n%s", diff)
			}
		})
	}
}

// resolveByPath returns the key Node finds for name required from the
// folder from, or "".
func resolveByPath(pkgs map[string]*npmLockPackage, from, name string) string {
	for dir := from; ; dir = path.Dir(dir) {
		if dir == "." {
			dir = ""
		}
		if path.Base(dir) != "node_modules" {
			cand := path.Join(dir, "node_modules", name)
			if _, ok := pkgs[cand]; ok {
				return cand
			}
		}
		if dir == "" {
			return ""
		}
	}
}

// TestDependsOnDeepTrees: resolving costs a lookup per dependency however
// deep the tree, so a crafted lock file with a deeply nested package of
// many dependencies is read in time linear in its size.
func TestDependsOnDeepTrees(t *testing.T) {
	const depth, deps = 20000, 100000
	var names strings.Builder
	for i := range deps {
		if i > 0 {
			names.WriteByte(',')
		}
		names.WriteString(`"x` + strconv.Itoa(i) + `":"1"`)
	}
	deep := strings.Repeat("node_modules/a/", depth) + "node_modules/b"
	npm3 := `{"lockfileVersion":3,"packages":{"":{"dependencies":{"a":"1"}},` +
		`"node_modules/a":{"version":"1.0.0","dependencies":{"b":"1"}},` +
		`"node_modules/b":{"version":"2.0.0"},` +
		`"node_modules/x7":{"version":"7.0.0"},` +
		`"` + deep + `":{"version":"1.0.0","dependencies":{` + names.String() + `,"a":"1"}}}}`
	// lockfileVersion 1 nests as deep as the JSON decoder allows.
	const v1Depth = 4000
	npm1 := `{"lockfileVersion":1,"dependencies":{"x7":{"version":"7.0.0"},` +
		strings.Repeat(`"a":{"version":"1.0.0","dependencies":{`, v1Depth) +
		`"b":{"version":"2.0.0","requires":{` + names.String() + `}}` +
		strings.Repeat(`}}`, v1Depth) + `}}`
	for _, tt := range []struct {
		name string
		in   string
		want map[string][]string
	}{
		{"npm v3", npm3, map[string][]string{
			"a@1.0.0": {"b@2.0.0"},
			// From 20000 folders down, the top-level a and x7.
			"b@1.0.0": {"a@1.0.0", "x7@7.0.0"},
		}},
		{"npm v1", npm1, map[string][]string{"b@2.0.0": {"x7@7.0.0"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			res, err := ParseNPMLock(context.Background(), strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			if diff := cmp.Diff(tt.want, graphOf(res.Packages)); diff != "" {
				t.Errorf("dependencies (-want +got):\n%s", diff)
			}
		})
	}
}
