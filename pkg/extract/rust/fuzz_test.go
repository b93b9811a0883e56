package rust

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/drydockhq/drydock/internal/extracttest"
)

func seeds(f *testing.F, pattern string) [][]byte {
	f.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds for %s: %v", pattern, err)
	}
	var out [][]byte
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

// FuzzParseLock feeds ParseLock with mutations of the lock files of testdata.
func FuzzParseLock(f *testing.F) {
	for _, s := range seeds(f, "testdata/cargo/*/Cargo.lock") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ParseLock(context.Background(), bytes.NewReader(data))
		if err == nil && res == nil {
			t.Fatal("nil result and nil error")
		}
		if err == nil {
			extracttest.CheckDependsOn(t, "fuzz", res.Packages)
		}
	})
}

// FuzzParseAuditJSON feeds ParseAuditJSON with mutations of audit data.
func FuzzParseAuditJSON(f *testing.F) {
	for _, s := range seeds(f, "testdata/auditable/*.json") {
		f.Add(s)
	}
	f.Add([]byte(`{"packages":[{"name":"a","version":"1","source":{"kind":"git"},"root":true,"dependencies":[0,1,-5]},{"name":"b","version":"2","source":"crates.io","kind":"build"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ParseAuditJSON(context.Background(), data)
		if err == nil && res == nil {
			t.Fatal("nil result and nil error")
		}
		if err == nil {
			extracttest.CheckDependsOn(t, "fuzz", res.Packages)
		}
	})
}

// FuzzParseAuditableBinary feeds the section finder and decompressor with
// mutations of the ELF and PE files of testdata.
func FuzzParseAuditableBinary(f *testing.F) {
	for _, s := range seeds(f, "testdata/auditable/app.*") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ParseAuditableBinary(context.Background(), bytes.NewReader(data))
		if err == nil && res == nil {
			t.Fatal("nil result and nil error")
		}
	})
}
