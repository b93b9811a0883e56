// Package shareddata locates the real vulnerability data and images staged
// beside the repository (../shared/data, see its README.md) for tests and
// benchmarks. Outside CI a missing directory skips the test; under CI
// (CI=true) it fails it, so that a broken checkout cannot pass by skipping.
package shareddata

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Dir returns the absolute path of ../shared/data.
func Dir(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data")
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("staged data not found at %s under CI: %v", dir, err)
		}
		t.Skipf("staged data not found at %s: %v", dir, err)
	}
	return dir
}

// File returns the path of one staged file, failing the test when it is
// missing from a present data directory.
func File(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(Dir(t), name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("staged file: %v", err)
	}
	return p
}
