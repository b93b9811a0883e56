package extract

import (
	"slices"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/purl"
)

// LanguagePackage returns a package of language type t with its OSV
// ecosystem and package URL set.
func LanguagePackage(t model.PackageType, name, version string) model.Package {
	p := model.Package{Name: name, Version: version, Type: t, Ecosystem: model.LanguageEcosystem(t)}
	p.PURL = purl.For(p, nil)
	return p
}

// Locate sets the location of every package of r to the file at p and
// returns r.
func (r *Result) Locate(p string) *Result {
	for i := range r.Packages {
		r.Packages[i].Locations = []model.Location{{Path: p}}
	}
	return r
}

// DependsOn returns purls sorted and without duplicates, for
// model.Package.DependsOn; nil when there are none. Extractors that read a
// resolved dependency graph name each dependency by the purl its own
// package gets (LanguagePackage(t, name, version).PURL).
func DependsOn(purls []string) []string {
	if len(purls) == 0 {
		return nil
	}
	out := slices.Clone(purls)
	slices.Sort(out)
	return slices.Compact(out)
}
