package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/spf13/cobra"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/extract/list"
	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/scan"
)

func (a *app) fsCmd() *cobra.Command {
	var (
		extractors []string
		cacheDir   string
		vf         vulnFlags
		sf         scanFlags
		out        outputFlags
	)
	cmd := &cobra.Command{
		Use:   "fs DIR",
		Short: "Scan a source tree or an unpacked root file system",
		Long: `Scan a directory: lock files and manifests of a source tree (go.mod,
package-lock.json, poetry.lock, Cargo.lock, ...), binaries, installed language
packages, and the OS package databases of an unpacked root file system.

Symbolic links are never followed; .git directories, and proc, sys and dev at
the top of the tree, are skipped.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.scanReport(cmd.Context(), vf, sf, out, cacheDir, func(extra extract.Set) (*model.Report, *v1.ConfigFile, string, error) {
				r, err := a.scanDir(cmd.Context(), args[0], extractors, extra)
				return r, nil, args[0], err
			})
		},
	}
	cmd.Flags().StringSliceVar(&extractors, "extractors", nil, "extractors to run, by name or prefix (default all)")
	cmd.Flags().StringVar(&cacheDir, "cache-dir", a.defaultCacheDir(), "cache directory (holds the vulnerability DB)")
	vf.register(cmd, a)
	sf.register(cmd)
	out.register(cmd, "table", formatNames())
	return cmd
}

// scanDir scans one directory tree.
func (a *app) scanDir(ctx context.Context, dir string, names []string, extra extract.Set) (*model.Report, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, usageError{fmt.Errorf("%s is not a directory (use 'drydock image' for image archives)", dir)}
	}
	set := list.Default()
	if len(names) > 0 {
		if set, err = set.Select(names); err != nil {
			return nil, usageError{fmt.Errorf("--extractors: %w", err)}
		}
	}
	set = append(set, extra...)
	s, err := scan.New(scan.Config{Extractors: set, Logger: a.logger, ToolVersion: a.env.Version})
	if err != nil {
		return nil, err
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return s.ScanDir(ctx, dir)
}

// dropDev removes development-only dependencies from the inventory.
func dropDev(inv *model.Inventory) {
	kept := inv.Packages[:0]
	for _, p := range inv.Packages {
		if !p.Dev {
			kept = append(kept, p)
		}
	}
	inv.Packages = kept
}
