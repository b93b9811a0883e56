package purl

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/model"
)

var (
	debian12 = &model.OSRelease{ID: "debian", VersionID: "12", Codename: "bookworm"}
	alpine   = &model.OSRelease{ID: "alpine", VersionID: "3.19.1"}
	alma     = &model.OSRelease{ID: "almalinux", VersionID: "9.3"}
)

func TestFor(t *testing.T) {
	tests := []struct {
		name string
		pkg  model.Package
		os   *model.OSRelease
		want string
	}{
		{
			name: "deb same source",
			pkg:  model.Package{Name: "bash", Version: "5.2.15-2+b2", Type: model.TypeDeb, Arch: "amd64", Source: &model.SourcePackage{Name: "bash", Version: "5.2.15-2+b2"}},
			os:   debian12,
			want: "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&distro=debian-12",
		},
		{
			name: "deb source name differs",
			pkg:  model.Package{Name: "libssl3", Version: "3.0.11-1~deb12u2", Type: model.TypeDeb, Arch: "amd64", Source: &model.SourcePackage{Name: "openssl", Version: "3.0.11-1~deb12u2"}},
			os:   debian12,
			want: "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl",
		},
		{
			name: "deb source version differs",
			pkg:  model.Package{Name: "libc6", Version: "2.36-9+deb12u4", Type: model.TypeDeb, Source: &model.SourcePackage{Name: "glibc", Version: "2.36-9+deb12u3"}},
			os:   debian12,
			want: "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?distro=debian-12&upstream=glibc%402.36-9%2Bdeb12u3",
		},
		{
			name: "deb epoch stays in the version",
			pkg:  model.Package{Name: "perl-base", Version: "1:5.36.0-7", Type: model.TypeDeb},
			os:   &model.OSRelease{ID: "ubuntu", VersionID: "22.04"},
			want: "pkg:deb/ubuntu/perl-base@1:5.36.0-7?distro=ubuntu-22.04",
		},
		{
			name: "deb without os uses the ecosystem",
			pkg:  model.Package{Name: "zlib1g", Version: "1:1.2.13.dfsg-1", Type: model.TypeDeb, Ecosystem: "Debian:12"},
			want: "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?distro=debian-12",
		},
		{
			name: "deb without os or ecosystem",
			pkg:  model.Package{Name: "zlib1g", Version: "1:1.2.13.dfsg-1", Type: model.TypeDeb},
			want: "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1",
		},
		{
			name: "deb on a mismatched os ignores it",
			pkg:  model.Package{Name: "zlib1g", Version: "1.2", Type: model.TypeDeb},
			os:   alpine,
			want: "pkg:deb/debian/zlib1g@1.2",
		},
		{
			name: "apk origin",
			pkg:  model.Package{Name: "libcrypto3", Version: "3.1.4-r5", Type: model.TypeAPK, Arch: "x86_64", Source: &model.SourcePackage{Name: "openssl", Version: "3.1.4-r5"}},
			os:   alpine,
			want: "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=alpine-3.19.1&upstream=openssl",
		},
		{
			name: "rpm epoch and source rpm",
			pkg:  model.Package{Name: "openssl-libs", Version: "1:3.0.7-25.el9_3", Type: model.TypeRPM, Arch: "x86_64", Source: &model.SourcePackage{Name: "openssl", Version: "3.0.7-25.el9_3"}},
			os:   alma,
			want: "pkg:rpm/almalinux/openssl-libs@3.0.7-25.el9_3?arch=x86_64&distro=almalinux-9.3&epoch=1&upstream=openssl-3.0.7-25.el9_3.src.rpm",
		},
		{
			name: "rpm same source",
			pkg:  model.Package{Name: "bash", Version: "5.1.8-6.el9_1", Type: model.TypeRPM, Arch: "x86_64", Source: &model.SourcePackage{Name: "bash", Version: "5.1.8-6.el9_1"}},
			os:   alma,
			want: "pkg:rpm/almalinux/bash@5.1.8-6.el9_1?arch=x86_64&distro=almalinux-9.3",
		},
		{
			name: "golang",
			pkg:  model.Package{Name: "github.com/Masterminds/semver/v3", Version: "v3.2.1", Type: model.TypeGolang},
			want: "pkg:golang/github.com/Masterminds/semver/v3@v3.2.1",
		},
		{
			name: "npm scoped",
			pkg:  model.Package{Name: "@babel/core", Version: "7.23.0", Type: model.TypeNPM},
			want: "pkg:npm/%40babel/core@7.23.0",
		},
		{
			name: "npm",
			pkg:  model.Package{Name: "lodash", Version: "4.17.21", Type: model.TypeNPM},
			want: "pkg:npm/lodash@4.17.21",
		},
		{
			name: "pypi normalised",
			pkg:  model.Package{Name: "Typing_Extensions", Version: "4.8.0", Type: model.TypePyPI},
			want: "pkg:pypi/typing-extensions@4.8.0",
		},
		{
			name: "maven",
			pkg:  model.Package{Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1", Type: model.TypeMaven},
			want: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
		},
		{
			name: "gem",
			pkg:  model.Package{Name: "rails", Version: "7.1.2", Type: model.TypeGem},
			want: "pkg:gem/rails@7.1.2",
		},
		{
			name: "cargo",
			pkg:  model.Package{Name: "serde", Version: "1.0.193", Type: model.TypeCargo},
			want: "pkg:cargo/serde@1.0.193",
		},
		{
			name: "composer",
			pkg:  model.Package{Name: "symfony/console", Version: "v6.4.1", Type: model.TypeComposer},
			want: "pkg:composer/symfony/console@v6.4.1",
		},
		{
			name: "nuget",
			pkg:  model.Package{Name: "Newtonsoft.Json", Version: "13.0.3", Type: model.TypeNuGet},
			want: "pkg:nuget/Newtonsoft.Json@13.0.3",
		},
		{
			name: "no version",
			pkg:  model.Package{Name: "lodash", Type: model.TypeNPM},
			want: "pkg:npm/lodash",
		},
		{name: "no name", pkg: model.Package{Type: model.TypeNPM, Version: "1"}, want: ""},
		{name: "no type", pkg: model.Package{Name: "x", Version: "1"}, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := For(tt.pkg, tt.os); got != tt.want {
				t.Errorf("For() = %q\nwant     %q", got, tt.want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in     string
		want   model.Package
		wantOS *model.OSRelease
	}{
		{
			in: "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl",
			want: model.Package{Name: "libssl3", Version: "3.0.11-1~deb12u2", Type: model.TypeDeb, Ecosystem: "Debian:12", Arch: "amd64",
				Source: &model.SourcePackage{Name: "openssl", Version: "3.0.11-1~deb12u2"}},
			wantOS: &model.OSRelease{ID: "debian", VersionID: "12"},
		},
		{
			// syft writes the source version when it differs.
			in: "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=arm64&upstream=glibc%402.36-9%2Bdeb12u3&distro=debian-12",
			want: model.Package{Name: "libc6", Version: "2.36-9+deb12u4", Type: model.TypeDeb, Ecosystem: "Debian:12", Arch: "arm64",
				Source: &model.SourcePackage{Name: "glibc", Version: "2.36-9+deb12u3"}},
			wantOS: &model.OSRelease{ID: "debian", VersionID: "12"},
		},
		{
			// trivy writes the full release and no upstream.
			in: "pkg:deb/ubuntu/bash@5.1-6ubuntu1?arch=amd64&distro=ubuntu-22.04",
			want: model.Package{Name: "bash", Version: "5.1-6ubuntu1", Type: model.TypeDeb, Ecosystem: "Ubuntu:22.04", Arch: "amd64",
				Source: &model.SourcePackage{Name: "bash", Version: "5.1-6ubuntu1"}},
			wantOS: &model.OSRelease{ID: "ubuntu", VersionID: "22.04"},
		},
		{
			in: "pkg:deb/debian/tzdata@2024a-0+deb12u1",
			want: model.Package{Name: "tzdata", Version: "2024a-0+deb12u1", Type: model.TypeDeb, Ecosystem: "Debian",
				Source: &model.SourcePackage{Name: "tzdata", Version: "2024a-0+deb12u1"}},
		},
		{
			in: "pkg:apk/alpine/busybox-binsh@1.36.1-r15?arch=x86_64&distro=alpine-3.19.1&upstream=busybox",
			want: model.Package{Name: "busybox-binsh", Version: "1.36.1-r15", Type: model.TypeAPK, Ecosystem: "Alpine:v3.19", Arch: "x86_64",
				Source: &model.SourcePackage{Name: "busybox", Version: "1.36.1-r15"}},
			wantOS: &model.OSRelease{ID: "alpine", VersionID: "3.19.1"},
		},
		{
			// trivy's apk distro is a bare version.
			in: "pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=3.19.1",
			want: model.Package{Name: "musl", Version: "1.2.4_git20230717-r4", Type: model.TypeAPK, Ecosystem: "Alpine:v3.19", Arch: "x86_64",
				Source: &model.SourcePackage{Name: "musl", Version: "1.2.4_git20230717-r4"}},
			wantOS: &model.OSRelease{ID: "alpine", VersionID: "3.19.1"},
		},
		{
			in: "pkg:rpm/almalinux/openssl-libs@3.0.7-25.el9_3?arch=x86_64&epoch=1&upstream=openssl-3.0.7-25.el9_3.src.rpm&distro=almalinux-9.3",
			want: model.Package{Name: "openssl-libs", Version: "1:3.0.7-25.el9_3", Type: model.TypeRPM, Ecosystem: "AlmaLinux:9", Arch: "x86_64",
				Source: &model.SourcePackage{Name: "openssl", Version: "3.0.7-25.el9_3"}},
			wantOS: &model.OSRelease{ID: "almalinux", VersionID: "9.3"},
		},
		{
			in: "pkg:rpm/redhat/python3-libs@3.9.18-1.el9_3?arch=x86_64&distro=rhel-9.3",
			want: model.Package{Name: "python3-libs", Version: "3.9.18-1.el9_3", Type: model.TypeRPM, Ecosystem: "Red Hat", Arch: "x86_64",
				Source: &model.SourcePackage{Name: "python3-libs", Version: "3.9.18-1.el9_3"}},
			wantOS: &model.OSRelease{ID: "rhel", VersionID: "9.3"},
		},
		{
			in: "pkg:rpm/opensuse/zypper@1.14.68-150400.3.40.1?distro=opensuse-leap-15.5",
			want: model.Package{Name: "zypper", Version: "1.14.68-150400.3.40.1", Type: model.TypeRPM, Ecosystem: "SUSE:15.5",
				Source: &model.SourcePackage{Name: "zypper", Version: "1.14.68-150400.3.40.1"}},
			wantOS: &model.OSRelease{ID: "opensuse-leap", VersionID: "15.5"},
		},
		{
			in:   "pkg:golang/github.com/sirupsen/logrus@v1.9.3",
			want: model.Package{Name: "github.com/sirupsen/logrus", Version: "v1.9.3", Type: model.TypeGolang, Ecosystem: "Go"},
		},
		{
			in:   "pkg:npm/%40babel/core@7.23.0",
			want: model.Package{Name: "@babel/core", Version: "7.23.0", Type: model.TypeNPM, Ecosystem: "npm"},
		},
		{
			in:   "pkg:pypi/requests@2.31.0",
			want: model.Package{Name: "requests", Version: "2.31.0", Type: model.TypePyPI, Ecosystem: "PyPI"},
		},
		{
			in:   "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar",
			want: model.Package{Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1", Type: model.TypeMaven, Ecosystem: "Maven"},
		},
		{
			in:   "pkg:gem/rails@7.1.2",
			want: model.Package{Name: "rails", Version: "7.1.2", Type: model.TypeGem, Ecosystem: "RubyGems"},
		},
		{
			in:   "pkg:cargo/serde@1.0.193",
			want: model.Package{Name: "serde", Version: "1.0.193", Type: model.TypeCargo, Ecosystem: "crates.io"},
		},
		{
			in:   "pkg:composer/symfony/console@v6.4.1",
			want: model.Package{Name: "symfony/console", Version: "v6.4.1", Type: model.TypeComposer, Ecosystem: "Packagist"},
		},
		{
			in:   "pkg:nuget/Newtonsoft.Json@13.0.3",
			want: model.Package{Name: "Newtonsoft.Json", Version: "13.0.3", Type: model.TypeNuGet, Ecosystem: "NuGet"},
		},
		{
			in:   "pkg:generic/openssl@3.0.2",
			want: model.Package{Name: "openssl", Version: "3.0.2", Type: model.TypeGeneric},
		},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, gotOS, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tt.want.PURL = tt.in
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("package (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantOS, gotOS); diff != "" {
				t.Errorf("os (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{"", "openssl", "pkg:", "pkg:deb", "http://example.com/x", "pkg:npm/@"} {
		if p, _, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %+v, want error", in, p)
		}
	}
}

// TestRoundTrip checks that Parse(For(p)) gives back p's fields.
func TestRoundTrip(t *testing.T) {
	pkgs := []struct {
		pkg model.Package
		os  *model.OSRelease
	}{
		{model.Package{Name: "libssl3", Version: "3.0.11-1~deb12u2", Type: model.TypeDeb, Arch: "amd64", Source: &model.SourcePackage{Name: "openssl", Version: "3.0.11-1~deb12u2"}}, debian12},
		{model.Package{Name: "libc6", Version: "2.36-9+deb12u4", Type: model.TypeDeb, Arch: "amd64", Source: &model.SourcePackage{Name: "glibc", Version: "2.36-9+deb12u3"}}, debian12},
		{model.Package{Name: "perl-base", Version: "1:5.36.0-7", Type: model.TypeDeb, Source: &model.SourcePackage{Name: "perl", Version: "1:5.36.0-7"}}, debian12},
		{model.Package{Name: "libcrypto3", Version: "3.1.4-r5", Type: model.TypeAPK, Arch: "x86_64", Source: &model.SourcePackage{Name: "openssl", Version: "3.1.4-r5"}}, alpine},
		{model.Package{Name: "openssl-libs", Version: "1:3.0.7-25.el9_3", Type: model.TypeRPM, Arch: "x86_64", Source: &model.SourcePackage{Name: "openssl", Version: "3.0.7-25.el9_3"}}, alma},
		{model.Package{Name: "@babel/core", Version: "7.23.0", Type: model.TypeNPM}, nil},
		{model.Package{Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1", Type: model.TypeMaven}, nil},
		{model.Package{Name: "symfony/console", Version: "v6.4.1", Type: model.TypeComposer}, nil},
	}
	for _, tt := range pkgs {
		t.Run(tt.pkg.Name, func(t *testing.T) {
			s := For(tt.pkg, tt.os)
			got, gotOS, err := Parse(s)
			if err != nil {
				t.Fatalf("Parse(%q): %v", s, err)
			}
			want := tt.pkg
			want.PURL = s
			want.Ecosystem = Ecosystem(want.Type, tt.os)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", s, diff)
			}
			if tt.os != nil && (gotOS == nil || gotOS.ID != tt.os.ID || gotOS.VersionID != tt.os.VersionID) {
				t.Errorf("Parse(%q) os = %+v, want %+v", s, gotOS, tt.os)
			}
		})
	}
}

func TestEcosystem(t *testing.T) {
	tests := []struct {
		t    model.PackageType
		os   *model.OSRelease
		want model.Ecosystem
	}{
		{model.TypeDeb, debian12, "Debian:12"},
		{model.TypeDeb, &model.OSRelease{ID: "debian", VersionID: "12.5"}, "Debian:12"},
		{model.TypeAPK, alpine, "Alpine:v3.19"},
		{model.TypeAPK, &model.OSRelease{ID: "alpine"}, "Alpine"},
		{model.TypeRPM, alma, "AlmaLinux:9"},
		{model.TypeRPM, &model.OSRelease{ID: "rocky", VersionID: "9.3"}, "Rocky Linux:9"},
		{model.TypeRPM, debian12, ""},
		{model.TypeDeb, nil, ""},
		{model.TypeNPM, debian12, "npm"},
		{model.TypeGeneric, nil, ""},
	}
	for _, tt := range tests {
		if got := Ecosystem(tt.t, tt.os); got != tt.want {
			t.Errorf("Ecosystem(%s, %+v) = %q, want %q", tt.t, tt.os, got, tt.want)
		}
	}
}

func TestForImage(t *testing.T) {
	const d = "sha256:9b2d"
	for ref, want := range map[string]string{
		"registry.example.com/shop/web:1.4.2": "pkg:oci/web@sha256:9b2d?repository_url=registry.example.com%2Fshop%2Fweb",
		"localhost:5000/web":                  "pkg:oci/web@sha256:9b2d?repository_url=localhost:5000%2Fweb",
		"debian:12":                           "pkg:oci/debian@sha256:9b2d",
		"ghcr.io/Org/App@sha256:ffff":         "pkg:oci/app@sha256:9b2d?repository_url=ghcr.io%2FOrg%2FApp",
		"":                                    "",
		"registry.example.com/shop/web:1.4.2@sha256": "pkg:oci/web@sha256:9b2d?repository_url=registry.example.com%2Fshop%2Fweb",
	} {
		if got := ForImage(ref, d); got != want {
			t.Errorf("ForImage(%q) = %q, want %q", ref, got, want)
		}
	}
	if got := ForImage("debian:12", ""); got != "" {
		t.Errorf("ForImage without digest = %q", got)
	}
}
