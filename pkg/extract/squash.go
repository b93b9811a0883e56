package extract

import (
	"cmp"
	"slices"
	"strings"

	"github.com/drydockhq/drydock/pkg/model"
)

// releaseFiles is the precedence of OS release files when several are present.
var releaseFiles = []string{"etc/os-release", "usr/lib/os-release"}

// Squash merges per-layer inventories (base first) into the view a container
// started from the image would see: a file's result counts only if no upper
// layer replaces it, deletes it (whiteout) or hides its directory (opaque
// whiteout). Each package is attributed to the lowest layer from which it has
// been present, unchanged, in its database file.
func Squash(layers []*model.LayerInventory) model.Inventory {
	var inv model.Inventory
	var osCands []*model.FileResult
	docLicenses := map[string][]string{}
	for i, l := range layers {
		for fi := range l.Files {
			f := &l.Files[fi]
			if !visible(layers, i, f.Path, f.Extractor) {
				continue
			}
			if f.OS != nil {
				osCands = append(osCands, f)
			}
			if len(f.Licenses) > 0 {
				docLicenses[f.Path] = f.Licenses
			}
			for _, p := range f.Packages {
				p.Locations = slices.Clone(p.Locations)
				intro := introduced(layers, i, f, &p)
				for k := range p.Locations {
					p.Locations[k].Layer = layers[intro].DiffID
					p.Locations[k].LayerIndex = intro
				}
				inv.Packages = append(inv.Packages, p)
			}
		}
	}
	if len(osCands) > 0 {
		slices.SortStableFunc(osCands, func(a, b *model.FileResult) int {
			return cmp.Compare(releaseRank(a.Path), releaseRank(b.Path))
		})
		osr := *osCands[0].OS
		inv.OS = &osr
	}
	for i := range inv.Packages {
		p := &inv.Packages[i]
		if p.Type == model.TypeDeb && len(p.Licenses) == 0 {
			p.Licenses = docLicenses[DebianCopyrightPath(p.Name)]
		}
	}
	slices.SortFunc(inv.Packages, ComparePackages)
	return inv
}

// DebianCopyrightPath is where a Debian package documents its licences:
// usr/share/doc/NAME/copyright (NAME without an ":arch" qualifier).
func DebianCopyrightPath(name string) string {
	name, _, _ = strings.Cut(name, ":")
	return "usr/share/doc/" + name + "/copyright"
}

// ComparePackages orders packages by type, name, version and first location.
func ComparePackages(a, b model.Package) int {
	if c := cmp.Compare(a.Type, b.Type); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Version, b.Version); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Arch, b.Arch); c != 0 {
		return c
	}
	return cmp.Compare(firstPath(a), firstPath(b))
}

func firstPath(p model.Package) string {
	if len(p.Locations) == 0 {
		return ""
	}
	return p.Locations[0].Path
}

func releaseRank(p string) int {
	if i := slices.Index(releaseFiles, p); i >= 0 {
		return i
	}
	return len(releaseFiles)
}

// visible reports whether the file at path, as layer i has it, survives the
// layers above i.
func visible(layers []*model.LayerInventory, i int, p, extractor string) bool {
	for _, up := range layers[i+1:] {
		if hasFile(up, p, extractor) || deletes(up, p) {
			return false
		}
	}
	return true
}

// deletes reports whether layer l removes or hides p from the layers below.
func deletes(l *model.LayerInventory, p string) bool {
	for _, w := range l.Whiteouts {
		if w == p || strings.HasPrefix(p, w+"/") {
			return true
		}
	}
	for _, d := range l.OpaqueDirs {
		if d == "" || strings.HasPrefix(p, d+"/") {
			return true
		}
	}
	return false
}

func findFile(l *model.LayerInventory, p, extractor string) *model.FileResult {
	for i := range l.Files {
		if f := &l.Files[i]; f.Path == p && f.Extractor == extractor {
			return f
		}
	}
	return nil
}

func hasFile(l *model.LayerInventory, p, extractor string) bool {
	return findFile(l, p, extractor) != nil
}

// introduced returns the index of the lowest layer from which pkg has been in
// the file continuously up to layer top.
func introduced(layers []*model.LayerInventory, top int, f *model.FileResult, pkg *model.Package) int {
	intro := top
	for j := top - 1; j >= 0; j-- {
		l := layers[j]
		if g := findFile(l, f.Path, f.Extractor); g != nil {
			if !slices.ContainsFunc(g.Packages, func(q model.Package) bool { return samePackage(&q, pkg) }) {
				break
			}
			intro = j
		}
		if deletes(l, f.Path) {
			// The file below j was deleted by j: nothing further down counts.
			break
		}
	}
	return intro
}

func samePackage(a, b *model.Package) bool {
	return a.Name == b.Name && a.Version == b.Version && a.Arch == b.Arch && a.Type == b.Type
}
