package javascript

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/version"
)

// ghsaNPM reads the npm ranges of the curated GHSA advisories
// (../shared/data/osv-ghsa-curated.zip beside the repository), or skips.
func ghsaNPM(t *testing.T) map[string][][2]string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	zipPath := ""
	for d := wd; filepath.Dir(d) != d; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			zipPath = filepath.Join(d, "..", "shared", "data", "osv-ghsa-curated.zip")
			break
		}
	}
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Skipf("advisory data not found (CI has it): %v", err)
	}
	defer zr.Close()
	out := map[string][][2]string{} // package → [introduced, fixed] ranges
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		var adv struct {
			Affected []struct {
				Package struct{ Ecosystem, Name string }
				Ranges  []struct {
					Events []struct{ Introduced, Fixed string }
				}
			}
		}
		if err := json.Unmarshal(data, &adv); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		for _, a := range adv.Affected {
			if a.Package.Ecosystem != "npm" {
				continue
			}
			for _, r := range a.Ranges {
				var intro string
				for _, e := range r.Events {
					if e.Introduced != "" {
						intro = e.Introduced
					}
					if e.Fixed != "" {
						out[a.Package.Name] = append(out[a.Package.Name], [2]string{intro, e.Fixed})
					}
				}
			}
		}
	}
	return out
}

// TestArtefactsAreVulnerable: the project pins versions that the curated
// GHSA advisories say are affected, in every lock file format.
func TestArtefactsAreVulnerable(t *testing.T) {
	ranges := ghsaNPM(t)
	affected := func(name, v string) bool {
		for _, r := range ranges[name] {
			lo, err1 := version.Compare(model.EcoNPM, v, r[0])
			hi, err2 := version.Compare(model.EcoNPM, v, r[1])
			if r[0] == "0" {
				lo, err1 = 1, nil
			}
			if err1 == nil && err2 == nil && lo >= 0 && hi < 0 {
				return true
			}
		}
		return false
	}
	for _, tt := range []struct {
		file  string
		parse parser
	}{
		{"testdata/npm/v3/package-lock.json", ParseNPMLock},
		{"testdata/npm/v1/package-lock.json", ParseNPMLock},
		{"testdata/yarn/v1/yarn.lock", ParseYarnLock},
		{"testdata/yarn/berry/yarn.lock", ParseYarnLock},
		{"testdata/pnpm/v9/pnpm-lock.yaml", ParsePNPMLock},
		{"testdata/pnpm/v5/pnpm-lock.yaml", ParsePNPMLock},
	} {
		res, err := tt.parse(context.Background(), bytes.NewReader(readFile(t, tt.file)))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range res.Packages {
			if affected(p.Name, p.Version) {
				got = append(got, p.Name+"@"+p.Version)
			}
		}
		sort.Strings(got)
		want := []string{"lodash@4.17.4", "minimatch@3.0.4", "minimist@0.0.10", "minimist@0.0.8", "minimist@1.2.0"}
		if len(got) != len(want) {
			t.Errorf("%s: affected %v; want %v", tt.file, got, want)
			continue
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%s: affected %v; want %v", tt.file, got, want)
				break
			}
		}
	}
}
