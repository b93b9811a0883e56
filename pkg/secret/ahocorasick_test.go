package secret

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

type occurrence struct{ kw, start int }

// naive finds every (keyword, start), ASCII case-insensitively, ordered as
// the automaton reports them: by end, then by keyword index.
func naive(keywords []string, data []byte) []occurrence {
	var out []occurrence
	low := make([]byte, len(data))
	for i, b := range data {
		low[i] = lower(b)
	}
	for end := 1; end <= len(data); end++ {
		for i, kw := range keywords {
			if s := end - len(kw); s >= 0 && string(low[s:end]) == kw {
				out = append(out, occurrence{i, s})
			}
		}
	}
	return out
}

func collect(a *automaton, data []byte, chunk int) []occurrence {
	var out []occurrence
	var s int32
	for off := 0; off < len(data); off += chunk {
		s = a.scan(s, data[off:min(off+chunk, len(data))], off, func(kw, start int) {
			out = append(out, occurrence{kw, start})
		})
	}
	return out
}

func TestAutomaton(t *testing.T) {
	kws := []string{"he", "she", "his", "hers", "akia", "a"}
	a, err := newAutomaton(kws)
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("uSHErs AKIA_his aKiA")
	got := collect(a, data, len(data))
	// The automaton reports keywords in its own order at one end position;
	// compare as sets per end.
	want := naive(kws, data)
	sortOcc := func(o []occurrence) {
		slices.SortFunc(o, func(x, y occurrence) int {
			if d := (x.start + len(kws[x.kw])) - (y.start + len(kws[y.kw])); d != 0 {
				return d
			}
			return x.kw - y.kw
		})
	}
	sortOcc(got)
	if !slices.Equal(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}

	// Random keywords and texts over a small alphabet (many overlaps),
	// scanned whole and in chunks.
	rnd := rand.New(rand.NewPCG(1, 2))
	for iter := range 200 {
		var kws []string
		for range 1 + rnd.IntN(12) {
			b := make([]byte, 1+iter%2+rnd.IntN(5)) // odd iterations: no 1-byte keyword, skip loop on
			for i := range b {
				b[i] = "abcAB_"[rnd.IntN(4)]
			}
			kw := string(bytes.ToLower(b))
			if !slices.Contains(kws, kw) {
				kws = append(kws, kw)
			}
		}
		a, err := newAutomaton(kws)
		if err != nil {
			t.Fatal(err)
		}
		data := make([]byte, rnd.IntN(300))
		for i := range data {
			data[i] = "abcABC_\x00\xff"[rnd.IntN(9)]
		}
		want := naive(kws, data)
		for _, chunk := range []int{max(1, len(data)), 1, 7} {
			got := collect(a, data, chunk)
			sortOcc := func(o []occurrence) {
				slices.SortStableFunc(o, func(x, y occurrence) int {
					if d := (x.start + len(kws[x.kw])) - (y.start + len(kws[y.kw])); d != 0 {
						return d
					}
					return x.kw - y.kw
				})
			}
			sortOcc(got)
			if !slices.Equal(got, want) {
				t.Fatalf("iteration %d, chunk %d, keywords %q, data %q:\ngot  %v\nwant %v", iter, chunk, kws, data, got, want)
			}
		}
	}
	if _, err := newAutomaton([]string{""}); err == nil {
		t.Error("empty keyword accepted")
	}
}

func TestRender(t *testing.T) {
	data := []byte("key=ABCDEFGH rest\nnext")
	got := render(data, 4, mergeSpans([]span{{4, 12, 2}}))
	if want := "key=AB****** rest"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// Control bytes and invalid UTF-8 are cleaned.
	got = render([]byte("a\x01b\xffc SECRETXX"), 0, mergeSpans([]span{{6, 14, 0}}))
	if want := "a b\uFFFDc ********"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestEntropy(t *testing.T) {
	for s, want := range map[string]float64{"": 0, "aaaa": 0, "ab": 1, "abcd": 2} {
		if got := entropy(s); got != want {
			t.Errorf("entropy(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestPathPrefilter: the literal prefilter never rejects a path the regex
// matches.
func TestPathPrefilter(t *testing.T) {
	exprs := []string{
		`(?i)(?:^|/)(?:tests?|testdata|spec|fixtures?)/|[._-]test\.[a-z0-9]+$`,
		`(?i)\.(?:md|markdown|rst)$`,
		`^(?:usr/(?:share|lib(?:32|64)?)/|(?:usr/)?s?bin/)`,
		`(?:^|/)go/pkg/mod/|^opt/yarn-v[0-9.]+/`,
		`Foo[0-9]+Bar`, `a|b*`, `x{2,3}yz`, `(?i)ÄÖ`, `.*`, `^$`, `\bkey\b`,
	}
	paths := []string{
		"app/tests/x", "app/Tests/x", "TESTDATA/a", "src/a_test.go", "x.Test.js", "README.MD", "doc/a.rst",
		"usr/share/doc", "usr/lib64/x", "bin/sh", "usr/sbin/x", "root/go/pkg/mod/x", "opt/yarn-v1.22.0/bin",
		"aFoo12Bar", "foo12bar", "xxyz", "xxxyz", "äö", "ÄÖ", "", "a key here", "app/main.go",
	}
	rnd := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		b := make([]byte, rnd.IntN(20))
		for i := range b {
			b[i] = "aAbBtTeEsS/._-0123xyzmdMD"[rnd.IntN(25)]
		}
		paths = append(paths, string(b))
	}
	for _, e := range exprs {
		m, err := newPathMatcher(e)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			if want := m.re.MatchString(p); m.match(p, strings.ToLower(p)) != want {
				t.Errorf("%q on %q: prefilter %q disagrees with the regex (%v)", e, p, m.lits, want)
			}
		}
	}
}
