package ingest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/drydockhq/drydock/pkg/vulndb/osv"
)

// fuzzParser checks that parse never panics and that every entry it returns
// is valid OSV. The seeds are the fixtures in testdata.
func fuzzParser(f *testing.F, parse func(*input) (*result, error), seeds ...string) {
	for _, s := range seeds {
		data, err := os.ReadFile(filepath.Join("testdata", s))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := parse(&input{path: "v3.10/fuzz/gems/x/fuzz.yml", data: data, modTime: fixedTime})
		if err != nil {
			return
		}
		for _, e := range res.entries {
			if err := osv.Validate(e); err != nil {
				t.Errorf("invalid entry %s: %v", e.ID, err)
			}
		}
	})
}

func FuzzAlpine(f *testing.F) { fuzzParser(f, parseAlpine, "alpine/v3.10/main.yaml") }

func FuzzRubysec(f *testing.F) {
	fuzzParser(f, parseRubysec, "rubysec/gems/resque/CVE-2023-50725.yml", "rubysec/gems/activemodel/CVE-2016-0753.yml")
}

func FuzzPackagist(f *testing.F) {
	fuzzParser(f, parsePackagist, "friendsofphp/cakephp/cakephp/2015-08-06.yaml", "friendsofphp/drupal/core/CVE-2019-6342.yaml")
}

func FuzzNodesec(f *testing.F) {
	fuzzParser(f, parseNodesec, "nodesec/vuln/npm/410.json", "nodesec/vuln/npm/104.json")
}

func FuzzUbuntu(f *testing.F) {
	fuzzParser(f, parseUbuntu, "ubuntu/active/CVE-2018-12386", "ubuntu/active/CVE-2020-0034")
}

func FuzzDebianTracker(f *testing.F) { fuzzParser(f, parseDebianTracker, "debian/tracker.json") }

func FuzzOSV(f *testing.F) {
	fuzzParser(f, parseOSV, "osv/GO-2020-0001.json", "osv/PYSEC-2020-341.json")
}
