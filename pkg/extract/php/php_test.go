package php_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/drydockhq/drydock/internal/extracttest"
	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/extract/php"
	"github.com/drydockhq/drydock/pkg/model"
)

func readFile(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

type entry struct {
	Name, Version string
	Dev           bool
}

func entries(pkgs []model.Package) []entry {
	out := make([]entry, 0, len(pkgs))
	for _, p := range pkgs {
		out = append(out, entry{p.Name, p.Version, p.Dev})
	}
	return out
}

// shown reads the package lists of `composer show --locked --format json`
// and `... --no-dev`: a package missing from the second is a dev one.
func shown(t *testing.T) []entry {
	t.Helper()
	type list struct {
		Locked []struct{ Name, Version string } `json:"locked"`
	}
	var all, noDev list
	if err := json.Unmarshal(readFile(t, "composer/show-locked.json"), &all); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(readFile(t, "composer/show-no-dev.json"), &noDev); err != nil {
		t.Fatal(err)
	}
	prod := map[string]bool{}
	for _, p := range noDev.Locked {
		prod[p.Name] = true
	}
	var out []entry
	for _, p := range all.Locked {
		out = append(out, entry{p.Name, p.Version, !prod[p.Name]})
	}
	return out
}

var sorted = cmpopts.SortSlices(func(a, b entry) bool { return a.Name < b.Name })

// TestComposerReal reads the composer.lock and vendor/composer/installed.json
// Composer 2.5.5 wrote, and compares with `composer show --locked`.
func TestComposerReal(t *testing.T) {
	want := shown(t)
	for _, tt := range []struct {
		e    extract.Extractor
		file string
		path string
	}{
		{php.NewComposerLock(), "composer/composer.lock", "var/www/composer.lock"},
		{php.NewComposerInstalled(), "composer/installed.json", "var/www/vendor/composer/installed.json"},
	} {
		t.Run(tt.e.Name(), func(t *testing.T) {
			if !tt.e.Required(tt.path, nil) {
				t.Errorf("Required(%q) = false", tt.path)
			}
			res, err := tt.e.Extract(context.Background(), extract.NewInput(tt.path, nil, bytes.NewReader(readFile(t, tt.file)), nil))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, entries(res.Packages), sorted); diff != "" {
				t.Errorf("(-composer show +got):\n%s", diff)
			}
			if len(res.Warnings) != 0 {
				t.Errorf("warnings %q", res.Warnings)
			}
			for _, p := range res.Packages {
				if p.Name != "symfony/http-kernel" {
					continue
				}
				want := model.Package{
					Name: "symfony/http-kernel", Version: "v5.4.19", Type: model.TypeComposer, Ecosystem: model.EcoPackagist,
					PURL: "pkg:composer/symfony/http-kernel@v5.4.19", Licenses: []string{"MIT"},
					Locations: []model.Location{{Path: tt.path}}, DependsOn: []string{"pkg:composer/psr/log@1.1.4"},
				}
				if diff := cmp.Diff(want, p); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestInstalledJSONv1 reads Composer 1's installed.json (an array of
// packages), written by hand after Composer 1.10's format since Composer 1
// is not installable here.
func TestInstalledJSONv1(t *testing.T) {
	res, err := php.ParseInstalledJSON(context.Background(), bytes.NewReader(readFile(t, "composer1/installed.json")))
	if err != nil {
		t.Fatal(err)
	}
	want := []entry{{"guzzlehttp/guzzle", "6.5.5", false}, {"symfony/http-foundation", "v4.4.7", false}}
	if diff := cmp.Diff(want, entries(res.Packages)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := res.Packages[1].Licenses; !cmp.Equal(got, []string{"MIT"}) {
		t.Errorf("licenses of a string-licensed package: %q", got)
	}
	if len(res.Warnings) != 2 {
		t.Errorf("warnings %q, want 2", res.Warnings)
	}
}

func TestGarbage(t *testing.T) {
	for _, in := range []string{"", "null", "{}", "[1,2", "not json", `{"packages": 3}`, `{"packages-dev": []}`, "\ufeff"} {
		if _, err := php.ParseComposerLock(context.Background(), strings.NewReader(in)); err == nil {
			t.Errorf("ParseComposerLock(%q): no error", in)
		}
		if in == "[1,2" || in == "" || in == "not json" || in == "{}" || in == `{"packages": 3}` || in == "\ufeff" {
			if _, err := php.ParseInstalledJSON(context.Background(), strings.NewReader(in)); err == nil {
				t.Errorf("ParseInstalledJSON(%q): no error", in)
			}
		}
	}
	// Bad entries are skipped with a warning.
	res, err := php.ParseComposerLock(context.Background(), strings.NewReader(
		`{"packages": [{"name": "a/b", "version": "1.0", "license": 5}, "x", {"name": ""}], "packages-dev": [{"name": "c/d", "version": "dev-main"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]entry{{"a/b", "1.0", false}, {"c/d", "dev-main", true}}, entries(res.Packages)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if len(res.Warnings) != 2 {
		t.Errorf("warnings %q, want 2", res.Warnings)
	}
	// An empty array of packages is a valid, empty installed.json.
	if res, err := php.ParseInstalledJSON(context.Background(), strings.NewReader("[]")); err != nil || len(res.Packages) != 0 {
		t.Errorf("empty installed.json: %v %v", res, err)
	}
}

func TestRequired(t *testing.T) {
	lock, inst := php.NewComposerLock(), php.NewComposerInstalled()
	if lock.Name() != "lang/composer-lock" || inst.Name() != "lang/composer-installed" || lock.Version() != 2 || inst.Version() != 2 {
		t.Error("names or versions")
	}
	for p, want := range map[string]bool{
		"composer.lock": true, "app/composer.lock": true, "app/composer.json": false, "app/composer.lock.orig": false,
	} {
		if lock.Required(p, nil) != want {
			t.Errorf("composer-lock Required(%q) != %v", p, want)
		}
	}
	for p, want := range map[string]bool{
		"app/vendor/composer/installed.json": true, "app/lib/composer/installed.json": true, "composer/installed.json": true,
		"app/vendor/composer/installed.php": false, "app/installed.json": false, "app/mycomposer/installed.json": false,
	} {
		if inst.Required(p, nil) != want {
			t.Errorf("composer-installed Required(%q) != %v", p, want)
		}
	}
}

func FuzzParseComposerLock(f *testing.F) {
	f.Add(readFile(f, "composer/composer.lock"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := php.ParseComposerLock(context.Background(), bytes.NewReader(data))
		if err == nil {
			check(t, res.Packages)
		}
	})
}

func FuzzParseInstalledJSON(f *testing.F) {
	f.Add(readFile(f, "composer/installed.json"))
	f.Add(readFile(f, "composer1/installed.json"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := php.ParseInstalledJSON(context.Background(), bytes.NewReader(data))
		if err == nil {
			check(t, res.Packages)
		}
	})
}

func check(t *testing.T, pkgs []model.Package) {
	t.Helper()
	extracttest.CheckDependsOn(t, "fuzz", pkgs)
	for _, p := range pkgs {
		if p.Name == "" || p.Version == "" || p.Type != model.TypeComposer || p.Ecosystem != model.EcoPackagist {
			t.Fatalf("bad package %+v", p)
		}
	}
}
