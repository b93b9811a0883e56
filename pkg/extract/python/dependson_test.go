package python_test

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/internal/extracttest"
	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/extract/python"
)

// graphOf returns the DependsOn of the packages of res whose purls are in
// purls, by purl.
func graphOf(res *extract.Result, purls ...string) map[string][]string {
	out := map[string][]string{}
	for _, p := range res.Packages {
		if slices.Contains(purls, p.PURL) {
			out[p.PURL] = p.DependsOn
		}
	}
	return out
}

func TestDependsOnFixtures(t *testing.T) {
	tests := []struct {
		name  string
		parse func(context.Context, io.Reader) (*extract.Result, error)
		file  string
		want  map[string][]string
	}{
		{
			// Poetry 1.3.2's lock, as read in the file: jinja2 has
			// MarkupSafe = ">=2.0" (the package is named "markupsafe"),
			// requests has certifi, charset-normalizer, idna and urllib3;
			// markupsafe has no [package.dependencies], and wheel only
			// [package.extras] (pytest, not locked).
			name:  "poetry 1.3.2",
			parse: python.ParsePoetryLock,
			file:  "poetry/poetry.lock",
			want: map[string][]string{
				"pkg:pypi/jinja2@3.1.2": {"pkg:pypi/markupsafe@2.1.2"},
				"pkg:pypi/requests@2.28.1": {
					"pkg:pypi/certifi@2022.9.24", "pkg:pypi/charset-normalizer@3.0.1",
					"pkg:pypi/idna@3.3", "pkg:pypi/urllib3@1.26.12",
				},
				"pkg:pypi/markupsafe@2.1.2": nil,
				"pkg:pypi/wheel@0.38.4":     nil,
			},
		},
		{
			// Poetry 2's format: pytest has colorama as a table with
			// markers; django's asgiref, pytz and sqlparse are not in
			// the file, so it gets no edge.
			name:  "poetry 2",
			parse: python.ParsePoetryLock,
			file:  "poetry2/poetry.lock",
			want: map[string][]string{
				"pkg:pypi/pytest@7.1.2":  {"pkg:pypi/colorama@0.4.6"},
				"pkg:pypi/django@3.2.12": nil,
			},
		},
		{
			// uv.lock, as read in the file: requests has certifi, idna
			// and urllib3, and pysocks through its "socks" extra, which
			// shop-api asks for (extra = ["socks"]); pytest has colorama
			// (with a marker), iniconfig and packaging; packaging has
			// pyparsing; numpy has none.
			name:  "uv",
			parse: python.ParseUVLock,
			file:  "uv/uv.lock",
			want: map[string][]string{
				"pkg:pypi/requests@2.28.1": {
					"pkg:pypi/certifi@2022.9.24", "pkg:pypi/idna@3.3",
					"pkg:pypi/pysocks@1.7.1", "pkg:pypi/urllib3@1.26.12",
				},
				"pkg:pypi/pytest@7.1.2":   {"pkg:pypi/colorama@0.4.6", "pkg:pypi/iniconfig@2.0.0", "pkg:pypi/packaging@21.3"},
				"pkg:pypi/packaging@21.3": {"pkg:pypi/pyparsing@3.0.9"},
				"pkg:pypi/numpy@1.21.0":   nil,
			},
		},
		{
			// Pipfile.lock has no graph.
			name:  "pipenv",
			parse: python.ParsePipfileLock,
			file:  "pipenv/Pipfile.lock",
			want: map[string][]string{
				"pkg:pypi/requests@2.28.1": nil,
				"pkg:pypi/jinja2@3.1.2":    nil,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tt.parse(context.Background(), bytes.NewReader(readFile(t, tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			purls := make([]string, 0, len(tt.want))
			for u := range tt.want {
				purls = append(purls, u)
			}
			if diff := cmp.Diff(tt.want, graphOf(res, purls...)); diff != "" {
				t.Errorf("DependsOn (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDependsOnPoetryRules covers what the real locks do not show: a name
// locked twice (markers split it), an array of constraints, a local
// directory package, a differently spelt name and a dependency on itself.
func TestDependsOnPoetryRules(t *testing.T) {
	const lock = `
[[package]]
name = "app-lib"
version = "0.1.0"
[package.source]
type = "directory"
url = "../lib"

[[package]]
name = "numpy"
version = "1.21.0"

[[package]]
name = "numpy"
version = "1.26.0"

[[package]]
name = "pandas"
version = "2.0.0"
[package.dependencies]
numpy = [{version = ">=1.21", markers = "python_version < \"3.12\""}, {version = ">=1.26", markers = "python_version >= \"3.12\""}]
Python_Dateutil = ">=2.8.2"
pandas = {version = "*", extras = ["x"]}
app-lib = {path = "../lib"}
tzdata = {version = ">=2022.1", optional = true}

[[package]]
name = "python-dateutil"
version = "2.8.2"

[[package]]
name = "tzdata"
version = "2023.3"
`
	res, err := python.ParsePoetryLock(context.Background(), strings.NewReader(lock))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"pkg:pypi/pandas@2.0.0": {"pkg:pypi/python-dateutil@2.8.2", "pkg:pypi/tzdata@2023.3"}}
	if diff := cmp.Diff(want, graphOf(res, "pkg:pypi/pandas@2.0.0")); diff != "" {
		t.Errorf("DependsOn (-want +got):\n%s", diff)
	}
}

// TestDependsOnUVRules covers uv's entries with a version (the lock holds
// several), an extra nobody asks for, and entries of packages not reported.
func TestDependsOnUVRules(t *testing.T) {
	const lock = `version = 1

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "web" }]

[[package]]
name = "web"
version = "1.0.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "app" },
    { name = "numpy", version = "1.26.0", source = { registry = "https://pypi.org/simple" } },
    { name = "numpy", version = "9.9.9" },
    { name = "six" },
    { name = "Web" },
]

[package.optional-dependencies]
speed = [{ name = "ujson" }]

[[package]]
name = "numpy"
version = "1.21.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "numpy"
version = "1.26.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "ujson"
version = "5.0.0"
source = { registry = "https://pypi.org/simple" }
`
	res, err := python.ParseUVLock(context.Background(), strings.NewReader(lock))
	if err != nil {
		t.Fatal(err)
	}
	// app is the project (not reported), six is not locked, Web is web
	// itself, and nobody asks for web[speed].
	want := map[string][]string{"pkg:pypi/web@1.0.0": {"pkg:pypi/numpy@1.26.0"}}
	if diff := cmp.Diff(want, graphOf(res, "pkg:pypi/web@1.0.0")); diff != "" {
		t.Errorf("DependsOn (-want +got):\n%s", diff)
	}
}

// TestDependsOnClosed runs every extractor of the package on every file of
// testdata it asks for, and checks that each DependsOn purl is the purl of
// another package of the same result and that the lists are sorted and
// without duplicates.
func TestDependsOnClosed(t *testing.T) {
	extracttest.CheckTestdataDependsOn(t, "testdata", extract.Set{python.NewInstalled(), python.NewRequirements(), python.NewPoetry(), python.NewPipenv(), python.NewUV()}, 10)
}
