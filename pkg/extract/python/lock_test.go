package python_test

import (
	"bufio"
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/drydockhq/drydock/internal/extracttest"
	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/extract/python"
	"github.com/drydockhq/drydock/pkg/model"
)

// entry is what the lock tests compare: name, version, relation, dev.
type entry struct {
	Name, Version string
	Relation      model.Relation
	Dev           bool
}

func entries(pkgs []model.Package) []entry {
	out := make([]entry, 0, len(pkgs))
	for _, p := range pkgs {
		out = append(out, entry{p.Name, p.Version, p.Relation, p.Dev})
	}
	return out
}

var byName = cmpopts.SortSlices(func(a, b entry) bool { return a.Name+"@"+a.Version < b.Name+"@"+b.Version })

// toolList reads a package list a tool printed: "name version ..." per line
// (`poetry show`) or "name==version" (`pipenv requirements`); lines
// starting with "-" are options.
func toolList(tb testing.TB, file string, dev bool) []entry {
	tb.Helper()
	var out []entry
	sc := bufio.NewScanner(bytes.NewReader(readFile(tb, file)))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "-") {
			continue
		}
		var name, version string
		if n, v, ok := strings.Cut(line, "=="); ok {
			name, version = n, v
		} else {
			f := strings.Fields(strings.ReplaceAll(line, "(!)", ""))
			name, version = f[0], f[1]
		}
		out = append(out, entry{Name: name, Version: version, Dev: dev})
	}
	return out
}

// TestPoetryReal reads the poetry.lock Poetry 1.3.2 wrote (lock-version
// 2.0, "category" per package) and compares with `poetry show --only
// main` and `--only dev`.
func TestPoetryReal(t *testing.T) {
	res, err := python.ParsePoetryLock(context.Background(), bytes.NewReader(readFile(t, "poetry/poetry.lock")))
	if err != nil {
		t.Fatal(err)
	}
	want := append(toolList(t, "poetry/show-main.txt", false), toolList(t, "poetry/show-dev.txt", true)...)
	if diff := cmp.Diff(want, entries(res.Packages), byName); diff != "" {
		t.Errorf("(-poetry show +got):\n%s", diff)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings %q", res.Warnings)
	}
}

// TestPoetry2 reads a lock in Poetry 2.x's format (lock-version 2.1: a
// "groups" list instead of "category"), written by hand after Poetry's
// documentation and source since Poetry 2 is not installable here.
func TestPoetry2(t *testing.T) {
	res, err := python.NewPoetry().Extract(context.Background(),
		extract.NewInput("app/poetry.lock", nil, bytes.NewReader(readFile(t, "poetry2/poetry.lock")), nil))
	if err != nil {
		t.Fatal(err)
	}
	want := []entry{
		{"certifi", "2022.9.24", "", false},
		{"colorama", "0.4.6", "", true},
		{"django", "3.2.12", "", false},
		{"idna", "3.3", "", false},
		{"pytest", "7.1.2", "", true},
		{"urllib3", "1.26.12", "", false},
	}
	if diff := cmp.Diff(want, entries(res.Packages)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	p := res.Packages[2]
	if p.PURL != "pkg:pypi/django@3.2.12" || p.Ecosystem != model.EcoPyPI || p.Locations[0].Path != "app/poetry.lock" {
		t.Errorf("package %+v", p)
	}
}

func TestPoetryGarbage(t *testing.T) {
	for _, in := range []string{"[[package]\nname=", "package = 3\n", "\x00\x01"} {
		if _, err := python.ParsePoetryLock(context.Background(), strings.NewReader(in)); err == nil {
			t.Errorf("ParsePoetryLock(%q): no error", in)
		}
	}
	res, err := python.ParsePoetryLock(context.Background(), strings.NewReader(
		"[[package]]\nname = \"a\"\n\n[[package]]\nname = \"b\"\nversion = \"1.0\"\n[[package]]\nversion = 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]entry{{"b", "1.0", "", false}}, entries(res.Packages)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if len(res.Warnings) != 2 {
		t.Errorf("warnings %q, want 2", res.Warnings)
	}
}

// TestPipenvReal reads the Pipfile.lock pipenv 2022.12.19 wrote and compares
// with `pipenv requirements` and `pipenv requirements --dev-only`.
func TestPipenvReal(t *testing.T) {
	res, err := python.ParsePipfileLock(context.Background(), bytes.NewReader(readFile(t, "pipenv/Pipfile.lock")))
	if err != nil {
		t.Fatal(err)
	}
	want := append(toolList(t, "pipenv/requirements.txt", false), toolList(t, "pipenv/requirements-dev.txt", true)...)
	if diff := cmp.Diff(want, entries(res.Packages), byName); diff != "" {
		t.Errorf("(-pipenv requirements +got):\n%s", diff)
	}
}

// pipfileLock follows the Pipfile.lock spec (pipfile-spec 6) for the cases
// pipenv did not write above: VCS and editable entries, a package in both
// sections, "===" pins and a broken entry.
const pipfileLock = `{
    "_meta": {"hash": {"sha256": "0"}, "pipfile-spec": 6, "requires": {}, "sources": []},
    "default": {
        "django": {"hashes": [], "index": "pypi", "version": "==3.2.12"},
        "flask": {"editable": true, "git": "https://github.com/pallets/flask.git", "ref": "abc"},
        "mylib": {"path": "./mylib", "editable": true},
        "idna": {"version": "==3.3", "markers": "python_version >= '3.5'"},
        "legacy": {"version": "===1.0-custom"},
        "broken": "==1.0"
    },
    "develop": {
        "idna": {"version": "==3.3"},
        "pytest": {"version": "==7.1.2"}
    }
}`

func TestParsePipfileLock(t *testing.T) {
	res, err := python.ParsePipfileLock(context.Background(), strings.NewReader(pipfileLock))
	if err != nil {
		t.Fatal(err)
	}
	want := []entry{
		{"django", "3.2.12", "", false},
		{"idna", "3.3", "", false},
		{"legacy", "1.0-custom", "", false},
		{"pytest", "7.1.2", "", true},
	}
	if diff := cmp.Diff(want, entries(res.Packages)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], `"broken"`) {
		t.Errorf("warnings %q", res.Warnings)
	}
	// "===" with no version (found by FuzzParsePipfileLock) is no pin.
	res, err = python.ParsePipfileLock(context.Background(), strings.NewReader(`{"default": {"0": {"version": "==="}}}`))
	if err != nil || len(res.Packages) != 0 {
		t.Errorf(`"===": %+v, %v; want no package`, res, err)
	}
	for _, in := range []string{"", "[]", "{}", `{"default": 3}`, "not json", `{"default": {"a": {"version": "==1"}}`} {
		if _, err := python.ParsePipfileLock(context.Background(), strings.NewReader(in)); err == nil {
			t.Errorf("ParsePipfileLock(%q): no error", in)
		}
	}
}

// TestUV reads a uv.lock in uv's format (version 1, revision 2), written by
// hand after uv's documentation because uv is not installable here: a
// workspace with an editable and a virtual member, a fork with two numpy
// versions, an extra, two dependency groups, git and directory sources.
func TestUV(t *testing.T) {
	res, err := python.NewUV().Extract(context.Background(),
		extract.NewInput("uv.lock", nil, bytes.NewReader(readFile(t, "uv/uv.lock")), nil))
	if err != nil {
		t.Fatal(err)
	}
	d, i := model.RelationDirect, model.RelationIndirect
	want := []entry{
		{"certifi", "2022.9.24", i, false},
		{"colorama", "0.4.6", i, true},
		{"idna", "3.3", i, false},
		{"iniconfig", "2.0.0", i, true},
		{"numpy", "1.21.0", d, false},
		{"numpy", "1.22.0", d, false},
		{"packaging", "21.3", d, true},
		{"pyparsing", "3.0.9", i, true},
		{"pysocks", "1.7.1", i, false},
		{"pytest", "7.1.2", d, true},
		{"requests", "2.28.1", d, false},
		{"tomli", "2.0.1", d, false},
		{"urllib3", "1.26.12", i, false},
	}
	if diff := cmp.Diff(want, entries(res.Packages)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings %q", res.Warnings)
	}
}

func TestUVGarbage(t *testing.T) {
	for _, in := range []string{"", "version = ", "package = 1", "[[package]]\nname = [", "just = \"toml\"\n"} {
		if _, err := python.ParseUVLock(context.Background(), strings.NewReader(in)); err == nil {
			t.Errorf("ParseUVLock(%q): no error", in)
		}
	}
	// Bad entries are skipped with a warning; without a root there is no
	// relation.
	res, err := python.ParseUVLock(context.Background(), strings.NewReader(`version = 1
[[package]]
name = "a"
version = "1"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ version = "2" }]

[[package]]
name = "b"

[[package]]
name = "c"
version = "3"
dependencies = "c"

[[package]]
name = "d"
version = "4"
dependencies = [{ name = "d" }, { name = "a" }]
`))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]entry{{"d", "4", "", false}}, entries(res.Packages)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if len(res.Warnings) != 3 {
		t.Errorf("warnings %q, want 3", res.Warnings)
	}
}

func TestLockRequired(t *testing.T) {
	for _, tt := range []struct {
		e       extract.Extractor
		yes     []string
		no      []string
		name    string
		version int
	}{
		{python.NewPoetry(), []string{"poetry.lock", "app/poetry.lock"}, []string{"app/poetry.lock.bak", "pyproject.toml"}, "lang/poetry-lock", 2},
		{python.NewPipenv(), []string{"Pipfile.lock", "srv/app/Pipfile.lock"}, []string{"Pipfile", "pipfile.lock"}, "lang/pipenv-lock", 2},
		{python.NewUV(), []string{"uv.lock", "app/uv.lock"}, []string{"app/uv.lock.json", "app/Cargo.lock"}, "lang/uv-lock", 2},
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

func FuzzParsePoetryLock(f *testing.F) {
	f.Add(readFile(f, "poetry/poetry.lock"))
	f.Add(readFile(f, "poetry2/poetry.lock"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := python.ParsePoetryLock(context.Background(), bytes.NewReader(data))
		if err == nil {
			checkPackages(t, res.Packages)
		}
	})
}

func FuzzParsePipfileLock(f *testing.F) {
	f.Add(readFile(f, "pipenv/Pipfile.lock"))
	f.Add([]byte(pipfileLock))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := python.ParsePipfileLock(context.Background(), bytes.NewReader(data))
		if err == nil {
			checkPackages(t, res.Packages)
		}
	})
}

func FuzzParseUVLock(f *testing.F) {
	f.Add(readFile(f, "uv/uv.lock"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := python.ParseUVLock(context.Background(), bytes.NewReader(data))
		if err == nil {
			checkPackages(t, res.Packages)
		}
	})
}

func checkPackages(t *testing.T, pkgs []model.Package) {
	t.Helper()
	extracttest.CheckDependsOn(t, "fuzz", pkgs)
	for _, p := range pkgs {
		if p.Name == "" || p.Version == "" || p.Type != model.TypePyPI || p.PURL == "" {
			t.Fatalf("incomplete package %+v", p)
		}
	}
}
