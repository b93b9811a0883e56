package vex_test

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/drydockhq/drydock/internal/shareddata"
	"github.com/drydockhq/drydock/pkg/ignore"
	"github.com/drydockhq/drydock/pkg/match"
	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/vex"
	"github.com/drydockhq/drydock/pkg/vulndb"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
)

var sortStrings = cmpopts.SortSlices(func(a, b string) bool { return a < b })

// load decodes the named advisories from a staged OSV zip.
func load(t *testing.T, zipName string, ids ...string) []*osv.Entry {
	t.Helper()
	zr, err := zip.OpenReader(shareddata.File(t, zipName))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out []*osv.Entry
	for _, id := range ids {
		f, err := zr.Open(id + ".json")
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		e, err := osv.Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		out = append(out, e)
	}
	return out
}

// TestRealFindings matches an inventory against the real advisories
// (Debian 12 changelog records for openssl, GHSA-jfh8-c2jp-5v3q for
// Log4Shell), then applies the vexctl-format document and an ignore file,
// in the order the CLI is meant to: VEX first (the supplier's statement
// about the image), then the project's ignore file.
func TestRealFindings(t *testing.T) {
	var es []*osv.Entry
	es = append(es, load(t, "osv-debian12-changelogs.zip", "DEBCL-CVE-2023-5363-openssl", "DEBCL-CVE-2023-5678-openssl")...)
	es = append(es, load(t, "osv-ghsa-curated.zip", "GHSA-jfh8-c2jp-5v3q")...)
	m := match.New(vulndb.NewMemory(es...), match.Options{})

	deb := func(name string) model.Package {
		p := model.Package{Name: name, Version: "3.0.11-1~deb12u1", Type: model.TypeDeb, Ecosystem: "Debian:12", Arch: "amd64",
			Source: &model.SourcePackage{Name: "openssl", Version: "3.0.11-1~deb12u1"}}
		p.PURL = fmt.Sprintf("pkg:deb/debian/%s@3.0.11-1~deb12u1?arch=amd64&distro=debian-12", name)
		if name != "openssl" {
			p.PURL += "&upstream=openssl"
		}
		return p
	}
	inv := &model.Inventory{Packages: []model.Package{
		deb("libssl3"),
		deb("openssl"),
		{Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1", Type: model.TypeMaven, Ecosystem: "Maven",
			PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"},
	}}
	vs, err := m.Match(context.Background(), inv)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, v := range vs {
		ids = append(ids, v.ID+" "+v.Package.Name+" "+strings.Join(v.Aliases, ","))
	}
	wantIDs := []string{
		"CVE-2023-5363 libssl3 DEBCL-CVE-2023-5363-openssl",
		"CVE-2023-5678 libssl3 DEBCL-CVE-2023-5678-openssl",
		"CVE-2023-5363 openssl DEBCL-CVE-2023-5363-openssl",
		"CVE-2023-5678 openssl DEBCL-CVE-2023-5678-openssl",
		"CVE-2021-44228 org.apache.logging.log4j:log4j-core GHSA-jfh8-c2jp-5v3q",
	}
	if diff := cmp.Diff(wantIDs, ids, sortStrings); diff != "" {
		t.Fatalf("matched findings (-want +got):\n%s", diff)
	}

	doc, err := vex.Load(filepath.Join("testdata", "vexctl-v0.2.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	artifact := model.Artifact{Name: "registry:registry.example.com/shop/web:1.4.2", Type: model.ArtifactImage,
		Digest: "sha256:4dbb1efc9c4f883128bd77839566dafbc05d0e2fb4af6ce1172b68170b1d57d9"}
	vr := doc.Apply(vs, vex.Subjects(artifact)...)
	if vr.Suppressed != 3 || vr.Noted != 1 {
		t.Errorf("VEX: suppressed %d, noted %d; want 3, 1", vr.Suppressed, vr.Noted)
	}

	f, err := ignore.Parse(strings.NewReader(`
ignore:
  - id: CVE-2023-5678
    package: openssl
    reason: DH key generation with explicit Q not used
    expires: 2026-12-31
  - id: CVE-2023-5363
    reason: covered by VEX already
`))
	if err != nil {
		t.Fatal(err)
	}
	ir := f.Apply(vs, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	if ir.Suppressed != 2 || len(ir.Stale)+len(ir.Expired) != 0 {
		t.Errorf("ignore: %+v", ir)
	}

	var got []string
	for _, v := range vs {
		s := v.ID + " " + v.Package.Name + ": "
		if v.Suppressed != nil {
			s += v.Suppressed.By + ": " + v.Suppressed.Reason
		} else {
			s += "reported"
		}
		if v.Note != "" {
			s += "; note: " + v.Note
		}
		got = append(got, s)
	}
	tls := "vulnerable_code_not_in_execute_path: TLS is terminated at the ingress; the service never sets cipher key or IV lengths."
	want := []string{
		"CVE-2023-5363 libssl3: vex: " + tls,
		// VEX says affected (a note, no suppression); the ignore file names
		// the source package, so it covers libssl3 too: the project's
		// decision suppresses, and the supplier's note stays.
		"CVE-2023-5678 libssl3: ignore-file: DH key generation with explicit Q not used (until 2026-12-31); " +
			"note: VEX affected: Rebuild on a base with libssl3 3.0.13-1~deb12u1 or later",
		"CVE-2023-5363 openssl: vex: " + tls,
		"CVE-2023-5678 openssl: ignore-file: DH key generation with explicit Q not used (until 2026-12-31)",
		"CVE-2021-44228 org.apache.logging.log4j:log4j-core: vex: fixed per VEX: JndiLookup.class is removed from the jar when the image is built",
	}
	if diff := cmp.Diff(want, got, sortStrings); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}
