package version

import "strings"

// rpmVersion is an RPM [epoch:]version[-release] split as the library's
// ParseRedHatVersion does. Compare uses compareRPMSegments, an
// allocation-free port of the library's rpmvercmp (which builds a string
// per segment, rune by rune, on every comparison); TestRPMFastPath checks
// that both agree on every pair of the corpus and TestRPMAgainstRpm that
// they agree with rpm itself.
type rpmVersion struct {
	epoch   string // "0" when absent
	version string
	release string // with its leading "-", "" when absent
}

func splitRPM(s string) rpmVersion {
	var r rpmVersion
	epoch, vr, ok := strings.Cut(s, ":")
	if !ok || strings.Trim(epoch, "0123456789") != "" {
		vr, epoch = s, ""
	}
	if epoch == "" {
		epoch = "0"
	}
	r.epoch = epoch
	if v, rel, ok := strings.Cut(vr, "-"); ok {
		r.version, r.release = v, "-"+rel
	} else {
		r.version = vr
	}
	return r
}

func compareRPMParts(a, b rpmVersion) int {
	if c := rpmvercmp(a.epoch, b.epoch); c != 0 {
		return c
	}
	if c := rpmvercmp(a.version, b.version); c != 0 {
		return c
	}
	return rpmvercmp(a.release, b.release)
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// rpmvercmp orders two version segments as rpm's rpmvercmp does: runs of
// digits numerically, runs of letters by byte, other characters only
// separate, '~' sorts before everything and '^' after the end but before
// anything else.
func rpmvercmp(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return -1
	case b == "":
		return 1
	}
	sep := func(c byte) bool { return !isLetter(c) && !isDigitByte(c) && c != '~' && c != '^' }
	i, j := 0, 0
	for {
		for i < len(a) && sep(a[i]) {
			i++
		}
		for j < len(b) && sep(b[j]) {
			j++
		}
		at, bt := i < len(a) && a[i] == '~', j < len(b) && b[j] == '~'
		if at && bt {
			i++
			j++
			continue
		}
		if at {
			return -1
		}
		if bt {
			return 1
		}
		ac, bc := i < len(a) && a[i] == '^', j < len(b) && b[j] == '^'
		if ac && bc {
			i++
			j++
			continue
		}
		if ac {
			if j == len(b) {
				return 1
			}
			return -1
		}
		if bc {
			if i == len(a) {
				return -1
			}
			return 1
		}
		if i == len(a) || j == len(b) {
			break
		}
		class := isLetter
		num := isDigitByte(a[i])
		if num {
			class = isDigitByte
		}
		si, sj := i, j
		for i < len(a) && class(a[i]) {
			i++
		}
		for j < len(b) && class(b[j]) {
			j++
		}
		if sj == j {
			if num {
				return 1
			}
			return -1
		}
		as, bs := a[si:i], b[sj:j]
		if num {
			as, bs = strings.TrimLeft(as, "0"), strings.TrimLeft(bs, "0")
			if len(as) != len(bs) {
				return sign(len(as) - len(bs))
			}
		}
		if c := strings.Compare(as, bs); c != 0 {
			return c
		}
	}
	return sign((len(a) - i) - (len(b) - j))
}
