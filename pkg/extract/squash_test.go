package extract_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/internal/imagetest"
	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

func layer(t *testing.T, id string, entries ...imagetest.Entry) *model.LayerInventory {
	t.Helper()
	inv := walk(t, entries, extract.WalkOptions{})
	inv.DiffID = model.Digest(id)
	for i := range inv.Files {
		for j := range inv.Files[i].Packages {
			for k := range inv.Files[i].Packages[j].Locations {
				inv.Files[i].Packages[j].Locations[k].Layer = inv.DiffID
			}
		}
	}
	return inv
}

type attributed struct {
	Name  string
	Layer int
	Path  string
}

func attribution(inv model.Inventory) []attributed {
	var out []attributed
	for _, p := range inv.Packages {
		out = append(out, attributed{p.Name + "@" + p.Version, p.Locations[0].LayerIndex, p.Locations[0].Path})
	}
	return out
}

func TestSquash(t *testing.T) {
	const statusABprime = `Package: a
Status: install ok installed
Version: 1.0-2

Package: b
Status: install ok installed
Source: bsrc (2.0-1)
Version: 2.0-1+b1
Architecture: amd64
`
	st := func(body string) imagetest.Entry { return imagetest.Entry{Name: "var/lib/dpkg/status", Body: body} }
	tests := []struct {
		name   string
		layers func(t *testing.T) []*model.LayerInventory
		want   []attributed
	}{
		{
			name: "package added in an upper layer is attributed to it",
			layers: func(t *testing.T) []*model.LayerInventory {
				return []*model.LayerInventory{layer(t, "sha256:0", st(statusAB)), layer(t, "sha256:1", st(statusABC))}
			},
			want: []attributed{{"a@1.0-1", 0, "var/lib/dpkg/status"}, {"b@2.0-1+b1", 0, "var/lib/dpkg/status"}, {"c@3", 1, "var/lib/dpkg/status"}},
		},
		{
			name: "a layer that does not touch the database keeps attribution",
			layers: func(t *testing.T) []*model.LayerInventory {
				return []*model.LayerInventory{layer(t, "sha256:0", st(statusAB)), layer(t, "sha256:1", imagetest.Entry{Name: "etc/motd", Body: "hi"}), layer(t, "sha256:2", st(statusABC))}
			},
			want: []attributed{{"a@1.0-1", 0, "var/lib/dpkg/status"}, {"b@2.0-1+b1", 0, "var/lib/dpkg/status"}, {"c@3", 2, "var/lib/dpkg/status"}},
		},
		{
			name: "upgraded package is attributed to the upgrading layer",
			layers: func(t *testing.T) []*model.LayerInventory {
				return []*model.LayerInventory{layer(t, "sha256:0", st(statusAB)), layer(t, "sha256:1", st(statusABprime))}
			},
			want: []attributed{{"a@1.0-2", 1, "var/lib/dpkg/status"}, {"b@2.0-1+b1", 0, "var/lib/dpkg/status"}},
		},
		{
			name: "whiteout deletes the database",
			layers: func(t *testing.T) []*model.LayerInventory {
				return []*model.LayerInventory{layer(t, "sha256:0", st(statusAB)), layer(t, "sha256:1", imagetest.Entry{Name: "var/lib/dpkg/.wh.status"})}
			},
		},
		{
			name: "whiteout of a parent directory deletes the database",
			layers: func(t *testing.T) []*model.LayerInventory {
				return []*model.LayerInventory{layer(t, "sha256:0", st(statusAB)), layer(t, "sha256:1", imagetest.Entry{Name: "var/lib/.wh.dpkg"})}
			},
		},
		{
			name: "opaque directory hides the lower database, its own files count",
			layers: func(t *testing.T) []*model.LayerInventory {
				return []*model.LayerInventory{
					layer(t, "sha256:0", st(statusAB)),
					layer(t, "sha256:1", imagetest.Entry{Name: "var/lib/dpkg/.wh..wh..opq"}, imagetest.Entry{Name: "var/lib/dpkg/status.d/c", Body: "Package: c\nVersion: 3\n"}),
				}
			},
			want: []attributed{{"c@3", 1, "var/lib/dpkg/status.d/c"}},
		},
		{
			name: "deleted then re-created database restarts attribution",
			layers: func(t *testing.T) []*model.LayerInventory {
				return []*model.LayerInventory{
					layer(t, "sha256:0", st(statusAB)),
					layer(t, "sha256:1", imagetest.Entry{Name: "var/lib/dpkg/.wh.status"}),
					layer(t, "sha256:2", st(statusAB)),
				}
			},
			want: []attributed{{"a@1.0-1", 2, "var/lib/dpkg/status"}, {"b@2.0-1+b1", 2, "var/lib/dpkg/status"}},
		},
		{
			name: "an upper empty database hides the lower one",
			layers: func(t *testing.T) []*model.LayerInventory {
				return []*model.LayerInventory{layer(t, "sha256:0", st(statusAB)), layer(t, "sha256:1", st(""))}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := extract.Squash(tt.layers(t))
			if diff := cmp.Diff(tt.want, attribution(inv)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			for _, p := range inv.Packages {
				if want := model.Digest("sha256:" + string(rune('0'+p.Locations[0].LayerIndex))); p.Locations[0].Layer != want {
					t.Errorf("%s: layer %s, want %s", p.Name, p.Locations[0].Layer, want)
				}
			}
		})
	}
}

func TestFinalizeEcosystems(t *testing.T) {
	tests := []struct {
		os   *model.OSRelease
		typ  model.PackageType
		path string
		want model.Ecosystem
	}{
		{&model.OSRelease{ID: "debian", VersionID: "12"}, model.TypeDeb, "var/lib/dpkg/status", "Debian:12"},
		{&model.OSRelease{ID: "ubuntu", VersionID: "22.04"}, model.TypeDeb, "var/lib/dpkg/status", "Ubuntu:22.04"},
		{&model.OSRelease{ID: "alpine", VersionID: "3.10.4"}, model.TypeAPK, "lib/apk/db/installed", "Alpine:v3.10"},
		{&model.OSRelease{ID: "almalinux", VersionID: "9.3"}, model.TypeRPM, "var/lib/rpm/rpmdb.sqlite", "AlmaLinux:9"},
		{nil, model.TypeDeb, "var/lib/dpkg/status.d/base", "Debian"},
		{nil, model.TypeAPK, "lib/apk/db/installed", "Alpine"},
	}
	for _, tt := range tests {
		inv := model.Inventory{OS: tt.os, Packages: []model.Package{{Name: "x", Version: "1", Type: tt.typ, Locations: []model.Location{{Path: tt.path}}}}}
		extract.Finalize(&inv)
		if got := inv.Packages[0].Ecosystem; got != tt.want {
			t.Errorf("%v %s: ecosystem %q, want %q", tt.os, tt.typ, got, tt.want)
		}
	}
}

// BenchmarkSquash squashes a base layer of 3,000 consumed files (one a
// package database of 1,000 packages) under 5 layers that each delete 2,000
// paths and replace the database: the shape of an image built on a large
// base with clean-up steps.
func BenchmarkSquash(b *testing.B) {
	const files, pkgs, uppers, whiteouts = 3000, 1000, 5, 2000
	db := func(layer int) model.FileResult {
		f := model.FileResult{Path: "var/lib/dpkg/status", Extractor: "os/dpkg"}
		for i := range pkgs {
			f.Packages = append(f.Packages, model.Package{
				Name: fmt.Sprintf("pkg%d", i), Version: "1.0", Type: model.TypeDeb,
				Locations: []model.Location{{Path: f.Path}},
			})
		}
		f.Packages[layer].Version = "2.0" // each layer upgrades one package
		return f
	}
	base := &model.LayerInventory{DiffID: "sha256:base"}
	base.Files = append(base.Files, db(0))
	for i := range files {
		base.Files = append(base.Files, model.FileResult{Path: fmt.Sprintf("usr/share/doc/p%d/copyright", i), Extractor: "os/dpkg-copyright", Licenses: []string{"MIT"}})
	}
	layers := []*model.LayerInventory{base}
	for u := 1; u <= uppers; u++ {
		l := &model.LayerInventory{DiffID: model.Digest(fmt.Sprintf("sha256:up%d", u))}
		l.Files = append(l.Files, db(u))
		for i := range whiteouts {
			l.Whiteouts = append(l.Whiteouts, fmt.Sprintf("usr/share/man/man%d/page%d.gz", u, i))
		}
		layers = append(layers, l)
	}
	for b.Loop() {
		inv := extract.Squash(layers)
		if len(inv.Packages) != pkgs {
			b.Fatalf("%d packages", len(inv.Packages))
		}
	}
}
