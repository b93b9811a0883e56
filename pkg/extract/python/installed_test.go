package python_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/extract/python"
	"github.com/drydockhq/drydock/pkg/model"
)

// nv is a package's name and version, the part the tools that made the
// artefacts list.
type nv struct{ Name, Version string }

func names(pkgs []model.Package) []nv {
	out := make([]nv, 0, len(pkgs))
	for _, p := range pkgs {
		out = append(out, nv{p.Name, p.Version})
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := strings.ToLower(out[i].Name), strings.ToLower(out[j].Name); a != b {
			return a < b
		}
		return out[i].Version < out[j].Version
	})
	return out
}

func readFile(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// metadataFiles returns the metadata files under testdata/installed that
// the extractor asks for, keyed by slash path.
func metadataFiles(tb testing.TB) map[string][]byte {
	tb.Helper()
	e := python.NewInstalled()
	out := map[string][]byte{}
	root := filepath.Join("testdata", "installed")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(p)
		if e.Required(rel, info) {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = b
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// TestInstalledReal parses the metadata that pip, setuptools, distutils and
// Debian wrote, and compares with what `pip list --path` reports for the
// same trees (testdata/installed.want.json, made by make.sh).
func TestInstalledReal(t *testing.T) {
	var want []nv
	if err := json.Unmarshal(readFile(t, "installed.want.json"), &want); err != nil {
		t.Fatal(err)
	}
	e := python.NewInstalled()
	var got []model.Package
	for p, b := range metadataFiles(t) {
		res, err := e.Extract(context.Background(), extract.NewInput(p, nil, bytes.NewReader(b), nil))
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if len(res.Packages) != 1 || len(res.Warnings) != 0 {
			t.Errorf("%s: %d packages, warnings %q", p, len(res.Packages), res.Warnings)
		}
		for _, pkg := range res.Packages {
			if diff := cmp.Diff([]model.Location{{Path: p}}, pkg.Locations); diff != "" {
				t.Errorf("%s: locations (-want +got):\n%s", p, diff)
			}
		}
		got = append(got, res.Packages...)
	}
	if diff := cmp.Diff(want, names(got)); diff != "" {
		t.Errorf("packages (-pip list +got):\n%s", diff)
	}
}

func TestParseMetadata(t *testing.T) {
	pkg := func(name, version string, lic ...string) model.Package {
		p := model.Package{Name: name, Version: version, Type: model.TypePyPI, Ecosystem: model.EcoPyPI,
			PURL: "pkg:pypi/" + strings.ReplaceAll(strings.ToLower(name), "_", "-") + "@" + version}
		if len(lic) > 0 {
			p.Licenses = lic
		}
		return p
	}
	for _, tt := range []struct {
		name, file string
		want       model.Package
	}{
		{"wheel install", "installed/site-packages/pip-23.0.1.dist-info/METADATA", pkg("pip", "23.0.1", "MIT")},
		{"classifier only", "installed/site-packages/setuptools-66.1.1.dist-info/METADATA", pkg("setuptools", "66.1.1", "MIT License")},
		{"egg-info dir", "installed/dist-packages/requests-2.28.1.egg-info/PKG-INFO", pkg("requests", "2.28.1", "Apache 2.0")},
		{"distutils file", "installed/distutils/PyYAML-5.3.1.egg-info", pkg("PyYAML", "5.3.1", "MIT")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := python.ParseMetadata(context.Background(), bytes.NewReader(readFile(t, tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}

	// Hand-written metadata for the cases the real files do not show.
	for _, tt := range []struct {
		name, in string
		want     model.Package
	}{
		{"PEP 639 expression wins", "Metadata-Version: 2.4\nName: Foo_Bar\nVersion: 1.0\nLicense-Expression: MIT OR Apache-2.0\nLicense: MIT\n",
			pkg("Foo_Bar", "1.0", "MIT OR Apache-2.0")},
		{"licence text falls back to classifiers", "Name: numpy\nVersion: 1.21.0\nLicense: Copyright (c) 2005-2021, NumPy Developers.\n        All rights reserved.\n" +
			"Classifier: License :: OSI Approved :: BSD License\nClassifier: License :: OSI Approved\nClassifier: Programming Language :: Python\n",
			pkg("numpy", "1.21.0", "BSD License")},
		{"UNKNOWN licence", "Name: x\nVersion: 2\nLicense: UNKNOWN\n", pkg("x", "2")},
		{"CRLF, BOM and body", "\ufeffName: y\r\nVersion: 3.0\r\n\r\nName: not-a-header\r\n", pkg("y", "3.0")},
		{"no trailing newline", "Name: z\nVersion: 4", pkg("z", "4")},
		{"header case", "name: lower\nversion: 5\n", pkg("lower", "5")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := python.ParseMetadata(context.Background(), strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseMetadataGarbage(t *testing.T) {
	for _, in := range []string{
		"",
		"\n\nName: after-body\nVersion: 1\n",
		"just some text\n",
		"Name: no-version\n",
		"Version: 1.0\n",
		"\x00\x01\x02binary",
		"Name: a\n b\nVersion: 1\n",
	} {
		_, err := python.ParseMetadata(context.Background(), strings.NewReader(in))
		if err == nil {
			t.Errorf("ParseMetadata(%q): no error", in)
		}
	}
	_, err := python.ParseMetadata(context.Background(), strings.NewReader("Name: x\n"))
	if !errors.Is(err, python.ErrNoMetadata) {
		t.Errorf("err = %v, want ErrNoMetadata", err)
	}
	_, err = python.NewInstalled().Extract(context.Background(), extract.NewInput("a.dist-info/METADATA", nil, bytes.NewReader([]byte("junk")), nil))
	if err == nil || !strings.Contains(err.Error(), "a.dist-info/METADATA") {
		t.Errorf("Extract error %v does not name the file", err)
	}
}

type fakeInfo struct {
	fs.FileInfo
	dir bool
}

func (f fakeInfo) IsDir() bool { return f.dir }

func TestInstalledRequired(t *testing.T) {
	e := python.NewInstalled()
	for p, want := range map[string]bool{
		"usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO":     true,
		"usr/lib/python3.11/site-packages/pip-23.0.1.dist-info/METADATA":      true,
		"usr/lib/python3/dist-packages/python_apt-2.6.0.egg-info":             true,
		"usr/lib/python3.8/site-packages/foo-1.0-py3.8.egg/EGG-INFO/PKG-INFO": true,
		"usr/lib/python3/dist-packages/pip-23.0.1.dist-info/RECORD":           false,
		"usr/lib/python3/dist-packages/requests-2.28.1.egg-info/requires.txt": false,
		"METADATA":               false,
		"usr/share/doc/PKG-INFO": false,
	} {
		if got := e.Required(p, fakeInfo{}); got != want {
			t.Errorf("Required(%q) = %v, want %v", p, got, want)
		}
	}
	if e.Required("x/a-1.egg-info", fakeInfo{dir: true}) {
		t.Error("Required wants an egg-info directory")
	}
}

func FuzzParseMetadata(f *testing.F) {
	for _, b := range metadataFiles(f) {
		f.Add(b)
	}
	f.Add([]byte("Name: a\nVersion: 1\nLicense: x\n  y\nClassifier: License :: A :: B\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := python.ParseMetadata(context.Background(), bytes.NewReader(data))
		if err != nil {
			return
		}
		if p.Name == "" || p.Version == "" || p.PURL == "" || p.Ecosystem != model.EcoPyPI {
			t.Fatalf("incomplete package %+v", p)
		}
	})
}

// BenchmarkInstalled measures the installed-package extractor over the
// metadata files of the test trees, as the walker calls it: once per file.
func BenchmarkInstalled(b *testing.B) {
	files := metadataFiles(b)
	var size int64
	for _, d := range files {
		size += int64(len(d))
	}
	e := python.NewInstalled()
	ctx := context.Background()
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for p, d := range files {
			if _, err := e.Extract(ctx, extract.NewInput(p, nil, bytes.NewReader(d), nil)); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(files)), "ns/file")
}
