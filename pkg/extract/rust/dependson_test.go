package rust

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/internal/extracttest"
	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

// graphOracle reads the resolve graph of testdata/cargo/metadata.json
// (`cargo metadata` of the workspace of testdata/cargo/v*) and returns, for
// every crate with a source, the purls of the crates with a source it
// depends on: what DependsOn must hold for every lock format and for the
// audit data derived from the same graph.
func graphOracle(t *testing.T) map[string][]string {
	t.Helper()
	m := readCargoMetadata(t)
	purls := map[string]string{} // id → purl, crates with a source only
	for _, p := range m.Packages {
		if p.Source != nil {
			purls[p.ID] = "pkg:cargo/" + p.Name + "@" + p.Version
		}
	}
	want := map[string][]string{}
	for _, n := range m.Resolve.Nodes {
		if purls[n.ID] == "" {
			continue
		}
		var deps []string
		for _, d := range n.Deps {
			if purls[d.Pkg] != "" {
				deps = append(deps, purls[d.Pkg])
			}
		}
		want[purls[n.ID]] = extract.DependsOn(deps)
	}
	return want
}

// graphOf returns each package's DependsOn by purl.
func graphOf(pkgs []model.Package) map[string][]string {
	out := map[string][]string{}
	for _, p := range pkgs {
		out[p.PURL] = p.DependsOn
	}
	return out
}

// TestDependsOnRealCargo checks the graphs of the lock files cargo wrote in
// each format, and of the audit data of the same workspace, against cargo
// metadata's resolve graph.
func TestDependsOnRealCargo(t *testing.T) {
	want := graphOracle(t)
	// Checked by reading testdata/cargo/v1/Cargo.lock and v2: parking_lot_core
	// lists "cfg-if 0.1.10 (registry+…)" and "smallvec 0.6.13 (registry+…)"
	// (v1) or "cfg-if" and "smallvec 0.6.13" (v2 on); the other crates of a
	// source list nothing (app and util are local and not reported).
	literal := map[string][]string{
		"pkg:cargo/cfg-if@0.1.10":          nil,
		"pkg:cargo/parking_lot_core@0.6.2": {"pkg:cargo/cfg-if@0.1.10", "pkg:cargo/smallvec@0.6.13"},
		"pkg:cargo/smallvec@0.6.13":        nil,
		"pkg:cargo/smallvec@1.6.0":         nil,
		"pkg:cargo/time@0.1.43":            nil,
	}
	if diff := cmp.Diff(literal, want); diff != "" {
		t.Fatalf("oracle (-literal +metadata):\n%s", diff)
	}
	for _, v := range []string{"v1", "v2", "v3", "v4"} {
		t.Run(v, func(t *testing.T) {
			pkgs, _ := parseLockFile(t, "testdata/cargo/"+v+"/Cargo.lock")
			if diff := cmp.Diff(want, graphOf(pkgs)); diff != "" {
				t.Errorf("graph differs from cargo metadata (-want +got):\n%s", diff)
			}
		})
	}
	for _, file := range []string{"testdata/auditable/app.elf", "testdata/auditable/app.exe"} {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			res, err := ParseAuditableBinary(context.Background(), bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, graphOf(res.Packages)); diff != "" {
				t.Errorf("graph differs from cargo metadata (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDependsOnLockFixtures checks the graph of the hand-written lock files
// (cargo's format, for what cargo cannot make here), entry by entry as read
// in the files.
func TestDependsOnLockFixtures(t *testing.T) {
	tests := []struct {
		file string
		want map[string][]string
	}{
		// handwritten: regex lists "aho-corasick", "memchr" and
		// "regex-syntax", but the memchr entry is broken (version = 2) and
		// skipped, so the edge is left out, as is aho-corasick's; svc is
		// local (no source).
		{"testdata/cargo/handwritten/Cargo.lock", map[string][]string{
			"pkg:cargo/aho-corasick@0.7.18": nil,
			"pkg:cargo/internal-lib@0.3.0":  nil,
			"pkg:cargo/regex@1.5.4":         {"pkg:cargo/aho-corasick@0.7.18", "pkg:cargo/regex-syntax@0.6.25"},
			"pkg:cargo/regex-syntax@0.6.25": nil,
			"pkg:cargo/tokio@1.0.0":         nil,
		}},
		// root-table: rand lists "libc 0.2.20 (registry+…)"; [root] is the
		// project and not reported.
		{"testdata/cargo/root-table/Cargo.lock", map[string][]string{
			"pkg:cargo/libc@0.2.20":    nil,
			"pkg:cargo/rand@0.3.15":    {"pkg:cargo/libc@0.2.20"},
			"pkg:cargo/smallvec@0.3.3": nil,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			pkgs, _ := parseLockFile(t, tt.file)
			if diff := cmp.Diff(tt.want, graphOf(pkgs)); diff != "" {
				t.Errorf("graph (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDependsOnLockResolution covers the dependency entries cargo writes
// when a bare name is ambiguous, and entries that resolve to nothing.
func TestDependsOnLockResolution(t *testing.T) {
	const lock = `version = 3

[[package]]
name = "a"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "b 1.0.0",
 "b 2.0.0 (git+https://example.com/b#0123)",
 "c",
 "local",
 "missing",
]

[[package]]
name = "b"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "b"
version = "2.0.0"
source = "git+https://example.com/b#0123"

[[package]]
name = "b"
version = "2.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["b 2.0.0 (git+https://example.com/b#0123)"]

[[package]]
name = "c"
version = "0.1.0"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "local"
version = "0.1.0"
dependencies = ["a", "b"]
`
	res, err := ParseLock(context.Background(), bytes.NewReader([]byte(lock)))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		// "local" is not reported; "missing" is not in the file.
		"pkg:cargo/a@1.0.0": {"pkg:cargo/b@1.0.0", "pkg:cargo/b@2.0.0", "pkg:cargo/c@0.1.0"},
		// b 2.0.0 from crates.io depending on b 2.0.0 from git: the same
		// purl, so no edge to itself. (Both are reported, under one purl.)
		"pkg:cargo/b@1.0.0": nil,
		"pkg:cargo/b@2.0.0": nil,
		"pkg:cargo/c@0.1.0": nil,
	}
	if diff := cmp.Diff(want, graphOf(res.Packages)); diff != "" {
		t.Errorf("graph (-want +got):\n%s", diff)
	}
}

func TestDependsOnAuditJSON(t *testing.T) {
	const data = `{"format":1,"packages":[
		{"name":"app","version":"0.1.0","source":"local","root":true,"dependencies":[1,4]},
		{"name":"regex","version":"1.5.4","source":"crates.io","dependencies":[2,3,4,5,99,-1,1]},
		{"name":"cc","version":"1.0.0","source":"crates.io","kind":"build"},
		{"name":"memchr","version":"2.4.1","source":"crates.io"},
		{"name":"util","version":"0.1.0","source":"local","dependencies":[3]},
		{"name":"broken","version":7,"source":"crates.io"}
	]}`
	res, err := ParseAuditJSON(context.Background(), []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	// regex: cc is build-only, util local, broken malformed, 99 and -1 out
	// of range, 1 itself: only memchr is left.
	want := map[string][]string{
		"pkg:cargo/regex@1.5.4":  {"pkg:cargo/memchr@2.4.1"},
		"pkg:cargo/memchr@2.4.1": nil,
	}
	if diff := cmp.Diff(want, graphOf(res.Packages)); diff != "" {
		t.Errorf("graph (-want +got):\n%s", diff)
	}
	wantWarnings := []string{
		"package #5: json: cannot unmarshal number into Go struct field auditPackage.version of type string; skipped",
		"dependency index out of range; ignored",
	}
	if diff := cmp.Diff(wantWarnings, res.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// TestDependsOnClosed reads every fixture and checks that each DependsOn
// purl is the purl of a package of the same result, other than the package
// itself, and that the lists are sorted and without duplicates.
func TestDependsOnClosed(t *testing.T) {
	locks, err := filepath.Glob("testdata/cargo/*/Cargo.lock")
	if err != nil {
		t.Fatal(err)
	}
	bins, err := filepath.Glob("testdata/auditable/app.*")
	if err != nil {
		t.Fatal(err)
	}
	if len(locks) == 0 || len(bins) == 0 {
		t.Fatal("no fixtures")
	}
	edges := 0
	for _, file := range append(locks, bins...) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var res *extract.Result
		if filepath.Base(file) == "Cargo.lock" {
			res, err = ParseLock(context.Background(), bytes.NewReader(data))
		} else {
			res, err = ParseAuditableBinary(context.Background(), bytes.NewReader(data))
		}
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		edges += extracttest.CheckDependsOn(t, file, res.Packages)
	}
	if edges == 0 {
		t.Error("no edges in any fixture")
	}
}
