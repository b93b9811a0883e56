package update_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/drydockhq/drydock/internal/shareddata"
	"github.com/drydockhq/drydock/pkg/vulndb"
	"github.com/drydockhq/drydock/pkg/vulndb/bundle"
	"github.com/drydockhq/drydock/pkg/vulndb/ingest"
	"github.com/drydockhq/drydock/pkg/vulndb/update"
)

var now = func() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) }

// mirror serves real OSV exports from the staged data as a mirror of the
// OSV bucket would: /Go/all.zip, /crates.io/all.zip; everything else 404.
func mirror(t *testing.T) *httptest.Server {
	t.Helper()
	files := map[string]string{
		"/Go/all.zip":        shareddata.File(t, "osv-go-vulndb.zip"),
		"/crates.io/all.zip": shareddata.File(t, "osv-crates-rustsec.zip"),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		http.ServeFile(w, r, p)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func counts(t *testing.T, p string) map[string]int {
	t.Helper()
	db, err := vulndb.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	info, err := db.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.Counts
}

func TestMirror(t *testing.T) {
	srv := mirror(t)
	dbPath := filepath.Join(t.TempDir(), "db", "vuln.db")
	res, err := update.Update(context.Background(), update.Options{
		DBPath: dbPath, Mirror: srv.URL, Ecosystems: []string{"Go", "crates.io"}, Now: now,
	})
	if err != nil {
		t.Fatal(err)
	}
	c := counts(t, dbPath)
	if c["Go"] < 1000 || c["crates.io"] < 500 {
		t.Errorf("counts after update: Go %d, crates.io %d", c["Go"], c["crates.io"])
	}
	if res.Downloaded == 0 || res.Build == nil || res.Build.Advisories == 0 {
		t.Errorf("result: %+v", res)
	}

	// A mirror without an ecosystem is a fetch error; the DB is unchanged.
	before, _ := os.ReadFile(dbPath)
	_, err = update.Update(context.Background(), update.Options{DBPath: dbPath, Mirror: srv.URL, Ecosystems: []string{"Go", "PyPI"}, Now: now})
	if !errors.Is(err, update.ErrFetch) {
		t.Errorf("missing ecosystem: error %v, want ErrFetch", err)
	}
	after, _ := os.ReadFile(dbPath)
	if !bytes.Equal(before, after) {
		t.Error("failed update changed the DB")
	}
	// So is an unreachable mirror.
	srv.Close()
	if _, err := update.Update(context.Background(), update.Options{DBPath: dbPath, Mirror: srv.URL, Ecosystems: []string{"Go"}}); !errors.Is(err, update.ErrFetch) {
		t.Errorf("unreachable mirror: error %v, want ErrFetch", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(dbPath))
	if len(entries) != 1 {
		t.Errorf("DB dir holds %d entries after failed updates, want only the DB", len(entries))
	}
}

func TestBundle(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	if _, err := ingest.Build(context.Background(), src, []string{shareddata.File(t, "osv-crates-rustsec.zip")}, ingest.Options{Now: now}); err != nil {
		t.Fatal(err)
	}
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	var signed bytes.Buffer
	if err := bundle.Export(context.Background(), src, &signed, priv); err != nil {
		t.Fatal(err)
	}
	tampered := bytes.Clone(signed.Bytes())
	tampered[len(tampered)/2] ^= 0xff
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/db.bundle":
			w.Write(signed.Bytes())
		case "/tampered.bundle":
			w.Write(tampered)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	dbPath := filepath.Join(dir, "vuln.db")
	res, err := update.Update(context.Background(), update.Options{
		DBPath: dbPath, Bundle: srv.URL + "/db.bundle", TrustedKeys: []ed25519.PublicKey{pub}, RequireSignature: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Manifest == nil || res.Downloaded != int64(signed.Len()) {
		t.Errorf("result %+v, want manifest and %d bytes", res, signed.Len())
	}
	if counts(t, dbPath)["crates.io"] == 0 {
		t.Error("bundle DB has no crates.io advisories")
	}

	otherPub, _, _ := ed25519.GenerateKey(nil)
	for name, opts := range map[string]update.Options{
		"tampered":  {Bundle: srv.URL + "/tampered.bundle", TrustedKeys: []ed25519.PublicKey{pub}},
		"wrong key": {Bundle: srv.URL + "/db.bundle", TrustedKeys: []ed25519.PublicKey{otherPub}, RequireSignature: true},
	} {
		opts.DBPath = dbPath
		_, err := update.Update(context.Background(), opts)
		if err == nil || errors.Is(err, update.ErrFetch) {
			t.Errorf("%s: error %v, want a refusal that is not a fetch error", name, err)
		}
	}
	if _, err := update.Update(context.Background(), update.Options{DBPath: dbPath, Bundle: srv.URL + "/missing"}); !errors.Is(err, update.ErrFetch) {
		t.Errorf("missing bundle: error %v, want ErrFetch", err)
	}
	if counts(t, dbPath)["crates.io"] == 0 {
		t.Error("refused bundles damaged the installed DB")
	}
}
