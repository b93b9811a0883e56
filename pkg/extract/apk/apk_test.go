package apk_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/internal/extracttest"
	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/extract/apk"
	"github.com/drydockhq/drydock/pkg/model"
)

const db = `C:Q1lRNIb0RDTD1L2JVU6ZnmKHYzp8s=
P:musl
V:1.1.22-r3
A:x86_64
S:368103
I:598016
T:the musl c library (libc) implementation
U:http://www.musl-libc.org/
L:MIT
o:musl
m:Timo Teräs <timo.teras@iki.fi>
t:1565162130
c:0c777cf840e82cdc528651e3f3f8f9dda6b1b028
p:so:libc.musl-x86_64.so.1=1
F:lib
R:libc.musl-x86_64.so.1

P:libssl1.1
V:1.1.1d-r2
A:x86_64
L:OpenSSL
o:openssl
`

func TestParse(t *testing.T) {
	got, err := apk.Parse(context.Background(), strings.NewReader(db))
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Package{
		{Name: "musl", Version: "1.1.22-r3", Type: model.TypeAPK, Arch: "x86_64", Licenses: []string{"MIT"}, Source: &model.SourcePackage{Name: "musl", Version: "1.1.22-r3"}},
		{Name: "libssl1.1", Version: "1.1.1d-r2", Type: model.TypeAPK, Arch: "x86_64", Licenses: []string{"OpenSSL"}, Source: &model.SourcePackage{Name: "openssl", Version: "1.1.1d-r2"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := apk.Parse(context.Background(), strings.NewReader("garbage line\n")); err == nil {
		t.Error("garbage parsed without error")
	}
}

// realDB reads lib/apk/db/installed out of the staged alpine:3.10 image.
func realDB(tb testing.TB) []byte {
	tb.Helper()
	f, err := os.Open(filepath.Join("..", "..", "..", "testdata", "images", "alpine-310.tar.gz"))
	if err != nil {
		tb.Skip(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	outer := tar.NewReader(zr)
	for {
		h, err := outer.Next()
		if err != nil {
			tb.Fatal("no layer with an apk db: ", err)
		}
		if !strings.HasSuffix(h.Name, "layer.tar") {
			continue
		}
		inner := tar.NewReader(outer)
		for {
			ih, err := inner.Next()
			if err != nil {
				break
			}
			if ih.Name == apk.DBPath {
				b, err := io.ReadAll(inner)
				if err != nil {
					tb.Fatal(err)
				}
				return b
			}
		}
	}
}

// TestRealDB checks the parser against the package records apk wrote in
// alpine:3.10: every "P:" line is one package.
func TestRealDB(t *testing.T) {
	data := realDB(t)
	pkgs, err := apk.Parse(context.Background(), bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Count("\n"+string(data), "\nP:"); len(pkgs) != want || want != 14 {
		t.Errorf("%d packages, db has %d records (want 14)", len(pkgs), want)
	}
}

// TestRealDependsOn resolves the "D:" lines apk wrote in alpine:3.10 by
// name and through "p:" provides (so: libraries, /bin/sh from busybox);
// after extract.Finalize the edges are the final purls.
func TestRealDependsOn(t *testing.T) {
	pkgs, err := apk.Parse(context.Background(), bytes.NewReader(realDB(t)))
	if err != nil {
		t.Fatal(err)
	}
	for i := range pkgs {
		pkgs[i].Locations = []model.Location{{Path: apk.DBPath}}
	}
	inv := model.Inventory{OS: &model.OSRelease{ID: "alpine", VersionID: "3.10.9"}, Packages: pkgs}
	extract.Finalize(&inv)
	extracttest.CheckDependsOn(t, apk.DBPath, inv.Packages)
	name := map[string]string{}
	for _, p := range inv.Packages {
		name[p.PURL] = p.Name
	}
	got := map[string][]string{}
	for _, p := range inv.Packages {
		for _, d := range p.DependsOn {
			got[p.Name] = append(got[p.Name], name[d])
		}
	}
	musl := []string{"musl"}
	want := map[string][]string{
		"busybox":           musl,
		"alpine-baselayout": {"busybox", "musl"}, // D:/bin/sh, which busybox provides
		"libcrypto1.1":      musl,
		"libssl1.1":         {"libcrypto1.1", "musl"},
		"libtls-standalone": {"ca-certificates-cacert", "libcrypto1.1", "libssl1.1", "musl"},
		"ssl_client":        {"libtls-standalone", "musl"},
		"zlib":              musl,
		"apk-tools":         {"libcrypto1.1", "libssl1.1", "musl", "zlib"},
		"scanelf":           musl,
		"musl-utils":        {"musl", "scanelf"},
		"libc-utils":        {"musl-utils"},
	}
	for n, deps := range got {
		slices.Sort(deps)
		got[n] = deps
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dependencies (-want +got):\n%s", diff)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(db))
	f.Add([]byte("P:a\nV:1\nD:so:x.so.1 !c b>=2\n\nP:b\nV:2\np:so:x.so.1=1 cmd:b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pkgs, err := apk.Parse(context.Background(), bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, p := range pkgs {
			if p.Name == "" || p.Version == "" || p.Source == nil {
				t.Fatalf("incomplete package %+v", p)
			}
		}
		for i := range pkgs {
			pkgs[i].Locations = []model.Location{{Path: apk.DBPath}}
		}
		inv := model.Inventory{Packages: pkgs}
		extract.Finalize(&inv)
		extracttest.CheckDependsOn(t, apk.DBPath, inv.Packages)
	})
}

func BenchmarkParse(b *testing.B) {
	data := realDB(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := apk.Parse(context.Background(), bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
