package model

import "strings"

// Ecosystem is an OSV ecosystem name, optionally with a release suffix as OSV
// writes it: "Debian:12", "Alpine:v3.18", "AlmaLinux:9", "Go", "npm", "PyPI".
type Ecosystem string

// Well-known ecosystems (OSV spellings).
const (
	EcoDebian    Ecosystem = "Debian"
	EcoUbuntu    Ecosystem = "Ubuntu"
	EcoAlpine    Ecosystem = "Alpine"
	EcoAlmaLinux Ecosystem = "AlmaLinux"
	EcoRocky     Ecosystem = "Rocky Linux"
	EcoRedHat    Ecosystem = "Red Hat"
	EcoSUSE      Ecosystem = "SUSE"
	EcoGo        Ecosystem = "Go"
	EcoNPM       Ecosystem = "npm"
	EcoPyPI      Ecosystem = "PyPI"
	EcoMaven     Ecosystem = "Maven"
	EcoRubyGems  Ecosystem = "RubyGems"
	EcoCrates    Ecosystem = "crates.io"
	EcoPackagist Ecosystem = "Packagist"
	EcoNuGet     Ecosystem = "NuGet"
)

// Base returns the ecosystem without its release suffix ("Debian:12" → "Debian").
func (e Ecosystem) Base() Ecosystem {
	if i := strings.IndexByte(string(e), ':'); i >= 0 {
		return e[:i]
	}
	return e
}

// Release returns the release suffix ("Debian:12" → "12"), or "".
func (e Ecosystem) Release() string {
	if i := strings.IndexByte(string(e), ':'); i >= 0 {
		return string(e[i+1:])
	}
	return ""
}

// PackageType is the kind of package manager a package belongs to; the values
// are package-url types.
type PackageType string

// Package types (purl types).
const (
	TypeDeb      PackageType = "deb"
	TypeAPK      PackageType = "apk"
	TypeRPM      PackageType = "rpm"
	TypeGolang   PackageType = "golang"
	TypeNPM      PackageType = "npm"
	TypePyPI     PackageType = "pypi"
	TypeMaven    PackageType = "maven"
	TypeGem      PackageType = "gem"
	TypeCargo    PackageType = "cargo"
	TypeComposer PackageType = "composer"
	TypeNuGet    PackageType = "nuget"
	TypeGeneric  PackageType = "generic"
)

// Package is one installed or declared software package. It is the one package
// type of the whole project: extractors produce it, SBOM decoders produce it,
// matchers and encoders consume it.
type Package struct {
	// Name and Version as the package manager records them. For rpm the
	// version is "[epoch:]version-release"; for dpkg it includes the epoch.
	Name    string `json:"name"`
	Version string `json:"version"`
	// Type is the package manager (purl type).
	Type PackageType `json:"type"`
	// Ecosystem is the OSV ecosystem the package is matched in, with the
	// distribution release for OS packages ("Debian:12").
	Ecosystem Ecosystem `json:"ecosystem,omitempty"`
	// PURL is the package URL.
	PURL string `json:"purl,omitempty"`
	// Source is the source package an OS package was built from (dpkg source,
	// apk origin, source RPM). Distribution advisories name source packages.
	Source *SourcePackage `json:"source,omitempty"`
	// Arch is the architecture recorded by the package manager, if any.
	Arch string `json:"arch,omitempty"`
	// Licenses as declared by the package (SPDX expressions where the package
	// manager records them so, free text otherwise).
	Licenses []string `json:"licenses,omitempty"`
	// Locations says where the package was found: file and layer.
	Locations []Location `json:"locations,omitempty"`
	// FoundBy is the name of the extractor that found the package.
	FoundBy string `json:"foundBy,omitempty"`
	// Relation says whether the project that declares the package depends
	// on it directly or through another package, where the source tells.
	Relation Relation `json:"relation,omitempty"`
	// Dev marks a dependency needed only to develop or test the project
	// (npm devDependencies, Poetry's dev group, ...). Scans can exclude them.
	Dev bool `json:"dev,omitempty"`
	// DependsOn lists the packages this one requires, as the purls of
	// packages found in the same file (a lock file's resolved graph), sorted
	// and without duplicates. Empty when the source records no graph.
	DependsOn []string `json:"dependsOn,omitempty"`
	// Mitigations are changes found in the package that defuse known flaws,
	// e.g. a log4j-core jar without JndiLookup.class. The matcher still
	// reports the flaws, with the mitigation as a note.
	Mitigations []Mitigation `json:"mitigations,omitempty"`
}

// Relation is how a declared dependency is reached.
type Relation string

// Relations.
const (
	RelationDirect   Relation = "direct"
	RelationIndirect Relation = "indirect"
)

// Mitigation is a change found in a package that defuses some of its flaws.
type Mitigation struct {
	// IDs are the advisory IDs (CVE, GHSA, ...) the mitigation applies to.
	IDs []string `json:"ids"`
	// Note says what was found, for the finding ("JndiLookup.class removed").
	Note string `json:"note"`
}

// SourcePackage names the source package of a binary package.
type SourcePackage struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// Location is a file inside an artifact, with the layer that introduced it.
type Location struct {
	Path string `json:"path"`
	// Layer is the diff ID of the image layer that introduced the package;
	// empty for non-image artifacts.
	Layer Digest `json:"layer,omitempty"`
	// LayerIndex is the position of Layer in the image, base first.
	LayerIndex int `json:"layerIndex"`
}

// SourceName returns the source package name, or the package name when the
// package has no distinct source.
func (p *Package) SourceName() string {
	if p.Source != nil && p.Source.Name != "" {
		return p.Source.Name
	}
	return p.Name
}

// SourceVersion returns the source package version, or the package version.
func (p *Package) SourceVersion() string {
	if p.Source != nil && p.Source.Version != "" {
		return p.Source.Version
	}
	return p.Version
}
