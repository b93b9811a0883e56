package javascript_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/extract/javascript"
	"github.com/drydockhq/drydock/pkg/model"
)

func TestParseManifest(t *testing.T) {
	data, err := os.ReadFile("testdata/project/package.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   string
		want *model.Manifest
	}{
		{"the fixture project", string(data), &model.Manifest{
			Type: model.TypeNPM,
			// old-minimist is an alias of minimist 0.0.10.
			Prod: []string{"@sindresorhus/slugify", "is-number", "lodash", "minimist"},
			Dev:  []string{"mocha", "to-regex-range"},
			Pinned: map[string][]string{
				"@sindresorhus/slugify": {"1.1.0"}, "is-number": {"7.0.0"}, "lodash": {"4.17.4"},
				"minimist": {"0.0.10", "1.2.0"}, "mocha": {"5.2.0"}, "to-regex-range": {"5.0.1"},
			},
			Workspaces: []string{"packages/*"},
		}},
		{"ranges are not pins; yarn's workspaces object", `{"dependencies": {"a": "^1.0.0", "b": "1.x", "c": "latest", "d": "1.0.0 - 2.0.0", "e": "2.0.0-rc.1"}, "workspaces": {"packages": ["./libs/*/"]}}`,
			&model.Manifest{Type: model.TypeNPM, Prod: []string{"a", "b", "c", "d", "e"},
				Pinned: map[string][]string{"e": {"2.0.0-rc.1"}}, Workspaces: []string{"libs/*"}}},
		{"prod wins over dev", `{"dependencies": {"a": "1"}, "devDependencies": {"a": "1", "b": "2"}}`,
			&model.Manifest{Type: model.TypeNPM, Prod: []string{"a"}, Dev: []string{"b"}}},
		{"bare alias, bad names skipped", `{"dependencies": {"x": "npm:left-pad", "bad name": "1", "": "1"}}`,
			&model.Manifest{Type: model.TypeNPM, Prod: []string{"left-pad"}}},
		{"no dependencies", `{"name": "lib", "version": "1.0.0"}`, nil},
		{"non-string specs", `{"dependencies": {"a": {"version": "1"}}}`, &model.Manifest{Type: model.TypeNPM, Prod: []string{"a"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := javascript.ParseManifest([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if _, err := javascript.ParseManifest([]byte(`{"dependencies": [`)); err == nil {
		t.Error("truncated JSON: no error")
	}
}

func TestManifestRequired(t *testing.T) {
	m := javascript.NewManifest()
	for p, want := range map[string]bool{
		"package.json":                            true,
		"srv/app/package.json":                    true,
		"srv/app/node_modules/x/package.json":     false,
		"node_modules/x/package.json":             false,
		"usr/share/nodejs/acorn/package.json":     false,
		"usr/lib/nodejs/npm/package.json":         false,
		"srv/app/package.json.bak":                false,
		"srv/app/other-package.json":              false,
		"srv/app/node_modules/.package-lock.json": false,
	} {
		if got := m.Required(p, nil); got != want {
			t.Errorf("Required(%q) = %v, want %v", p, got, want)
		}
	}
}

// TestYarnV1DevFromManifest: yarn 1's lock records neither dev nor direct
// dependencies. Scanned beside the package.json it was made from, its
// development-only packages are the ones npm itself marks "dev" in the
// package-lock.json it made for the same project (testdata/make.sh), and
// its direct packages are the ones the package.json files (the root's and
// its workspace member's) name.
func TestYarnV1DevFromManifest(t *testing.T) {
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	fsys := fstest.MapFS{
		"app/package.json": {Data: read("testdata/project/package.json"), Mode: 0o644},
		"app/yarn.lock":    {Data: read("testdata/yarn/v1/yarn.lock"), Mode: 0o644},
		// The workspace member: its dependencies are in the root lock.
		"app/packages/util/package.json": {Data: read("testdata/project/packages/util/package.json"), Mode: 0o644},
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, fsys); err != nil {
		t.Fatal(err)
	}
	set := extract.Set{javascript.NewYarnLock(), javascript.NewManifest()}
	linv, err := extract.WalkDir(context.Background(), dir, set, extract.WalkOptions{})
	if err != nil {
		t.Fatal(err)
	}
	inv := extract.Squash([]*model.LayerInventory{linv})

	// npm's own answer for the same project.
	npmInv := walkFile(t, javascript.NewNPMLock(), "testdata/npm/v3/package-lock.json")
	wantDev := map[string]bool{}
	for _, p := range npmInv {
		if p.Dev {
			wantDev[p.Name] = true
		}
	}
	gotDev := map[string]bool{}
	var direct []string
	for _, p := range inv.Packages {
		if p.Dev {
			gotDev[p.Name] = true
		}
		if p.Relation == model.RelationDirect {
			direct = append(direct, p.Name)
		}
		if p.Relation == "" {
			t.Errorf("%s@%s: no relation", p.Name, p.Version)
		}
	}
	if len(wantDev) == 0 {
		t.Fatal("npm marks nothing dev: the fixture changed")
	}
	if diff := cmp.Diff(wantDev, gotDev); diff != "" {
		t.Errorf("dev packages, npm's (-) vs derived for yarn 1 (+):\n%s", diff)
	}
	slices.Sort(direct)
	if diff := cmp.Diff([]string{"@sindresorhus/slugify", "is-number", "lodash", "minimist", "minimist", "mocha", "ms", "to-regex-range"}, direct); diff != "" {
		t.Errorf("direct (-want +got):\n%s", diff)
	}
}

// walkFile runs e on one file and returns its packages.
func walkFile(t *testing.T, e extract.Extractor, path string) []model.Package {
	t.Helper()
	dir := t.TempDir()
	dst := filepath.Join(dir, filepath.Base(path))
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
	linv, err := extract.WalkDir(context.Background(), dir, extract.Set{e}, extract.WalkOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return extract.Squash([]*model.LayerInventory{linv}).Packages
}
