package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/drydockhq/drydock/internal/cli"
	"github.com/drydockhq/drydock/internal/shareddata"
)

// TestDBDistribution: build, keygen, signed export, verified import into
// another cache, refusal with the wrong key, and update's offline fallback.
func TestDBDistribution(t *testing.T) {
	dir := t.TempDir()
	central := filepath.Join(dir, "central.db")
	if _, _, err := run(t, "db", "build", "--db", central, "--from", shareddata.File(t, "osv-crates-rustsec.zip")); err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(dir, "hk")
	if _, _, err := run(t, "db", "keygen", key); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run(t, "db", "keygen", key); err == nil {
		t.Error("keygen overwrote an existing key")
	}
	bundlePath := filepath.Join(dir, "db.bundle")
	if out, _, err := run(t, "db", "export", "--db", central, "--sign-key", key+".key", bundlePath); err != nil || !strings.Contains(out, "signed: true") {
		t.Fatalf("export: %v %s", err, out)
	}

	regional := filepath.Join(dir, "regional", "vuln.db")
	if _, _, err := run(t, "db", "import", "--db", regional, "--trusted-key", key+".pub", "--require-signature", bundlePath); err != nil {
		t.Fatalf("import: %v", err)
	}
	out, _, err := run(t, "db", "status", "--db", regional)
	if err != nil || !strings.Contains(out, "crates.io") {
		t.Errorf("status after import: %v\n%s", err, out)
	}

	other := filepath.Join(dir, "other")
	if _, _, err := run(t, "db", "keygen", other); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run(t, "db", "import", "--db", filepath.Join(dir, "x.db"), "--trusted-key", other+".pub", "--require-signature", bundlePath); err == nil {
		t.Error("import accepted a bundle signed by an untrusted key")
	}
	if _, err := os.Stat(filepath.Join(dir, "x.db")); err == nil {
		t.Error("refused import left a DB behind")
	}

	// The regional node cannot reach its source: the fresh DB is kept with
	// a warning; with a zero age allowance the update fails.
	missing := filepath.Join(dir, "nowhere.bundle")
	_, stderr, err := run(t, "db", "update", "--db", regional, "--bundle", missing)
	if err != nil || !strings.Contains(stderr, "keeping the DB") {
		t.Errorf("offline update: %v, stderr %q", err, stderr)
	}
	_, _, err = run(t, "db", "update", "--db", regional, "--bundle", missing, "--offline-max-age", "0s")
	if cli.ExitCode(err) != cli.ExitError {
		t.Errorf("offline update past max age: %v", err)
	}
	// Update from the bundle itself works as an install.
	if out, _, err := run(t, "db", "update", "--db", regional, "--bundle", bundlePath, "--trusted-key", key+".pub"); err != nil || !strings.Contains(out, "installed") {
		t.Errorf("update from bundle: %v %s", err, out)
	}
}

// TestDBBuildMalformed: a folder of real OSV data with a malformed record
// and a truncated file builds, skips them with counted warnings, and db
// status shows the per-ecosystem counts and the skips.
func TestDBBuildMalformed(t *testing.T) {
	dir := t.TempDir()
	feed := filepath.Join(dir, "feeds")
	if err := os.MkdirAll(feed, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(shareddata.File(t, "osv-crates-rustsec.zip"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"osv-crates-rustsec.zip": src,
		"broken.json":            []byte(`{"id": "GHSA-xxxx", "affected": [{"package": {"ecosystem": "npm", "name": "x"}, "ranges": [{"type": "SEMVER", "events": [`),
		"truncated.zip":          src[:len(src)/3],
	} {
		if err := os.WriteFile(filepath.Join(feed, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(dir, "vuln.db")
	out, stderr, err := run(t, "db", "build", "--db", db, "--from", feed)
	if err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	// Skipped records are logged as warnings; unreadable inputs listed.
	if !strings.Contains(stderr, "broken.json") || !strings.Contains(out, "truncated.zip: zip: not a valid zip file") {
		t.Errorf("build output does not name the bad files:\n%s\n%s", out, stderr)
	}
	status, _, err := run(t, "db", "status", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(status, "crates.io") || !strings.Contains(status, "skipped") {
		t.Errorf("status:\n%s", status)
	}
}
