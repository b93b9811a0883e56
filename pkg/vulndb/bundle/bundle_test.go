package bundle

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/drydockhq/drydock/pkg/vulndb"
	"github.com/drydockhq/drydock/pkg/vulndb/ingest"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
	"github.com/google/go-cmp/cmp"
)

// newDB builds a one-advisory DB whose advisory is id, at dir/name.
func newDB(t *testing.T, dir, name, id string) string {
	t.Helper()
	in := t.TempDir()
	e := osv.Entry{ID: id, Modified: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Affected: []osv.Affected{{
		Package: osv.Package{Ecosystem: "npm", Name: "left-pad"},
		Ranges:  []osv.Range{{Type: osv.RangeSemver, Events: []osv.Event{{Introduced: "0"}, {Fixed: "1.0.0"}}}},
	}}}
	b, _ := json.Marshal(e)
	if err := os.WriteFile(filepath.Join(in, id+".json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, name)
	built := time.Date(2025, 2, 3, 4, 5, 6, 0, time.UTC)
	if _, err := ingest.Build(context.Background(), out, []string{in}, ingest.Options{Now: func() time.Time { return built }}); err != nil {
		t.Fatal(err)
	}
	return out
}

func advisories(t *testing.T, path string) []string {
	t.Helper()
	db, err := vulndb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	es, err := db.Affecting(context.Background(), "npm", "left-pad")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range es {
		ids = append(ids, e.ID)
	}
	return ids
}

func keys(t *testing.T) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	seed := bytes.Repeat([]byte{7}, ed25519.SeedSize) // deterministic test key
	priv := ed25519.NewKeyFromSeed(seed)
	return priv.Public().(ed25519.PublicKey), priv
}

func export(t *testing.T, db string, signer ed25519.PrivateKey) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Export(context.Background(), db, &buf, signer); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	pub, priv := keys(t)
	src := newDB(t, t.TempDir(), "new.db", "NEW-1")
	dest := newDB(t, t.TempDir(), "vuln.db", "OLD-1")
	data := export(t, src, priv)

	m, err := Import(context.Background(), bytes.NewReader(data), dest, ImportOptions{TrustedKeys: []ed25519.PublicKey{pub}, RequireSignature: true})
	if err != nil {
		t.Fatal(err)
	}
	if m.SchemaVersion != vulndb.SchemaVersion || len(m.Files) != 1 || m.Files[0].Name != DBName {
		t.Errorf("manifest %+v", m)
	}
	if diff := cmp.Diff([]string{"NEW-1"}, advisories(t, dest)); diff != "" {
		t.Errorf("imported DB (-want +got):\n%s", diff)
	}
	ents, _ := os.ReadDir(filepath.Dir(dest))
	if len(ents) != 1 {
		t.Errorf("%d files in the destination directory, want 1", len(ents))
	}
	// An unsigned bundle imports when no signature is required.
	if _, err := Import(context.Background(), bytes.NewReader(export(t, src, nil)), dest, ImportOptions{}); err != nil {
		t.Errorf("unsigned import: %v", err)
	}
}

// rebuild rewrites a bundle's members through edit (nil drops a member).
func rebuild(t *testing.T, data []byte, edit func(name string, b []byte) []byte, extra ...string) []byte {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(data))
	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		if b = edit(hdr.Name, b); b == nil {
			continue
		}
		hdr.Size = int64(len(b))
		tw.WriteHeader(hdr)
		tw.Write(b)
	}
	for _, name := range extra {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: 1, Typeflag: tar.TypeReg})
		tw.Write([]byte("x"))
	}
	tw.Close()
	return out.Bytes()
}

func TestImportRefuses(t *testing.T) {
	pub, priv := keys(t)
	otherPub, _, _ := ed25519.GenerateKey(nil)
	src := newDB(t, t.TempDir(), "new.db", "NEW-1")
	signed := export(t, src, priv)
	unsigned := export(t, src, nil)
	same := func(_ string, b []byte) []byte { return b }
	trusted := ImportOptions{TrustedKeys: []ed25519.PublicKey{pub}, RequireSignature: true}
	tests := []struct {
		name    string
		data    []byte
		opts    ImportOptions
		message string
	}{
		{"truncated", signed[:len(signed)/2], trusted, "truncated"},
		{"cut before the end", signed[:len(signed)-1024-10], trusted, "truncated"},
		{"empty", nil, trusted, "no manifest.json"},
		{"not a tar", []byte(strings.Repeat("junk", 500)), trusted, "reading tar"},
		{"unsigned but required", unsigned, trusted, "not signed"},
		{"untrusted key", signed, ImportOptions{TrustedKeys: []ed25519.PublicKey{otherPub}}, "does not match any trusted key"},
		{"tampered DB", rebuild(t, signed, func(name string, b []byte) []byte {
			if name == DBName {
				b = bytes.Clone(b)
				b[len(b)/2] ^= 0xff
			}
			return b
		}), trusted, "sha256"},
		{"tampered manifest", rebuild(t, signed, func(name string, b []byte) []byte {
			if name == ManifestName {
				return bytes.Replace(b, []byte(`"format": 1`), []byte(`"format":1 `), 1)
			}
			return b
		}), trusted, "signature does not match"},
		{"other schema", rebuild(t, unsigned, func(name string, b []byte) []byte {
			if name == ManifestName {
				return bytes.Replace(b, []byte(`"schemaVersion": 1`), []byte(`"schemaVersion": 99`), 1)
			}
			return b
		}), ImportOptions{}, "schema 99"},
		{"no DB", rebuild(t, signed, func(name string, b []byte) []byte {
			if name == DBName {
				return nil
			}
			return b
		}), trusted, "no vuln.db"},
		{"extra member", rebuild(t, unsigned, same, "../../etc/passwd"), ImportOptions{}, "unexpected member"},
		{"required without keys", signed, ImportOptions{RequireSignature: true}, "no trusted keys"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dest := newDB(t, t.TempDir(), "vuln.db", "OLD-1")
			before, _ := os.ReadFile(dest)
			_, err := Import(context.Background(), bytes.NewReader(tt.data), dest, tt.opts)
			if err == nil {
				t.Fatal("Import succeeded")
			}
			if !strings.Contains(err.Error(), tt.message) {
				t.Errorf("Import = %q, want it to mention %q", err, tt.message)
			}
			if tt.name != "required without keys" && !errors.Is(err, ErrInvalid) {
				t.Errorf("Import = %v, want ErrInvalid", err)
			}
			after, _ := os.ReadFile(dest)
			if !bytes.Equal(before, after) {
				t.Error("the old DB was changed")
			}
			if diff := cmp.Diff([]string{"OLD-1"}, advisories(t, dest)); diff != "" {
				t.Errorf("old DB (-want +got):\n%s", diff)
			}
			ents, _ := os.ReadDir(filepath.Dir(dest))
			if len(ents) != 1 {
				t.Errorf("%d files in the destination directory, want 1 (temporary file left?)", len(ents))
			}
		})
	}
}

func TestExportRefusesCorruptDB(t *testing.T) {
	src := newDB(t, t.TempDir(), "new.db", "NEW-1")
	data, _ := os.ReadFile(src)
	bad := filepath.Join(t.TempDir(), "bad.db")
	os.WriteFile(bad, data[:len(data)/2], 0o644)
	if err := Export(context.Background(), bad, io.Discard, nil); err == nil {
		t.Error("Export of a truncated DB succeeded")
	}
}
