package vex

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// addSeeds adds the files of testdata matching pattern to the corpus.
func addSeeds(f *testing.F, pattern string) {
	files, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzParse(f *testing.F) {
	addSeeds(f, "*.json")
	f.Add([]byte(header + `{"vulnerability": {"name": "CVE-2023-5363", "aliases": ["X"]}, "products": [{"@id": "debian:12@sha256:` +
		`4dbb1efc9c4f883128bd77839566dafbc05d0e2fb4af6ce1172b68170b1d57d9", "hashes": {"SHA-256": "AB"}, "subcomponents": ["pkg:rpm/a/b@1:2?epoch=1"]}],` +
		` "status": "affected", "action_statement": "x"}]}`))
	f.Add([]byte(`{"@context": ["https://openvex.dev/ns", {}], "version": "2", "statements": [{"vulnerability": "CVE-1", "products": ["pkg:oci/x?tag=1"]}]}`))
	f.Fuzz(checkParse)
}

// FuzzParseCycloneDX starts from CycloneDX documents only.
func FuzzParseCycloneDX(f *testing.F) {
	addSeeds(f, "cyclonedx-*.json")
	f.Add([]byte(cdxDoc(cdxImage,
		cdxVuln("CVE-2023-5363", `{"state": "not_affected", "justification": "code_not_reachable", "lastUpdated": "2024-01-02T00:00:00Z"}`,
			refs("libssl3", "image", "urn:cdx:"+cdxSerial+"/1#lib%73sl3", "pkg:oci/api")),
		cdxVuln("CVE-2023-5678", `{"state": "exploitable", "response": ["update"]}`,
			`[{"ref": "pkg:deb/debian/libssl3?arch=amd64", "versions": [{"version": "3.0.11-1~deb12u1"}, {"range": "vers:deb/<3.0.13", "status": "affected"}]}]`),
		`{"id": "CVE-2024-0727", "references": [{"id": "GHSA-9v9h-cgj8-h64p"}], "analysis": {"state": "in_triage", "firstIssued": "2024-01-26T00:00:00Z"},
		  "affects": [{"ref": "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#pkg%3Adeb%2Fdebian%2Fopenssl"}]}`,
	)))
	f.Add([]byte(`{"bomFormat": "CycloneDX", "specVersion": "1.4", "metadata": {"tools": [{"name": "x"}]}, "vulnerabilities": [` +
		`{"id": "CVE-2021-44228", "analysis": {"state": "resolved_with_pedigree"}, "affects": [{"ref": "pkg:maven/org.apache.logging.log4j/log4j-core"}]}]}`))
	f.Fuzz(checkParse)
}

// checkParse parses b and, when it is accepted, checks the document and
// applies it.
func checkParse(t *testing.T, b []byte) {
	d, err := Parse(bytes.NewReader(b))
	if err != nil {
		if d != nil {
			t.Fatalf("Parse returned a document and an error: %v", err)
		}
		return
	}
	for i := range d.Statements {
		s := &d.Statements[i]
		if s.Vulnerability.Name == "" || !s.Status.Valid() || len(s.Products) == 0 {
			t.Fatalf("incomplete statement accepted: %+v", s)
		}
		if s.Justification != "" && !s.Justification.Valid() {
			t.Fatalf("invalid justification accepted: %+v", s)
		}
	}
	vs := findings()
	subjects := []string{webDigest, "registry.example.com/shop/web:1.4.2", "pkg:oci/web?repository_url=registry.example.com/shop/web"}
	res := d.Apply(vs, subjects...)
	if len(res.Statements) != len(d.Statements) {
		t.Fatalf("result has %d statements, document %d", len(res.Statements), len(d.Statements))
	}
	decided := 0
	for _, s := range res.Statements {
		decided += s.Findings
	}
	if decided > len(vs) || res.Suppressed+res.Noted > decided {
		t.Fatalf("counts do not add up: %+v for %d findings", res, len(vs))
	}
}
