package spdx

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spdx/tools-golang/spdx/v2/v2_3"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/purl"
	"github.com/drydockhq/drydock/pkg/report/internal/license"
	"github.com/drydockhq/drydock/pkg/report/internal/sbom"
	"github.com/drydockhq/drydock/pkg/report/internal/schematest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const (
	golden   = "testdata/report.golden.json"
	syftFile = "testdata/syft-debian-2.3.spdx.json"
)

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
	schematest.Validate(t, schematest.SPDX23, encode(t, schematest.Report()))

	bare := &model.Report{
		Artifact: model.Artifact{Type: model.ArtifactFilesystem},
		Inventory: model.Inventory{Packages: []model.Package{
			{Name: "thing", Version: "1"},
			{Name: "lib", Type: model.TypeCargo, Licenses: []string{"Apache-2.0 WITH LLVM-exception", "LicenseRef-Custom", "Public Domain", "public domain"}},
		}},
	}
	schematest.Validate(t, schematest.SPDX23, encode(t, bare))
	// The third-party fixture is well-formed SPDX 2.3 too.
	data, err := os.ReadFile(syftFile)
	if err != nil {
		t.Fatal(err)
	}
	schematest.Validate(t, schematest.SPDX23, data)
}

func TestEncodeDeterministic(t *testing.T) {
	r := schematest.Report()
	first := encode(t, r)
	slices.Reverse(r.Inventory.Packages)
	if second := encode(t, r); !bytes.Equal(first, second) {
		t.Error("output depends on the order of packages")
	}
	r.Inventory.Packages[0].Version += "+1"
	if third := encode(t, r); namespace(t, first) == namespace(t, third) {
		t.Error("document namespace does not change with the content")
	}
}

func namespace(t *testing.T, doc []byte) string {
	t.Helper()
	var d struct {
		Namespace string `json:"documentNamespace"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(d.Namespace, NamespacePrefix+"registry.example.com-shop-web-1.4.2-") {
		t.Errorf("namespace %q", d.Namespace)
	}
	return d.Namespace
}

// TestEncodeContent checks what the golden file is meant to show: valid
// identifiers and license expressions, declared LicenseRefs, relationships.
func TestEncodeContent(t *testing.T) {
	doc := build(schematest.Report())
	ids := map[string]bool{"DOCUMENT": true}
	declared := map[string]string{}
	for _, p := range doc.Packages {
		id := string(p.PackageSPDXIdentifier)
		if ids[id] {
			t.Errorf("duplicate SPDXID %q", id)
		}
		ids[id] = true
		if strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != "" {
			t.Errorf("SPDXID %q has invalid characters", id)
		}
		declared[p.PackageName] = p.PackageLicenseDeclared
		if p.PackageLicenseDeclared == noAssertion {
			continue
		}
		e, err := license.Parse(p.PackageLicenseDeclared)
		if err != nil {
			t.Errorf("%s: licenseDeclared %v", p.PackageName, err)
			continue
		}
		for _, ref := range e.Refs() {
			if !slices.ContainsFunc(doc.OtherLicenses, func(o *v2_3.OtherLicense) bool { return o.LicenseIdentifier == ref }) {
				t.Errorf("%s: %s is not in hasExtractedLicensingInfos", p.PackageName, ref)
			}
		}
	}
	for name, want := range map[string]string{
		"libc6":     "LicenseRef-GPL-2-plus AND LGPL-2.1-or-later",
		"wasm-pack": "MIT OR Apache-2.0",
		"bash":      "GPL-3.0-or-later",
	} {
		if got := declared[name]; got != want {
			t.Errorf("licenseDeclared of %s = %q, want %q", name, got, want)
		}
	}
	if len(doc.OtherLicenses) != 1 || doc.OtherLicenses[0].ExtractedText != "GPL-2+" {
		t.Errorf("hasExtractedLicensingInfos = %+v", doc.OtherLicenses)
	}

	// DOCUMENT DESCRIBES the artifact, which CONTAINS the OS and all 14
	// packages; the lock file's graph gives 3 DEPENDS_ON.
	var describes, contains, dependsOn int
	for _, r := range doc.Relationships {
		if !ids[string(r.RefA.ElementRefID)] || !ids[string(r.RefB.ElementRefID)] {
			t.Errorf("relationship %+v names an unknown element", r)
		}
		switch r.Relationship {
		case "DESCRIBES":
			describes++
		case "CONTAINS":
			contains++
		case "DEPENDS_ON":
			dependsOn++
		}
	}
	if describes != 1 || contains != 15 || dependsOn != 3 {
		t.Errorf("%d DESCRIBES, %d CONTAINS and %d DEPENDS_ON relationships, want 1, 15 and 3", describes, contains, dependsOn)
	}
}

func TestRoundTrip(t *testing.T) {
	want := schematest.Report()
	got, err := Decode(bytes.NewReader(encode(t, want)))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	pkgs := sbom.Sorted(want.Inventory.Packages)
	for i := range pkgs {
		if pkgs[i].PURL == "" {
			pkgs[i].PURL = purl.For(pkgs[i], want.Inventory.OS)
		}
	}
	if diff := cmp.Diff(pkgs, got.Inventory.Packages); diff != "" {
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
}

func TestDecodeSyft(t *testing.T) {
	f, err := os.Open(syftFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := Decode(f)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	want := &model.Report{
		SchemaVersion: model.SchemaVersion,
		CreatedAt:     time.Date(2024, 3, 5, 14, 22, 40, 0, time.UTC),
		Artifact: model.Artifact{
			Name: "registry.example.com/shop/api", Type: model.ArtifactSBOM,
			Digest: "sha256:6d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6",
		},
		Inventory: model.Inventory{
			// No OS package: the distro qualifiers agree on Debian 12.
			OS: &model.OSRelease{ID: "debian", VersionID: "12"},
			Packages: []model.Package{
				{
					Name: "libssl3", Version: "3.0.11-1~deb12u2", Type: model.TypeDeb, Ecosystem: "Debian:12",
					PURL:     "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&upstream=openssl&distro=debian-12",
					Source:   &model.SourcePackage{Name: "openssl", Version: "3.0.11-1~deb12u2"},
					Arch:     "amd64",
					Licenses: []string{"Apache-2.0"},
					Locations: []model.Location{
						{Path: "var/lib/dpkg/status"},
						{Path: "usr/share/doc/libssl3/copyright"},
					},
				},
				{
					Name: "libc6", Version: "2.36-9+deb12u4", Type: model.TypeDeb, Ecosystem: "Debian:12",
					PURL:   "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&upstream=glibc&distro=debian-12",
					Source: &model.SourcePackage{Name: "glibc", Version: "2.36-9+deb12u4"},
					Arch:   "amd64",
					// LicenseRef-GPL-2- is read back as its extracted text.
					Licenses: []string{"GPL-2+", "LGPL-2.1-or-later"},
					Locations: []model.Location{
						{Path: "var/lib/dpkg/status"},
						{Path: "usr/share/doc/libc6/copyright"},
					},
				},
				{
					Name: "tzdata", Version: "2024a-0+deb12u1", Type: model.TypeDeb, Ecosystem: "Debian:12",
					PURL:      "pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1?arch=all&distro=debian-12",
					Source:    &model.SourcePackage{Name: "tzdata", Version: "2024a-0+deb12u1"},
					Arch:      "all",
					Locations: []model.Location{{Path: "var/lib/dpkg/status"}},
				},
				{
					Name: "requests", Version: "2.28.1", Type: model.TypePyPI, Ecosystem: model.EcoPyPI,
					PURL:     "pkg:pypi/requests@2.28.1",
					Licenses: []string{"Apache-2.0"},
					Locations: []model.Location{
						{Path: "usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO"},
						{Path: "usr/lib/python3/dist-packages/requests-2.28.1.egg-info/top_level.txt"},
					},
				},
				{
					Name: "github.com/Masterminds/semver/v3", Version: "v3.2.1", Type: model.TypeGolang, Ecosystem: model.EcoGo,
					PURL:      "pkg:golang/github.com/Masterminds/semver/v3@v3.2.1",
					Locations: []model.Location{{Path: "usr/local/bin/api"}},
				},
			},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Decode (-want +got):\n%s", diff)
	}
}

// TestDecodeSPDX22 reads an SPDX 2.2 document: PACKAGE_MANAGER spelled with
// an underscore, documentDescribes instead of a relationship.
func TestDecodeSPDX22(t *testing.T) {
	doc := `{
  "spdxVersion": "SPDX-2.2", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
  "name": "alpine:3.19", "documentNamespace": "https://example.com/alpine-3.19",
  "creationInfo": {"creators": ["Tool: example-1"], "created": "2024-01-02T03:04:05Z"},
  "documentDescribes": ["SPDXRef-Root"],
  "packages": [
    {"name": "alpine:3.19", "SPDXID": "SPDXRef-Root", "downloadLocation": "NOASSERTION"},
    {"name": "libcrypto3", "SPDXID": "SPDXRef-P1", "versionInfo": "3.1.4-r5", "downloadLocation": "NOASSERTION",
     "licenseConcluded": "Apache-2.0", "licenseDeclared": "NOASSERTION",
     "externalRefs": [{"referenceCategory": "PACKAGE_MANAGER", "referenceType": "purl",
       "referenceLocator": "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&upstream=openssl&distro=alpine-3.19.1"}]}
  ]
}`
	got, err := Decode(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Package{{
		Name: "libcrypto3", Version: "3.1.4-r5", Type: model.TypeAPK, Ecosystem: "Alpine:v3.19",
		PURL:     "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&upstream=openssl&distro=alpine-3.19.1",
		Source:   &model.SourcePackage{Name: "openssl", Version: "3.1.4-r5"},
		Arch:     "x86_64",
		Licenses: []string{"Apache-2.0"},
	}}
	if diff := cmp.Diff(want, got.Inventory.Packages); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
	if got.Artifact.Name != "alpine:3.19" || got.Inventory.OS == nil || got.Inventory.OS.VersionID != "3.19.1" {
		t.Errorf("artifact %+v, OS %+v", got.Artifact, got.Inventory.OS)
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
		notSPDX   bool
		errSubstr string
	}{
		{"empty", " \n", true, "empty input"},
		{"truncated", string(valid[:bytes.Index(valid, []byte(`"relationships"`))]), false, "unexpected end of JSON input"},
		{"array", `[]`, true, "not a JSON object"},
		{"cyclonedx", `{"bomFormat":"CycloneDX","specVersion":"1.6"}`, true, "the document is CycloneDX"},
		{"no version", `{"SPDXID":"SPDXRef-DOCUMENT","name":"x"}`, true, "no spdxVersion"},
		{"spdx 3", `{"spdxVersion":"SPDX-3.0"}`, false, "not supported"},
		{"version not a string", `{"spdxVersion":3}`, false, "decoding SPDX document"},
		{"bad element ID", `{"spdxVersion":"SPDX-2.3","SPDXID":"DOCUMENT"}`, false, "decoding SPDX document"},
		{"bad packages", `{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","packages":{}}`, false, "decoding SPDX document"},
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
			if got := errors.Is(err, ErrNotSPDX); got != tt.notSPDX {
				t.Errorf("errors.Is(err, ErrNotSPDX) = %v, want %v (%v)", got, tt.notSPDX, err)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	// Small seeds: the fuzzer minimises every new input it finds, which
	// takes long on documents the size of the fixtures.
	f.Add([]byte(`{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"web","creationInfo":{"created":"2024-04-02T10:30:00Z","creators":["Tool: x"]},
"packages":[{"name":"web","SPDXID":"SPDXRef-A","versionInfo":"sha256:9b","primaryPackagePurpose":"CONTAINER","downloadLocation":"NOASSERTION"},
{"name":"debian","SPDXID":"SPDXRef-O","versionInfo":"12","primaryPackagePurpose":"OPERATING-SYSTEM","downloadLocation":"NOASSERTION"},
{"name":"libc6","SPDXID":"SPDXRef-P","versionInfo":"2.36","downloadLocation":"NOASSERTION","licenseDeclared":"LicenseRef-GPL-2-plus AND (MIT OR Apache-2.0)",
 "sourceInfo":"acquired package info from DPKG DB: /var/lib/dpkg/status",
 "externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:deb/debian/libc6@2.36?distro=debian-12&upstream=glibc"}],
 "annotations":[{"annotator":"Tool: drydock","annotationDate":"2024-04-02T10:30:00Z","annotationType":"OTHER","comment":"drydock:package:type=deb\ndrydock:location:0:path=var/lib/dpkg/status"}]}],
"hasExtractedLicensingInfos":[{"licenseId":"LicenseRef-GPL-2-plus","extractedText":"GPL-2+"}],
"relationships":[{"spdxElementId":"SPDXRef-DOCUMENT","relatedSpdxElement":"SPDXRef-A","relationshipType":"DESCRIBES"}]}`))
	f.Add([]byte(`{"spdxVersion":"SPDX-2.2","SPDXID":"SPDXRef-DOCUMENT","documentDescribes":["SPDXRef-R"],"packages":[{"name":"r","SPDXID":"SPDXRef-R"},{"name":"x","SPDXID":"SPDXRef-X","externalRefs":[{"referenceCategory":"PACKAGE_MANAGER","referenceType":"purl","referenceLocator":"pkg:npm/x@1"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		schematest.RoundTrip(t, data, Decode, Encoder{})
	})
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
