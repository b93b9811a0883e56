// Package extracttest holds test helpers shared by the extractor packages.
package extracttest

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

// Graph returns the DependsOn of every package, by purl.
func Graph(pkgs []model.Package) map[string][]string {
	out := map[string][]string{}
	for _, p := range pkgs {
		out[p.PURL] = p.DependsOn
	}
	return out
}

// CheckDependsOn reports DependsOn entries of pkgs (the packages of one
// file) that are not sorted and unique, or that name no other package of
// the file, and returns the number of edges.
func CheckDependsOn(t testing.TB, file string, pkgs []model.Package) int {
	t.Helper()
	purls := map[string]bool{}
	for _, p := range pkgs {
		purls[p.PURL] = true
	}
	n := 0
	for _, p := range pkgs {
		if !slices.IsSorted(p.DependsOn) || len(slices.Compact(slices.Clone(p.DependsOn))) != len(p.DependsOn) {
			t.Errorf("%s: %s: DependsOn not sorted and unique: %q", file, p.PURL, p.DependsOn)
		}
		for _, d := range p.DependsOn {
			if !purls[d] || d == p.PURL {
				t.Errorf("%s: %s: DependsOn %q is not another package of the file", file, p.PURL, d)
			}
		}
		n += len(p.DependsOn)
	}
	return n
}

// CheckTestdataDependsOn runs each extractor of set on every file under
// dir it asks for and checks every result with CheckDependsOn. It fails
// the test when fewer than minFiles files were read or no edge was found.
func CheckTestdataDependsOn(t *testing.T, dir string, set extract.Set, minFiles int) {
	t.Helper()
	files, edges := 0, 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		slash := filepath.ToSlash(p)
		var data []byte
		for _, e := range set {
			if !e.Required(slash, info) {
				continue
			}
			if data == nil {
				if data, err = os.ReadFile(p); err != nil {
					return err
				}
			}
			res, err := e.Extract(context.Background(), extract.NewInput(slash, info, bytes.NewReader(data), nil))
			if err != nil {
				t.Errorf("%s %s: %v", e.Name(), p, err)
				continue
			}
			files++
			edges += CheckDependsOn(t, p, res.Packages)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d files, %d edges", files, edges)
	if files < minFiles || edges == 0 {
		t.Errorf("%d files with %d edges read", files, edges)
	}
}
