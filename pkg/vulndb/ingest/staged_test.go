package ingest

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/vulndb"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
)

// TestBuildStaged builds a DB of all the real data staged in shared/data and
// checks what comes out of it.
func TestBuildStaged(t *testing.T) {
	if testing.Short() {
		t.Skip("full-data build skipped in -short mode")
	}
	inputs := stagedInputs(t)
	var inSize int64
	for _, in := range inputs {
		fi, err := os.Stat(in)
		if err != nil {
			t.Fatal(err)
		}
		inSize += fi.Size()
	}
	out := filepath.Join(t.TempDir(), "vuln.db")
	start := time.Now()
	rep, err := Build(context.Background(), out, inputs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built %d advisories, %d packages in %v: %d bytes from %d bytes of input (%.2fx)",
		rep.Advisories, rep.Packages, time.Since(start).Round(time.Millisecond), rep.Size, inSize, float64(rep.Size)/float64(inSize))
	if rep.Size > 2*inSize {
		t.Errorf("DB is %d bytes, more than twice the %d bytes of input", rep.Size, inSize)
	}
	for _, s := range rep.Sources {
		t.Logf("%-36s records %6d skipped %3d duplicates %3d", s.Name, s.Records, s.Skipped, s.Duplicates)
		if s.Records == 0 {
			t.Errorf("%s: no records", s.Name)
		}
		// The staged data is clean but for a few records the converters
		// reject (UCT placeholders like "CVE-2006-NNN0"); a jump means a
		// regression.
		if s.Skipped > 20 {
			t.Errorf("%s: %d records skipped: %v", s.Name, s.Skipped, s.Warnings)
		}
	}
	for _, eco := range []string{"Go", "PyPI", "crates.io", "AlmaLinux:8", "AlmaLinux:9", "Debian:12", "npm", "Maven",
		"NuGet", "RubyGems", "Packagist", "Alpine:v3.10", "Alpine:v3.11", "Ubuntu:14.04", "Ubuntu:16.04", "Ubuntu:18.04", "Ubuntu:19.10", "OSS-Fuzz"} {
		if rep.Counts[eco] == 0 {
			t.Errorf("no advisories for %s", eco)
		}
	}

	db, err := vulndb.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	find := func(eco, name, id string) *osv.Entry {
		t.Helper()
		es, err := db.Affecting(ctx, model.Ecosystem(eco), name)
		if err != nil {
			t.Fatal(err)
		}
		if len(es) == 0 {
			t.Errorf("Affecting(%s, %s) is empty", eco, name)
			return nil
		}
		if id == "" {
			return es[0]
		}
		i := slices.IndexFunc(es, func(e *osv.Entry) bool { return e.ID == id })
		if i < 0 {
			t.Errorf("Affecting(%s, %s): %d advisories, none is %s", eco, name, len(es), id)
			return nil
		}
		return es[i]
	}
	find("Go", "golang.org/x/net", "")
	find("Debian:12", "openssl", "DEBCL-CVE-2023-5678-openssl")
	find("PyPI", "Django", "")
	find("crates.io", "tokio", "")
	find("AlmaLinux:9", "openssl", "")
	find("npm", "lodash", "")
	find("RubyGems", "rack", "")
	find("Packagist", "symfony/symfony", "")
	find("NuGet", "Moment.js", "")
	find("Ubuntu:18.04", "openssl", "UBUNTU-CVE-2019-1547")
	// Log4Shell is in the curated GHSA set.
	find("Maven", "org.apache.logging.log4j:log4j-core", "GHSA-jfh8-c2jp-5v3q")
	// secdb v3.10 lists musl fixed in 1.1.22-r3 for CVE-2019-14697.
	if e := find("Alpine:v3.10", "musl", "ALPINE-CVE-2019-14697-musl"); e != nil {
		evs := e.Affected[0].Ranges[0].Events
		if e.Affected[0].Package.Ecosystem != "Alpine:v3.10" || len(evs) != 2 || evs[1].Fixed != "1.1.22-r3" {
			t.Errorf("musl CVE-2019-14697: %+v", e.Affected)
		}
	}
}
