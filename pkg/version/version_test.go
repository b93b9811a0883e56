package version

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/drydockhq/drydock/pkg/model"
)

// schemes with a testdata/<scheme>-versions.txt file and a corpus.
var tested = []Scheme{Deb, APK, RPM, SemVer, PEP440, Maven, RubyGems, NuGet, Packagist}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		lines = append(lines, line)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

func mustParse(t testing.TB, sch Scheme, s string) Version {
	t.Helper()
	v, err := sch.Parse(s)
	if err != nil {
		t.Fatalf("Parse(%s, %q): %v", sch, s, err)
	}
	return v
}

func opWant(op string) (int, bool) {
	switch op {
	case "<":
		return -1, true
	case "=":
		return 0, true
	case ">":
		return 1, true
	}
	return 0, false
}

func opName(c int) string { return [...]string{"<", "=", ">"}[c+1] }

// TestVersionFiles checks the "a < b" lines of testdata/<scheme>-versions.txt,
// in both directions.
func TestVersionFiles(t *testing.T) {
	for _, sch := range tested {
		t.Run(string(sch), func(t *testing.T) {
			lines := readLines(t, filepath.Join("testdata", string(sch)+"-versions.txt"))
			if len(lines) < 10 {
				t.Fatalf("only %d cases", len(lines))
			}
			for _, line := range lines {
				f := strings.Fields(line)
				want, ok := opWant(f[min(1, len(f)-1)])
				if len(f) != 3 || !ok {
					t.Fatalf("bad line %q", line)
				}
				a, b := mustParse(t, sch, f[0]), mustParse(t, sch, f[2])
				if got := a.Compare(b); got != want {
					t.Errorf("%s: got %s %s %s", line, f[0], opName(got), f[2])
				}
				if got := b.Compare(a); got != -want {
					t.Errorf("%s: reversed, got %s %s %s", line, f[2], opName(got), f[0])
				}
			}
		})
	}
}

func corpus(t testing.TB, sch Scheme) []Version {
	t.Helper()
	tt, ok := t.(*testing.T)
	if !ok {
		t.Fatal("corpus needs *testing.T")
	}
	lines := readLines(tt, filepath.Join("testdata", "corpus", string(sch)+".txt"))
	vs := make([]Version, 0, len(lines))
	var invalid []string
	for _, l := range lines {
		v, err := sch.Parse(l)
		if err != nil {
			invalid = append(invalid, l)
			continue
		}
		vs = append(vs, v)
	}
	// The data has a few typos that the package managers reject too
	// (Alpine secdb "10.2.22.r0"); more than 1% would be a parser bug.
	if len(invalid)*100 > len(lines) {
		t.Fatalf("%d of %d %s corpus versions do not parse: %q", len(invalid), len(lines), sch, invalid)
	}
	return vs
}

// TestProperties checks that each comparator is a total order on real
// version strings: reflexive, antisymmetric, transitive (random triples),
// and consistent with sorting.
func TestProperties(t *testing.T) {
	const pairs, triples = 5000, 20000
	for _, sch := range tested {
		t.Run(string(sch), func(t *testing.T) {
			vs := corpus(t, sch)
			if len(vs) < 30 {
				t.Fatalf("corpus has %d versions", len(vs))
			}
			rng := rand.New(rand.NewPCG(1, uint64(len(sch))))
			pick := func() Version { return vs[rng.IntN(len(vs))] }
			for _, v := range vs {
				if c := v.Compare(v); c != 0 {
					t.Fatalf("%s compares %d with itself", v, c)
				}
			}
			for range pairs {
				a, b := pick(), pick()
				if ab, ba := a.Compare(b), b.Compare(a); ab != -ba {
					t.Fatalf("antisymmetry: %s ? %s = %d, reversed %d", a, b, ab, ba)
				}
			}
			for range triples {
				a, b, c := pick(), pick(), pick()
				ab, bc, ac := a.Compare(b), b.Compare(c), a.Compare(c)
				switch {
				case ab <= 0 && bc <= 0 && ac > 0,
					ab >= 0 && bc >= 0 && ac < 0,
					ab == 0 && bc == 0 && ac != 0:
					t.Fatalf("transitivity: %s %s %s %s %s, but %s %s %s", a, opName(ab), b, opName(bc), c, a, opName(ac), c)
				}
			}
			sorted := slices.Clone(vs)
			slices.SortStableFunc(sorted, Version.Compare)
			for i := 1; i < len(sorted); i++ {
				if sorted[i-1].Compare(sorted[i]) > 0 {
					t.Fatalf("sort: %s before %s", sorted[i-1], sorted[i])
				}
			}
			for range pairs {
				i, j := rng.IntN(len(sorted)), rng.IntN(len(sorted))
				if i > j {
					i, j = j, i
				}
				if sorted[i].Compare(sorted[j]) > 0 {
					t.Fatalf("sorted[%d]=%s > sorted[%d]=%s", i, sorted[i], j, sorted[j])
				}
			}
		})
	}
}

// TestFastPaths checks the ports of dpkg's verrevcmp (Deb) and of the
// library's rpmvercmp (RPM) against the library's comparators on every
// pair of the corpus and the fixtures.
func TestFastPaths(t *testing.T) {
	for _, sch := range []Scheme{Deb, RPM} {
		vs := corpus(t, sch)
		for _, line := range readLines(t, filepath.Join("testdata", string(sch)+"-versions.txt")) {
			f := strings.Fields(line)
			vs = append(vs, mustParse(t, sch, f[0]), mustParse(t, sch, f[2]))
		}
		for _, a := range vs {
			for _, b := range vs {
				lib, err := a.v.Compare(b.v)
				if err != nil {
					t.Fatal(err)
				}
				if got := a.Compare(b); got != max(-1, min(1, lib)) {
					t.Fatalf("%s: %s ? %s: fast path %d, library %d", sch, a, b, got, lib)
				}
			}
		}
	}
}

// checkPairs compares the pairs with the reference results ref[i] in -1/0/1.
func checkPairs(t *testing.T, sch Scheme, pairs [][2]string, ref []int, tool string) {
	t.Helper()
	if len(ref) != len(pairs) {
		t.Fatalf("%s gave %d results for %d pairs", tool, len(ref), len(pairs))
	}
	bad := 0
	for i, p := range pairs {
		got := mustParse(t, sch, p[0]).Compare(mustParse(t, sch, p[1]))
		if got != ref[i] {
			bad++
			t.Errorf("%s %s %s by %s, %s by us", p[0], opName(ref[i]), p[1], tool, opName(got))
		}
	}
	t.Logf("%d pairs compared with %s, %d disagreements", len(pairs), tool, bad)
}

// refPairs returns the neighbours in sorted order plus random pairs of the
// corpus: neighbours are the pairs most likely to expose an ordering bug.
func refPairs(t *testing.T, sch Scheme, random int) [][2]string {
	vs := corpus(t, sch)
	slices.SortStableFunc(vs, Version.Compare)
	var pairs [][2]string
	for i := 1; i < len(vs); i++ {
		pairs = append(pairs, [2]string{vs[i-1].String(), vs[i].String()})
	}
	rng := rand.New(rand.NewPCG(7, 7))
	for range random {
		pairs = append(pairs, [2]string{vs[rng.IntN(len(vs))].String(), vs[rng.IntN(len(vs))].String()})
	}
	// Add the fixture lines, so the hand-written cases are checked too.
	for _, line := range readLines(t, filepath.Join("testdata", string(sch)+"-versions.txt")) {
		f := strings.Fields(line)
		pairs = append(pairs, [2]string{f[0], f[2]})
	}
	return pairs
}

func parseResults(t *testing.T, out []byte) []int {
	t.Helper()
	var res []int
	for _, f := range strings.Fields(string(out)) {
		n, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("bad reference output %q", f)
		}
		res = append(res, max(-1, min(1, n)))
	}
	return res
}

// TestDebAgainstDpkg cross-checks the Debian comparator with dpkg itself
// on real Debian 12 versions (testdata/corpus/deb.txt is taken from
// ../shared/data/osv-debian12-changelogs.zip by testdata/gencorpus.go).
func TestDebAgainstDpkg(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode: no dpkg cross-check")
	}
	if _, err := exec.LookPath("dpkg"); err != nil {
		t.Skip("dpkg not installed")
	}
	pairs := refPairs(t, Deb, 200)
	var in strings.Builder
	for _, p := range pairs {
		fmt.Fprintf(&in, "%s %s\n", p[0], p[1])
	}
	const script = `while read a b; do
	if dpkg --compare-versions "$a" lt "$b"; then echo -1
	elif dpkg --compare-versions "$a" eq "$b"; then echo 0
	else echo 1; fi
done`
	cmd := exec.CommandContext(context.Background(), "bash", "-c", script)
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("running dpkg: %v", err)
	}
	checkPairs(t, Deb, pairs, parseResults(t, out), "dpkg --compare-versions")
}

// TestRPMAgainstRpm cross-checks the RPM comparator with rpm's own
// rpm.vercmp on real AlmaLinux versions (from osv-almalinux.zip).
func TestRPMAgainstRpm(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode: no rpm cross-check")
	}
	if _, err := exec.LookPath("rpm"); err != nil {
		t.Skip("rpm not installed")
	}
	pairs := refPairs(t, RPM, 300)
	var lua strings.Builder
	lua.WriteString("%{lua:\n")
	for _, p := range pairs {
		if strings.ContainsAny(p[0]+p[1], "[]%{}") {
			t.Fatalf("cannot quote %q for lua", p)
		}
		fmt.Fprintf(&lua, "print(rpm.vercmp([[%s]], [[%s]]) .. \" \")\n", p[0], p[1])
	}
	lua.WriteString("}")
	out, err := exec.CommandContext(context.Background(), "rpm", "--eval", lua.String()).Output()
	if err != nil {
		t.Fatalf("running rpm: %v", err)
	}
	checkPairs(t, RPM, pairs, parseResults(t, out), "rpm.vercmp")
}

func TestSchemeFor(t *testing.T) {
	tests := []struct {
		eco  model.Ecosystem
		want Scheme
	}{
		{"Debian:12", Deb},
		{"Debian", Deb},
		{"Ubuntu:20.04", Deb},
		{"Ubuntu:Pro:18.04", Deb},
		{"Alpine:v3.10", APK},
		{"AlmaLinux:9", RPM},
		{"Rocky Linux:8", RPM},
		{"Red Hat", RPM},
		{"Go", SemVer},
		{"npm", SemVer},
		{"crates.io", SemVer},
		{"PyPI", PEP440},
		{"Maven", Maven},
		{"RubyGems", RubyGems},
		{"NuGet", NuGet},
		{"Packagist", Packagist},
	}
	for _, tt := range tests {
		got, err := SchemeFor(tt.eco)
		if err != nil || got != tt.want {
			t.Errorf("SchemeFor(%q) = %q, %v; want %q", tt.eco, got, err, tt.want)
		}
	}
	for _, eco := range []model.Ecosystem{"", "OSS-Fuzz", "Linux", "debian"} {
		if _, err := SchemeFor(eco); !errors.Is(err, ErrUnsupported) {
			t.Errorf("SchemeFor(%q) error = %v, want ErrUnsupported", eco, err)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		eco model.Ecosystem
		s   string
	}{
		{"Debian:12", ""},
		{"Debian:12", "a:1.0"},
		{"Debian:12", ":1.0"},
		{"Debian:12", "1:"},
		{"Debian:12", "-1"},
		{"Debian:12", "1.0 1"},
		{"Debian:12", "1.0_1"},
		{"Debian:12", "1.0ˤ"},
		{"Alpine:v3.10", "1.0-rX"},
		{"Alpine:v3.10", "10.2.22.r0"}, // typos in the Alpine secdb
		{"Alpine:v3.10", "2.7.16-33"},
		{"Alpine:v3.10", "1.0_foo"},
		{"Alpine:v3.10", "v1.0"},
		{"Alpine:v3.10", "\x00"},
		{"npm", "1.0\n"},
		{"PyPI", strings.Repeat("1", MaxLen+1)},
		{"Maven", "1.0\t"},
	}
	for _, tt := range tests {
		if v, err := Parse(tt.eco, tt.s); !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q, %q) = %v, %v; want ErrInvalid", tt.eco, tt.s, v, err)
		}
	}
	if _, err := Parse("OSS-Fuzz", "1.0"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Parse(OSS-Fuzz) error = %v, want ErrUnsupported", err)
	}
}

func TestCompareHelpers(t *testing.T) {
	c, err := Compare("Debian:12", "3.0.11-1~deb12u2", "3.0.11-1~deb12u2+b1")
	if err != nil || c != -1 {
		t.Errorf("Compare = %d, %v; want -1", c, err)
	}
	v := mustParse(t, RPM, "1:3.0.7-27.el9")
	if c, err := v.CompareString("3.0.8-1.el9"); err != nil || c != 1 {
		t.Errorf("CompareString = %d, %v; want 1", c, err)
	}
	if _, err := v.CompareString(""); !errors.Is(err, ErrInvalid) {
		t.Errorf("CompareString(\"\") error = %v", err)
	}
	var zero Version
	if !zero.IsZero() || zero.Compare(v) != -1 || v.Compare(zero) != 1 || zero.Compare(zero) != 0 {
		t.Error("zero Version does not sort first")
	}
	// Different schemes: a total order, no panic.
	d := mustParse(t, Deb, "1.0")
	if d.Compare(v) != -v.Compare(d) || d.Compare(v) == 0 {
		t.Error("cross-scheme comparison is not antisymmetric")
	}
	if v.Scheme() != RPM || v.String() != "1:3.0.7-27.el9" {
		t.Errorf("Scheme, String = %q, %q", v.Scheme(), v.String())
	}
}

// FuzzCompare checks that no input crashes a comparator and that parsed
// versions compare antisymmetrically.
func FuzzCompare(f *testing.F) {
	f.Add(uint8(0), "1:2.0", "3.0")
	f.Add(uint8(1), "1.2.3_rc1", "1.2.3-r0")
	f.Add(uint8(2), "1:3.0.7-27.el9", "3.0.8-1.el9")
	f.Add(uint8(4), "1!2.0.post1", "2.0rc1")
	f.Add(uint8(5), "2.0-beta9", "2.0.sp1")
	f.Fuzz(func(t *testing.T, i uint8, a, b string) {
		sch := tested[int(i)%len(tested)]
		va, errA := sch.Parse(a)
		vb, errB := sch.Parse(b)
		if errA != nil || errB != nil {
			return
		}
		if ab, ba := va.Compare(vb), vb.Compare(va); ab != -ba {
			t.Fatalf("%s: %q ? %q = %d, reversed %d", sch, a, b, ab, ba)
		}
		if sch == Deb || sch == RPM {
			lib, err := va.v.Compare(vb.v)
			if err == nil && va.Compare(vb) != max(-1, min(1, lib)) {
				t.Fatalf("%s: %q ? %q: fast path %d, library %d", sch, a, b, va.Compare(vb), lib)
			}
		}
		if va.Compare(va) != 0 {
			t.Fatalf("%s: %q not equal to itself", sch, a)
		}
	})
}

func BenchmarkCompare(b *testing.B) {
	pairs := []struct {
		sch  Scheme
		a, b string
	}{
		{Deb, "3.0.11-1~deb12u2", "3.0.11-1~deb12u2+b1"},
		{RPM, "1:3.0.7-27.el9", "1:3.0.7-16.el9_2"},
		{APK, "1.1.22-r3", "1.1.22-r2"},
		{SemVer, "0.17.0", "0.0.0-20230310195148-d3bfd1a8f9c5"},
		{PEP440, "2.31.0", "2.3.0"},
		{Maven, "2.14.1", "2.0-beta9"},
	}
	for _, p := range pairs {
		b.Run(string(p.sch), func(b *testing.B) {
			x, y := mustParse(b, p.sch, p.a), mustParse(b, p.sch, p.b)
			for b.Loop() {
				x.Compare(y)
			}
		})
	}
}
