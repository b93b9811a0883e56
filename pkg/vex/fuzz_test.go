package vex

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
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
	f.Add([]byte(header + `{"vulnerability": {"name": "CVE-2023-5363", "aliases": ["X"]}, "products": [{"@id": "debian:12@sha256:` +
		`4dbb1efc9c4f883128bd77839566dafbc05d0e2fb4af6ce1172b68170b1d57d9", "hashes": {"SHA-256": "AB"}, "subcomponents": ["pkg:rpm/a/b@1:2?epoch=1"]}],` +
		` "status": "affected", "action_statement": "x"}]}`))
	f.Add([]byte(`{"@context": ["https://openvex.dev/ns", {}], "version": "2", "statements": [{"vulnerability": "CVE-1", "products": ["pkg:oci/x?tag=1"]}]}`))
	subjects := []string{webDigest, "registry.example.com/shop/web:1.4.2", "pkg:oci/web?repository_url=registry.example.com/shop/web"}
	f.Fuzz(func(t *testing.T, b []byte) {
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
		}
		vs := findings()
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
	})
}
