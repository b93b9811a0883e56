package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/drydockhq/drydock/internal/shareddata"
	"github.com/drydockhq/drydock/pkg/vulndb"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/golden files")

var fixedTime = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

// golden is what a parser made of a fixture, as stored in testdata/golden.
type golden struct {
	Entries []*osv.Entry   `json:"entries"`
	Skipped []string       `json:"skipped,omitempty"`
	Notes   map[string]int `json:"notes,omitempty"`
}

func TestParsers(t *testing.T) {
	tests := []struct {
		name   string
		path   string
		format string
	}{
		{"alpine", "alpine/v3.10/main.yaml", nameAlpine},
		{"rubysec-resque", "rubysec/gems/resque/CVE-2023-50725.yml", nameRubysec},
		{"rubysec-nokogiri-approximate", "rubysec/gems/nokogiri/CVE-2022-23476.yml", nameRubysec},
		{"rubysec-activemodel-pessimistic", "rubysec/gems/activemodel/CVE-2016-0753.yml", nameRubysec},
		{"friendsofphp-cakephp", "friendsofphp/cakephp/cakephp/2015-08-06.yaml", namePackagist},
		{"friendsofphp-drupal-exclusive", "friendsofphp/drupal/core/CVE-2019-6342.yaml", namePackagist},
		{"nodesec-410", "nodesec/vuln/npm/410.json", nameNodesec},
		{"nodesec-104-union", "nodesec/vuln/npm/104.json", nameNodesec},
		{"ubuntu-cve-2018-12386", "ubuntu/active/CVE-2018-12386", nameUbuntu},
		{"ubuntu-cve-2020-0034", "ubuntu/active/CVE-2020-0034", nameUbuntu},
		{"ubuntu-cve-2014-0160", "ubuntu/active/CVE-2014-0160", nameUbuntu},
		{"debian-tracker", "debian/tracker.json", nameDebian},
		{"osv-go", "osv/GO-2020-0001.json", nameOSV},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.path))
			if err != nil {
				t.Fatal(err)
			}
			f, _, _ := detect(tt.path, head(data))
			if f == nil || f.name != tt.format {
				t.Fatalf("detect(%s) = %v, want %s", tt.path, f, tt.format)
			}
			res, err := f.parse(&input{path: tt.path, data: data, modTime: fixedTime})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range res.entries {
				if err := osv.Validate(e); err != nil {
					t.Errorf("invalid entry: %v", err)
				}
			}
			got, err := json.MarshalIndent(golden{res.entries, res.skipped, res.notes}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			compareGolden(t, filepath.Join("testdata", "golden", tt.name+".json"), got)
		})
	}
}

func head(data []byte) []byte {
	if len(data) > sniffLen {
		return data[:sniffLen]
	}
	return data
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	got = append(got, '\n')
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		path, head string
		want       string
		note       bool
		unknown    bool
	}{
		{path: "GO-2020-0001.json", head: `{"id":"GO-2020-0001"}`, want: nameOSV},
		{path: "almalinux9/ALSA-2024:0265.json", head: `{"details": "...", "id": "x"}`, want: nameOSV},
		{path: "x.json", head: `[{"id":"A"}]`, want: nameOSV},
		{path: "vuln/npm/1.json", head: `{"id":1,"module_name":"a","vulnerable_versions":"<1"}`, want: nameNodesec},
		{path: "vuln/core/1.json", head: `{"cve":[]}`, note: true},
		{path: "vuln/npm/index.json", head: `{"1":{"module_name":"a"}}`, note: true},
		{path: "v3.10/main.yaml", head: "---\ndistroversion: v3.10\n", want: nameAlpine},
		{path: "v3.18/main.json", head: `{"distroversion":"v3.18","packages":[]}`, want: nameAlpine},
		{path: "gems/rack/CVE-1.yml", head: "---\ngem: rack\n", want: nameRubysec},
		{path: "rubies/jruby/CVE-1.yml", head: "---\nengine: jruby\n", note: true},
		{path: "a/b/CVE-1.yaml", head: "title: x\nreference: composer://a/b\n", want: namePackagist},
		{path: "active/CVE-2020-0034", head: "Candidate: CVE-2020-0034\n", want: nameUbuntu},
		{path: "active/00boilerplate", head: "Candidate:\n"},
		{path: "tracker.json", head: `{"openssl": {"CVE-2023-5678": {"releases": {}}}}`, want: nameDebian},
		{path: "README.md", head: "# hello"},
		{path: "other.yaml", head: "a: b", unknown: true},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			f, note, unknown := detect(tt.path, []byte(tt.head))
			got := ""
			if f != nil {
				got = f.name
			}
			if got != tt.want || (note != "") != tt.note || unknown != tt.unknown {
				t.Errorf("detect = %q, note %q, unknown %v; want %q, note %v, unknown %v", got, note, unknown, tt.want, tt.note, tt.unknown)
			}
		})
	}
}

// buildFixtures builds a DB from every fixture directory.
func buildFixtures(t *testing.T, out string, extra ...string) *Report {
	t.Helper()
	var ins []string
	for _, d := range []string{"alpine", "debian", "friendsofphp", "nodesec", "osv", "rubysec", "ubuntu"} {
		ins = append(ins, filepath.Join("testdata", d))
	}
	rep, err := Build(context.Background(), out, append(ins, extra...), Options{Now: func() time.Time { return fixedTime }})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestBuildFixtures(t *testing.T) {
	out := filepath.Join(t.TempDir(), "vuln.db")
	rep := buildFixtures(t, out)
	for _, s := range rep.Sources {
		if s.Skipped != 0 {
			t.Errorf("%s: %d skipped: %v", s.Name, s.Skipped, s.Warnings)
		}
		if len(s.SHA256) != 64 {
			t.Errorf("%s: sha256 %q", s.Name, s.SHA256)
		}
	}
	db, err := vulndb.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	tests := []struct {
		eco, name string
		want      []string
	}{
		{"Alpine:v3.10", "musl", []string{"ALPINE-CVE-2016-8859-musl", "ALPINE-CVE-2019-14697-musl"}},
		{"Alpine:v3.10", "db", nil},
		{"Debian:12", "openssl", []string{"DEBIAN-CVE-2023-5678-openssl"}},
		{"Debian:12", "drydock-fixture", []string{"DEBIAN-TEMP-0000000-000001-drydock-fixture", "DEBIAN-TEMP-0000000-000002-drydock-fixture"}},
		{"Debian:13", "drydock-fixture", nil},
		{"Ubuntu:18.04", "thunderbird", []string{"UBUNTU-CVE-2018-12386"}},
		{"Ubuntu:Pro:14.04", "libvpx", []string{"UBUNTU-CVE-2020-0034"}},
		{"RubyGems", "nokogiri", []string{"RUBYSEC-CVE-2022-23476-nokogiri"}},
		{"Packagist", "drupal/core", []string{"FRIENDSOFPHP-CVE-2019-6342-drupal-core"}},
		{"npm", "merge-options", []string{"NSWG-ECO-410"}},
		{"Go", "github.com/gin-gonic/gin", []string{"GO-2020-0001"}},
		{"PyPI", "jw.util", []string{"PYSEC-2020-341"}},
		{"PyPI", "JW_Util", []string{"PYSEC-2020-341"}},
		{"PyPI", "jw-util", []string{"PYSEC-2020-341"}},
		{"Go", "example.com/none", nil},
	}
	for _, tt := range tests {
		es, err := db.Affecting(ctx, modelEco(tt.eco), tt.name)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range es {
			got = append(got, e.ID)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Affecting(%s, %s) (-want +got):\n%s", tt.eco, tt.name, diff)
		}
	}
	info, err := db.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !info.BuiltAt.Equal(fixedTime) || info.SchemaVersion != vulndb.SchemaVersion || len(info.Sources) != 7 {
		t.Errorf("Info = %+v", info)
	}
	if info.Counts["Alpine:v3.10"] == 0 || info.Counts["Ubuntu:18.04"] == 0 {
		t.Errorf("Counts = %v", info.Counts)
	}
	if err := db.Verify(ctx); err != nil {
		t.Errorf("Verify: %v", err)
	}
}

func TestBuildSkipsMalformed(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "malformed"))); err != nil {
		t.Fatal(err)
	}
	// A record over the 16 MiB limit.
	big := `{"id":"TEST-HUGE","modified":"2024-01-01T00:00:00Z","details":"` + strings.Repeat("x", 17<<20) + `"}`
	if err := os.WriteFile(filepath.Join(dir, "huge.json"), []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "vuln.db")
	rep, err := Build(context.Background(), out, []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	src := rep.Sources[0]
	var paths []string
	for _, w := range src.Warnings {
		paths = append(paths, w.Path)
	}
	slices.Sort(paths)
	want := []string{"bad-range-type.json", "huge.json", "no-id.json", "not-json.json", "unknown.yaml"}
	if diff := cmp.Diff(want, paths); diff != "" {
		t.Errorf("warnings (-want +got):\n%s\n%v", diff, src.Warnings)
	}
	if src.Skipped != 5 || src.Records != 1 || rep.Advisories != 1 {
		t.Errorf("skipped %d, records %d, advisories %d; want 5, 1, 1", src.Skipped, src.Records, rep.Advisories)
	}
}

func TestBuildKeepsOldDBOnFailure(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "vuln.db")
	buildFixtures(t, out)
	before, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for name, run := range map[string]func() error{
		"cancelled": func() error {
			_, err := Build(ctx, out, []string{filepath.Join("testdata", "osv")}, Options{})
			return err
		},
		"missing input": func() error {
			_, err := Build(context.Background(), out, []string{filepath.Join("testdata", "osv"), filepath.Join(dir, "nope.zip")}, Options{})
			return err
		},
		"no advisories": func() error {
			_, err := Build(context.Background(), out, []string{filepath.Join("testdata", "alpine", "README.md")}, Options{})
			return err
		},
	} {
		if err := run(); err == nil {
			t.Errorf("%s: Build succeeded", name)
		}
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		after, err := os.ReadFile(out)
		if err != nil || !bytes.Equal(before, after) {
			t.Errorf("old DB changed or lost (err %v)", err)
		}
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("directory holds %d files, want only the DB (temporary files left behind?)", len(ents))
	}
}

func TestBuildMergesAlpineReleases(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join("testdata", "alpine", "v3.10", "main.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"v3.10", "v3.11"} {
		if err := os.MkdirAll(filepath.Join(dir, rel), 0o755); err != nil {
			t.Fatal(err)
		}
		doc := strings.Replace(string(data), "distroversion: v3.10", "distroversion: "+rel, 1)
		if err := os.WriteFile(filepath.Join(dir, rel, "main.yaml"), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "vuln.db")
	// Two inputs: merging works across inputs too.
	if _, err := Build(context.Background(), out, []string{filepath.Join(dir, "v3.10"), filepath.Join(dir, "v3.11")}, Options{}); err != nil {
		t.Fatal(err)
	}
	db, err := vulndb.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	e, err := db.Get(context.Background(), "ALPINE-CVE-2019-14697-musl")
	if err != nil {
		t.Fatal(err)
	}
	var ecos []string
	for _, a := range e.Affected {
		ecos = append(ecos, a.Package.Ecosystem)
	}
	if diff := cmp.Diff([]string{"Alpine:v3.10", "Alpine:v3.11"}, ecos); diff != "" {
		t.Errorf("affected ecosystems (-want +got):\n%s", diff)
	}
}

// stagedData returns the directory of the real vulnerability data staged
// beside the repository (../shared/data).
func stagedData(t testing.TB) string { return shareddata.Dir(t) }

// stagedInputs lists every staged vulnerability data set.
func stagedInputs(t testing.TB) []string {
	dir := stagedData(t)
	var in []string
	for _, name := range []string{
		"osv-go-vulndb.zip", "osv-pypi-pypa.zip", "osv-crates-rustsec.zip", "osv-almalinux.zip",
		"osv-oss-fuzz.zip", "osv-ghsa-curated.zip", "osv-debian12-changelogs.zip",
		"rubysec-advisory-db.zip", "packagist-friendsofphp.zip", "npm-nodejs-security-wg.zip",
		"alpine-secdb-v3.3-v3.11.zip", "ubuntu-cve-tracker-2020-06.tar.zst",
	} {
		in = append(in, filepath.Join(dir, name))
	}
	return in
}
