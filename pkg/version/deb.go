package version

import "strings"

// debVersion is a dpkg version split as dpkg's parseversion does. Compare
// uses it instead of the library's comparator, which converts every digit
// run to a big.Int on every comparison and was the largest cost of
// matching a Debian image (the linux source alone has thousands of
// advisories). compareDeb is a port of dpkg's verrevcmp (lib/dpkg/version.c);
// TestDebFastPath checks that it agrees with the library on every pair of
// the corpus, and TestDebAgainstDpkg that both agree with dpkg.
type debVersion struct {
	epoch    string // digits, leading zeros removed ("" is 0)
	upstream string
	revision string
}

func splitDeb(s string) debVersion {
	var d debVersion
	if e, rest, ok := strings.Cut(s, ":"); ok {
		d.epoch = strings.TrimLeft(e, "0")
		s = rest
	}
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		d.upstream, d.revision = s[:i], s[i+1:]
	} else {
		d.upstream = s
	}
	return d
}

func compareDebParts(a, b debVersion) int {
	if len(a.epoch) != len(b.epoch) {
		return sign(len(a.epoch) - len(b.epoch))
	}
	if c := strings.Compare(a.epoch, b.epoch); c != 0 {
		return c
	}
	if c := verrevcmp(a.upstream, b.upstream); c != 0 {
		return c
	}
	return verrevcmp(a.revision, b.revision)
}

// debOrder is dpkg's order(): digits 0 (handled apart), letters their
// code, '~' before everything, even the end of the string, other
// characters after letters.
func debOrder(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	c := s[i]
	switch {
	case c >= '0' && c <= '9':
		return 0
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		return int(c)
	case c == '~':
		return -1
	}
	return int(c) + 256
}

func isDigit(s string, i int) bool { return i < len(s) && s[i] >= '0' && s[i] <= '9' }

func verrevcmp(a, b string) int {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		firstDiff := 0
		for i < len(a) && !isDigit(a, i) || j < len(b) && !isDigit(b, j) {
			ac, bc := debOrder(a, i), debOrder(b, j)
			if ac != bc {
				return sign(ac - bc)
			}
			i++
			j++
		}
		for i < len(a) && a[i] == '0' {
			i++
		}
		for j < len(b) && b[j] == '0' {
			j++
		}
		for isDigit(a, i) && isDigit(b, j) {
			if firstDiff == 0 {
				firstDiff = int(a[i]) - int(b[j])
			}
			i++
			j++
		}
		if isDigit(a, i) {
			return 1
		}
		if isDigit(b, j) {
			return -1
		}
		if firstDiff != 0 {
			return sign(firstDiff)
		}
	}
	return 0
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
