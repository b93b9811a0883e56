package dpkg_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/internal/extracttest"
	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/extract/dpkg"
	"github.com/drydockhq/drydock/pkg/model"
)

// A paragraph layout as dpkg writes it, with multi-line fields, a package
// removed but with its configuration left, and a Source with its own version.
const status = `Package: libc6
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 12988
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u4
Depends: libgcc-s1
Conffiles:
 /etc/ld.so.conf.d/x86_64-linux-gnu.conf d4e7a7b88a71b5ffd9e2644e71a0cfab
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.

Package: libgnutls30
Status: deinstall ok config-files
Architecture: amd64
Source: gnutls28
Version: 3.7.9-2

Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl (3.0.11-1~deb12u2)
Version: 3.0.11-1~deb12u2+b1
`

func TestParse(t *testing.T) {
	got, err := dpkg.Parse(context.Background(), strings.NewReader(status))
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Package{
		{Name: "libc6", Version: "2.36-9+deb12u4", Type: model.TypeDeb, Arch: "amd64", Source: &model.SourcePackage{Name: "glibc", Version: "2.36-9+deb12u4"}},
		{Name: "libssl3", Version: "3.0.11-1~deb12u2+b1", Type: model.TypeDeb, Arch: "amd64", Source: &model.SourcePackage{Name: "openssl", Version: "3.0.11-1~deb12u2"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{
		"no colon here\n",
		" continuation first\n",
		"Package: a\nDescription: " + strings.Repeat("x", 2<<20) + "\n",
	} {
		if _, err := dpkg.Parse(context.Background(), strings.NewReader(in)); err == nil {
			t.Errorf("Parse(%.30q) succeeded, want an error", in)
		}
	}
}

func TestRequired(t *testing.T) {
	e := dpkg.New()
	for p, want := range map[string]bool{
		"var/lib/dpkg/status":                    true,
		"var/lib/dpkg/status.d/base":             true,
		"var/lib/dpkg/status.d/base.md5sums":     false,
		"var/lib/dpkg/status.d/sub/x":            false,
		"var/lib/dpkg/status-old":                false,
		"usr/share/doc/dpkg/var/lib/dpkg/status": false,
	} {
		if got := e.Required(p, nil); got != want {
			t.Errorf("Required(%q) = %v", p, got)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(status))
	f.Add([]byte("Package: a\nVersion: 1\nSource: b (\n"))
	f.Add([]byte("Package: a\nVersion: 1\nDepends: b | c:any (>= 1), d\n\nPackage: c\nVersion: 2\nProvides: d\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pkgs, err := dpkg.Parse(context.Background(), bytes.NewReader(data))
		if err != nil {
			return
		}
		for i := range pkgs {
			pkgs[i].Locations = []model.Location{{Path: "var/lib/dpkg/status"}}
		}
		for _, p := range pkgs {
			if p.Name == "" || p.Version == "" || p.Source == nil {
				t.Fatalf("incomplete package %+v", p)
			}
		}
		inv := model.Inventory{Packages: pkgs}
		extract.Finalize(&inv)
		extracttest.CheckDependsOn(t, "status", inv.Packages)
	})
}

// BenchmarkParse parses the status file of the debootstrap test image when
// it is built, else the small fixture.
func BenchmarkParse(b *testing.B) {
	data := []byte(status)
	if d, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "images", "out", "rootfs-curl", "var", "lib", "dpkg", "status")); err == nil {
		data = d
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := dpkg.Parse(context.Background(), bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDependsOn resolves Depends and Pre-Depends on real paragraphs of a
// debootstrap'd bookworm (testdata/status-bookworm-excerpt, 17 of its 88
// packages): alternatives and virtual packages through Provides (awk is
// mawk), packages not in the file left out; after extract.Finalize the
// edges are the final purls, with the distro qualifier.
func TestDependsOn(t *testing.T) {
	f, err := os.Open("testdata/status-bookworm-excerpt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pkgs, err := dpkg.Parse(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	for i := range pkgs {
		pkgs[i].Locations = []model.Location{{Path: "var/lib/dpkg/status"}}
	}
	inv := model.Inventory{OS: &model.OSRelease{ID: "debian", VersionID: "12"}, Packages: pkgs}
	extract.Finalize(&inv)
	name := map[string]string{}
	for _, p := range inv.Packages {
		name[p.PURL] = p.Name
	}
	got := map[string][]string{}
	for _, p := range inv.Packages {
		for _, d := range p.DependsOn {
			if name[d] == "" {
				t.Errorf("%s: DependsOn %q is not a final purl of the file", p.Name, d)
			}
			got[p.Name] = append(got[p.Name], name[d])
		}
	}
	libc := []string{"libc6"}
	want := map[string][]string{
		"base-files":  {"mawk"}, // Pre-Depends: awk, which mawk provides
		"base-passwd": {"libc6", "libselinux1"},
		"bash":        {"base-files", "debianutils", "libc6", "libtinfo6"},
		"debianutils": libc,
		"dpkg":        {"libbz2-1.0", "libc6", "liblzma5", "libmd0", "libselinux1", "libzstd1", "zlib1g"},
		"libbz2-1.0":  libc, "liblzma5": libc, "libmd0": libc, "libpcre2-8-0": libc,
		"libtinfo6": libc, "libzstd1": libc, "mawk": libc, "zlib1g": libc,
		"libc6":       {"libgcc-s1"},
		"libgcc-s1":   {"gcc-12-base", "libc6"},
		"libselinux1": {"libc6", "libpcre2-8-0"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dependencies (-want +got):\n%s", diff)
	}
}
