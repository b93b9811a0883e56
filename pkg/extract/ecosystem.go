package extract

import (
	"strings"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/purl"
)

// osIDForType is the distribution assumed for OS packages when the image has
// no release file.
var osIDForType = map[model.PackageType]string{
	model.TypeDeb: "debian",
	model.TypeAPK: "alpine",
}

// Finalize completes a squashed inventory: it marks distroless images, gives
// OS packages their release-scoped ecosystem and every package its purl.
func Finalize(inv *model.Inventory) {
	for _, p := range inv.Packages {
		if p.Type == model.TypeDeb && len(p.Locations) > 0 && strings.HasPrefix(p.Locations[0].Path, "var/lib/dpkg/status.d/") {
			if inv.OS == nil {
				inv.OS = &model.OSRelease{ID: "debian"}
			}
			inv.OS.Distroless = true
			break
		}
	}
	eco := model.OSEcosystem(inv.OS)
	for i := range inv.Packages {
		p := &inv.Packages[i]
		if p.Ecosystem != "" {
			continue
		}
		switch p.Type {
		case model.TypeDeb, model.TypeAPK, model.TypeRPM:
			if inv.OS != nil && model.OSHasType(inv.OS.ID, p.Type) {
				p.Ecosystem = eco
			} else if id := osIDForType[p.Type]; id != "" {
				p.Ecosystem = model.OSEcosystem(&model.OSRelease{ID: id})
			}
		}
	}
	// OS package extractors cannot know the distro qualifier of the purls
	// they name in DependsOn: they write ProvisionalPURLs, rewritten here
	// once the release is known.
	finals := map[purlKey]string{}
	for i := range inv.Packages {
		if p := &inv.Packages[i]; p.PURL == "" {
			k := purlKey{packagePath(p), ProvisionalPURL(p)}
			p.PURL = purl.For(*p, inv.OS)
			finals[k] = p.PURL
		}
	}
	if len(finals) == 0 {
		return
	}
	for i := range inv.Packages {
		p := &inv.Packages[i]
		changed := false
		for j, d := range p.DependsOn {
			if f, ok := finals[purlKey{packagePath(p), d}]; ok && f != d {
				p.DependsOn[j], changed = f, true
			}
		}
		if changed {
			p.DependsOn = DependsOn(p.DependsOn)
		}
	}
}

// purlKey names a package by its file and a purl.
type purlKey struct{ path, purl string }

// ProvisionalPURL is the purl an OS package extractor names a package of
// its file by in DependsOn: the package's purl without the release, which
// Finalize replaces with the final one.
func ProvisionalPURL(p *model.Package) string {
	return purl.For(model.Package{Name: p.Name, Version: p.Version, Type: p.Type, Arch: p.Arch, Source: p.Source}, nil)
}

// packagePath is the file a package was found in ("" if none).
func packagePath(p *model.Package) string {
	if len(p.Locations) == 0 {
		return ""
	}
	return p.Locations[0].Path
}

// LinkPackages sets each package's DependsOn from the packages of the
// same file it requires: targets[i] are indices into pkgs (i itself and
// repeats are ignored), named by their ProvisionalPURL. OS package
// extractors use it once they have resolved names and provides.
func LinkPackages(pkgs []model.Package, targets [][]int) {
	purlOf := make([]string, len(pkgs)) // computed once per package
	for i, ts := range targets {
		var purls []string
		for _, j := range ts {
			if j == i || j < 0 || j >= len(pkgs) {
				continue
			}
			if purlOf[j] == "" {
				purlOf[j] = ProvisionalPURL(&pkgs[j])
			}
			purls = append(purls, purlOf[j])
		}
		pkgs[i].DependsOn = DependsOn(purls)
	}
}
