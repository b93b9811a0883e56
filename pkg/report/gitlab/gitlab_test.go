package gitlab

import (
	"bytes"
	"encoding/json"
	"flag"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/report/internal/schematest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const (
	golden = "testdata/report.golden.json"
	schema = "testdata/container-scanning-report-format-15.2.1.json"
)

func encode(t testing.TB, e Encoder, r *model.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := e.Encode(&buf, r); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return buf.Bytes()
}

func TestEncodeGolden(t *testing.T) {
	schematest.Golden(t, golden, encode(t, Encoder{}, schematest.Report()), *update)
}

// bare has no OS, tool version or time, odd IDs and vectors, a direct
// dependency, and an over-long summary.
func bare() *model.Report {
	return &model.Report{
		Artifact: model.Artifact{Name: "app:dev", Type: model.ArtifactImage},
		Vulnerabilities: []model.Vulnerability{{
			ID: "GO-2024-2687", Aliases: []string{"CVE-2023-45288", "GHSA-4v7x-pqxf-cx7m", "GO-2024-2687", "weird"},
			Summary:  strings.Repeat("x", 300),
			Severity: model.SeverityHigh,
			Package: model.Package{Name: "golang.org/x/net", Version: "v0.17.0", Type: model.TypeGolang,
				Relation: model.RelationDirect, Locations: []model.Location{{Path: "app/server"}}},
			CVSS: []model.CVSS{
				{Version: "4.0", Vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", Score: 8.7},
				{Version: "2.0", Vector: "AV:N/AC:L/Au:N/C:N/I:N/A:P", Score: 5.0},
				{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", Score: 7.5, Source: "nvd"},
			},
			References: []string{"https://go.dev/issue/65051", "go.dev/cl/576155"},
		}},
		Status: []model.Status{{Source: "lang/gobinary", Path: "app/tool", Message: "not a Go binary"}},
	}
}

func TestEncodeSchema(t *testing.T) {
	schematest.ValidateFile(t, schema, encode(t, Encoder{}, schematest.Report()))
	schematest.ValidateFile(t, schema, encode(t, Encoder{DefaultBranchImage: "registry.example.com/shop/web:main"}, bare()))
	schematest.ValidateFile(t, schema, encode(t, Encoder{}, &model.Report{}))
}

func TestEncodeDeterministic(t *testing.T) {
	r := schematest.Report()
	r.Vulnerabilities = append(r.Vulnerabilities, bare().Vulnerabilities...)
	first := encode(t, Encoder{}, r)
	slices.Reverse(r.Vulnerabilities)
	if second := encode(t, Encoder{}, r); !bytes.Equal(first, second) {
		t.Error("output depends on the order of vulnerabilities")
	}
}

func decode(t *testing.T, doc []byte) *document {
	t.Helper()
	var d document
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	return &d
}

// TestEncodeContent checks what the golden file is meant to show.
func TestEncodeContent(t *testing.T) {
	d := decode(t, encode(t, Encoder{}, schematest.Report()))
	if d.Scan.StartTime != "2024-04-02T10:30:00" || d.Scan.Analyzer.Version != "0.4.0" || d.Scan.Type != "container_scanning" {
		t.Errorf("scan = %+v", d.Scan)
	}
	// The VEX-suppressed express finding is left out.
	if len(d.Vulnerabilities) != 1 {
		t.Fatalf("%d vulnerabilities, want 1", len(d.Vulnerabilities))
	}
	v := d.Vulnerabilities[0]
	want := vulnerability{
		ID:   uuid("CVE-2024-0727", "libssl3", "3.0.11-1~deb12u2", "var/lib/dpkg/status"),
		Name: "Processing a maliciously formatted PKCS12 file may lead OpenSSL to crash.",
		Description: "Processing a maliciously formatted PKCS12 file may lead OpenSSL to crash.\n\n" +
			"libssl3 3.0.11-1~deb12u2 is affected (matched by source openssl 3.0.11-1~deb12u2); found in var/lib/dpkg/status, layer 0 (" +
			string(schematest.Layer0) + ").",
		Severity: "Medium",
		Solution: "Upgrade libssl3 to 3.0.13-1~deb12u1",
		Identifiers: []identifier{
			{Type: "cve", Name: "CVE-2024-0727", Value: "CVE-2024-0727", URL: "https://nvd.nist.gov/vuln/detail/CVE-2024-0727"},
			{Type: "dsa", Name: "DSA-5639-1", Value: "DSA-5639-1", URL: "https://osv.dev/vulnerability/DSA-5639-1"},
			{Type: "ghsa", Name: "GHSA-9v9h-cgj8-h64p", Value: "GHSA-9v9h-cgj8-h64p", URL: "https://github.com/advisories/GHSA-9v9h-cgj8-h64p"},
		},
		CVSSVectors: []cvssVector{{Vendor: "nvd", Vector: "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H"}},
		Links: []link{
			{URL: "https://security-tracker.debian.org/tracker/CVE-2024-0727"},
			{URL: "https://www.openssl.org/news/secadv/20240125.txt"},
		},
		Location: location{
			Dependency:      dependency{Package: pkg{Name: "libssl3"}, Version: "3.0.11-1~deb12u2"},
			OperatingSystem: "debian:12",
			Image:           "registry.example.com/shop/web:1.4.2",
		},
	}
	if diff := cmp.Diff(want, v); diff != "" {
		t.Errorf("vulnerability (-want +got):\n%s", diff)
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(v.ID) {
		t.Errorf("id %q is not a version-5 UUID", v.ID)
	}
}

func TestEncodeBare(t *testing.T) {
	d := decode(t, encode(t, Encoder{DefaultBranchImage: "web:main"}, bare()))
	v := d.Vulnerabilities[0]
	if n := len([]rune(v.Name)); n != maxName || !strings.HasSuffix(v.Name, "…") {
		t.Errorf("name has %d characters, want %d ending in …", n, maxName)
	}
	var types []string
	for _, id := range v.Identifiers {
		types = append(types, id.Type)
	}
	if diff := cmp.Diff([]string{"go", "cve", "ghsa", "drydock"}, types); diff != "" {
		t.Errorf("identifier types (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]cvssVector{
		{Vendor: "unknown", Vector: "AV:N/AC:L/Au:N/C:N/I:N/A:P"},
		{Vendor: "nvd", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"},
	}, v.CVSSVectors); diff != "" {
		t.Errorf("cvss vectors (-want +got):\n%s", diff)
	}
	if len(v.Links) != 1 {
		t.Errorf("links = %+v, want only the URL", v.Links)
	}
	l := v.Location
	if l.OperatingSystem != "Unknown" || l.Image != "app:dev" || l.DefaultBranchImage != "web:main" ||
		l.Dependency.Direct == nil || !*l.Dependency.Direct {
		t.Errorf("location = %+v", l)
	}
	if v.Solution != "" {
		t.Errorf("solution without a fix = %q", v.Solution)
	}
	if d.Scan.Analyzer.Version != "unknown" || len(d.Scan.Messages) != 1 || d.Scan.Messages[0].Level != "warn" {
		t.Errorf("scan = %+v", d.Scan)
	}
}

// TestOnlyVulnerabilities checks that the other finding classes, which the
// container-scanning schema cannot carry, leave the output unchanged.
func TestOnlyVulnerabilities(t *testing.T) {
	r := schematest.Report()
	with := encode(t, Encoder{}, r)
	r.Misconfigurations, r.Secrets, r.PersonalData = nil, nil, nil
	if without := encode(t, Encoder{}, r); !bytes.Equal(with, without) {
		t.Error("misconfigurations, secrets or personal data changed the GitLab report")
	}
}
