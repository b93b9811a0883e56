package drydock_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/drydockhq/drydock/"

// imports maps each package directory to the drydock packages and third-party
// modules its non-test files import.
func imports(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && p != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(p))
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			out[dir] = append(out[dir], strings.TrimPrefix(path, module))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestImportDirection enforces the data flow
// image → layers → extractors → inventory → matcher/policy → report → encoders.
func TestImportDirection(t *testing.T) {
	rules := []struct {
		pkgPrefix string
		forbidden []string
	}{
		{"pkg/model", []string{"pkg/", "internal/"}},
		{"pkg/extract", []string{"pkg/vulndb", "pkg/match", "pkg/report", "pkg/scan", "pkg/image", "internal/"}},
		{"pkg/image", []string{"pkg/extract", "pkg/vulndb", "pkg/match", "pkg/report", "pkg/scan", "internal/"}},
		{"pkg/vulndb", []string{"pkg/extract", "pkg/image", "pkg/match", "pkg/report", "pkg/scan", "internal/"}},
		{"pkg/match", []string{"pkg/extract", "pkg/image", "pkg/report", "pkg/scan", "internal/"}},
		{"pkg/config", []string{"pkg/extract", "pkg/image", "pkg/vulndb", "pkg/match", "pkg/report", "pkg/scan", "internal/"}},
		{"pkg/report", []string{"pkg/extract", "pkg/image", "pkg/vulndb", "pkg/match", "pkg/scan", "pkg/layercache", "internal/"}},
		{"pkg/", []string{"internal/cli", "github.com/spf13/cobra", "github.com/spf13/pflag"}},
		{"internal/imagetest", []string{"github.com/spf13/cobra"}},
	}
	for dir, imps := range imports(t) {
		for _, r := range rules {
			if !strings.HasPrefix(dir, r.pkgPrefix) {
				continue
			}
			for _, imp := range imps {
				for _, bad := range r.forbidden {
					if strings.HasPrefix(imp, bad) {
						t.Errorf("%s imports %s (forbidden for %s*)", dir, imp, r.pkgPrefix)
					}
				}
			}
		}
	}
}

// TestNoInitOrFatal keeps library code free of init() registries and log.Fatal.
func TestNoInitOrFatal(t *testing.T) {
	err := filepath.WalkDir("pkg", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		s := string(b)
		if strings.Contains(s, "//go:build ignore") {
			return nil // generators are programs, not library code
		}
		for _, bad := range []string{"\nfunc init()", "log.Fatal", "os.Exit("} {
			if strings.Contains(s, bad) {
				t.Errorf("%s contains %q", p, strings.TrimSpace(bad))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestDrydockLinksNoOPA keeps the Open Policy Agent runtime out of the
// drydock binary: it lives in the drydock-rego helper (pkg/config/policyexec
// says why).
func TestDrydockLinksNoOPA(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "./cmd/drydock").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "github.com/open-policy-agent/") || p == module+"pkg/config/rego" {
			t.Errorf("cmd/drydock depends on %s", p)
		}
	}
}
