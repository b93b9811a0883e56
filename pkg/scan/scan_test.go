package scan_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/drydockhq/drydock/internal/imagetest"
	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/extract/dpkg"
	"github.com/drydockhq/drydock/pkg/extract/list"
	"github.com/drydockhq/drydock/pkg/image"
	"github.com/drydockhq/drydock/pkg/layercache"
	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/scan"
)

// testImages returns the directory built by testdata/images/build.sh. In CI
// the images must be there; elsewhere the test is skipped when they are not.
func testImages(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("DRYDOCK_TESTIMAGES")
	if dir == "" {
		dir = filepath.Join("..", "..", "testdata", "images", "out")
	}
	if _, err := os.Stat(filepath.Join(dir, "bookworm.tar")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("test images missing in %s (run testdata/images/build.sh): %v", dir, err)
		}
		t.Skipf("test images not built (run testdata/images/build.sh): %v", err)
	}
	return dir
}

func sharedData(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("../shared/data missing: %v", err)
		}
		t.Skip("../shared/data not present")
	}
	return dir
}

func newScanner(t *testing.T, c layercache.Cache) *scan.Scanner {
	t.Helper()
	s, err := scan.New(scan.Config{Extractors: list.Default(), Cache: c})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func scanRef(t *testing.T, s *scan.Scanner, ref string) *model.Report {
	t.Helper()
	img, err := image.Open(context.Background(), ref, image.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	r, err := s.Scan(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// readTruth reads the TSV that dpkg-query wrote: name, version, source, source version, arch.
func readTruth(t *testing.T, p string) []string {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

func packageRows(r *model.Report) []string {
	var out []string
	for _, p := range r.Inventory.Packages {
		out = append(out, strings.Join([]string{p.Name, p.Version, p.Source.Name, p.Source.Version, p.Arch}, "\t"))
	}
	slices.Sort(out)
	return out
}

// TestBookwormMatchesDpkg compares drydock's inventory of a debootstrap'd
// image with what dpkg-query itself lists, and checks layer attribution.
func TestBookwormMatchesDpkg(t *testing.T) {
	dir := testImages(t)
	want := readTruth(t, filepath.Join(dir, "bookworm.dpkg.tsv"))
	base := readTruth(t, filepath.Join(dir, "bookworm-base.dpkg.tsv"))
	for _, ref := range []string{
		filepath.Join(dir, "bookworm.tar"),
		"docker-archive:" + filepath.Join(dir, "bookworm.tar") + ":drydock-test/bookworm:curl",
		"oci:" + filepath.Join(dir, "bookworm-oci"),
		"oci:" + filepath.Join(dir, "bookworm-oci") + ":drydock-test/bookworm:curl",
	} {
		t.Run(ref, func(t *testing.T) {
			r := scanRef(t, newScanner(t, nil), ref)
			if diff := cmp.Diff(want, packageRows(r)); diff != "" {
				t.Fatalf("packages differ from dpkg-query (-dpkg +drydock):\n%s", diff)
			}
			if r.Inventory.OS == nil || r.Inventory.OS.ID != "debian" || r.Inventory.OS.VersionID != "12" {
				t.Errorf("OS = %+v, want debian 12", r.Inventory.OS)
			}
			for _, p := range r.Inventory.Packages {
				row := strings.Join([]string{p.Name, p.Version, p.Source.Name, p.Source.Version, p.Arch}, "\t")
				wantLayer := 1
				if slices.Contains(base, row) {
					wantLayer = 0
				}
				if l := p.Locations[0]; l.LayerIndex != wantLayer || l.Layer != r.Artifact.Layers[wantLayer].DiffID {
					t.Errorf("%s: layer %d %s, want %d", p.Name, l.LayerIndex, l.Layer, wantLayer)
				}
				if p.Ecosystem != "Debian:12" {
					t.Errorf("%s: ecosystem %q", p.Name, p.Ecosystem)
				}
			}
			if len(r.Status) != 0 {
				t.Errorf("unexpected status: %v", r.Status)
			}
			checkLicenses(t, filepath.Join(dir, "rootfs-curl"), r.Inventory.Packages)
		})
	}
}

// checkLicenses compares each package's licences with its copyright file in
// the image's root file system: a package whose usr/share/doc/NAME is a
// real directory with a copyright file has exactly that file's licences.
func checkLicenses(t *testing.T, rootfs string, pkgs []model.Package) {
	t.Helper()
	with := 0
	for _, p := range pkgs {
		f := filepath.Join(rootfs, extract.DebianCopyrightPath(p.Name))
		var want []string
		if fi, err := os.Lstat(filepath.Dir(f)); err == nil && fi.IsDir() {
			if b, err := os.ReadFile(f); err == nil {
				if want, err = dpkg.ParseCopyright(context.Background(), bytes.NewReader(b)); err != nil {
					t.Fatal(err)
				}
			}
		}
		if diff := cmp.Diff(want, p.Licenses, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s licences (-copyright file +drydock):\n%s", p.Name, diff)
		}
		if len(p.Licenses) > 0 {
			with++
		}
	}
	if with < len(pkgs)/2 {
		t.Errorf("only %d of %d packages have licences", with, len(pkgs))
	}
	t.Logf("%d of %d packages have licences from their copyright files", with, len(pkgs))
}

// TestLayerCache proves that a second scan reads no layer and that an image
// sharing its base with a scanned one reads only its own layer.
func TestLayerCache(t *testing.T) {
	dir := testImages(t)
	c, err := layercache.OpenBolt(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := newScanner(t, c)
	cached := func(r *model.Report) []bool {
		var out []bool
		for _, l := range r.Artifact.Layers {
			out = append(out, l.Cached)
		}
		return out
	}
	first := scanRef(t, s, filepath.Join(dir, "bookworm.tar"))
	if diff := cmp.Diff([]bool{false, false}, cached(first)); diff != "" {
		t.Errorf("first scan: %s", diff)
	}
	second := scanRef(t, s, filepath.Join(dir, "bookworm.tar"))
	if diff := cmp.Diff([]bool{true, true}, cached(second)); diff != "" {
		t.Errorf("second scan read layers: %s", diff)
	}
	if diff := cmp.Diff(packageRows(first), packageRows(second)); diff != "" {
		t.Errorf("cached inventory differs: %s", diff)
	}
	sibling := scanRef(t, s, filepath.Join(dir, "bookworm-less.tar"))
	if diff := cmp.Diff([]bool{true, false}, cached(sibling)); diff != "" {
		t.Errorf("sibling image: %s", diff)
	}
	if diff := cmp.Diff(readTruth(t, filepath.Join(dir, "bookworm-less.dpkg.tsv")), packageRows(sibling)); diff != "" {
		t.Errorf("sibling packages (-dpkg +drydock):\n%s", diff)
	}
}

func TestAlpineImages(t *testing.T) {
	data := sharedData(t)
	for _, tt := range []struct {
		file, version string
	}{{"alpine-310.tar.gz", "3.10.4"}, {"alpine-311.tar.gz", "3.11.5"}} {
		r := scanRef(t, newScanner(t, nil), filepath.Join(data, "images", tt.file))
		if r.Inventory.OS == nil || r.Inventory.OS.ID != "alpine" || r.Inventory.OS.VersionID != tt.version {
			t.Errorf("%s: OS %+v", tt.file, r.Inventory.OS)
		}
		if n := len(r.Inventory.Packages); n != 14 {
			t.Errorf("%s: %d packages, want 14", tt.file, n)
		}
	}
	r := scanRef(t, newScanner(t, nil), filepath.Join(data, "images", "hello-world-v25.tar"))
	if len(r.Inventory.Packages) != 0 || r.Inventory.OS != nil {
		t.Errorf("hello-world: %d packages, OS %+v", len(r.Inventory.Packages), r.Inventory.OS)
	}
}

// fakeImage serves layers from memory.
type fakeImage struct{ layers []image.Layer }

func (f *fakeImage) Ref() string            { return "fake" }
func (f *fakeImage) Digest() model.Digest   { return "" }
func (f *fakeImage) ID() model.Digest       { return "" }
func (f *fakeImage) RepoTags() []string     { return nil }
func (f *fakeImage) Config() *v1.ConfigFile { return nil }
func (f *fakeImage) Layers() []image.Layer  { return f.layers }
func (f *fakeImage) Close() error           { return nil }

type fakeLayer struct {
	diffID model.Digest
	open   func() (io.ReadCloser, error)
}

func (l *fakeLayer) Index() int           { return 0 }
func (l *fakeLayer) DiffID() model.Digest { return l.diffID }
func (l *fakeLayer) Digest() model.Digest { return "" }
func (l *fakeLayer) Size() int64          { return 0 }
func (l *fakeLayer) CreatedBy() string    { return "" }
func (l *fakeLayer) Open(context.Context) (io.ReadCloser, error) {
	rc, err := l.open()
	if err != nil {
		return nil, err
	}
	return image.VerifyReader(rc, l.diffID)
}

func TestDiffIDMismatch(t *testing.T) {
	data, err := imagetest.TarBytes([]imagetest.Entry{{Name: "etc/os-release", Body: "ID=debian\n"}})
	if err != nil {
		t.Fatal(err)
	}
	l := &fakeLayer{
		diffID: "sha256:0000000000000000000000000000000000000000000000000000000000000000",
		open:   func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(string(data))), nil },
	}
	c := layercache.NewMemory()
	_, err = newScanner(t, c).Scan(context.Background(), &fakeImage{layers: []image.Layer{l}})
	if err == nil || !strings.Contains(err.Error(), "diff ID mismatch") || !strings.Contains(err.Error(), "layer 0 (sha256:0000") {
		t.Fatalf("err = %v, want a diff ID mismatch naming the layer", err)
	}
	if _, err := c.Get(context.Background(), layercache.KeyFor(l.diffID, list.Default().Key(), "maxfile=268435456")); !errors.Is(err, layercache.ErrNotFound) {
		t.Errorf("a layer that failed verification was cached")
	}
}
