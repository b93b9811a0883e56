package python_test

import (
	"bytes"
	"context"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/internal/imagetest"
	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/extract/python"
)

// TestWalk runs the extractors through the layer walker on a layer laid out
// as in an image, to check the paths they ask for and what the walker
// records.
func TestWalk(t *testing.T) {
	files := map[string]string{
		"usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO":      "installed/dist-packages/requests-2.28.1.egg-info/PKG-INFO",
		"usr/lib/python3/dist-packages/requests-2.28.1.egg-info/requires.txt":  "installed/dist-packages/requests-2.28.1.egg-info/PKG-INFO",
		"usr/lib/python3/dist-packages/PyYAML-5.3.1.egg-info":                  "installed/distutils/PyYAML-5.3.1.egg-info",
		"usr/local/lib/python3.11/site-packages/pip-23.0.1.dist-info/METADATA": "installed/site-packages/pip-23.0.1.dist-info/METADATA",
		"app/requirements.txt":   "pipenv/requirements-dev.txt",
		"app/poetry.lock":        "poetry/poetry.lock",
		"app/Pipfile.lock":       "pipenv/Pipfile.lock",
		"app/uv.lock":            "uv/uv.lock",
		"app/README.txt":         "pipenv/requirements.txt",
		"app/broken/poetry.lock": "installed/site-packages/pip-23.0.1.dist-info/METADATA",
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var entries []imagetest.Entry
	for _, p := range paths {
		entries = append(entries, imagetest.Entry{Name: p, Body: string(readFile(t, files[p]))})
	}
	layer, err := imagetest.TarBytes(entries)
	if err != nil {
		t.Fatal(err)
	}
	set := extract.Set{python.NewInstalled(), python.NewRequirements(), python.NewPoetry(), python.NewPipenv(), python.NewUV()}
	inv, err := extract.Walk(context.Background(), bytes.NewReader(layer), "sha256:layer", set, extract.WalkOptions{})
	if err != nil {
		t.Fatal(err)
	}
	type found struct {
		Path, Extractor string
		Packages        int
	}
	var got []found
	for _, f := range inv.Files {
		got = append(got, found{f.Path, f.Extractor, len(f.Packages)})
		for _, p := range f.Packages {
			if p.FoundBy != f.Extractor || len(p.Locations) != 1 || p.Locations[0].Path != f.Path || p.Locations[0].Layer != "sha256:layer" {
				t.Errorf("%s: package %+v", f.Path, p)
			}
		}
	}
	want := []found{
		{"app/Pipfile.lock", "lang/pipenv-lock", 8},
		{"app/broken/poetry.lock", "lang/poetry-lock", 0},
		{"app/poetry.lock", "lang/poetry-lock", 8},
		{"app/requirements.txt", "lang/python-requirements", 1},
		{"app/uv.lock", "lang/uv-lock", 13},
		{"usr/lib/python3/dist-packages/PyYAML-5.3.1.egg-info", "lang/python-installed", 1},
		{"usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO", "lang/python-installed", 1},
		{"usr/local/lib/python3.11/site-packages/pip-23.0.1.dist-info/METADATA", "lang/python-installed", 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if len(inv.Status) != 1 || inv.Status[0].Path != "app/broken/poetry.lock" {
		t.Errorf("status %+v, want one error for the broken poetry.lock", inv.Status)
	}
}
