// Package bundled embeds a small, attributed subset of real vulnerability
// data (see data/README.md) so that a fresh install scans offline before any
// `drydock db build` or `db update`.
package bundled

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/drydockhq/drydock/pkg/model"
)

//go:embed data/*.zip data/README.md data/SHA256SUMS
var data embed.FS

// Write copies the bundled data files into dir and returns their paths.
func Write(dir string) ([]string, error) {
	entries, err := fs.ReadDir(data, "data")
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".zip") {
			continue
		}
		b, err := data.ReadFile("data/" + e.Name())
		if err != nil {
			return nil, err
		}
		p := filepath.Join(dir, e.Name())
		if err := os.WriteFile(p, b, 0o600); err != nil {
			return nil, fmt.Errorf("writing bundled data: %w", err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// Stale reports whether a DB built from sources was built from an older
// bundled data set: every source is a bundled file, but the names or
// checksums differ from this binary's. Such a DB is rebuilt on first use;
// a DB built from any other data is never touched.
func Stale(sources []model.DBSource) bool {
	current, err := checksums()
	if err != nil {
		return false
	}
	same := len(sources) == len(current)
	for _, s := range sources {
		sum, ok := current[s.Name]
		if !ok && !isBundledName(s.Name) {
			return false // built from other data
		}
		if !ok || sum != s.SHA256 {
			same = false
		}
	}
	return len(sources) > 0 && !same
}

// checksums reads data/SHA256SUMS (`sha256sum` output for the bundled
// files, kept current by TestChecksums): hashing half a megabyte of
// embedded data on every scan cost more than the rest of opening the DB.
func checksums() (map[string]string, error) {
	b, err := data.ReadFile("data/SHA256SUMS")
	if err != nil {
		return nil, err
	}
	sums := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok {
			return nil, fmt.Errorf("bundled SHA256SUMS: bad line %q", line)
		}
		sums[name] = sum
	}
	return sums, nil
}

// isBundledName recognises the names bundled data sets have had.
func isBundledName(name string) bool {
	switch name {
	case "osv-debian12-subset.zip", "alpine-secdb-v3.10-v3.11.zip", "osv-lang-subset.zip":
		return true
	}
	return false
}
