package javascript

import (
	"bytes"
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

// TestLockFilesAgainstNPM reads the lock files that npm, yarn and pnpm
// wrote for the same project (testdata/make.sh) and compares each with
// npm's own listing of the installed tree (npm ls), as far as the format
// records dev and direct dependencies and licenses.
func TestLockFilesAgainstNPM(t *testing.T) {
	tree := npmTree(t)
	tests := []struct {
		file  string
		parse parser
		want  want
	}{
		{"testdata/npm/v3/package-lock.json", ParseNPMLock, want{dev: true, relation: true, licenses: true, graph: true}},
		{"testdata/npm/v2/package-lock.json", ParseNPMLock, want{dev: true, relation: true, licenses: true, graph: true}},
		// lockfileVersion 1 does not list the root's own dependencies.
		{"testdata/npm/v1/package-lock.json", ParseNPMLock, want{dev: true, graph: true}},
		// yarn resolves a different tree (yarn_test.go).
		{"testdata/pnpm/v9/pnpm-lock.yaml", ParsePNPMLock, want{dev: true, relation: true, graph: true}},
		{"testdata/pnpm/v6/pnpm-lock.yaml", ParsePNPMLock, want{dev: true, relation: true, graph: true}},
		{"testdata/pnpm/v5/pnpm-lock.yaml", ParsePNPMLock, want{dev: true, relation: true, graph: true}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			tree := tree
			if strings.HasPrefix(tt.file, "testdata/pnpm/") {
				tree = pnpmTree(tree)
			}
			res, err := tt.parse(context.Background(), bytes.NewReader(readFile(t, tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Warnings) > 0 {
				t.Errorf("warnings: %q", res.Warnings)
			}
			if diff := cmp.Diff(expected(t, tree, tt.want), res.Packages); diff != "" {
				t.Errorf("packages (-npm ls +parsed):\n%s", diff)
			}
		})
	}
}

// TestPNPMSingleProject reads pnpm 7 and 8 lock files of the project
// without its workspace, where dependencies sit at the top level instead of
// under "importers". ms is then reached only through mocha → debug.
func TestPNPMSingleProject(t *testing.T) {
	tree := pnpmTree(npmTree(t))
	ms := tree["./node_modules/ms"]
	ms.dev, ms.direct = true, false
	tree["./node_modules/ms"] = ms
	for _, file := range []string{"testdata/pnpm/v5-single/pnpm-lock.yaml", "testdata/pnpm/v6-single/pnpm-lock.yaml"} {
		t.Run(file, func(t *testing.T) {
			res, err := ParsePNPMLock(context.Background(), bytes.NewReader(readFile(t, file)))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Warnings) > 0 {
				t.Errorf("warnings: %q", res.Warnings)
			}
			if diff := cmp.Diff(expected(t, tree, want{dev: true, relation: true, graph: true}), res.Packages); diff != "" {
				t.Errorf("packages (-want +got):\n%s", diff)
			}
		})
	}
}

// pnpmTree returns npm's tree as pnpm resolves it: pnpm's built-in
// package extensions give debug an optional peer dependency on
// supports-color (the lock files list it under debug's peerDependencies),
// which pnpm resolves to the supports-color 5.4.0 that mocha, debug's
// dependent, has: "debug@3.1.0(supports-color@5.4.0)". npm, going by
// debug's own package.json, has no such edge.
func pnpmTree(tree map[string]installed) map[string]installed {
	out := maps.Clone(tree)
	debug := out["./node_modules/debug"]
	debug.deps = append(slices.Clone(debug.deps), "supports-color@5.4.0")
	out["./node_modules/debug"] = debug
	return out
}

// TestVulnerableVersions checks that the artefacts hold the vulnerable
// versions the matcher tests rely on, under the right package URLs.
func TestVulnerableVersions(t *testing.T) {
	res, err := ParseNPMLock(context.Background(), bytes.NewReader(readFile(t, "testdata/npm/v3/package-lock.json")))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]model.Package{}
	for _, p := range res.Packages {
		got[p.PURL] = p
	}
	for _, want := range []model.Package{
		// GHSA-fvqr-27wr-82fm, GHSA-jf85-cpcp-j695, ... (fixed 4.17.5 .. 4.17.21)
		{Name: "lodash", Version: "4.17.4", Relation: model.RelationDirect, PURL: "pkg:npm/lodash@4.17.4"},
		// GHSA-vh95-rmgr-6w4m (fixed 1.2.3), GHSA-xvch-5gv4-984h (fixed 1.2.6)
		{Name: "minimist", Version: "1.2.0", Relation: model.RelationDirect, PURL: "pkg:npm/minimist@1.2.0"},
		// Through the alias old-minimist: reported under the real name.
		{Name: "minimist", Version: "0.0.10", Relation: model.RelationDirect, PURL: "pkg:npm/minimist@0.0.10"},
		// mocha → mkdirp → minimist 0.0.8, a dev dependency.
		{Name: "minimist", Version: "0.0.8", Relation: model.RelationIndirect, Dev: true, PURL: "pkg:npm/minimist@0.0.8"},
		// GHSA-f8q6-p94x-37v3 (fixed 3.0.5)
		{Name: "minimatch", Version: "3.0.4", Relation: model.RelationIndirect, Dev: true, PURL: "pkg:npm/minimatch@3.0.4"},
		{Name: "@sindresorhus/slugify", Version: "1.1.0", Relation: model.RelationDirect, PURL: "pkg:npm/%40sindresorhus/slugify@1.1.0"},
	} {
		p, ok := got[want.PURL]
		if !ok {
			t.Errorf("%s not found", want.PURL)
			continue
		}
		if p.Name != want.Name || p.Version != want.Version || p.Relation != want.Relation || p.Dev != want.Dev {
			t.Errorf("%s = %+v; want %+v", want.PURL, p, want)
		}
	}
}

// TestRequired checks which paths each extractor asks for.
func TestRequired(t *testing.T) {
	npm, yarn, pnpm, nm := NewNPMLock(), NewYarnLock(), NewPNPMLock(), NewNodeModules()
	tests := []struct {
		path string
		want extract.Extractor // nil: none
	}{
		{"app/package-lock.json", npm},
		{"package-lock.json", npm},
		{"srv/npm-shrinkwrap.json", npm},
		{"app/node_modules/.package-lock.json", nil},
		{"app/node_modules/foo/package-lock.json", nil},
		{"app/node_modules/foo/npm-shrinkwrap.json", nil},
		{"app/yarn.lock", yarn},
		{"yarn.lock", yarn},
		{"app/node_modules/foo/yarn.lock", nil},
		{"app/pnpm-lock.yaml", pnpm},
		{"app/node_modules/.pnpm/lock.yaml", nil},
		{"app/node_modules/foo/pnpm-lock.yaml", nil},
		{"app/mypackage-lock.json", nil},
		{"app/yarn.lock.bak", nil},
		{"app/package.json", nil},
		{"package.json", nil},
		{"node_modules/package.json", nil},
		{"node_modules/lodash/package.json", nm},
		{"usr/lib/node_modules/npm/package.json", nm},
		{"usr/lib/node_modules/npm/node_modules/@npmcli/arborist/package.json", nm},
		{"app/node_modules/@sindresorhus/slugify/package.json", nm},
		{"app/node_modules/mocha/node_modules/escape-string-regexp/package.json", nm},
		{"app/node_modules/a/node_modules/@s/b/node_modules/c/package.json", nm},
		{"app/node_modules/.pnpm/debug@3.1.0_supports-color@5.4.0/node_modules/debug/package.json", nm},
		{"app/node_modules/.pnpm/@sindresorhus+slugify@1.1.0/node_modules/@sindresorhus/slugify/package.json", nm},
		{"app/node_modules/.pnpm/node_modules/debug/package.json", nil},
		{"app/node_modules/.pnpm/debug@3.1.0/package.json", nil},
		{"app/node_modules/@scope/package.json", nil},
		{"app/node_modules/lodash/lib/package.json", nil},
		{"app/node_modules/resolve/test/resolver/node_modules/foo/package.json", nil},
		{"app/node_modules/.bin/package.json", nil},
		{"app/node_modules/.cache/x/package.json", nil},
		{"app/node_modules/@scope/.hidden/package.json", nil},
		{"app/my_node_modules/foo/package.json", nil},
		{"app/my_node_modules/node_modules/foo/package.json", nm},
		{"app/node_modules/foo/package.json.orig", nil},
		{"app/node_modules//package.json", nil},
	}
	all := []extract.Extractor{npm, yarn, pnpm, nm}
	for _, tt := range tests {
		for _, e := range all {
			want := e == tt.want
			if got := e.Required(tt.path, nil); got != want {
				t.Errorf("%s.Required(%q) = %v; want %v", e.Name(), tt.path, got, want)
			}
		}
	}
}

// TestExtract runs each extractor through the Extractor interface.
func TestExtract(t *testing.T) {
	// version is part of the layer cache key: bumped with each change of
	// output (2: DependsOn).
	tests := []struct {
		e       extract.Extractor
		version int
		path    string
		file    string
		want    int
	}{
		{NewNPMLock(), 2, "srv/app/package-lock.json", "testdata/npm/v3/package-lock.json", 34},
		{NewYarnLock(), 2, "srv/app/yarn.lock", "testdata/yarn/v1/yarn.lock", 35},
		{NewYarnLock(), 2, "srv/app/yarn.lock", "testdata/yarn/berry/yarn.lock", 35},
		{NewPNPMLock(), 2, "srv/app/pnpm-lock.yaml", "testdata/pnpm/v9/pnpm-lock.yaml", 34},
		{NewNodeModules(), 1, "srv/app/node_modules/lodash/package.json", "testdata/nodemodules/node_modules/lodash/package.json", 1},
	}
	for _, tt := range tests {
		t.Run(tt.e.Name()+" "+tt.file, func(t *testing.T) {
			if tt.e.Version() != tt.version || !tt.e.Required(tt.path, nil) {
				t.Fatalf("version %d, required %v", tt.e.Version(), tt.e.Required(tt.path, nil))
			}
			res, err := tt.e.Extract(context.Background(), input(tt.path, readFile(t, tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Packages) != tt.want {
				t.Errorf("%d packages; want %d", len(res.Packages), tt.want)
			}
			for _, p := range res.Packages {
				if diff := cmp.Diff([]model.Location{{Path: tt.path}}, p.Locations); diff != "" {
					t.Errorf("%s locations:\n%s", p.Name, diff)
				}
				if p.Type != model.TypeNPM || p.Ecosystem != model.EcoNPM || p.PURL == "" {
					t.Errorf("%s: type %q, ecosystem %q, purl %q", p.Name, p.Type, p.Ecosystem, p.PURL)
				}
			}
		})
	}
}
