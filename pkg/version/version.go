// Package version parses and orders package versions the way each
// ecosystem's package manager does: dpkg for Debian and Ubuntu, apk for
// Alpine, rpm for the Red Hat family, SemVer for Go, npm and crates.io,
// PEP 440 for PyPI, and the native rules of Maven, RubyGems, NuGet and
// Packagist.
//
// The parsers and comparators are those of
// github.com/google/osv-scalibr/semantic (Apache-2.0), the library
// osv-scanner uses; this package maps drydock's ecosystems (with their
// release suffix, "Debian:12") to them, rejects strings that are not
// versions at all (apk and dpkg syntax is checked as apk-tools and dpkg do),
// and turns the library's (int, error) comparisons into a total order.
// Debian and RPM versions, the hot path of matching OS packages, are
// compared by allocation-free ports of dpkg's verrevcmp and of the
// library's rpmvercmp; tests check them pair by pair against the library,
// dpkg --compare-versions and rpm.vercmp.
package version

import (
	"cmp"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/google/osv-scalibr/semantic"
)

// Errors.
var (
	// ErrUnsupported is wrapped when an ecosystem has no known version scheme.
	ErrUnsupported = errors.New("unsupported ecosystem")
	// ErrInvalid is wrapped when a string is not a version of the scheme.
	ErrInvalid = errors.New("invalid version")
)

// MaxLen bounds the length of a version string.
const MaxLen = 512

// Scheme is a version ordering shared by one or more ecosystems.
type Scheme string

// Schemes.
const (
	Deb       Scheme = "deb"       // dpkg: [epoch:]upstream[-revision], '~' sorts first
	APK       Scheme = "apk"       // apk-tools: 1.2.3[a][_rc1][-r4]
	RPM       Scheme = "rpm"       // rpmvercmp: [epoch:]version-release
	SemVer    Scheme = "semver"    // SemVer 2.0, lenient (leading "v", fewer than three parts)
	PEP440    Scheme = "pep440"    // PyPI, with the legacy fallback of pip
	Maven     Scheme = "maven"     // Maven ComparableVersion
	RubyGems  Scheme = "rubygems"  // Gem::Version
	NuGet     Scheme = "nuget"     // NuGet SemVer with four parts
	Packagist Scheme = "packagist" // Composer version_compare
	Pub       Scheme = "pub"       // Dart pub
	CRAN      Scheme = "cran"      // R package versions
	Hackage   Scheme = "hackage"   // Haskell PVP
)

// SchemeFor returns the version scheme of an OSV ecosystem. The release
// suffix is ignored: "Debian:12" and "Debian" both give Deb.
func SchemeFor(eco model.Ecosystem) (Scheme, error) {
	switch eco.Base() {
	case model.EcoDebian, model.EcoUbuntu:
		return Deb, nil
	case model.EcoAlpine, "Alpaquita", "BellSoft Hardened Containers", "Chainguard", "MinimOS", "Wolfi":
		return APK, nil
	case model.EcoAlmaLinux, model.EcoRocky, model.EcoRedHat, model.EcoSUSE, "openSUSE", "Mageia", "openEuler":
		return RPM, nil
	case model.EcoGo, model.EcoNPM, model.EcoCrates, "Bitnami", "Bioconductor", "ConanCenter",
		"Docker Hardened Images", "GHC", "Hex", "Julia", "SwiftURL":
		return SemVer, nil
	case model.EcoPyPI:
		return PEP440, nil
	case model.EcoMaven:
		return Maven, nil
	case model.EcoRubyGems:
		return RubyGems, nil
	case model.EcoNuGet:
		return NuGet, nil
	case model.EcoPackagist:
		return Packagist, nil
	case "Pub":
		return Pub, nil
	case "CRAN":
		return CRAN, nil
	case "Hackage":
		return Hackage, nil
	}
	return "", fmt.Errorf("%w %q", ErrUnsupported, string(eco))
}

// Version is a parsed version. The zero Version sorts before every parsed
// one.
type Version struct {
	scheme Scheme
	raw    string
	v      semantic.Version
	deb    debVersion // Deb only: the fast comparator's parts
	rpm    rpmVersion // RPM only
}

// Parse parses s as a version of ecosystem eco.
func Parse(eco model.Ecosystem, s string) (Version, error) {
	sch, err := SchemeFor(eco)
	if err != nil {
		return Version{}, err
	}
	return sch.Parse(s)
}

// Compare parses a and b as versions of eco and compares them.
func Compare(eco model.Ecosystem, a, b string) (int, error) {
	va, err := Parse(eco, a)
	if err != nil {
		return 0, err
	}
	return va.CompareString(b)
}

// Parse parses s as a version of the scheme. Empty strings, strings with
// spaces or control characters and strings longer than MaxLen are invalid
// in every scheme; beyond that each scheme is as lenient as its package
// manager (dpkg and pip accept nearly anything and order it).
func (sch Scheme) Parse(s string) (Version, error) {
	if s == "" {
		return Version{}, fmt.Errorf("%w: empty", ErrInvalid)
	}
	if len(s) > MaxLen {
		return Version{}, fmt.Errorf("%w: longer than %d bytes", ErrInvalid, MaxLen)
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar }) >= 0 {
		return Version{}, fmt.Errorf("%w %q: spaces or control characters", ErrInvalid, s)
	}
	var (
		v   semantic.Version
		err error
	)
	switch sch {
	case Deb:
		v, err = parseDeb(s)
	case APK:
		v, err = parseAPK(s)
	case RPM:
		v = semantic.ParseRedHatVersion(s)
	case SemVer:
		v = semantic.ParseSemverVersion(s)
	case PEP440:
		v, err = semantic.ParsePyPIVersion(s)
	case Maven:
		v = semantic.ParseMavenVersion(s)
	case RubyGems:
		v = semantic.ParseRubyGemsVersion(s)
	case NuGet:
		v = semantic.ParseNuGetVersion(s)
	case Packagist:
		v = semantic.ParsePackagistVersion(s)
	case Pub:
		v = semantic.ParsePubVersion(s)
	case CRAN:
		v, err = semantic.ParseCRANVersion(s)
	case Hackage:
		v, err = semantic.ParseHackageVersion(s)
	default:
		return Version{}, fmt.Errorf("%w scheme %q", ErrUnsupported, string(sch))
	}
	if err != nil {
		return Version{}, fmt.Errorf("parsing %s version %q: %w", sch, s, errors.Join(ErrInvalid, err))
	}
	out := Version{scheme: sch, raw: s, v: v}
	switch sch {
	case Deb:
		out.deb = splitDeb(s)
	case RPM:
		out.rpm = splitRPM(s)
	}
	return out, nil
}

// parseDeb adds to the library's parser the checks dpkg makes (dpkg's
// parseversion): an epoch is a number, the upstream version is not empty,
// and only letters, digits and ".+~-:" occur (dpkg warns of "bad syntax"
// and compares bytes; the library compares the first byte of each UTF-8
// character, so the two would disagree).
func parseDeb(s string) (semantic.Version, error) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || strings.IndexByte(".+~-:", c) >= 0) {
			return nil, fmt.Errorf("invalid character %q", c)
		}
	}
	rest := s
	if e, r, ok := strings.Cut(s, ":"); ok {
		if e == "" || strings.Trim(e, "0123456789") != "" {
			return nil, fmt.Errorf("epoch %q is not a number", e)
		}
		rest = r
	}
	if i := strings.LastIndexByte(rest, '-'); i == 0 || rest == "" {
		return nil, errors.New("empty upstream version")
	}
	return semantic.ParseDebianVersion(s)
}

// parseAPK accepts only what apk-tools' version grammar accepts
// (apk_version_validate): the library orders any trailing garbage by its
// text, which is not transitive, and the Alpine secdb has a few typos
// ("10.2.22.r0", "2.7.16-33") that apk itself would reject.
func parseAPK(s string) (semantic.Version, error) {
	if !validAPK(s) {
		return nil, errors.New("not an apk version (digits{.digits}[letter]{_suffix[digits]}[~hash][-rN])")
	}
	return semantic.ParseAlpineVersion(s)
}

// validAPK is the grammar of apk-tools' version.c, without regexp so that
// it costs nothing next to the parse.
func validAPK(s string) bool {
	i := 0
	digits := func() bool {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i > j
	}
	if !digits() {
		return false
	}
	for i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(s) && s[i] >= 'a' && s[i] <= 'z' {
		i++
	}
	for i < len(s) && s[i] == '_' {
		i++
		ok := false
		for _, suf := range [...]string{"alpha", "beta", "pre", "rc", "cvs", "svn", "git", "hg", "p"} {
			if strings.HasPrefix(s[i:], suf) {
				i += len(suf)
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
		digits()
	}
	if i < len(s) && s[i] == '~' {
		i++
		j := i
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			i++
		}
		if i == j {
			return false
		}
	}
	if strings.HasPrefix(s[i:], "-r") {
		i += 2
		if !digits() {
			return false
		}
	}
	return i == len(s)
}

// Scheme returns the version's scheme ("" for the zero Version).
func (v Version) Scheme() Scheme { return v.scheme }

// String returns the version as it was parsed.
func (v Version) String() string { return v.raw }

// IsZero reports whether v is the zero Version.
func (v Version) IsZero() bool { return v.v == nil }

// Compare returns -1, 0 or +1 as v sorts before, with or after w.
//
// Versions of different schemes do not compare meaningfully; they are
// ordered by scheme name so that Compare stays a total order. Should the
// underlying comparator fail on a pair, the pair is ordered by its text.
func (v Version) Compare(w Version) int {
	switch {
	case v.v == nil || w.v == nil:
		return cmp.Compare(boolInt(v.v != nil), boolInt(w.v != nil))
	case v.scheme != w.scheme:
		return cmp.Compare(v.scheme, w.scheme)
	case v.scheme == Deb:
		return compareDebParts(v.deb, w.deb)
	case v.scheme == RPM:
		return compareRPMParts(v.rpm, w.rpm)
	}
	c, err := v.v.Compare(w.v)
	if err != nil {
		return strings.Compare(v.raw, w.raw)
	}
	return cmp.Compare(c, 0)
}

// CompareString parses s in v's scheme and compares v with it.
func (v Version) CompareString(s string) (int, error) {
	w, err := v.scheme.Parse(s)
	if err != nil {
		return 0, err
	}
	return v.Compare(w), nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
