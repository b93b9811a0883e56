package javascript

import (
	"bytes"
	"context"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/purl"
)

// installedFiles runs the node_modules extractor over every file under
// root that it asks for, and returns the packages by the package folder
// relative to root ("node_modules/mocha").
func installedFiles(t *testing.T, root string) map[string]model.Package {
	t.Helper()
	e := NewNodeModules()
	out := map[string]model.Package{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if !e.Required(rel, nil) {
			return nil
		}
		res, err := e.Extract(context.Background(), input(rel, readFile(t, p)))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			return nil
		}
		if len(res.Packages) != 1 || len(res.Warnings) > 0 {
			t.Errorf("%s: %d packages, warnings %q", rel, len(res.Packages), res.Warnings)
			return nil
		}
		out[strings.TrimSuffix(rel, "/package.json")] = res.Packages[0]
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestNodeModulesAgainstNPM reads the package.json files npm installed and
// compares them, folder by folder, with npm ls.
func TestNodeModulesAgainstNPM(t *testing.T) {
	tree := npmTree(t)
	want := map[string]model.Package{}
	for path, in := range tree {
		dir := strings.TrimPrefix(path, "./")
		p := model.Package{
			Name: in.name, Version: in.version, Type: model.TypeNPM, Ecosystem: model.EcoNPM,
			Licenses:  in.licenses,
			Locations: []model.Location{{Path: dir + "/package.json"}},
		}
		p.PURL = purl.For(p, nil)
		want[dir] = p
	}
	got := installedFiles(t, "testdata/nodemodules")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("packages by folder (-npm ls +extracted):\n%s", diff)
	}
}

// TestNodeModulesPNPMStore reads pnpm's isolated layout
// (node_modules/.pnpm/<id>/node_modules/<name>): one package per store
// entry, the same name@version set as npm's tree.
func TestNodeModulesPNPMStore(t *testing.T) {
	var want []string
	seen := map[string]bool{}
	for _, in := range npmTree(t) {
		if id := in.name + "@" + in.version; !seen[id] {
			seen[id] = true
			want = append(want, id)
		}
	}
	sort.Strings(want)
	var got []model.Package
	for _, p := range installedFiles(t, "testdata/pnpmstore") {
		got = append(got, p)
	}
	if diff := cmp.Diff(want, names(got)); diff != "" {
		t.Errorf("name@version (-npm ls +pnpm store):\n%s", diff)
	}
}

// TestPackageJSON covers the license forms and files that are not packages.
func TestPackageJSON(t *testing.T) {
	tests := []struct {
		name, in string
		want     []model.Package
		warn     bool
	}{
		{"string license", `{"name":"a","version":"1.0.0","license":"MIT"}`,
			[]model.Package{{Name: "a", Version: "1.0.0", Licenses: []string{"MIT"}}}, false},
		{"object license", `{"name":"a","version":"1.0.0","license":{"type":"ISC","url":"http://x"}}`,
			[]model.Package{{Name: "a", Version: "1.0.0", Licenses: []string{"ISC"}}}, false},
		{"legacy licenses", `{"name":"a","version":"1.0.0","licenses":[{"type":"MIT"},{"type":"Apache-2.0"},"MIT"]}`,
			[]model.Package{{Name: "a", Version: "1.0.0", Licenses: []string{"MIT", "Apache-2.0"}}}, false},
		{"both", `{"name":"a","version":"1.0.0","license":"(MIT OR GPL-2.0)","licenses":["BSD"]}`,
			[]model.Package{{Name: "a", Version: "1.0.0", Licenses: []string{"(MIT OR GPL-2.0)", "BSD"}}}, false},
		{"odd license shapes", `{"name":"a","version":"1.0.0","license":42,"licenses":{"type":7}}`,
			[]model.Package{{Name: "a", Version: "1.0.0"}}, false},
		{"scoped", `{"name":"@s/a","version":"2.0.0-rc.1"}`,
			[]model.Package{{Name: "@s/a", Version: "2.0.0-rc.1"}}, false},
		{"no version", `{"name":"a"}`, nil, true},
		{"number version", `{"name":"a","version":1}`, nil, true},
		{"bad scope", `{"name":"@a","version":"1.0.0"}`, nil, true},
		{"space in name", `{"name":"a b","version":"1.0.0"}`, nil, true},
		{"type module stub", `{"type":"module"}`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ParsePackageJSON(context.Background(), strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			for i := range tt.want {
				p := &tt.want[i]
				p.Type, p.Ecosystem = model.TypeNPM, model.EcoNPM
				p.PURL = purl.For(*p, nil)
			}
			if diff := cmp.Diff(tt.want, res.Packages); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if (len(res.Warnings) > 0) != tt.warn {
				t.Errorf("warnings %q; want some: %v", res.Warnings, tt.warn)
			}
		})
	}
	for _, bad := range []string{``, `[]`, `"x"`, `{"name":`, "\x00\x01\x02\xff"} {
		if _, err := ParsePackageJSON(context.Background(), strings.NewReader(bad)); err == nil {
			t.Errorf("ParsePackageJSON(%q): no error", bad)
		}
	}
	big := bytes.Repeat([]byte(" "), MaxPackageJSONSize+1)
	if _, err := ParsePackageJSON(context.Background(), bytes.NewReader(big)); err == nil {
		t.Error("oversized package.json: no error")
	}
}

// TestHiddenLockFile: npm's node_modules/.package-lock.json is not read by
// lang/npm-lock (it would report the installed tree a second time), and
// lang/node-modules finds the same packages in the tree it describes.
func TestHiddenLockFile(t *testing.T) {
	const hidden = "testdata/nodemodules/node_modules/.package-lock.json"
	if NewNPMLock().Required("app/node_modules/.package-lock.json", nil) {
		t.Error("hidden lock file is required")
	}
	res, err := ParseNPMLock(context.Background(), bytes.NewReader(readFile(t, hidden)))
	if err != nil {
		t.Fatal(err)
	}
	var installed []model.Package
	seen := map[string]bool{}
	for _, p := range installedFiles(t, "testdata/nodemodules") {
		if id := p.Name + "@" + p.Version; !seen[id] {
			seen[id] = true
			installed = append(installed, p)
		}
	}
	if diff := cmp.Diff(names(res.Packages), names(installed)); diff != "" {
		t.Errorf("name@version (-hidden lock file +node_modules):\n%s", diff)
	}
}
