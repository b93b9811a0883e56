package java

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"hash/crc32"
	"os"
	"strings"
	"testing"

	"github.com/drydockhq/drydock/pkg/extract"
)

// entry is one file of a zip made by mkzip.
type entry struct {
	name  string
	data  []byte
	store bool // zip.Store instead of zip.Deflate
	// raw, when set, is written as the entry's compressed bytes with the
	// header's sizes and CRC taken from hdr (hostile archives).
	raw []byte
	hdr *zip.FileHeader
}

func stored(name string, data []byte) entry   { return entry{name: name, data: data, store: true} }
func deflated(name string, data []byte) entry { return entry{name: name, data: data} }
func pom(g, a, v string) entry {
	return deflated("META-INF/maven/"+g+"/"+a+"/pom.properties", []byte("groupId="+g+"\nartifactId="+a+"\nversion="+v+"\n"))
}

func mkzip(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		var err error
		if e.hdr != nil {
			h := *e.hdr
			h.Name = e.name
			w, err2 := zw.CreateRaw(&h)
			if err2 == nil {
				_, err = w.Write(e.raw)
			} else {
				err = err2
			}
		} else {
			m := zip.Deflate
			if e.store {
				m = zip.Store
			}
			w, err2 := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: m})
			if err2 == nil {
				_, err = w.Write(e.data)
			} else {
				err = err2
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func run(t testing.TB, data []byte, name string, lim limits) (*extract.Result, error) {
	t.Helper()
	return parse(context.Background(), bytes.NewReader(data), int64(len(data)), name, lim)
}

func names(res *extract.Result) []string {
	var out []string
	for _, p := range res.Packages {
		out = append(out, p.Locations[0].Path+" "+p.Name+"@"+p.Version)
	}
	return out
}

func wantWarning(t *testing.T, res *extract.Result, substr ...string) {
	t.Helper()
	for _, w := range res.Warnings {
		ok := true
		for _, s := range substr {
			ok = ok && strings.Contains(w, s)
		}
		if ok {
			return
		}
	}
	t.Errorf("no warning containing %q in %q", substr, res.Warnings)
}

func deflate(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	if _, err := fw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestNotAZip(t *testing.T) {
	fixture, err := os.ReadFile("testdata/demo-app-0.0.1-SNAPSHOT.jar")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"empty.jar":          nil,
		"text.jar":           []byte("this is not a zip\n"),
		"truncated-half.jar": fixture[:len(fixture)/2],
		"truncated-tail.jar": fixture[:len(fixture)-10],
		"eocd-only.jar":      {'P', 'K', 5, 6, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	} {
		_, err := run(t, data, name, defaultLimits())
		if err == nil || !strings.Contains(err.Error(), "zip") {
			t.Errorf("%s: err = %v, want a zip error", name, err)
		}
	}
	// Through Extract, the error names the format and the file.
	_, err = New().Extract(context.Background(), extract.NewInput("app/x.jar", nil, bytes.NewReader([]byte("nope")), nil))
	if err == nil || !strings.HasPrefix(err.Error(), "parsing java archive app/x.jar: ") {
		t.Errorf("Extract error = %v", err)
	}
}

// TestPrependedScript: a launch script put before a jar (`cat stub.sh app.jar`,
// offsets not adjusted) is read as Java reads it; only a zip local header at
// offset 0 marks a truncated archive.
func TestPrependedScript(t *testing.T) {
	jar := nest(t, 2, false)
	data := append([]byte("#!/bin/sh\nexec java -jar \"$0\" \"$@\"\n"), jar...)
	res, err := run(t, data, "app.run.jar", defaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Packages) != 2 || len(res.Warnings) != 0 {
		t.Errorf("packages %q, warnings %q", names(res), res.Warnings)
	}
}

// TestHostileNested checks that bad nested archives cost a warning each and
// the rest of the archive is still read.
func TestHostileNested(t *testing.T) {
	good := mkzip(t, pom("org.example", "good", "1.0"))
	half := good[:len(good)/2]
	garbage := deflate(t, []byte("not a real inflated jar"))
	zeros := make([]byte, 2<<20) // 2 MiB of zeros deflate to ~2 KiB: ratio ~1000
	badCRC := mkzip(t, pom("org.example", "crc", "1.0"))
	fat := nest(t, 2, false)
	cut := fat[:len(fat)-22] // without its end record; the stored inner jar keeps its own

	outer := mkzip(t,
		pom("org.example", "outer", "1.0"),
		stored("BOOT-INF/lib/good-1.0.jar", good),
		stored("BOOT-INF/lib/truncated.jar", half),
		stored("BOOT-INF/lib/cut.jar", cut),
		deflated("BOOT-INF/lib/text.jar", []byte("not a zip")),
		deflated("BOOT-INF/lib/bomb.jar", zeros),
		entry{name: "BOOT-INF/lib/huge.jar", raw: garbage, hdr: &zip.FileHeader{
			Method: zip.Deflate, CompressedSize64: uint64(len(garbage)), UncompressedSize64: 1 << 40}},
		entry{name: "BOOT-INF/lib/liar.jar", raw: garbage, hdr: &zip.FileHeader{
			Method: zip.Deflate, CompressedSize64: 1 << 61, UncompressedSize64: 500 << 20}},
		entry{name: "BOOT-INF/lib/bzip2.jar", raw: []byte("BZh9"), hdr: &zip.FileHeader{
			Method: 12, CompressedSize64: 4, UncompressedSize64: 4}},
		entry{name: "BOOT-INF/lib/badcrc.jar", raw: deflate(t, badCRC), hdr: &zip.FileHeader{
			Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(badCRC) ^ 1,
			CompressedSize64: uint64(len(deflate(t, badCRC))), UncompressedSize64: uint64(len(badCRC))}},
		entry{name: "BOOT-INF/lib/short.jar", raw: deflate(t, good), hdr: &zip.FileHeader{
			Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(good),
			CompressedSize64: uint64(len(deflate(t, good))), UncompressedSize64: uint64(len(good)) + 10}},
		entry{name: "BOOT-INF/lib/encrypted.jar", raw: good, hdr: &zip.FileHeader{
			Method: zip.Store, Flags: 0x1, CRC32: crc32.ChecksumIEEE(good),
			CompressedSize64: uint64(len(good)), UncompressedSize64: uint64(len(good))}},
		deflated("META-INF/maven/org.example/unresolved/pom.properties", []byte("groupId=org.example\nartifactId=unresolved\nversion=${project.version}\n")),
		deflated("META-INF/maven/org.example/badescape/pom.properties", []byte("version=1\\u12")),
		deflated("META-INF/maven/org.example/noversion/pom.properties", []byte("groupId=org.example\n")),
		deflated("META-INF/maven/bad group/x/pom.properties", []byte("version=1\n")),
	)
	res, err := run(t, outer, "app/outer.jar", defaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"app/outer.jar org.example:outer@1.0",
		"app/outer.jar!/BOOT-INF/lib/good-1.0.jar org.example:good@1.0",
	}
	if got := names(res); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("packages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, w := range [][]string{
		{"app/outer.jar!/BOOT-INF/lib/truncated.jar: reading zip directory: zip: not a valid zip file; skipped"},
		{"app/outer.jar!/BOOT-INF/lib/cut.jar: truncated zip: no end-of-central-directory record of its own; the last one belongs to the archive stored at offset"},
		{"app/outer.jar!/BOOT-INF/lib/text.jar: reading zip directory: zip: not a valid zip file; skipped"},
		{"app/outer.jar!/BOOT-INF/lib/bomb.jar: suspicious compression ratio"},
		{"app/outer.jar!/BOOT-INF/lib/huge.jar: 1099511627776 bytes uncompressed, over the limit of 536870912; skipped"},
		{"app/outer.jar!/BOOT-INF/lib/liar.jar: 2305843009213693952 bytes compressed, more than the archive's"},
		{"app/outer.jar!/BOOT-INF/lib/bzip2.jar: zip: unsupported compression algorithm; skipped"},
		{"app/outer.jar!/BOOT-INF/lib/badcrc.jar: inflating: zip: checksum error; skipped"},
		{"app/outer.jar!/BOOT-INF/lib/short.jar: inflating: unexpected EOF; skipped"},
		{"app/outer.jar!/BOOT-INF/lib/encrypted.jar: encrypted; skipped"},
		{"app/outer.jar!/META-INF/maven/org.example/unresolved/pom.properties: invalid version \"${project.version}\"; ignored"},
		{"app/outer.jar!/META-INF/maven/org.example/badescape/pom.properties: line 1: malformed"},
		{"app/outer.jar!/META-INF/maven/org.example/noversion/pom.properties: invalid version \"\""},
		{"app/outer.jar!/META-INF/maven/bad group/x/pom.properties: invalid groupId \"bad group\""},
	} {
		wantWarning(t, res, w...)
	}
	if len(res.Warnings) != 14 {
		t.Errorf("%d warnings, want 14: %q", len(res.Warnings), res.Warnings)
	}
}

func TestEscapingNames(t *testing.T) {
	evil := mkzip(t, pom("org.example", "evil", "6.6.6"))
	data := mkzip(t,
		pom("org.example", "ok", "1.0"),
		stored("../../evil.jar", evil),
		stored("/abs/evil.jar", evil),
		stored(`..\..\evil.jar`, evil),
		stored("C:/evil.jar", evil),
		stored("lib/../../evil.jar", evil),
		deflated("../META-INF/maven/org.example/evil/pom.properties", []byte("version=6.6.6\n")),
		stored("lib/../lib/inside-1.0.jar", mkzip(t, pom("org.example", "inside", "1.0"))),
	)
	res, err := run(t, data, "x.jar", defaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	want := "x.jar org.example:ok@1.0\nx.jar!/lib/../lib/inside-1.0.jar org.example:inside@1.0"
	if got := strings.Join(names(res), "\n"); got != want {
		t.Errorf("packages:\n%s\nwant:\n%s", got, want)
	}
	wantWarning(t, res, `x.jar: 6 entries with names leaving the archive root (first "../../evil.jar") ignored`)
}

// nest builds an archive nested levels deep; level i carries org.example:l<i>.
func nest(t testing.TB, levels int, compress bool) []byte {
	var inner []byte
	for i := levels - 1; i >= 0; i-- {
		es := []entry{pom("org.example", fmt.Sprintf("l%d", i), "1.0")}
		if inner != nil {
			e := stored(fmt.Sprintf("lib/l%d-1.0.jar", i+1), inner)
			e.store = !compress
			es = append(es, e)
		}
		inner = mkzip(t, es...)
	}
	return inner
}

func TestDepth(t *testing.T) {
	for _, compress := range []bool{false, true} {
		res, err := run(t, nest(t, MaxDepth+4, compress), "l0-1.0.jar", defaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		if got := len(res.Packages); got != MaxDepth+1 {
			t.Errorf("compress %v: %d packages, want %d (depths 0..%d)", compress, got, MaxDepth+1, MaxDepth)
		}
		last := res.Packages[len(res.Packages)-1]
		if want := fmt.Sprintf("org.example:l%d", MaxDepth); last.Name != want || strings.Count(last.Locations[0].Path, "!/") != MaxDepth {
			t.Errorf("deepest package %s at %s", last.Name, last.Locations[0].Path)
		}
		if len(res.Warnings) != 1 {
			t.Fatalf("warnings %q", res.Warnings)
		}
		wantWarning(t, res, fmt.Sprintf("!/lib/l%d-1.0.jar: archive nested deeper than %d levels; skipped", MaxDepth+1, MaxDepth))
	}
}

func TestLimits(t *testing.T) {
	lib := func(i int) entry {
		return deflated(fmt.Sprintf("WEB-INF/lib/x%d-1.0.jar", i), mkzip(t, pom("org.example", fmt.Sprintf("x%d", i), "1.0")))
	}
	war := mkzip(t, pom("org.example", "w", "1.0"), lib(1), lib(2), lib(3))

	t.Run("bytes", func(t *testing.T) {
		lim := defaultLimits()
		// Enough for the war's pom.properties and one nested jar with its own.
		lim.totalBytes = int64(len(war) / 2)
		res, err := run(t, war, "w.war", lim)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Packages) < 2 || len(res.Packages) > 3 {
			t.Errorf("packages %q", names(res))
		}
		wantWarning(t, res, "WEB-INF/lib/x", "left of the limit of", "for the whole file; skipped")
	})
	t.Run("entries", func(t *testing.T) {
		lim := defaultLimits()
		lim.entries = 3
		if _, err := run(t, war, "w.war", lim); err == nil || err.Error() != "4 entries, over the limit of 3" {
			t.Errorf("err = %v", err)
		}
		lim = defaultLimits()
		lim.totalEntries = 5 // the war's 4 and one jar's 1
		res, err := run(t, war, "w.war", lim)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Packages) != 2 {
			t.Errorf("packages %q", names(res))
		}
		wantWarning(t, res, "w.war!/WEB-INF/lib/x2-1.0.jar: 1 entries, over the 0 left of the limit of 5 for the whole file")
	})
	t.Run("central directory", func(t *testing.T) {
		lim := defaultLimits()
		lim.centralDir = -128<<10 + 100
		if _, err := run(t, war, "w.war", lim); err == nil || !strings.Contains(err.Error(), "central directory over") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("metadata", func(t *testing.T) {
		lim := defaultLimits()
		lim.metaBytes = 10
		res, err := run(t, mkzip(t, pom("org.example", "m", "1.0"), deflated("META-INF/MANIFEST.MF", []byte("Implementation-Title: big\n"))), "m-1.0.jar", lim)
		if err != nil {
			t.Fatal(err)
		}
		wantWarning(t, res, "m-1.0.jar!/META-INF/maven/org.example/m/pom.properties: ", "over the limit of 10; ignored")
		wantWarning(t, res, "m-1.0.jar!/META-INF/MANIFEST.MF: ", "over the limit of 10; ignored")
		// The file name still names it.
		if got := names(res); len(got) != 1 || got[0] != "m-1.0.jar m@1.0" {
			t.Errorf("packages %q", got)
		}
	})
	t.Run("warnings", func(t *testing.T) {
		lim := defaultLimits()
		lim.warnings = 3
		var es []entry
		for i := range 10 {
			es = append(es, deflated(fmt.Sprintf("lib/bad%d.jar", i), []byte("junk")))
		}
		res, err := run(t, mkzip(t, es...), "b.jar", lim)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Warnings) != 4 || res.Warnings[3] != "7 further warnings suppressed" {
			t.Errorf("warnings %q", res.Warnings)
		}
	})
}

// TestBranching: every level holds the next one twice, so the opens grow
// as 2^depth (as with overlapping-entry zips that point many entries at the
// same data); the total entry limit ends it.
func TestBranching(t *testing.T) {
	inner := nest(t, 1, false)
	for range 8 {
		inner = mkzip(t, stored("a.jar", inner), stored("b.jar", inner))
	}
	lim := defaultLimits()
	lim.totalEntries = 20
	res, err := run(t, inner, "q.jar", lim)
	if err != nil {
		t.Fatal(err)
	}
	wantWarning(t, res, "over the", "left of the limit of 20")
}

func TestCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	data := nest(t, 3, false)
	if _, err := Parse(ctx, bytes.NewReader(data), int64(len(data)), "x.jar"); err == nil {
		t.Error("no error from a canceled context")
	}
}
