package extract_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/extract/dpkg"
)

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestWalkDir(t *testing.T) {
	outside := t.TempDir()
	writeFile(t, filepath.Join(outside, "var/lib/dpkg/status"), statusABC)

	root := t.TempDir()
	writeFile(t, filepath.Join(root, "var/lib/dpkg/status"), statusAB)
	// A copy under .git and under a top-level proc/ is never read.
	writeFile(t, filepath.Join(root, ".git/var/lib/dpkg/status"), statusABC)
	// Links, to a file or a directory out of the tree, are never followed.
	if err := os.Symlink(filepath.Join(outside, "var"), filepath.Join(root, "srv")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "x/var/lib/dpkg"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "var/lib/dpkg/status"), filepath.Join(root, "x/var/lib/dpkg/status")); err != nil {
		t.Fatal(err)
	}

	inv, err := extract.WalkDir(context.Background(), root, extract.Set{dpkg.New()}, extract.WalkOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"var/lib/dpkg/status:a", "var/lib/dpkg/status:b"}, names(inv)); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
	for _, f := range inv.Files {
		for _, p := range f.Packages {
			if p.Locations[0].Layer != "" || p.FoundBy != dpkg.Name {
				t.Errorf("%s: location %+v, found by %q", p.Name, p.Locations, p.FoundBy)
			}
		}
	}
}

func TestWalkDirLimits(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "var/lib/dpkg/status"), statusABC)
	inv, err := extract.WalkDir(context.Background(), root, extract.Set{dpkg.New()}, extract.WalkOptions{MaxFileSize: 16})
	if err != nil {
		t.Fatal(err)
	}
	if len(names(inv)) != 0 || len(inv.Status) != 1 {
		t.Errorf("over-size file: packages %v, status %v", names(inv), inv.Status)
	}
	if _, err := extract.WalkDir(context.Background(), filepath.Join(root, "missing"), extract.Set{dpkg.New()}, extract.WalkOptions{}); err == nil {
		t.Error("missing directory: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := extract.WalkDir(ctx, root, extract.Set{dpkg.New()}, extract.WalkOptions{}); err == nil {
		t.Error("cancelled: no error")
	}
}
