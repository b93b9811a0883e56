package sbom

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/model"
)

func TestPackagePropertiesRoundTrip(t *testing.T) {
	p := model.Package{
		Name: "libssl3", Version: "3.0.11-1~deb12u2", Type: model.TypeDeb, Ecosystem: "Debian:12",
		Source: &model.SourcePackage{Name: "openssl", Version: "3.0.11-1~deb12u2"}, Arch: "amd64", FoundBy: "os/dpkg",
		Locations: []model.Location{
			{Path: "var/lib/dpkg/status", Layer: "sha256:aa", LayerIndex: 0},
			{Path: "weird\npath=\"x\"", Layer: "sha256:bb", LayerIndex: 3},
			{Path: "no/layer"},
		},
	}
	for _, ps := range []Properties{PackageProperties(&p), ParseText(PackageProperties(&p).Text())} {
		var got model.Package
		if !ApplyPackageProperties(&got, ps) {
			t.Fatal("ApplyPackageProperties found no drydock properties")
		}
		want := p
		want.Name, want.Version = "", ""
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	}
	if ApplyPackageProperties(&model.Package{}, Properties{{"syft:package:type", "deb"}}) {
		t.Error("ApplyPackageProperties took foreign properties")
	}
}

func TestParseTextIgnoresOthers(t *testing.T) {
	got := ParseText("hello\ndrydock:os:path=etc/os-release\r\nsyft:x=1\ndrydock:image:repo-tag=\"unterminated")
	want := Properties{{PropOSPath, "etc/os-release"}, {PropImageRepoTag, `"unterminated`}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestSortedAndID(t *testing.T) {
	a := model.Package{Name: "express", Version: "4.18.2", Type: model.TypeNPM, Locations: []model.Location{{Path: "b"}}}
	b := a
	b.Locations = []model.Location{{Path: "a"}}
	c := model.Package{Name: "bash", Version: "5", Type: model.TypeDeb}
	got := Sorted([]model.Package{a, b, c})
	if got[0].Name != "bash" || got[1].Locations[0].Path != "a" || got[2].Locations[0].Path != "b" {
		t.Errorf("Sorted = %+v", got)
	}
	if ID(&a) == ID(&b) || len(ID(&a)) != 16 {
		t.Errorf("IDs %q %q: want distinct 16-digit IDs", ID(&a), ID(&b))
	}
}

func TestInventoryOS(t *testing.T) {
	deb := func(distro *model.OSRelease, eco model.Ecosystem) Decoded {
		return Decoded{Package: model.Package{Name: "x", Type: model.TypeDeb, Ecosystem: eco}, Distro: distro}
	}
	d12 := &model.OSRelease{ID: "debian", VersionID: "12"}
	inv := Inventory(&model.OSRelease{ID: "debian"}, []Decoded{deb(d12, "Debian:12"), deb(nil, "Debian")})
	if inv.OS.VersionID != "12" || inv.Packages[1].Ecosystem != "Debian:12" {
		t.Errorf("OS %+v, ecosystem %q", inv.OS, inv.Packages[1].Ecosystem)
	}
	inv = Inventory(nil, []Decoded{deb(d12, "Debian:12"), deb(&model.OSRelease{ID: "debian", VersionID: "11"}, "Debian:11")})
	if inv.OS != nil {
		t.Errorf("OS = %+v for disagreeing distros, want nil", inv.OS)
	}
	ours := deb(nil, "")
	ours.Ours = true
	inv = Inventory(d12, []Decoded{ours})
	if inv.Packages[0].Ecosystem != "" {
		t.Errorf("drydock package ecosystem changed to %q", inv.Packages[0].Ecosystem)
	}
}
