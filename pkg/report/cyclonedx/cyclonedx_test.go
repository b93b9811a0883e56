package cyclonedx

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/purl"
	"github.com/drydockhq/drydock/pkg/report/internal/sbom"
	"github.com/drydockhq/drydock/pkg/report/internal/schematest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const golden = "testdata/report.golden.json"

func encode(t testing.TB, r *model.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := (Encoder{}).Encode(&buf, r); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return buf.Bytes()
}

func TestEncodeGolden(t *testing.T) {
	schematest.Golden(t, golden, encode(t, schematest.Report()), *update)
}

func TestEncodeSchema(t *testing.T) {
	schematest.Validate(t, schematest.CycloneDX16, encode(t, schematest.Report()))

	// A bare report: no OS, no vulnerabilities, a filesystem artifact,
	// packages without purl-able types or licenses.
	bare := &model.Report{
		Artifact: model.Artifact{Name: "/src", Type: model.ArtifactFilesystem},
		Inventory: model.Inventory{Packages: []model.Package{
			{Name: "thing", Version: "1"},
			{Name: "lib", Type: model.TypeCargo, Licenses: []string{"Apache-2.0 WITH LLVM-exception", "MIT", "Public Domain"}},
		}},
		Vulnerabilities: []model.Vulnerability{{
			ID: "OSV-2024-1", Severity: model.SeverityHigh, SeveritySource: "Debian urgency",
			Package:    model.Package{Name: "ghost", Version: "0.1", Type: model.TypeNPM},
			Suppressed: &model.Suppressed{By: "ignore-file", Reason: "accepted risk"},
		}},
	}
	schematest.Validate(t, schematest.CycloneDX16, encode(t, bare))
}

func TestEncodeDeterministic(t *testing.T) {
	r := schematest.Report()
	first := encode(t, r)
	slices.Reverse(r.Inventory.Packages)
	slices.Reverse(r.Vulnerabilities)
	if second := encode(t, r); !bytes.Equal(first, second) {
		t.Error("output depends on the order of packages or vulnerabilities")
	}
	r.CreatedAt = r.CreatedAt.Add(time.Second)
	if third := encode(t, r); bytes.Equal(first, third) {
		t.Error("output does not change with the report")
	} else if serial(t, first) == serial(t, third) {
		t.Error("serial number does not change with the content")
	}
}

func serial(t *testing.T, doc []byte) string {
	t.Helper()
	i := bytes.Index(doc, []byte(`"serialNumber": "`))
	if i < 0 {
		t.Fatal("no serialNumber")
	}
	s := doc[i+len(`"serialNumber": "`):]
	return string(s[:bytes.IndexByte(s, '"')])
}

// TestEncodeContent checks what the golden file is meant to show.
func TestEncodeContent(t *testing.T) {
	bom := build(schematest.Report())
	refs := map[string]bool{}
	for _, c := range *bom.Components {
		if refs[c.BOMRef] {
			t.Errorf("duplicate bom-ref %q", c.BOMRef)
		}
		refs[c.BOMRef] = true
	}
	if n := len(*bom.Components); n != 15 { // OS + 14 packages, the duplicate express included
		t.Errorf("%d components, want 15", n)
	}
	if deps := *(*bom.Dependencies)[0].Dependencies; len(deps) != 15 {
		t.Errorf("metadata component depends on %d components, want 15", len(deps))
	}
	// The lock file's graph: accepts → mime-types, negotiator; mime-types →
	// mime-db, by the components' bom-refs.
	nameOf := map[string]string{}
	for _, c := range *bom.Components {
		nameOf[c.BOMRef] = c.Name
	}
	graph := map[string][]string{}
	for _, d := range (*bom.Dependencies)[1:] {
		for _, on := range *d.Dependencies {
			graph[nameOf[d.Ref]] = append(graph[nameOf[d.Ref]], nameOf[on])
		}
	}
	if diff := cmp.Diff(map[string][]string{"accepts": {"mime-types", "negotiator"}, "mime-types": {"mime-db"}}, graph); diff != "" {
		t.Errorf("dependencies (-want +got):\n%s", diff)
	}
	byName := map[string]string{}
	for _, c := range *bom.Components {
		if c.Licenses != nil {
			var ls []string
			for _, l := range *c.Licenses {
				switch {
				case l.Expression != "":
					ls = append(ls, "expression:"+l.Expression)
				case l.License.ID != "":
					ls = append(ls, "id:"+l.License.ID)
				default:
					ls = append(ls, "name:"+l.License.Name)
				}
			}
			byName[c.Name] = strings.Join(ls, ",")
		}
	}
	for name, want := range map[string]string{
		"libc6":     "name:GPL-2+,id:LGPL-2.1-or-later",
		"wasm-pack": "expression:MIT OR Apache-2.0",
		"bash":      "id:GPL-3.0-or-later",
	} {
		if got := byName[name]; got != want {
			t.Errorf("licenses of %s = %q, want %q", name, got, want)
		}
	}

	vulns := *bom.Vulnerabilities
	if len(vulns) != 2 {
		t.Fatalf("%d vulnerabilities, want 2", len(vulns))
	}
	for _, v := range vulns {
		ref := (*v.Affects)[0].Ref
		if !refs[ref] {
			t.Errorf("%s affects unknown ref %q", v.ID, ref)
		}
		r := (*v.Ratings)[0]
		if r.Method != "CVSSv31" || r.Severity != "medium" || r.Vector == "" || r.Score == nil {
			t.Errorf("%s rating = %+v", v.ID, r)
		}
	}
	if v := vulns[0]; v.ID != "CVE-2024-0727" || v.Recommendation != "Upgrade to 3.0.13-1~deb12u1" || v.Analysis != nil {
		t.Errorf("first vulnerability = %s %q %+v", v.ID, v.Recommendation, v.Analysis)
	}
	if v := vulns[1]; v.Analysis == nil || v.Analysis.State != "not_affected" || v.Analysis.Justification != "code_not_reachable" {
		t.Errorf("VEX-suppressed vulnerability analysis = %+v", v.Analysis)
	}
}

// withPURLs returns the fixture packages as an SBOM carries them: with the
// package URLs the encoder computed for those that had none.
func withPURLs(r *model.Report) []model.Package {
	pkgs := slices.Clone(r.Inventory.Packages)
	for i := range pkgs {
		if pkgs[i].PURL == "" {
			pkgs[i].PURL = purl.For(pkgs[i], r.Inventory.OS)
		}
	}
	return sbom.Sorted(pkgs)
}

func TestRoundTrip(t *testing.T) {
	want := schematest.Report()
	got, err := Decode(bytes.NewReader(encode(t, want)))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if diff := cmp.Diff(withPURLs(want), got.Inventory.Packages); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want.Inventory.OS, got.Inventory.OS); diff != "" {
		t.Errorf("OS (-want +got):\n%s", diff)
	}
	wantArtifact := model.Artifact{
		Name: want.Artifact.Name, Type: model.ArtifactSBOM, Digest: want.Artifact.Digest,
		ImageID: want.Artifact.ImageID, RepoTags: want.Artifact.RepoTags, Platform: want.Artifact.Platform,
	}
	if diff := cmp.Diff(wantArtifact, got.Artifact); diff != "" {
		t.Errorf("artifact (-want +got):\n%s", diff)
	}
	if !got.CreatedAt.Equal(want.CreatedAt) {
		t.Errorf("CreatedAt = %v, want %v", got.CreatedAt, want.CreatedAt)
	}
	if len(got.Status) > 0 {
		t.Errorf("status: %v", got.Status)
	}
	// Decoding is a fixed point: encoding the decoded report again gives the
	// same packages.
	again, err := Decode(bytes.NewReader(encode(t, got)))
	if err != nil {
		t.Fatalf("Decode again: %v", err)
	}
	if diff := cmp.Diff(got.Inventory.Packages, again.Inventory.Packages); diff != "" {
		t.Errorf("second round trip (-first +second):\n%s", diff)
	}
}

func decodeFile(t *testing.T, name string) *model.Report {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := Decode(f)
	if err != nil {
		t.Fatalf("Decode(%s): %v", name, err)
	}
	return r
}

func TestDecodeSyft(t *testing.T) {
	const (
		base = "sha256:ae2a5f4d1c5a1d4e0f3d3b2f0e9c8b7a6f5e4d3c2b1a09f8e7d6c5b4a3928171"
		app  = "sha256:5f4e3d2c1b0a99887766554433221100ffeeddccbbaa99887766554433221100"
	)
	got := decodeFile(t, "syft-debian-1.5.cdx.json")
	want := &model.Report{
		SchemaVersion: model.SchemaVersion,
		CreatedAt:     time.Date(2024, 3, 5, 13, 21, 9, 0, time.UTC),
		Artifact: model.Artifact{
			Name: "registry.example.com/tools/gobin:2.1", Type: model.ArtifactSBOM,
			Digest: "sha256:7e6a1c2b3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8",
		},
		Inventory: model.Inventory{
			OS: &model.OSRelease{ID: "debian", VersionID: "12", Codename: "bookworm", PrettyName: "Debian GNU/Linux 12 (bookworm)"},
			Packages: []model.Package{
				{
					Name: "libssl3", Version: "3.0.11-1~deb12u2", Type: model.TypeDeb, Ecosystem: "Debian:12",
					PURL:   "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&upstream=openssl&distro=debian-12",
					Source: &model.SourcePackage{Name: "openssl", Version: "3.0.11-1~deb12u2"}, Arch: "amd64",
					Licenses: []string{"Apache-2.0"},
					Locations: []model.Location{
						{Path: "var/lib/dpkg/status", Layer: base},
						{Path: "usr/share/doc/libssl3/copyright", Layer: base},
					},
					FoundBy: "dpkg-db-cataloger",
					// syft's dependencies section: libssl3 depends on libc6.
					DependsOn: []string{"pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&upstream=glibc&distro=debian-12"},
				},
				{
					Name: "libc6", Version: "2.36-9+deb12u4", Type: model.TypeDeb, Ecosystem: "Debian:12",
					PURL:   "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&upstream=glibc&distro=debian-12",
					Source: &model.SourcePackage{Name: "glibc", Version: "2.36-9+deb12u4"}, Arch: "amd64",
					Licenses:  []string{"GPL-2+", "LGPL-2.1-or-later"},
					Locations: []model.Location{{Path: "var/lib/dpkg/status", Layer: base}},
					FoundBy:   "dpkg-db-cataloger",
				},
				{
					Name: "bash", Version: "5.2.15-2+b2", Type: model.TypeDeb, Ecosystem: "Debian:12",
					PURL:   "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64&upstream=bash%405.2.15-2&distro=debian-12",
					Source: &model.SourcePackage{Name: "bash", Version: "5.2.15-2"}, Arch: "amd64",
					Licenses:  []string{"GPL-3.0-or-later"},
					Locations: []model.Location{{Path: "var/lib/dpkg/status", Layer: base}},
					FoundBy:   "dpkg-db-cataloger",
				},
				{
					// The purl lower-cases Go module paths; the component keeps the case.
					Name: "github.com/Masterminds/semver/v3", Version: "v3.2.1", Type: model.TypeGolang, Ecosystem: model.EcoGo,
					PURL:      "pkg:golang/github.com/Masterminds/semver/v3@v3.2.1",
					Locations: []model.Location{{Path: "usr/local/bin/gobin", Layer: app}},
					FoundBy:   "go-module-binary-cataloger",
				},
				{
					Name: "@babel/core", Version: "7.23.9", Type: model.TypeNPM, Ecosystem: model.EcoNPM,
					PURL:      "pkg:npm/%40babel/core@7.23.9",
					Licenses:  []string{"MIT"},
					Locations: []model.Location{{Path: "app/node_modules/@babel/core/package.json", Layer: app}},
					FoundBy:   "javascript-package-cataloger",
				},
			},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Decode (-want +got):\n%s", diff)
	}
}

func TestDecodeTrivy(t *testing.T) {
	const (
		base = "sha256:d4fc045c9e3a848011de66f34b81f052d4f2c15a17bb196d637e526349601820"
		app  = "sha256:8f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
	)
	got := decodeFile(t, "trivy-alpine-1.4.cdx.json")
	want := &model.Report{
		SchemaVersion: model.SchemaVersion,
		CreatedAt:     time.Date(2024, 2, 20, 8, 5, 31, 0, time.UTC),
		Artifact: model.Artifact{
			Name: "node:20-alpine3.19", Type: model.ArtifactSBOM,
			Digest:   "sha256:4b1f7e0d2c3a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c",
			ImageID:  "sha256:2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70819",
			RepoTags: []string{"node:20-alpine3.19"},
		},
		Inventory: model.Inventory{
			OS: &model.OSRelease{ID: "alpine", VersionID: "3.19.1"},
			Packages: []model.Package{
				{
					Name: "busybox-binsh", Version: "1.36.1-r15", Type: model.TypeAPK, Ecosystem: "Alpine:v3.19",
					PURL:   "pkg:apk/alpine/busybox-binsh@1.36.1-r15?arch=x86_64&distro=3.19.1",
					Source: &model.SourcePackage{Name: "busybox", Version: "1.36.1-r15"}, Arch: "x86_64",
					Licenses:  []string{"GPL-2.0-only"},
					Locations: []model.Location{{Layer: base}},
				},
				{
					Name: "libcrypto3", Version: "3.1.4-r5", Type: model.TypeAPK, Ecosystem: "Alpine:v3.19",
					PURL:   "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=3.19.1",
					Source: &model.SourcePackage{Name: "openssl", Version: "3.1.4-r5"}, Arch: "x86_64",
					Licenses:  []string{"Apache-2.0"},
					Locations: []model.Location{{Layer: base}},
				},
				{
					Name: "express", Version: "4.18.2", Type: model.TypeNPM, Ecosystem: model.EcoNPM,
					PURL:      "pkg:npm/express@4.18.2",
					Licenses:  []string{"MIT"},
					Locations: []model.Location{{Path: "usr/src/app/node_modules/express/package.json", Layer: app}},
				},
				{
					Name: "@types/node", Version: "20.11.5", Type: model.TypeNPM, Ecosystem: model.EcoNPM,
					PURL:      "pkg:npm/%40types/node@20.11.5",
					Licenses:  []string{"MIT"},
					Locations: []model.Location{{Path: "usr/src/app/node_modules/@types/node/package.json", Layer: app}},
				},
			},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Decode (-want +got):\n%s", diff)
	}
}

// TestDecodeDistroOnly checks that without an operating-system component
// the OS comes from the distro qualifiers, when they agree.
func TestDecodeDistroOnly(t *testing.T) {
	doc := func(purls ...string) string {
		var cs []string
		for _, p := range purls {
			cs = append(cs, `{"type":"library","name":"x","version":"1","purl":"`+p+`"}`)
		}
		return `{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,"components":[` + strings.Join(cs, ",") + `]}`
	}
	tests := []struct {
		name string
		doc  string
		want *model.OSRelease
		eco  model.Ecosystem
	}{
		{"agree", doc("pkg:rpm/almalinux/x@1-1.el9?distro=almalinux-9.3", "pkg:rpm/almalinux/y@1-1.el9?distro=almalinux-9.3", "pkg:npm/z@1"),
			&model.OSRelease{ID: "almalinux", VersionID: "9.3"}, "AlmaLinux:9"},
		{"disagree", doc("pkg:deb/debian/x@1?distro=debian-12", "pkg:deb/debian/y@1?distro=debian-11"), nil, "Debian:12"},
		{"none", doc("pkg:deb/debian/x@1", "pkg:npm/y@1"), nil, "Debian"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode(strings.NewReader(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got.Inventory.OS); diff != "" {
				t.Errorf("OS (-want +got):\n%s", diff)
			}
			if eco := got.Inventory.Packages[0].Ecosystem; eco != tt.eco {
				t.Errorf("ecosystem = %q, want %q", eco, tt.eco)
			}
		})
	}
}

func TestDecodeStatus(t *testing.T) {
	doc := `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
		"metadata":{"timestamp":"yesterday"},
		"components":[{"type":"library","name":"bad","purl":"pkg:"},{"type":"library","name":"ok","version":"2"}]}`
	got, err := Decode(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Status) != 2 {
		t.Errorf("status = %v, want 2 entries (timestamp, purl)", got.Status)
	}
	if n := len(got.Inventory.Packages); n != 2 {
		t.Errorf("%d packages, want 2", n)
	}
}

func TestDecodeErrors(t *testing.T) {
	valid, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		in        string
		notCDX    bool
		errSubstr string
	}{
		{"empty", "", true, "empty input"},
		{"truncated", string(valid[:bytes.Index(valid, []byte(`"vulnerabilities"`))]), false, "unexpected end of JSON input"},
		{"array", `[{"bomFormat":"CycloneDX"}]`, true, "not a JSON object"},
		{"text", "bomFormat: CycloneDX", true, "not a JSON object"},
		{"spdx", `{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT"}`, true, "the document is SPDX"},
		{"no bomFormat", `{"specVersion":"1.5","components":[]}`, true, "no bomFormat"},
		{"wrong bomFormat", `{"bomFormat":"SWID","specVersion":"1.5"}`, true, `bomFormat is "SWID"`},
		{"no specVersion", `{"bomFormat":"CycloneDX"}`, false, "no specVersion"},
		{"old specVersion", `{"bomFormat":"CycloneDX","specVersion":"1.1"}`, false, "not supported"},
		{"unknown specVersion", `{"bomFormat":"CycloneDX","specVersion":"2.0"}`, false, "invalid specification version"},
		{"bad components", `{"bomFormat":"CycloneDX","specVersion":"1.5","components":"x"}`, false, "decoding CycloneDX BOM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Decode(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("Decode = %+v, want error", r)
			}
			if !strings.Contains(err.Error(), tt.errSubstr) {
				t.Errorf("error %q does not contain %q", err, tt.errSubstr)
			}
			if got := errors.Is(err, ErrNotCycloneDX); got != tt.notCDX {
				t.Errorf("errors.Is(err, ErrNotCycloneDX) = %v, want %v (%v)", got, tt.notCDX, err)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	// Small seeds: the fuzzer minimises every new input it finds, which
	// takes long on documents the size of the fixtures.
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
"metadata":{"timestamp":"2024-04-02T10:30:00Z","component":{"type":"container","name":"web:1","version":"sha256:9b2d",
 "properties":[{"name":"drydock:image:repo-tag","value":"web:1"},{"name":"aquasecurity:trivy:RepoDigest","value":"web@sha256:9b"}]}},
"components":[
 {"type":"operating-system","name":"debian","version":"12","properties":[{"name":"drydock:os:codename","value":"bookworm"}]},
 {"bom-ref":"a","type":"library","name":"libssl3","version":"3.0.11-1","purl":"pkg:deb/debian/libssl3@3.0.11-1?arch=amd64&distro=debian-12&upstream=openssl",
  "licenses":[{"license":{"id":"Apache-2.0"}},{"license":{"name":"GPL-2+"}}],
  "properties":[{"name":"drydock:package:type","value":"deb"},{"name":"drydock:package:source-name","value":"openssl"},
   {"name":"drydock:location:0:path","value":"var/lib/dpkg/status"},{"name":"drydock:location:0:layer","value":"sha256:ae"},{"name":"drydock:location:0:layer-index","value":"0"}]},
 {"type":"application","name":"app","components":[{"type":"library","group":"@types","name":"node","version":"20","purl":"pkg:npm/%40types/node@20",
  "licenses":[{"expression":"MIT OR Apache-2.0"}],
  "properties":[{"name":"syft:location:0:path","value":"/app/package.json"},{"name":"aquasecurity:trivy:SrcName","value":"x"}]}]}]}`))
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.4","metadata":{"tools":[{"name":"trivy"}]},"components":[{"type":"library","name":"a","purl":"pkg:rpm/almalinux/a@1-1?epoch=2&distro=almalinux-9.3&upstream=a-1-1.src.rpm"}]}`))
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"type":"framework","name":"b","version":"1","purl":"pkg:maven/g/b@1","group":"g"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		schematest.RoundTrip(t, data, Decode, Encoder{})
	})
}

// TestEncodeManyDuplicates guards against quadratic work on SBOMs listing
// the same package many times.
func TestEncodeManyDuplicates(t *testing.T) {
	p := model.Package{Name: "x", Version: "1", Type: model.TypeNPM, Licenses: []string{"MIT"}}
	r := &model.Report{Inventory: model.Inventory{Packages: slices.Repeat([]model.Package{p}, 20000)}}
	start := time.Now()
	bom := build(r)
	if n := len(*bom.Components); n != 20000 {
		t.Fatalf("%d components", n)
	}
	refs := map[string]bool{}
	for _, c := range *bom.Components {
		refs[c.BOMRef] = true
	}
	if len(refs) != 20000 {
		t.Errorf("%d distinct bom-refs for 20000 components", len(refs))
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("build took %v", d)
	}
}

// TestOtherFindingsLeftOut checks that misconfigurations, secrets and
// personal data, which an SBOM does not carry, leave the document unchanged.
func TestOtherFindingsLeftOut(t *testing.T) {
	r := schematest.Report()
	with := encode(t, r)
	r.Misconfigurations, r.Secrets, r.PersonalData = nil, nil, nil
	if without := encode(t, r); !bytes.Equal(with, without) {
		t.Error("misconfigurations, secrets or personal data changed the SBOM")
	}
}
