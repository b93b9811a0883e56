package bundled

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/vulndb"
	"github.com/drydockhq/drydock/pkg/vulndb/ingest"
)

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
