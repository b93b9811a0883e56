// Package extracttest holds test helpers shared by the extractor packages.
package extracttest

import (
	"slices"
	"testing"

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
