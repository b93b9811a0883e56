// Package sbom holds what the CycloneDX and SPDX encoders share: the order
// and identity of packages, the drydock properties that carry a package's
// fields through an SBOM (CycloneDX properties, SPDX annotations), and the
// choice of the OS when reading an SBOM back.
package sbom

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/purl"
)

// Property names. Location properties are numbered:
// "drydock:location:0:path", "drydock:location:0:layer", ...
const (
	PropPackageType          = "drydock:package:type"
	PropPackageEcosystem     = "drydock:package:ecosystem"
	PropPackageArch          = "drydock:package:arch"
	PropPackageSourceName    = "drydock:package:source-name"
	PropPackageSourceVersion = "drydock:package:source-version"
	PropPackageFoundBy       = "drydock:package:found-by"
	PropLocationPrefix       = "drydock:location:"

	// Location fields: drydock:location:<n>:<field>.
	LocPath       = "path"
	LocLayer      = "layer"
	LocLayerIndex = "layer-index"

	PropImageRepoTag  = "drydock:image:repo-tag"
	PropImageID       = "drydock:image:id"
	PropImagePlatform = "drydock:image:platform"

	PropOSCodename   = "drydock:os:codename"
	PropOSDistroless = "drydock:os:distroless"
	PropOSPath       = "drydock:os:path"
)

// Property is a name-value pair.
type Property struct {
	Name, Value string
}

// Properties is a list of properties; names may repeat.
type Properties []Property

// Add appends a property unless value is empty.
func (ps *Properties) Add(name, value string) {
	if value != "" {
		*ps = append(*ps, Property{Name: name, Value: value})
	}
}

// Get returns the value of the first property with one of the names, or "".
func (ps Properties) Get(names ...string) string {
	for _, name := range names {
		for _, p := range ps {
			if p.Name == name {
				return p.Value
			}
		}
	}
	return ""
}

// All returns the values of the properties named name.
func (ps Properties) All(name string) []string {
	var out []string
	for _, p := range ps {
		if p.Name == name {
			out = append(out, p.Value)
		}
	}
	return out
}

// Identity is the content of p that tells packages apart: the same package
// found at two paths has two identities.
func Identity(p *model.Package) string {
	var b strings.Builder
	for _, s := range []string{string(p.Type), p.Name, p.Version, p.PURL, p.Arch} {
		b.WriteString(s)
		b.WriteByte(0)
	}
	for _, l := range p.Locations {
		b.WriteString(l.Path)
		b.WriteByte(0)
		b.WriteString(string(l.Layer))
		b.WriteByte(0)
	}
	return b.String()
}

// ID is a short stable hash of p's identity (16 hex digits).
func ID(p *model.Package) string {
	sum := sha256.Sum256([]byte(Identity(p)))
	return hex.EncodeToString(sum[:8])
}

// Sorted returns a copy of pkgs in the order SBOMs list them: by type,
// name, version, then identity.
func Sorted(pkgs []model.Package) []model.Package {
	out := slices.Clone(pkgs)
	slices.SortStableFunc(out, func(a, b model.Package) int {
		return cmp.Or(
			cmp.Compare(a.Type, b.Type),
			cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.Version, b.Version),
			cmp.Compare(Identity(&a), Identity(&b)),
		)
	})
	return out
}

// PackageProperties lists the drydock properties of p.
func PackageProperties(p *model.Package) Properties {
	var ps Properties
	ps.Add(PropPackageType, string(p.Type))
	ps.Add(PropPackageEcosystem, string(p.Ecosystem))
	ps.Add(PropPackageArch, p.Arch)
	if p.Source != nil {
		ps.Add(PropPackageSourceName, p.Source.Name)
		ps.Add(PropPackageSourceVersion, p.Source.Version)
	}
	ps.Add(PropPackageFoundBy, p.FoundBy)
	for i, l := range p.Locations {
		prefix := PropLocationPrefix + strconv.Itoa(i) + ":"
		ps.Add(prefix+LocPath, l.Path)
		if l.Layer != "" {
			ps.Add(prefix+LocLayer, string(l.Layer))
			ps.Add(prefix+LocLayerIndex, strconv.Itoa(l.LayerIndex))
		}
	}
	return ps
}

// ApplyPackageProperties sets p's Type, Ecosystem, Arch, Source, FoundBy
// and Locations from drydock properties, when there are (a
// PropPackageType), and reports whether there were. Written by drydock,
// they say everything: fields they leave out are cleared.
func ApplyPackageProperties(p *model.Package, ps Properties) bool {
	t := ps.Get(PropPackageType)
	if t == "" {
		return false
	}
	p.Type = model.PackageType(t)
	p.Ecosystem = model.Ecosystem(ps.Get(PropPackageEcosystem))
	p.Arch = ps.Get(PropPackageArch)
	p.Source = nil
	if name := ps.Get(PropPackageSourceName); name != "" {
		p.Source = &model.SourcePackage{Name: name, Version: ps.Get(PropPackageSourceVersion)}
	}
	p.FoundBy = ps.Get(PropPackageFoundBy)
	p.Locations = Locations(ps, PropLocationPrefix, LocPath, LocLayer, LocLayerIndex)
	return true
}

// Locations reads numbered location properties, <prefix><n>:<field>, in
// order of n. An empty indexField means layer indexes are not recorded.
// Paths lose their leading slash (syft writes absolute paths; drydock's are
// relative to the root).
func Locations(ps Properties, prefix, pathField, layerField, indexField string) []model.Location {
	byIndex := map[int]*model.Location{}
	for _, p := range ps {
		rest, ok := strings.CutPrefix(p.Name, prefix)
		if !ok {
			continue
		}
		ns, field, ok := strings.Cut(rest, ":")
		n, err := strconv.Atoi(ns)
		if !ok || err != nil || n < 0 {
			continue
		}
		l := byIndex[n]
		if l == nil {
			l = &model.Location{}
			byIndex[n] = l
		}
		switch {
		case field == pathField:
			l.Path = strings.TrimLeft(p.Value, "/")
		case field == layerField:
			l.Layer = model.Digest(p.Value)
		case field == indexField && indexField != "":
			l.LayerIndex, _ = strconv.Atoi(p.Value)
		}
	}
	keys := make([]int, 0, len(byIndex))
	for n := range byIndex {
		keys = append(keys, n)
	}
	slices.Sort(keys)
	var out []model.Location
	for _, n := range keys {
		if l := byIndex[n]; l.Path != "" || l.Layer != "" {
			out = append(out, *l)
		}
	}
	return out
}

// ImageProperties lists the drydock properties of an image artifact.
func ImageProperties(a *model.Artifact) Properties {
	var ps Properties
	for _, t := range a.RepoTags {
		ps.Add(PropImageRepoTag, t)
	}
	ps.Add(PropImageID, string(a.ImageID))
	ps.Add(PropImagePlatform, a.Platform)
	return ps
}

// ApplyImageProperties sets a's RepoTags, ImageID and Platform from drydock
// properties present in ps.
func ApplyImageProperties(a *model.Artifact, ps Properties) {
	a.RepoTags = append(a.RepoTags, ps.All(PropImageRepoTag)...)
	if v := ps.Get(PropImageID); v != "" {
		a.ImageID = model.Digest(v)
	}
	if v := ps.Get(PropImagePlatform); v != "" {
		a.Platform = v
	}
}

// OSProperties lists the drydock properties of an OS release beyond its ID,
// version and pretty name.
func OSProperties(os *model.OSRelease) Properties {
	var ps Properties
	ps.Add(PropOSCodename, os.Codename)
	if os.Distroless {
		ps.Add(PropOSDistroless, "true")
	}
	ps.Add(PropOSPath, os.Path)
	return ps
}

// ApplyOSProperties sets os's Codename, Distroless and Path from drydock
// properties present in ps.
func ApplyOSProperties(os *model.OSRelease, ps Properties) {
	if v := ps.Get(PropOSCodename); v != "" {
		os.Codename = v
	}
	os.Distroless = os.Distroless || ps.Get(PropOSDistroless) == "true"
	if v := ps.Get(PropOSPath); v != "" {
		os.Path = v
	}
}

// Decoded is one package read from an SBOM, with what the OS choice needs.
type Decoded struct {
	Package model.Package
	// Ours is true when drydock properties gave the package's fields.
	Ours bool
	// Distro is the distribution named by the package's purl, if any.
	Distro *model.OSRelease
}

// Inventory assembles the inventory of a decoded SBOM. The OS is the one
// the document declares (docOS, may be nil; its VersionID is completed from
// the packages' distro qualifiers when it lacks one), or else the
// distribution that all packages with a distro qualifier agree on. OS
// packages whose ecosystem has no release get the OS's, unless drydock
// properties gave them theirs.
func Inventory(docOS *model.OSRelease, pkgs []Decoded) model.Inventory {
	var agreed *model.OSRelease
	for _, d := range pkgs {
		o := d.Distro
		if o == nil {
			continue
		}
		if agreed == nil {
			agreed = &model.OSRelease{ID: o.ID, VersionID: o.VersionID}
		} else if o.ID != agreed.ID || o.VersionID != agreed.VersionID {
			agreed = nil
			break
		}
	}
	osr := docOS
	if osr == nil {
		osr = agreed
	} else if osr.VersionID == "" && agreed != nil && agreed.ID == osr.ID {
		osr.VersionID = agreed.VersionID
	}

	inv := model.Inventory{OS: osr, Packages: make([]model.Package, 0, len(pkgs))}
	for _, d := range pkgs {
		p := d.Package
		if osr != nil && !d.Ours && p.Ecosystem.Release() == "" {
			eco := purl.Ecosystem(p.Type, osr)
			if eco != "" && (p.Ecosystem == "" || p.Ecosystem.Base() == eco.Base()) {
				p.Ecosystem = eco
			}
		}
		inv.Packages = append(inv.Packages, p)
	}
	return inv
}

// Complete fills in what a third-party SBOM package lacks once its purl has
// been read: the component's own spelling of the name (purls lower-case Go
// module paths, for one), its version, and the generic type.
func Complete(p *model.Package, name, version string) {
	if name != "" && (p.Name == "" || strings.EqualFold(p.Name, name)) {
		p.Name = name
	}
	if p.Version == "" {
		p.Version = version
	}
	if p.Type == "" {
		p.Type = model.TypeGeneric
	}
}

// Text renders properties as "name=value" lines, for formats without
// properties (SPDX annotations). Values with line breaks or a leading quote
// are quoted Go-style.
func (ps Properties) Text() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('\n')
		}
		v := p.Value
		if strings.ContainsAny(v, "\n\r") || strings.HasPrefix(v, `"`) {
			v = strconv.Quote(v)
		}
		b.WriteString(p.Name)
		b.WriteByte('=')
		b.WriteString(v)
	}
	return b.String()
}

// ParseText reads the drydock properties ("drydock:…=value" lines) of a
// text written by Properties.Text, ignoring other lines.
func ParseText(s string) Properties {
	var ps Properties
	for _, line := range strings.Split(s, "\n") {
		name, v, ok := strings.Cut(strings.TrimRight(line, "\r"), "=")
		if !ok || !strings.HasPrefix(name, "drydock:") {
			continue
		}
		if strings.HasPrefix(v, `"`) {
			if u, err := strconv.Unquote(v); err == nil {
				v = u
			}
		}
		ps = append(ps, Property{Name: name, Value: v})
	}
	return ps
}
