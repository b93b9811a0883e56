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
)

//go:embed data/*.zip data/README.md
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
