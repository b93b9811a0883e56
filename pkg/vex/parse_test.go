package vex

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const webDigest = "sha256:4dbb1efc9c4f883128bd77839566dafbc05d0e2fb4af6ce1172b68170b1d57d9"

// webPURL is the image of the fixtures as testdata/vexctl-v0.2.0.json names
// it (':' of the digest percent-encoded, as the purl spec writes it).
const webPURL = "pkg:oci/web@sha256%3A4dbb1efc9c4f883128bd77839566dafbc05d0e2fb4af6ce1172b68170b1d57d9?repository_url=registry.example.com/shop/web"

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestLoadVexctl reads a document in the exact form vexctl (go-vex v0.2)
// writes one, after "vexctl create" and three "vexctl add": go-vex's field
// order, two-space indentation, a statement timestamp per statement, role
// omitted when empty. It was written by hand in that format (not generated
// by vexctl), with the IDs of the staged advisories.
func TestLoadVexctl(t *testing.T) {
	d, err := Load(filepath.Join("testdata", "vexctl-v0.2.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	const docID = "https://openvex.dev/docs/public/vex-98433b1f143bf3622f5f43dc9cdac9cb7d9fecac377cc7cd7e288fdc5f920d70"
	image := func(subs ...string) []Product {
		p := Product{Component: Component{ID: webPURL}}
		for _, s := range subs {
			p.Subcomponents = append(p.Subcomponents, Component{ID: s})
		}
		return []Product{p}
	}
	const (
		libssl3 = "pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12"
		openssl = "pkg:deb/debian/openssl@3.0.11-1~deb12u1?arch=amd64&distro=debian-12"
	)
	want := &Document{
		Context:   "https://openvex.dev/ns/v0.2.0",
		ID:        docID,
		Author:    "Shop Platform Team <platform@example.com>",
		Timestamp: ts("2024-02-07T11:40:12.581219731-06:00"),
		Version:   1,
		Statements: []Statement{
			{
				Vulnerability:   Vulnerability{Name: "CVE-2023-5363"},
				Timestamp:       ts("2024-02-07T11:40:12.581220412-06:00"),
				Products:        image(libssl3, openssl),
				Status:          StatusNotAffected,
				Justification:   VulnerableCodeNotInExecutePath,
				ImpactStatement: "TLS is terminated at the ingress; the service never sets cipher key or IV lengths.",
				Document:        docID,
			},
			{
				Vulnerability: Vulnerability{Name: "CVE-2023-5678"},
				Timestamp:     ts("2024-02-07T11:41:03.104388263-06:00"),
				Products:      image(libssl3),
				Status:        StatusUnderInvestigation,
				Document:      docID,
				Index:         1,
			},
			{
				Vulnerability: Vulnerability{
					ID:      "https://nvd.nist.gov/vuln/detail/CVE-2021-44228",
					Name:    "CVE-2021-44228",
					Aliases: []string{"GHSA-jfh8-c2jp-5v3q"},
				},
				Timestamp:   ts("2024-02-07T11:42:27.930125517-06:00"),
				Products:    image("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"),
				Status:      StatusFixed,
				StatusNotes: "JndiLookup.class is removed from the jar when the image is built",
				Document:    docID,
				Index:       2,
			},
			{
				Vulnerability:            Vulnerability{Name: "CVE-2023-5678"},
				Timestamp:                ts("2024-02-09T08:15:44.021877034-06:00"),
				Products:                 image(libssl3),
				Status:                   StatusAffected,
				ActionStatement:          "Rebuild on a base with libssl3 3.0.13-1~deb12u1 or later",
				ActionStatementTimestamp: ts("2024-02-09T08:15:44.021877034-06:00"),
				Document:                 docID,
				Index:                    3,
			},
		},
	}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("Load (-want +got):\n%s", diff)
	}
}

// TestLoadSpecExample reads the example of the OpenVEX specification
// (section "Example": Spring Boot and Log4Shell), with the JSON slips of
// the specification's text (missing and trailing commas) corrected. Its
// statement has no timestamp: it inherits the document's.
func TestLoadSpecExample(t *testing.T) {
	d, err := Load(filepath.Join("testdata", "spec-example.json"))
	if err != nil {
		t.Fatal(err)
	}
	s := d.Statements[0]
	if !s.Timestamp.Equal(d.Timestamp) || d.Timestamp.IsZero() {
		t.Errorf("statement timestamp %v, want the document's %v", s.Timestamp, d.Timestamp)
	}
	want := Product{Component: Component{
		ID:          "pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3",
		Identifiers: map[string]string{"purl": "pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3"},
		Hashes:      map[string]string{"sha-256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	}}
	if diff := cmp.Diff([]Product{want}, s.Products); diff != "" {
		t.Errorf("products (-want +got):\n%s", diff)
	}
	if got := s.Vulnerability.Names(); !cmp.Equal(got, []string{"CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q"}) {
		t.Errorf("Names() = %v", got)
	}
	if d.Role != "Project Release Bot" || s.Vulnerability.Description != "Remote code injection in Log4j" {
		t.Errorf("role %q, description %q", d.Role, s.Vulnerability.Description)
	}
}

// TestLoadV001 reads the shape of OpenVEX before v0.2.0 (as vexctl wrote
// it in 2023): vulnerability and products as strings, statement-level
// subcomponents, version as a string.
func TestLoadV001(t *testing.T) {
	d, err := Load(filepath.Join("testdata", "v0.0.1.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Statement{{
		Vulnerability: Vulnerability{Name: "CVE-2023-5363"},
		Timestamp:     ts("2023-01-10T20:24:50.498233798-06:00"),
		Products: []Product{{
			Component:     Component{ID: "pkg:oci/web?repository_url=registry.example.com/shop/web"},
			Subcomponents: []Component{{ID: "pkg:deb/debian/libssl3"}},
		}},
		Status:        StatusNotAffected,
		Justification: VulnerableCodeNotPresent,
		Document:      "https://openvex.dev/docs/public/vex-cfaef18d38537412a0307ec266bed56aa88fa58b7c1f2c6b8c9ef997028ba4bd",
	}}
	if diff := cmp.Diff(want, d.Statements); diff != "" {
		t.Errorf("statements (-want +got):\n%s", diff)
	}
	if d.Version != 1 {
		t.Errorf("version = %d, want 1", d.Version)
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "vex.json"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load: %v, want fs.ErrNotExist", err)
	}
}

// header is a valid document up to its statements.
const header = `{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://openvex.dev/docs/example/vex-1",
  "author": "Example",
  "timestamp": "2024-01-01T00:00:00Z",
  "version": 1,
  "statements": [`

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "empty VEX document"},
		{"not an object", "[]", "line 1: want a JSON object, found array"},
		{"JSON syntax", "{\n  \"@context\": \"https://openvex.dev/ns/v0.2.0\",\n  \"author\": \"a\",,\n}",
			"line 3, column 17: invalid JSON: invalid character ',' looking for beginning of object key string"},
		{"truncated", `{"@context": "https://openvex.dev/ns`, "invalid JSON: unexpected end of the document"},
		{"wrong type", "{\n  \"author\": 7\n}", "line 2: author: want a string, found number"},
		{"data after", `{"a": 1} {}`, "line 1, column 10: data after the JSON document"},
		{"CycloneDX without vulnerabilities", `{"bomFormat": "CycloneDX", "specVersion": "1.5", "vulnerabilities": []}`,
			`no "vulnerabilities": a CycloneDX VEX document lists them with their analysis`},
		{"CSAF", `{"document": {"category": "csaf_vex"}}`, "this looks like a CSAF document: CSAF VEX is not supported, only OpenVEX and CycloneDX VEX"},
		{"in-toto", `{"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://openvex.dev/ns/v0.2.0"}`,
			"this is an in-toto statement: extract the OpenVEX document from its predicate"},
		{"missing everything", `{}`, strings.Join([]string{
			`missing "@context": not an OpenVEX document (want "https://openvex.dev/ns/v0.2.0")`,
			`missing "@id": OpenVEX requires an IRI naming the document (e.g. https://openvex.dev/docs/public/vex-…)`,
			`missing "author"`,
			`missing "timestamp": the time the document was issued`,
			`missing "version": the document's version, from 1`,
			`no "statements"`,
		}, "\n")},
		{"other context", `{"@context": "https://cyclonedx.org/ns", "@id": "x", "author": "a", "timestamp": "2024-01-01T00:00:00Z", "version": 1,
			"statements": [{"vulnerability": {"name": "CVE-2023-5363"}, "products": [{"@id": "pkg:deb/debian/openssl"}], "status": "fixed"}]}`,
			`"@context" "https://cyclonedx.org/ns" is not OpenVEX's (want "https://openvex.dev/ns/v0.2.0")`},
		{"bad version and timestamp", `{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "author": "a", "timestamp": "2024-01-01", "version": 0,
			"statements": [{"vulnerability": {"name": "CVE-2023-5363"}, "products": [{"@id": "pkg:deb/debian/openssl"}], "status": "fixed"}]}`,
			"timestamp \"2024-01-01\": want an RFC 3339 time (2023-01-16T19:07:16Z)\n\"version\" 0: want an integer from 1"},
		{"statement problems", header + `
    {"vulnerability": {"name": "CVE-2023-5363"}, "products": [{"@id": "pkg:deb/debian/openssl"}], "status": "not_afected"},
    {"vulnerability": {"name": "CVE-2023-5363"}, "products": [{"@id": "pkg:deb/debian/openssl"}], "status": "not_affected"},
    {"vulnerability": {"name": "CVE-2023-5363"}, "products": [{"@id": "pkg:deb/debian/openssl"}], "status": "not_affected", "justification": "not_reachable"},
    {"vulnerability": {"name": "CVE-2023-5678"}, "products": [{"@id": "pkg:deb/debian/openssl"}], "status": "affected"},
    {"vulnerability": {"name": ""}, "products": [{"@id": "pkg:deb/debian/openssl"}], "status": "fixed"},
    {"products": [{"@id": "pkg:deb/debian/openssl"}], "status": "fixed"},
    {"vulnerability": {"name": "CVE-2023-5363"}, "status": "fixed"},
    {"vulnerability": {"name": "CVE-2023-5363"}, "products": [{"hashes": {}}, 7], "status": "fixed", "timestamp": "yesterday"},
    {"vulnerability": {"name": "CVE-2023-5363"}, "products": [{"@id": "x", "subcomponents": [{"@id": "y", "subcomponents": ["z"]}]}]},
    {"vulnerability": 7, "products": ["x"], "status": "fixed"}
  ]}`, strings.Join([]string{
			`statements[0] (CVE-2023-5363): status "not_afected": want not_affected, affected, fixed or under_investigation`,
			`statements[1] (CVE-2023-5363): status not_affected needs a justification or an impact_statement`,
			`statements[2] (CVE-2023-5363): justification "not_reachable": want one of component_not_present, vulnerable_code_not_present, ` +
				`vulnerable_code_not_in_execute_path, vulnerable_code_cannot_be_controlled_by_adversary, inline_mitigations_already_exist`,
			`statements[3] (CVE-2023-5678): status affected needs an action_statement (what users should do)`,
			`statements[4]: vulnerability without a name`,
			`statements[5]: missing vulnerability`,
			`statements[6] (CVE-2023-5363): no products: the statement must say which software it is about`,
			`statements[7] (CVE-2023-5363): timestamp "yesterday": want an RFC 3339 time (2023-01-16T19:07:16Z)`,
			`statements[7] (CVE-2023-5363): products[0]: identifies nothing (no "@id", "identifiers" or "hashes")`,
			`statements[7] (CVE-2023-5363): products[1]: want an object with @id, identifiers or hashes`,
			`statements[8] (CVE-2023-5363): missing status`,
			`statements[8] (CVE-2023-5363): products[0].subcomponents[0]: a subcomponent cannot have subcomponents`,
			`statements[9]: vulnerability must be an object with a name`,
		}, "\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("Parse succeeded (%d statements), want error", len(d.Statements))
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseContexts(t *testing.T) {
	for _, c := range []string{`"https://openvex.dev/ns"`, `"https://openvex.dev/ns/v0.2.0"`, `"https://openvex.dev/ns/v0.2.0/"`,
		`["https://openvex.dev/ns/v0.2.0", {"x": "https://example.com/x#"}]`} {
		in := strings.Replace(header, `"https://openvex.dev/ns/v0.2.0"`, c, 1) +
			`{"vulnerability": {"name": "CVE-2023-5363"}, "products": [{"@id": "pkg:deb/debian/openssl"}], "status": "fixed"}]}`
		if _, err := Parse(strings.NewReader(in)); err != nil {
			t.Errorf("@context %s: %v", c, err)
		}
	}
}

func TestLoadErrorNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.vex.json")
	if err := os.WriteFile(path, []byte(`{"@context": "https://openvex.dev/ns/v0.2.0"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+`: missing "@id"`) {
		t.Errorf("Load error = %v, want it to start with the path", err)
	}
}
