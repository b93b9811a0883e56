package ingest

import (
	"strings"
)

// The comparators below order versions only as far as the native adapters
// need to turn requirement sets into OSV events (the matcher has its own,
// complete implementations in pkg/version). They never fail: a malformed
// version compares by its text.

// compareNumeric compares two strings of ASCII digits by value, without
// overflow.
func compareNumeric(a, b string) int {
	a = strings.TrimLeft(a, "0")
	b = strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// gemSegments splits a RubyGems version as Gem::Version does: "-" means
// ".pre.", then runs of digits and runs of letters are segments.
func gemSegments(v string) []string {
	v = strings.ReplaceAll(strings.TrimSpace(v), "-", ".pre.")
	var segs []string
	for i := 0; i < len(v); {
		c := v[i]
		j := i
		switch {
		case c >= '0' && c <= '9':
			for j < len(v) && v[j] >= '0' && v[j] <= '9' {
				j++
			}
		case isLetter(c):
			for j < len(v) && isLetter(v[j]) {
				j++
			}
		default:
			i++
			continue
		}
		segs = append(segs, v[i:j])
		i = j
	}
	// Canonical form: trailing zero segments of the release part and of the
	// prerelease part do not count ("1.0" == "1").
	firstLetter := len(segs)
	for i, s := range segs {
		if !isDigits(s) {
			firstLetter = i
			break
		}
	}
	rel, pre := trimZeros(segs[:firstLetter]), trimZeros(segs[firstLetter:])
	return append(rel[:len(rel):len(rel)], pre...)
}

func trimZeros(s []string) []string {
	for len(s) > 0 && isDigits(s[len(s)-1]) && strings.Trim(s[len(s)-1], "0") == "" {
		s = s[:len(s)-1]
	}
	return s
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// compareGem orders RubyGems versions (Gem::Version#<=>): numeric segments
// by value, a letter segment (prerelease) before any number, letters
// lexically, missing segments as 0.
func compareGem(a, b string) int {
	sa, sb := gemSegments(a), gemSegments(b)
	for i := 0; i < max(len(sa), len(sb)); i++ {
		x, y := "0", "0"
		if i < len(sa) {
			x = sa[i]
		}
		if i < len(sb) {
			y = sb[i]
		}
		xn, yn := isDigits(x), isDigits(y)
		var c int
		switch {
		case xn && yn:
			c = compareNumeric(x, y)
		case xn:
			c = 1
		case yn:
			c = -1
		default:
			c = strings.Compare(x, y)
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// gemBump is Gem::Version#bump, the exclusive upper bound of "~> v":
// drop prerelease segments, drop the last segment if more than one
// remains, and increment the last one.
func gemBump(v string) string {
	v = strings.ReplaceAll(strings.TrimSpace(v), "-", ".pre.")
	var segs []string
	for _, s := range strings.Split(v, ".") {
		if !isDigits(s) {
			break
		}
		segs = append(segs, s)
	}
	if len(segs) > 1 {
		segs = segs[:len(segs)-1]
	}
	if len(segs) == 0 {
		return "1"
	}
	segs[len(segs)-1] = incDigits(segs[len(segs)-1])
	return strings.Join(segs, ".")
}

// incDigits adds one to a decimal string.
func incDigits(s string) string {
	b := []byte(strings.TrimLeft(s, "0"))
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < '9' {
			b[i]++
			return string(b)
		}
		b[i] = '0'
	}
	return "1" + string(b)
}

// semver is a parsed, possibly partial, semantic version.
type semver struct {
	parts [3]string // "" when absent or a wildcard
	n     int       // number of numeric parts given (0-3)
	pre   string
}

// parseSemver parses "1", "1.2", "v1.2.3-beta.1+build", with x/X/* as
// wildcards. ok is false when the text is not a version.
func parseSemver(s string) (semver, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "v"), "=")
	if i := strings.IndexByte(s, '+'); i >= 0 {
		s = s[:i]
	}
	var v semver
	core := s
	if i := strings.IndexByte(s, '-'); i >= 0 {
		core, v.pre = s[:i], s[i+1:]
		if v.pre == "" {
			return v, false
		}
	}
	if core == "" || core == "*" || core == "x" || core == "X" {
		return v, v.pre == ""
	}
	fields := strings.Split(core, ".")
	if len(fields) > 3 {
		return v, false
	}
	for i, f := range fields {
		if f == "x" || f == "X" || f == "*" {
			return v, v.pre == ""
		}
		if !isDigits(f) {
			return v, false
		}
		v.parts[i] = f
		v.n = i + 1
	}
	return v, true
}

// String renders the version with missing parts as 0.
func (v semver) String() string {
	p := v.parts
	for i := range p {
		if p[i] == "" {
			p[i] = "0"
		} else if t := strings.TrimLeft(p[i], "0"); t != "" {
			p[i] = t
		} else {
			p[i] = "0"
		}
	}
	s := p[0] + "." + p[1] + "." + p[2]
	if v.pre != "" {
		s += "-" + v.pre
	}
	return s
}

// compareSemver orders semantic versions per semver 2.0.0 §11.
func compareSemver(a, b string) int {
	va, oka := parseSemver(a)
	vb, okb := parseSemver(b)
	if !oka || !okb {
		return strings.Compare(a, b)
	}
	for i := range 3 {
		x, y := va.parts[i], vb.parts[i]
		if x == "" {
			x = "0"
		}
		if y == "" {
			y = "0"
		}
		if c := compareNumeric(x, y); c != 0 {
			return c
		}
	}
	switch {
	case va.pre == vb.pre:
		return 0
	case va.pre == "":
		return 1
	case vb.pre == "":
		return -1
	}
	pa, pb := strings.Split(va.pre, "."), strings.Split(vb.pre, ".")
	for i := 0; i < min(len(pa), len(pb)); i++ {
		x, y := pa[i], pb[i]
		xn, yn := isDigits(x), isDigits(y)
		var c int
		switch {
		case xn && yn:
			c = compareNumeric(x, y)
		case xn:
			c = -1
		case yn:
			c = 1
		default:
			c = strings.Compare(x, y)
		}
		if c != 0 {
			return c
		}
	}
	switch {
	case len(pa) < len(pb):
		return -1
	case len(pa) > len(pb):
		return 1
	}
	return 0
}

// composerParts normalises a Composer version: up to four numeric parts
// (missing ones are 0) and a stability rank with its number.
func composerParts(v string) (nums [4]string, stab int, stabNum string) {
	v = strings.ToLower(strings.TrimSpace(v))
	v = strings.TrimPrefix(v, "v")
	for i := range nums {
		nums[i] = "0"
	}
	stab = stabStable
	i := 0
	for n := 0; n < 4 && i < len(v); n++ {
		j := i
		for j < len(v) && v[j] >= '0' && v[j] <= '9' {
			j++
		}
		if j == i {
			break
		}
		nums[n] = v[i:j]
		i = j
		if i < len(v) && v[i] == '.' {
			i++
			continue
		}
		break
	}
	rest := strings.TrimLeft(v[i:], ".-_+")
	if rest == "" {
		return nums, stab, ""
	}
	word := strings.TrimRight(rest, "0123456789.")
	stabNum = strings.Trim(rest[len(word):], ".")
	switch strings.Trim(word, ".-_") {
	case "dev":
		stab = stabDev
	case "alpha", "a":
		stab = stabAlpha
	case "beta", "b":
		stab = stabBeta
	case "rc":
		stab = stabRC
	case "patch", "pl", "p":
		stab = stabPatch
	default:
		stab = stabDev
	}
	return nums, stab, stabNum
}

const (
	stabDev = iota
	stabAlpha
	stabBeta
	stabRC
	stabStable
	stabPatch
)

// compareComposer orders Composer (Packagist) versions.
func compareComposer(a, b string) int {
	na, sa, xa := composerParts(a)
	nb, sb, xb := composerParts(b)
	for i := range na {
		if c := compareNumeric(na[i], nb[i]); c != 0 {
			return c
		}
	}
	if sa != sb {
		if sa < sb {
			return -1
		}
		return 1
	}
	if xa == "" {
		xa = "0"
	}
	if xb == "" {
		xb = "0"
	}
	if isDigits(xa) && isDigits(xb) {
		return compareNumeric(xa, xb)
	}
	return strings.Compare(xa, xb)
}
