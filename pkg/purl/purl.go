// Package purl converts between package URLs (https://github.com/package-url/purl-spec)
// and drydock's model.Package. The OS package forms follow what syft and trivy
// write, so that their SBOMs read back with source packages and distributions:
//
//	pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl
//	pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=alpine-3.19.1&upstream=openssl
//	pkg:rpm/almalinux/openssl-libs@3.0.7-25.el9_3?arch=x86_64&distro=almalinux-9.3&epoch=1&upstream=openssl-3.0.7-25.el9_3.src.rpm
package purl

import (
	"fmt"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/drydockhq/drydock/pkg/model"
)

// Qualifier keys.
const (
	QualifierArch     = "arch"
	QualifierDistro   = "distro"
	QualifierEpoch    = "epoch"
	QualifierUpstream = "upstream"
)

// Parse reads a package URL into the package fields it determines: Name (in
// the ecosystem's spelling: "github.com/x/y" for Go, "@scope/name" for npm,
// "group:artifact" for Maven), Version (for rpm with the epoch qualifier
// folded back in: "1:3.0.7-25.el9_3"), Type, Ecosystem, Arch, PURL (s itself)
// and, for OS packages, Source (from the upstream qualifier; the package
// itself when there is none).
//
// For OS packages it also returns the distribution named by the distro
// qualifier ("debian-12", "alpine-3.19.1", or trivy's bare "3.19.1" with the
// ID taken from the namespace); it returns nil when there is no such qualifier.
func Parse(s string) (model.Package, *model.OSRelease, error) {
	u, err := packageurl.FromString(s)
	if err != nil {
		return model.Package{}, nil, fmt.Errorf("parsing package URL %q: %w", s, err)
	}
	if u.Name == "" {
		return model.Package{}, nil, fmt.Errorf("parsing package URL %q: no name", s)
	}
	q := u.Qualifiers.Map()
	p := model.Package{
		Type:    model.PackageType(u.Type),
		Name:    u.Name,
		Version: u.Version,
		PURL:    s,
		Arch:    q[QualifierArch],
	}
	switch p.Type {
	case model.TypeDeb, model.TypeAPK, model.TypeRPM:
		return parseOS(p, u.Namespace, q)
	case model.TypeMaven:
		if u.Namespace != "" {
			p.Name = u.Namespace + ":" + u.Name
		}
	default:
		if u.Namespace != "" {
			p.Name = u.Namespace + "/" + u.Name
		}
	}
	p.Ecosystem = Ecosystem(p.Type, nil)
	return p, nil, nil
}

func parseOS(p model.Package, namespace string, q map[string]string) (model.Package, *model.OSRelease, error) {
	bareVersion := p.Version
	if e := q[QualifierEpoch]; e != "" && p.Type == model.TypeRPM && !strings.Contains(p.Version, ":") {
		p.Version = e + ":" + p.Version
	}
	p.Source = &model.SourcePackage{Name: p.Name, Version: p.Version}
	if p.Type == model.TypeRPM {
		p.Source.Version = bareVersion
	}
	if up := q[QualifierUpstream]; up != "" {
		p.Source = parseUpstream(up, p.Version)
	}

	var osr *model.OSRelease
	if d := q[QualifierDistro]; d != "" {
		osr = parseDistro(d, namespace)
	}
	if osr != nil {
		p.Ecosystem = Ecosystem(p.Type, osr)
	} else if namespace != "" {
		p.Ecosystem = Ecosystem(p.Type, &model.OSRelease{ID: namespace})
	} else {
		p.Ecosystem = Ecosystem(p.Type, nil)
	}
	return p, osr, nil
}

// parseUpstream reads an upstream qualifier: "name", "name@version", or a
// source RPM file name "name-version-release.src.rpm".
func parseUpstream(up, version string) *model.SourcePackage {
	for _, ext := range []string{".src.rpm", ".nosrc.rpm"} {
		nvr, ok := strings.CutSuffix(up, ext)
		if !ok {
			continue
		}
		// name-version-release: the last two dashes split off version and release.
		if i := strings.LastIndexByte(nvr, '-'); i > 0 {
			if j := strings.LastIndexByte(nvr[:i], '-'); j > 0 {
				return &model.SourcePackage{Name: nvr[:j], Version: nvr[j+1:]}
			}
		}
		return &model.SourcePackage{Name: nvr}
	}
	if name, v, ok := strings.Cut(up, "@"); ok && name != "" {
		return &model.SourcePackage{Name: name, Version: v}
	}
	return &model.SourcePackage{Name: up, Version: version}
}

// parseDistro reads a distro qualifier: "debian-12", "opensuse-leap-15.5",
// "alpine-3.19.1", or a bare version ("3.19.1", as trivy writes for apk),
// whose ID is then the namespace.
func parseDistro(d, namespace string) *model.OSRelease {
	d = strings.TrimSpace(d)
	if d == "" {
		return nil
	}
	if isDigit(d[0]) {
		if namespace == "" {
			return nil
		}
		return &model.OSRelease{ID: strings.ToLower(namespace), VersionID: d}
	}
	if i := strings.LastIndexByte(d, '-'); i > 0 && i+1 < len(d) && isDigit(d[i+1]) {
		return &model.OSRelease{ID: strings.ToLower(d[:i]), VersionID: d[i+1:]}
	}
	return &model.OSRelease{ID: strings.ToLower(d)}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// For returns the package URL of p, or "" when p has no name or no type.
// osr is the release of the image p was found in (nil if unknown); it gives
// OS packages their namespace and distro qualifier when it is the
// distribution the package type belongs to. Without it they are derived from
// p.Ecosystem ("Debian:12" → pkg:deb/debian/…?distro=debian-12).
func For(p model.Package, osr *model.OSRelease) string {
	if p.Name == "" || p.Type == "" {
		return ""
	}
	var u *packageurl.PackageURL
	switch p.Type {
	case model.TypeDeb, model.TypeAPK, model.TypeRPM:
		u = forOS(p, osr)
	case model.TypeMaven:
		group, artifact, ok := strings.Cut(p.Name, ":")
		if !ok {
			group, artifact = "", p.Name
		}
		u = packageurl.NewPackageURL(string(p.Type), group, artifact, p.Version, nil, "")
	case model.TypeGolang, model.TypeNPM, model.TypeComposer:
		ns, name := "", p.Name
		if i := strings.LastIndexByte(p.Name, '/'); i > 0 {
			ns, name = p.Name[:i], p.Name[i+1:]
		}
		u = packageurl.NewPackageURL(string(p.Type), ns, name, p.Version, nil, "")
	case model.TypePyPI:
		// The purl spec's PyPI name is lower-case with '-' for '_'.
		name := strings.ReplaceAll(strings.ToLower(p.Name), "_", "-")
		u = packageurl.NewPackageURL(string(p.Type), "", name, p.Version, nil, "")
	default:
		u = packageurl.NewPackageURL(string(p.Type), "", p.Name, p.Version, nil, "")
	}
	return u.ToString()
}

func forOS(p model.Package, osr *model.OSRelease) *packageurl.PackageURL {
	if osr != nil && !model.OSHasType(osr.ID, p.Type) {
		osr = nil
	}
	ns, distro := "", ""
	if osr != nil {
		ns = strings.ToLower(osr.ID)
		if osr.VersionID != "" {
			distro = ns + "-" + osr.VersionID
		}
	} else {
		ns, distro = fromEcosystem(p.Ecosystem)
		if ns == "" {
			ns = defaultNamespace(p.Type)
		}
	}

	version := p.Version
	epoch := ""
	if p.Type == model.TypeRPM {
		if e, v, ok := strings.Cut(version, ":"); ok {
			epoch, version = e, v
		}
	}

	q := map[string]string{}
	if p.Arch != "" {
		q[QualifierArch] = p.Arch
	}
	if distro != "" {
		q[QualifierDistro] = distro
	}
	if epoch != "" {
		q[QualifierEpoch] = epoch
	}
	if up := upstream(p, version); up != "" {
		q[QualifierUpstream] = up
	}
	return packageurl.NewPackageURL(string(p.Type), ns, p.Name, version, packageurl.QualifiersFromMap(q), "")
}

// upstream renders the upstream qualifier when the source package differs
// from the binary one. bareVersion is the version without an rpm epoch.
func upstream(p model.Package, bareVersion string) string {
	src := p.Source
	if src == nil || src.Name == "" {
		return ""
	}
	if p.Type == model.TypeRPM {
		srcVersion := src.Version
		if _, v, ok := strings.Cut(srcVersion, ":"); ok {
			srcVersion = v
		}
		if src.Name == p.Name && (srcVersion == "" || srcVersion == bareVersion) {
			return ""
		}
		if srcVersion == "" {
			return src.Name
		}
		return src.Name + "-" + srcVersion + ".src.rpm"
	}
	switch {
	case src.Version != "" && src.Version != p.Version:
		return src.Name + "@" + src.Version
	case src.Name != p.Name:
		return src.Name
	}
	return ""
}

func defaultNamespace(t model.PackageType) string {
	switch t {
	case model.TypeDeb:
		return "debian"
	case model.TypeAPK:
		return "alpine"
	}
	return ""
}

// fromEcosystem derives the namespace and distro qualifier of an OS package
// from its ecosystem: "Debian:12" → ("debian", "debian-12"), "Alpine:v3.19"
// → ("alpine", "alpine-3.19").
func fromEcosystem(eco model.Ecosystem) (ns, distro string) {
	switch eco.Base() {
	case model.EcoDebian:
		ns = "debian"
	case model.EcoUbuntu:
		ns = "ubuntu"
	case model.EcoAlpine:
		ns = "alpine"
	case model.EcoAlmaLinux:
		ns = "almalinux"
	case model.EcoRocky:
		ns = "rocky"
	case model.EcoRedHat:
		ns = "redhat"
	case model.EcoSUSE:
		ns = "suse"
	default:
		return "", ""
	}
	if rel := strings.TrimPrefix(eco.Release(), "v"); rel != "" && ns != "redhat" {
		distro = ns + "-" + rel
	}
	return ns, distro
}

// Ecosystem returns the OSV ecosystem of a package of type t. For OS package
// types it depends on the distribution, with its release when known:
// "Debian:12", "Ubuntu:22.04", "Alpine:v3.19", "AlmaLinux:9", "Rocky Linux:9",
// "Red Hat"; it is "" when osr is nil or unknown, or does not match t.
func Ecosystem(t model.PackageType, osr *model.OSRelease) model.Ecosystem {
	switch t {
	case model.TypeDeb, model.TypeAPK, model.TypeRPM:
		if osr == nil || !model.OSHasType(osr.ID, t) {
			return ""
		}
		return model.OSEcosystem(osr)
	}
	return model.LanguageEcosystem(t)
}

// ForImage returns the package URL of a container image: its repository's
// last path element, the manifest digest as version, and the repository as
// repository_url ("registry.example.com/shop/web:1.4.2" →
// pkg:oci/web@sha256%3A…?repository_url=registry.example.com%2Fshop%2Fweb).
// It returns "" without a digest or a name.
func ForImage(ref string, digest model.Digest) string {
	if digest == "" || ref == "" {
		return ""
	}
	repo := ref
	if i := strings.IndexByte(repo, '@'); i >= 0 {
		repo = repo[:i]
	}
	if i := strings.LastIndexByte(repo, ':'); i > strings.LastIndexByte(repo, '/') {
		repo = repo[:i] // the tag
	}
	name := repo[strings.LastIndexByte(repo, '/')+1:]
	if name == "" {
		return ""
	}
	var q packageurl.Qualifiers
	if repo != name {
		q = packageurl.Qualifiers{{Key: "repository_url", Value: repo}}
	}
	return packageurl.NewPackageURL("oci", "", strings.ToLower(name), string(digest), q, "").ToString()
}
