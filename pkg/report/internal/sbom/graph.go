package sbom

import (
	"slices"

	"github.com/drydockhq/drydock/pkg/model"
)

// Edges resolves the dependency graph of pkgs: for each package (by index),
// the indices of the packages its DependsOn purls name. A purl resolves to
// the package with that purl found in the same file (first location), else
// to the only package in pkgs with that purl; a purl that matches nothing,
// or several packages none of them in the same file, is left out. The
// result follows the order of each package's DependsOn, without repeats.
func Edges(pkgs []model.Package) [][]int {
	type fileKey struct{ path, purl string }
	byFile := map[fileKey]int{}
	byPURL := map[string][]int{}
	hasDeps := false
	for i := range pkgs {
		p := &pkgs[i]
		hasDeps = hasDeps || len(p.DependsOn) > 0
		if p.PURL == "" {
			continue
		}
		k := fileKey{firstPath(p), p.PURL}
		if _, dup := byFile[k]; !dup {
			byFile[k] = i
		}
		byPURL[p.PURL] = append(byPURL[p.PURL], i)
	}
	if !hasDeps {
		return nil
	}
	edges := make([][]int, len(pkgs))
	for i := range pkgs {
		p := &pkgs[i]
		seen := map[int]bool{}
		for _, d := range p.DependsOn {
			j, ok := byFile[fileKey{firstPath(p), d}]
			if !ok {
				if c := byPURL[d]; len(c) == 1 {
					j, ok = c[0], true
				}
			}
			if ok && j != i && !seen[j] {
				seen[j] = true
				edges[i] = append(edges[i], j)
			}
		}
	}
	return edges
}

func firstPath(p *model.Package) string {
	if len(p.Locations) == 0 {
		return ""
	}
	return p.Locations[0].Path
}

// AddDependsOn adds purls to a DependsOn list, keeping it sorted and unique.
func AddDependsOn(list []string, purls ...string) []string {
	if len(purls) == 0 {
		return list
	}
	list = append(list, purls...)
	slices.Sort(list)
	return slices.Compact(list)
}
