package rust

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/model"
)

// metadataOracle reads testdata/cargo/metadata.json (`cargo metadata` of the
// workspace that made testdata/cargo/v*/Cargo.lock, see testdata/make.sh)
// and returns what the extractors must report: every crate with a source,
// direct when a workspace member or another local crate depends on it,
// sorted as Cargo.lock sorts.
func metadataOracle(t *testing.T) []model.Package {
	t.Helper()
	m := readCargoMetadata(t)
	local := map[string]bool{}
	for _, p := range m.Packages {
		if p.Source == nil {
			local[p.ID] = true
		}
	}
	direct := map[string]bool{}
	for _, n := range m.Resolve.Nodes {
		if local[n.ID] {
			for _, d := range n.Deps {
				direct[d.Pkg] = true
			}
		}
	}
	var want []model.Package
	for _, p := range m.Packages {
		if local[p.ID] {
			continue
		}
		rel := model.RelationIndirect
		if direct[p.ID] {
			rel = model.RelationDirect
		}
		want = append(want, model.Package{Name: p.Name, Version: p.Version, Relation: rel})
	}
	slices.SortFunc(want, func(a, b model.Package) int {
		return strings.Compare(a.Name+" "+a.Version, b.Name+" "+b.Version)
	})
	return want
}

// short keeps name, version and relation.
func short(pkgs []model.Package) []model.Package {
	var out []model.Package
	for _, p := range pkgs {
		out = append(out, model.Package{Name: p.Name, Version: p.Version, Relation: p.Relation})
	}
	return out
}

func parseLockFile(t *testing.T, file string) ([]model.Package, []string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ParseLock(context.Background(), bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return res.Packages, res.Warnings
}

// TestParseLockRealCargo reads the lock files cargo 1.95 wrote in each format
// for the same workspace and checks them against cargo metadata.
func TestParseLockRealCargo(t *testing.T) {
	want := metadataOracle(t)
	// The crates of the workspace (stand-ins named after real crates.io
	// releases with advisories; see testdata/make.sh).
	literal := []model.Package{
		{Name: "cfg-if", Version: "0.1.10", Relation: model.RelationIndirect},
		{Name: "parking_lot_core", Version: "0.6.2", Relation: model.RelationDirect},
		{Name: "smallvec", Version: "0.6.13", Relation: model.RelationIndirect},
		{Name: "smallvec", Version: "1.6.0", Relation: model.RelationDirect},
		{Name: "time", Version: "0.1.43", Relation: model.RelationDirect},
	}
	if diff := cmp.Diff(literal, want); diff != "" {
		t.Fatalf("oracle (-literal +metadata):\n%s", diff)
	}
	for _, v := range []string{"v1", "v2", "v3", "v4"} {
		t.Run(v, func(t *testing.T) {
			pkgs, warnings := parseLockFile(t, "testdata/cargo/"+v+"/Cargo.lock")
			if diff := cmp.Diff(want, short(pkgs)); diff != "" {
				t.Errorf("packages differ from cargo metadata (-want +got):\n%s", diff)
			}
			if len(warnings) != 0 {
				t.Errorf("warnings: %q", warnings)
			}
			for _, p := range pkgs {
				if p.Type != model.TypeCargo || p.Ecosystem != model.EcoCrates || p.PURL != "pkg:cargo/"+p.Name+"@"+p.Version {
					t.Errorf("%s: type %q, ecosystem %q, purl %q", p.Name, p.Type, p.Ecosystem, p.PURL)
				}
			}
		})
	}
}

// TestParseLockFixtures reads lock files written by hand in cargo's exact
// format for what cargo cannot make here: git, sparse and alternative
// registry sources (v3), the [root] table of cargo before 0.20 (2017), and
// broken entries.
func TestParseLockFixtures(t *testing.T) {
	tests := []struct {
		file     string
		want     []model.Package
		warnings []string
	}{
		{"testdata/cargo/handwritten/Cargo.lock", []model.Package{
			{Name: "aho-corasick", Version: "0.7.18", Relation: model.RelationIndirect},
			{Name: "internal-lib", Version: "0.3.0", Relation: model.RelationDirect},
			{Name: "regex", Version: "1.5.4", Relation: model.RelationDirect},
			{Name: "regex-syntax", Version: "0.6.25", Relation: model.RelationIndirect},
			{Name: "tokio", Version: "1.0.0", Relation: model.RelationDirect},
		}, []string{
			"[[package]] #2: no name or version, or a value of the wrong type; skipped",
			"[[package]] #4: no name or version, or a value of the wrong type; skipped",
		}},
		{"testdata/cargo/root-table/Cargo.lock", []model.Package{
			{Name: "libc", Version: "0.2.20", Relation: model.RelationIndirect},
			{Name: "rand", Version: "0.3.15", Relation: model.RelationDirect},
			{Name: "smallvec", Version: "0.3.3", Relation: model.RelationDirect},
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			pkgs, warnings := parseLockFile(t, tt.file)
			if diff := cmp.Diff(tt.want, short(pkgs)); diff != "" {
				t.Errorf("packages (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.warnings, warnings); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseLockErrors(t *testing.T) {
	tests := []struct {
		name, data, wantErr string
		warnings            int
	}{
		{"not TOML", "[[package]\nname = ", "toml", 0},
		{"binary", "\x00\x01\x02\xff", "toml", 0},
		{"package is not a table array", "package = 3\n", "package", 0},
		{"version is a string", "version = \"3\"\n", "version", 0},
		{"future version", "version = 9\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"registry+x\"\n", "", 1},
		{"empty", "", "", 0},
		{"dependencies of the wrong type", "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\ndependencies = \"b\"\n", "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ParseLock(context.Background(), strings.NewReader(tt.data))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Warnings) != tt.warnings {
				t.Errorf("warnings %q, want %d", res.Warnings, tt.warnings)
			}
		})
	}
	big := strings.Repeat("# comment\n", MaxLockSize/10+1)
	if _, err := ParseLock(context.Background(), strings.NewReader(big)); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("over-size Cargo.lock: err = %v", err)
	}
}

func TestLockRequired(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"Cargo.lock", true},
		{"src/app/Cargo.lock", true},
		{"src/app/Cargo.toml", false},
		{"src/app/cargo.lock", false},
		{"root/.cargo/registry/src/index.crates.io-6f17d22bba15001f/ripgrep-14.1.0/Cargo.lock", false},
		{"root/.cargo/git/checkouts/tokio-1234/abcdef/Cargo.lock", false},
	}
	for _, tt := range tests {
		if got := NewLock().Required(tt.path, nil); got != tt.want {
			t.Errorf("Required(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

// cargoMetadata is the part of `cargo metadata` output the tests read.
type cargoMetadata struct {
	Packages []struct {
		ID, Name, Version string
		Source            *string
	}
	Resolve struct {
		Nodes []struct {
			ID   string
			Deps []struct{ Pkg string }
		}
	}
}

// readCargoMetadata reads testdata/cargo/metadata.json (`cargo metadata` of
// the workspace that made testdata/cargo/v*/Cargo.lock, see
// testdata/make.sh).
func readCargoMetadata(t *testing.T) cargoMetadata {
	t.Helper()
	data, err := os.ReadFile("testdata/cargo/metadata.json")
	if err != nil {
		t.Fatal(err)
	}
	var m cargoMetadata
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
