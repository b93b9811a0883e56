package match

import (
	"archive/zip"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/drydockhq/drydock/internal/shareddata"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
)

// dataDir returns the staged real vulnerability data (../shared/data).
func dataDir(t testing.TB) string { return shareddata.Dir(t) }

// loadZip decodes advisories from one of the staged OSV zips: the named
// files (paths inside the zip, ".json" added when missing), or, with no
// names, every JSON file accepted by keep (nil keeps all).
func loadZip(t testing.TB, zipName string, keep func(name string) bool, names ...string) []*osv.Entry {
	t.Helper()
	zr, err := zip.OpenReader(filepath.Join(dataDir(t), zipName))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	want := map[string]bool{}
	for _, n := range names {
		if !strings.HasSuffix(n, ".json") {
			n += ".json"
		}
		want[n] = true
	}
	var out []*osv.Entry
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".json") {
			continue
		}
		if len(names) > 0 && !want[f.Name] || len(names) == 0 && keep != nil && !keep(f.Name) {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %s: %v", zipName, f.Name, err)
		}
		e, err := osv.Decode(b)
		if err != nil {
			t.Fatalf("%s: %s: %v", zipName, f.Name, err)
		}
		delete(want, f.Name)
		out = append(out, e)
	}
	if len(want) > 0 {
		t.Fatalf("%s: records not found: %v", zipName, want)
	}
	return out
}
