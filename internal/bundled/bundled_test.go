package bundled

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/vulndb"
	"github.com/drydockhq/drydock/pkg/vulndb/ingest"
)

// TestChecksums keeps data/SHA256SUMS current; after changing the data run
// (cd internal/bundled/data && sha256sum *.zip > SHA256SUMS).
func TestChecksums(t *testing.T) {
	sums, err := checksums()
	if err != nil {
		t.Fatal(err)
	}
	entries, err := fs.ReadDir(data, "data")
	if err != nil {
		t.Fatal(err)
	}
	zips := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".zip") {
			continue
		}
		zips++
		b, err := data.ReadFile("data/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprintf("%x", sha256.Sum256(b)); sums[e.Name()] != got {
			t.Errorf("%s: SHA256SUMS says %q, the file is %s", e.Name(), sums[e.Name()], got)
		}
	}
	if zips != len(sums) {
		t.Errorf("SHA256SUMS lists %d files, data/ has %d zips", len(sums), zips)
	}
}

func TestStale(t *testing.T) {
	dir := t.TempDir()
	inputs, err := Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "vuln.db")
	if _, err := ingest.Build(context.Background(), p, inputs, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	db, err := vulndb.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	info, err := db.Info(context.Background())
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if Stale(info.Sources) {
		t.Error("a DB built from this binary's data is stale")
	}
	old := append([]model.DBSource(nil), info.Sources...)
	old[0].SHA256 = "00"
	if !Stale(old) {
		t.Error("changed checksum: not stale")
	}
	if !Stale(info.Sources[:1]) {
		t.Error("older, smaller bundled set: not stale")
	}
	if Stale([]model.DBSource{{Name: "osv-go-vulndb.zip", SHA256: "ab"}}) || Stale(append(old, model.DBSource{Name: "mine.zip"})) {
		t.Error("a DB built from other data is stale")
	}
	if Stale(nil) {
		t.Error("no sources: stale")
	}
}
