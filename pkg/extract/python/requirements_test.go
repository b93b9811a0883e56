package python_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/extract/python"
)

// TestRequirementsReal reads requirement files written by pip (`pip list
// --format freeze`) and pipenv (`pipenv requirements`, with its "-i URL"
// line).
func TestRequirementsReal(t *testing.T) {
	for _, tt := range []struct {
		file string
		want []nv
	}{
		{"requirements/freeze.txt", []nv{{"pip", "23.0.1"}, {"setuptools", "66.1.1"}, {"wheel", "0.38.4"}}},
		{"pipenv/requirements-dev.txt", []nv{{"wheel", "0.38.4"}}},
		{"pipenv/requirements.txt", []nv{{"certifi", "2022.9.24"}, {"charset-normalizer", "3.0.1"}, {"idna", "3.3"},
			{"jinja2", "3.1.2"}, {"markupsafe", "2.1.2"}, {"requests", "2.28.1"}, {"urllib3", "1.26.12"}}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			res, err := python.ParseRequirements(context.Background(), bytes.NewReader(readFile(t, tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, names(res.Packages)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if len(res.Warnings) != 0 {
				t.Errorf("warnings: %q", res.Warnings)
			}
		})
	}
}

// syntax is a requirements file in pip's documented format
// (https://pip.pypa.io/en/stable/reference/requirements-file-format/) with
// every construct the parser has to get past.
const syntax = `# comment line
--index-url https://pypi.example.com/simple
--extra-index-url=https://mirror.example.com/simple
-r base-requirements.txt
--constraint constraints.txt
-e git+https://github.com/pallets/flask.git@2.0.0#egg=flask
-e .

Django==3.2.12  # inline comment
requests[security,socks] == 2.25.0 ; python_version >= "3.6"
urllib3==1.26.4 \
    --hash=sha256:2f4da4594db7e1e110a944bb1b551fdf4e6c136ad42e4234131391e21eb5b0df \
    --hash=sha256:e7b021f7241115872f92f43c6508082facffbd1c048e3c6e2bb48c1f6cb2d8ca
PyYAML===5.3.1
zope.interface==5.4.0;platform_system=="Linux"
cryptography>=3.3,<4
Flask~=2.0
Werkzeug==2.*
numpy
certifi==2020.12.5#not-a-comment-but-fragment
pip @ https://example.com/pip-23.0.1-py3-none-any.whl
./local/package
https://example.com/pkg-1.0.tar.gz
Jinja2 (==2.11.2)
Django==3.2.12
==1.0 not a requirement
`

func TestParseRequirements(t *testing.T) {
	res, err := python.ParseRequirements(context.Background(), strings.NewReader(syntax))
	if err != nil {
		t.Fatal(err)
	}
	want := []nv{
		{"Django", "3.2.12"}, {"Jinja2", "2.11.2"}, {"PyYAML", "5.3.1"}, {"requests", "2.25.0"},
		{"urllib3", "1.26.4"}, {"zope.interface", "5.4.0"},
	}
	if diff := cmp.Diff(want, names(res.Packages)); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
	wantWarn := []string{
		`line 4: requirements file "base-requirements.txt" is not read`,
		`line 5: constraints file "constraints.txt" is not read`,
		`line 20: not a requirement: "certifi==2020.12.5#not-a-comment-but-fragment"`,
		`line 26: not a requirement: "==1.0 not a requirement"`,
	}
	if diff := cmp.Diff(wantWarn, res.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	got := res.Packages[0]
	if got.PURL != "pkg:pypi/django@3.2.12" || got.Ecosystem != "PyPI" || got.Type != "pypi" {
		t.Errorf("package %+v", got)
	}
}

func TestParseRequirementsGarbage(t *testing.T) {
	for _, in := range []string{
		"this is prose, not a requirements file\nat all\n",
		"a\x00b==1\n",
		strings.Repeat("x", 2<<20),
		strings.Repeat("x\\\n", 2<<20),
	} {
		if res, err := python.ParseRequirements(context.Background(), strings.NewReader(in)); err == nil {
			t.Errorf("ParseRequirements(%.20q): no error, %d packages", in, len(res.Packages))
		}
	}
	for _, in := range []string{"", "\n# only a comment\n", "-i https://x\n"} {
		res, err := python.ParseRequirements(context.Background(), strings.NewReader(in))
		if err != nil || len(res.Packages) != 0 {
			t.Errorf("ParseRequirements(%q) = %v, %v; want nothing", in, res, err)
		}
	}
}

func TestRequirementsRequired(t *testing.T) {
	e := python.NewRequirements()
	for p, want := range map[string]bool{
		"app/requirements.txt":        true,
		"app/requirements-dev.txt":    true,
		"app/dev-requirements.txt":    true,
		"requirements.txt":            true,
		"app/requirements/base.txt":   false,
		"app/requirements.in":         false,
		"usr/share/doc/README.txt":    false,
		"app/requirements.txt.backup": false,
	} {
		if got := e.Required(p, nil); got != want {
			t.Errorf("Required(%q) = %v, want %v", p, got, want)
		}
	}
}

func FuzzParseRequirements(f *testing.F) {
	f.Add([]byte(syntax))
	f.Add(readFile(f, "pipenv/requirements.txt"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := python.ParseRequirements(context.Background(), bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, p := range res.Packages {
			if p.Name == "" || p.Version == "" || strings.ContainsAny(p.Name+p.Version, " \t\n;#") {
				t.Fatalf("bad package %+v", p)
			}
		}
	})
}
