package ruby_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/drydockhq/drydock/internal/extracttest"
	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/extract/ruby"
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
	Relation      model.Relation
}

func entries(pkgs []model.Package) []entry {
	out := make([]entry, 0, len(pkgs))
	for _, p := range pkgs {
		out = append(out, entry{p.Name, p.Version, p.Relation})
	}
	return out
}

// TestGemfileLockReal reads the Gemfile.lock Bundler 2.3.27 wrote (GIT,
// PATH and GEM sources) and compares with `bundle list`.
func TestGemfileLockReal(t *testing.T) {
	res, err := ruby.NewGemfileLock().Extract(context.Background(),
		extract.NewInput("srv/app/Gemfile.lock", nil, bytes.NewReader(readFile(t, "bundler/Gemfile.lock")), nil))
	if err != nil {
		t.Fatal(err)
	}
	direct := map[string]bool{}
	for _, l := range strings.Split(string(readFile(t, "bundler/Gemfile")), "\n") {
		if f := strings.Fields(l); len(f) > 1 && f[0] == "gem" {
			direct[strings.Trim(f[1], `",`)] = true
		}
	}
	var want []entry
	sc := bufio.NewScanner(bytes.NewReader(readFile(t, "bundler/list.txt")))
	for sc.Scan() {
		// "  * name (version[ git-revision])"
		rest, ok := strings.CutPrefix(sc.Text(), "  * ")
		if !ok {
			continue
		}
		name, v, _ := strings.Cut(rest, " (")
		v, _, _ = strings.Cut(strings.TrimSuffix(v, ")"), " ")
		rel := model.RelationIndirect
		if direct[name] {
			rel = model.RelationDirect
		}
		want = append(want, entry{name, v, rel})
	}
	sortEntries := cmpopts.SortSlices(func(a, b entry) bool { return a.Name < b.Name })
	if diff := cmp.Diff(want, entries(res.Packages), sortEntries); diff != "" {
		t.Errorf("(-bundle list +got):\n%s", diff)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings %q", res.Warnings)
	}
	p := res.Packages[0]
	if p.Type != model.TypeGem || p.Ecosystem != model.EcoRubyGems || p.PURL != "pkg:gem/toolbox@1.2.0" ||
		len(p.Locations) != 1 || p.Locations[0].Path != "srv/app/Gemfile.lock" {
		t.Errorf("package %+v", p)
	}
}

// platforms is a lock in Bundler's format for the cases the real lock does
// not show: platform gems (one per platform), a PLUGIN SOURCE, the
// CHECKSUMS section of Bundler 2.5, CRLF line ends and a broken spec.
const platforms = "GEM\r\n" + `  remote: https://rubygems.org/
  specs:
    actionpack (7.0.4)
      rack (~> 2.0, >= 2.2.0)
    nokogiri (1.13.3-arm64-darwin)
      racc (~> 1.4)
    nokogiri (1.13.3-x86_64-linux)
      racc (~> 1.4)
    racc (1.6.0)
    rack (2.2.3)
    broken spec line
    google-protobuf (3.21.5-x86_64-linux)

PLUGIN SOURCE
  remote: https://example.com/plugin
  type: custom
  specs:
    plugged (0.1.0)

PLATFORMS
  arm64-darwin
  x86_64-linux

DEPENDENCIES
  actionpack (~> 7.0)
  nokogiri
  google-protobuf (= 3.21.5)

CHECKSUMS
  actionpack (7.0.4) sha256=0000000000000000000000000000000000000000000000000000000000000000
  nokogiri (1.13.3-x86_64-linux) sha256=1111111111111111111111111111111111111111111111111111111111111111

RUBY VERSION
   ruby 3.2.2p53

BUNDLED WITH
   2.5.3
`

func TestParseGemfileLock(t *testing.T) {
	res, err := ruby.ParseGemfileLock(context.Background(), strings.NewReader(platforms))
	if err != nil {
		t.Fatal(err)
	}
	d, i := model.RelationDirect, model.RelationIndirect
	want := []entry{
		{"actionpack", "7.0.4", d}, {"nokogiri", "1.13.3", d}, {"racc", "1.6.0", i}, {"rack", "2.2.3", i},
		{"google-protobuf", "3.21.5", d}, {"plugged", "0.1.0", i},
	}
	if diff := cmp.Diff(want, entries(res.Packages)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{`line 12: not a "name (version)" spec: "broken spec line"`}, res.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestParseGemfileLockGarbage(t *testing.T) {
	for _, in := range []string{
		"not a lock file\n",
		"  indented only\n",
		"{\"json\": true}",
		"GEM\n  specs:\n" + strings.Repeat("x", 2<<20),
	} {
		if _, err := ruby.ParseGemfileLock(context.Background(), strings.NewReader(in)); err == nil {
			t.Errorf("ParseGemfileLock(%.30q): no error", in)
		}
	}
	// Without DEPENDENCIES there is no relation.
	res, err := ruby.ParseGemfileLock(context.Background(), strings.NewReader("GEM\n  specs:\n    a (1)\n    b ()\n    c (1.0\n    d (1 2)\nWHATEVER\n  x\n"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]entry{{"a", "1", ""}}, entries(res.Packages)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if len(res.Warnings) != 4 {
		t.Errorf("warnings %q, want 4", res.Warnings)
	}
}

// TestGemspecReal reads installed specifications written by RubyGems and
// compares with what Ruby's Gem::Specification.load reads from them
// (gemspecs.want.json, made by make.sh).
func TestGemspecReal(t *testing.T) {
	var want []struct {
		Path, Name, Version string
		Licenses            []string
	}
	if err := json.Unmarshal(readFile(t, "gemspecs.want.json"), &want); err != nil {
		t.Fatal(err)
	}
	if len(want) < 10 {
		t.Fatalf("only %d gemspecs", len(want))
	}
	e := ruby.NewGemspec()
	for _, w := range want {
		if !e.Required(w.Path, nil) {
			t.Errorf("Required(%q) = false", w.Path)
		}
		res, err := e.Extract(context.Background(), extract.NewInput(w.Path, nil, bytes.NewReader(readFile(t, w.Path)), nil))
		if err != nil {
			t.Errorf("%s: %v", w.Path, err)
			continue
		}
		p := res.Packages[0]
		wantPkg := model.Package{
			Name: w.Name, Version: w.Version, Type: model.TypeGem, Ecosystem: model.EcoRubyGems,
			PURL: "pkg:gem/" + w.Name + "@" + w.Version, Locations: []model.Location{{Path: w.Path}},
		}
		if len(w.Licenses) > 0 {
			wantPkg.Licenses = w.Licenses
		}
		if diff := cmp.Diff(wantPkg, p); diff != "" {
			t.Errorf("%s (-Ruby +got):\n%s", w.Path, diff)
		}
	}
}

func TestParseGemspec(t *testing.T) {
	for _, tt := range []struct {
		name, in        string
		version         string
		gem, lic1, lic2 string
	}{
		{"old %q syntax", "Gem::Specification.new do |s|\n  s.name = %q{rails}\n  s.version = \"2.3.18\"\n  s.license = %q<MIT>\nend\n", "2.3.18", "rails", "MIT", ""},
		{"Gem::Version.new", "Gem::Specification.new do |spec|\n  spec.name = 'rack'\n  spec.version = Gem::Version.new(\"2.2.3\").freeze\n  spec.licenses = ['MIT'.freeze, \"Ruby\"]\nend\n", "2.2.3", "rack", "MIT", "Ruby"},
		{"modifier and comment", "  s.name = \"json\".freeze # the gem\n  s.version = \"2.6.1\" if s.respond_to? :version=\n", "2.6.1", "json", "", ""},
		{"first assignment wins", "s.name = \"a\"\ns.version = \"1\"\ns.name = \"b\"\ns.version = \"2\"\n", "1", "a", "", ""},
		{"licence with comma", "s.name = \"x\"\ns.version = \"1.0.0.pre1\"\ns.licenses = [\"GPL-2.0, with exception\".freeze, \"MIT\"]\n", "1.0.0.pre1", "x", "GPL-2.0, with exception", "MIT"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ruby.ParseGemspec(context.Background(), strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			var lic []string
			for _, l := range []string{tt.lic1, tt.lic2} {
				if l != "" {
					lic = append(lic, l)
				}
			}
			if p.Name != tt.gem || p.Version != tt.version || !cmp.Equal(lic, p.Licenses) {
				t.Errorf("got %q %q %q, want %q %q %q", p.Name, p.Version, p.Licenses, tt.gem, tt.version, lic)
			}
		})
	}
}

func TestParseGemspecGarbage(t *testing.T) {
	for _, in := range []string{
		"",
		"puts 'hello'\n",
		"s.name = \"a\"\n",
		"s.name = compute_name\ns.version = VERSION\n",
		"s.name = \"has space\"\ns.version = \"1\"\n",
		"s.name = \"a\"\ns.version = \"1\" + \"2\"\n",
		"\x00\x01\x02",
	} {
		if p, err := ruby.ParseGemspec(context.Background(), strings.NewReader(in)); err == nil {
			t.Errorf("ParseGemspec(%q) = %+v, no error", in, p)
		}
	}
	if _, err := ruby.ParseGemspec(context.Background(), strings.NewReader("x")); !errors.Is(err, ruby.ErrNoGemspec) {
		t.Errorf("err = %v, want ErrNoGemspec", err)
	}
}

func TestRequired(t *testing.T) {
	for _, tt := range []struct {
		e       extract.Extractor
		name    string
		version int
		yes, no []string
	}{
		{ruby.NewGemfileLock(), "lang/gemfile-lock", 2, []string{"Gemfile.lock", "app/Gemfile.lock", "app/gems.locked"}, []string{"app/Gemfile", "app/Gemfile.lock.bak"}},
		{ruby.NewGemspec(), "lang/gemspec", 1, []string{
			"usr/local/bundle/specifications/rack-2.2.3.gemspec",
			"usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec",
			"specifications/a-1.gemspec",
		}, []string{"app/rack.gemspec", "usr/local/bundle/gems/rack-2.2.3/rack.gemspec", "specifications/a-1.gemspec.bak"}},
	} {
		if tt.e.Name() != tt.name || tt.e.Version() != tt.version {
			t.Errorf("%s: Name %q Version %d", tt.name, tt.e.Name(), tt.e.Version())
		}
		for _, p := range tt.yes {
			if !tt.e.Required(p, nil) {
				t.Errorf("%s: Required(%q) = false", tt.name, p)
			}
		}
		for _, p := range tt.no {
			if tt.e.Required(p, nil) {
				t.Errorf("%s: Required(%q) = true", tt.name, p)
			}
		}
	}
}

func FuzzParseGemfileLock(f *testing.F) {
	f.Add(readFile(f, "bundler/Gemfile.lock"))
	f.Add([]byte(platforms))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ruby.ParseGemfileLock(context.Background(), bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, p := range res.Packages {
			if p.Name == "" || p.Version == "" || strings.ContainsAny(p.Version, " -()") {
				t.Fatalf("bad package %+v", p)
			}
		}
		extracttest.CheckDependsOn(t, "fuzz", res.Packages)
	})
}

func FuzzParseGemspec(f *testing.F) {
	f.Add(readFile(f, "gems/usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec"))
	f.Add([]byte("s.name = %q{a}\ns.version = Gem::Version.new('1')\ns.licenses = [\"a\", 'b,c'.freeze]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ruby.ParseGemspec(context.Background(), bytes.NewReader(data))
		if err != nil {
			return
		}
		if p.Name == "" || p.Version == "" || p.PURL == "" {
			t.Fatalf("bad package %+v", p)
		}
	})
}
