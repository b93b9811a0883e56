package java

import (
	"archive/zip"
	"bytes"
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/drydockhq/drydock/pkg/model"
)

// fixtureFiles returns the archives of testdata (made by make.sh).
func fixtureFiles(tb testing.TB) map[string][]byte {
	tb.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isArchiveName(p) {
			return err
		}
		data, err := os.ReadFile(p)
		out[filepath.ToSlash(p)] = data
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// FuzzParse feeds arbitrary bytes as a Java archive.
func FuzzParse(f *testing.F) {
	for _, data := range fixtureFiles(f) {
		f.Add(data)
	}
	f.Add(nest(f, 3, true))
	f.Add(mkzip(f, pom("g", "a", "1"), deflated("META-INF/MANIFEST.MF", []byte("Bundle-SymbolicName: g.a\nBundle-Version: 1\n")),
		stored("lib/x-1.jar", mkzip(f, deflated("org/apache/logging/log4j/core/A.class", []byte{0xca, 0xfe}), pom("org.apache.logging.log4j", "log4j-core", "2.14.1")))))
	lim := defaultLimits()
	lim.totalBytes = 64 << 20 // keep the fuzzer's memory in check
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := parse(context.Background(), bytes.NewReader(data), int64(len(data)), "f-1.0.jar", lim)
		if err != nil {
			return
		}
		if len(res.Warnings) > lim.warnings+1 {
			t.Errorf("%d warnings", len(res.Warnings))
		}
		for _, p := range res.Packages {
			if p.Name == "" || p.Version == "" || p.Type != model.TypeMaven || p.PURL == "" {
				t.Errorf("bad package %+v", p)
			}
			if len(p.Locations) != 1 || !strings.HasPrefix(p.Locations[0].Path, "f-1.0.jar") {
				t.Errorf("bad location %+v", p.Locations)
			}
			if len(p.Mitigations) > 0 && p.Name != Log4jCore {
				t.Errorf("mitigation on %s", p.Name)
			}
		}
	})
}

// FuzzParseManifest checks the manifest parser on arbitrary input.
func FuzzParseManifest(f *testing.F) {
	for name, data := range fixtureFiles(f) {
		if m := readEntry(f, data, func(n string) bool { return n == "META-INF/MANIFEST.MF" }); m != nil {
			f.Add(m)
		} else {
			f.Logf("%s: no manifest", name)
		}
	}
	f.Add([]byte("A: b\r\n c\rD:e\n\nName: x\nF: g\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err) // only oversized input can fail, and the fuzzer's is small
		}
		for k := range m {
			if k != strings.ToLower(k) || k == "" {
				t.Errorf("key %q", k)
			}
		}
		c, _ := manifestIdentity(m, "", "")
		if c.ArtifactID != "" && !validID(c.ArtifactID) || c.GroupID != "" && !validID(c.GroupID) {
			t.Errorf("identity %+v", c)
		}
		_ = bundleLicenses(m.Get("Bundle-License"))
	})
}

// FuzzParseProperties checks the pom.properties parser on arbitrary input.
func FuzzParseProperties(f *testing.F) {
	for _, data := range fixtureFiles(f) {
		if p := readEntry(f, data, func(n string) bool { return strings.HasSuffix(n, "/pom.properties") }); p != nil {
			f.Add(p)
		}
	}
	f.Add([]byte("a\\\n  b=c\\u0041\\\r\n#x\\\n!y\nk:v\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		props, err := ParseProperties(bytes.NewReader(data))
		if err != nil {
			return
		}
		if _, err := ParsePomProperties(bytes.NewReader(data)); err != nil {
			t.Errorf("ParsePomProperties failed where ParseProperties did not: %v", err)
		}
		_ = props
	})
}

// FuzzParseFileName checks that a file name splits back into itself.
func FuzzParseFileName(f *testing.F) {
	for name := range fixtureFiles(f) {
		f.Add(path.Base(name))
	}
	f.Add("log4j-1.2-api-2.19.0.jar")
	f.Fuzz(func(t *testing.T, name string) {
		a, v := ParseFileName(name)
		base := path.Base(strings.ReplaceAll(name, `\`, "/"))
		if i := strings.LastIndexByte(base, '.'); i > 0 {
			base = base[:i]
		}
		if v == "" && a != base || v != "" && a+"-"+v != base {
			t.Errorf("ParseFileName(%q) = %q, %q", name, a, v)
		}
	})
}

// readEntry returns the first entry of the zip zipData whose name match
// accepts, or nil.
func readEntry(tb testing.TB, zipData []byte, match func(string) bool) []byte {
	zr, err := zip.NewReader(bytes.NewReader(zipData), int64(len(zipData)))
	if err != nil {
		return nil
	}
	s := &scan{ctx: context.Background(), lim: defaultLimits(), bytesLeft: 1 << 30}
	for _, f := range zr.File {
		if match(f.Name) {
			data, err := s.read(f, int64(len(zipData)), MaxMetaBytes)
			if err != nil {
				tb.Fatal(err)
			}
			return data
		}
	}
	return nil
}
