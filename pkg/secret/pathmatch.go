package secret

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
)

// pathMatcher is a path regex with a literal prefilter: a set of strings
// one of which every match must contain. Required is called for every file
// of every layer; most paths match no allow entry, and a substring search
// rejects them many times faster than the regex engine would.
type pathMatcher struct {
	re *regexp.Regexp
	// lits are lower-case; nil means no prefilter.
	lits []string
}

// newPathMatcher compiles expr and derives its prefilter.
func newPathMatcher(expr string) (*pathMatcher, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	m := &pathMatcher{re: re}
	if tree, err := syntax.Parse(expr, syntax.Perl); err == nil {
		if set, ok := required(tree.Simplify()); ok && minLen(set) > 0 {
			m.lits = set
		}
	}
	return m, nil
}

// match reports whether the path matches; lower is strings.ToLower(p).
func (m *pathMatcher) match(p, lower string) bool {
	if m.lits != nil && !slices.ContainsFunc(m.lits, func(l string) bool { return strings.Contains(lower, l) }) {
		return false
	}
	return m.re.MatchString(p)
}

func matchAny(ms []*pathMatcher, p, lower string) bool {
	return slices.ContainsFunc(ms, func(m *pathMatcher) bool { return m.match(p, lower) })
}

// maxLits bounds the prefilter sets built by cross products.
const maxLits = 64

func minLen(set []string) int {
	n := -1
	for _, s := range set {
		if n < 0 || len(s) < n {
			n = len(s)
		}
	}
	return max(n, 0)
}

// exact returns the set of strings re matches when it matches only
// finitely many, short, literal strings (lower-cased); ok is false
// otherwise. Empty-width assertions match "".
func exact(re *syntax.Regexp) (set []string, ok bool) {
	switch re.Op {
	case syntax.OpLiteral:
		return []string{strings.ToLower(string(re.Rune))}, true
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return []string{""}, true
	case syntax.OpCapture:
		return exact(re.Sub[0])
	case syntax.OpQuest:
		s, ok := exact(re.Sub[0])
		return append(s, ""), ok
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			s, ok := exact(sub)
			if !ok || len(set)+len(s) > maxLits {
				return nil, false
			}
			set = append(set, s...)
		}
		return set, true
	case syntax.OpConcat:
		set = []string{""}
		for _, sub := range re.Sub {
			s, ok := exact(sub)
			if !ok || len(set)*len(s) > maxLits {
				return nil, false
			}
			set = cross(set, s)
		}
		return set, true
	}
	return nil, false
}

func cross(a, b []string) []string {
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return out
}

// required returns strings one of which every match of re contains
// (lower-cased), or ok false when it finds none.
func required(re *syntax.Regexp) (set []string, ok bool) {
	if s, ok := exact(re); ok {
		return s, true
	}
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			s, ok := required(sub)
			if !ok {
				return nil, false
			}
			set = append(set, s...)
		}
		return set, true
	case syntax.OpConcat:
		// Runs of exact parts form literal sets (cross products); any
		// other part may give its own required set. Keep the best: the
		// set whose shortest string is longest.
		var best []string
		consider := func(s []string) {
			if minLen(s) > minLen(best) {
				best = s
			}
		}
		run := []string{""}
		for _, sub := range re.Sub {
			if s, ok := exact(sub); ok && len(run)*len(s) <= maxLits {
				run = cross(run, s)
				continue
			}
			consider(run)
			run = []string{""}
			if s, ok := exact(sub); ok {
				run = s
			} else if s, ok := required(sub); ok {
				consider(s)
			}
		}
		consider(run)
		return best, best != nil
	}
	return nil, false
}
