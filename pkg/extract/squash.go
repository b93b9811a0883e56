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
	manifests := map[string]*model.Manifest{}
	st := newStack(layers)
	for i, l := range layers {
		for fi := range l.Files {
			f := &l.Files[fi]
			if !st.visible(i, f.Path, f.Extractor) {
				continue
			}
			if f.OS != nil {
				osCands = append(osCands, f)
			}
			if len(f.Licenses) > 0 {
				docLicenses[f.Path] = f.Licenses
			}
			if f.Manifest != nil {
				manifests[f.Path] = f.Manifest
			}
			for _, p := range f.Packages {
				p.Locations = slices.Clone(p.Locations)
				intro := st.introduced(i, f, &p)
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
	applyManifests(inv.Packages, manifests)
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

// stack indexes a list of layer inventories (base first) so that the
// questions squashing asks — does an upper layer have this file, does it
// delete this path — take a few map look-ups instead of scans of every
// upper layer's files and whiteouts.
type stack struct {
	layers []*model.LayerInventory
	files  []map[fileKey]*model.FileResult
	// whiteouts[j] and opaque[j] hold layer j's whiteout paths and opaque
	// directories; opaqueRoot[j] is set when layer j hides the whole lower
	// tree.
	whiteouts, opaque []map[string]bool
	opaqueRoot        []bool
	// pkgs caches, per file result, the set of packages it lists.
	pkgs map[*model.FileResult]map[packageKey]bool
}

type fileKey struct{ path, extractor string }

type packageKey struct{ typ, name, version, arch string }

func keyOf(p *model.Package) packageKey {
	return packageKey{string(p.Type), p.Name, p.Version, p.Arch}
}

func newStack(layers []*model.LayerInventory) *stack {
	s := &stack{
		layers:     layers,
		files:      make([]map[fileKey]*model.FileResult, len(layers)),
		whiteouts:  make([]map[string]bool, len(layers)),
		opaque:     make([]map[string]bool, len(layers)),
		opaqueRoot: make([]bool, len(layers)),
		pkgs:       map[*model.FileResult]map[packageKey]bool{},
	}
	for j, l := range layers {
		s.files[j] = make(map[fileKey]*model.FileResult, len(l.Files))
		for fi := range l.Files {
			f := &l.Files[fi]
			k := fileKey{f.Path, f.Extractor}
			if _, dup := s.files[j][k]; !dup {
				s.files[j][k] = f
			}
		}
		if len(l.Whiteouts) > 0 {
			s.whiteouts[j] = make(map[string]bool, len(l.Whiteouts))
			for _, w := range l.Whiteouts {
				s.whiteouts[j][w] = true
			}
		}
		for _, d := range l.OpaqueDirs {
			if d == "" {
				s.opaqueRoot[j] = true
				continue
			}
			if s.opaque[j] == nil {
				s.opaque[j] = map[string]bool{}
			}
			s.opaque[j][d] = true
		}
	}
	return s
}

// visible reports whether the file at path, as layer i has it, survives the
// layers above i.
func (s *stack) visible(i int, p, extractor string) bool {
	for j := i + 1; j < len(s.layers); j++ {
		if s.files[j][fileKey{p, extractor}] != nil || s.deletes(j, p) {
			return false
		}
	}
	return true
}

// deletes reports whether layer j removes p, or a directory above it, from
// the layers below, or hides one of those directories.
func (s *stack) deletes(j int, p string) bool {
	if s.opaqueRoot[j] {
		return true
	}
	wh, op := s.whiteouts[j], s.opaque[j]
	if wh == nil && op == nil {
		return false
	}
	if wh[p] {
		return true
	}
	for d := p; ; {
		i := strings.LastIndexByte(d, '/')
		if i < 0 {
			return false
		}
		d = d[:i]
		if wh[d] || op[d] {
			return true
		}
	}
}

// introduced returns the index of the lowest layer from which pkg has been in
// the file continuously up to layer top.
func (s *stack) introduced(top int, f *model.FileResult, pkg *model.Package) int {
	intro := top
	k := keyOf(pkg)
	for j := top - 1; j >= 0; j-- {
		if g := s.files[j][fileKey{f.Path, f.Extractor}]; g != nil {
			if !s.packages(g)[k] {
				break
			}
			intro = j
		}
		if s.deletes(j, f.Path) {
			// The file below j was deleted by j: nothing further down counts.
			break
		}
	}
	return intro
}

// packages returns the set of packages f lists.
func (s *stack) packages(f *model.FileResult) map[packageKey]bool {
	set, ok := s.pkgs[f]
	if !ok {
		set = make(map[packageKey]bool, len(f.Packages))
		for i := range f.Packages {
			set[keyOf(&f.Packages[i])] = true
		}
		s.pkgs[f] = set
	}
	return set
}
