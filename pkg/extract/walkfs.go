package extract

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/drydockhq/drydock/pkg/model"
)

// skipDir reports whether WalkDir leaves out the directory at p:
// version-control data anywhere, and at the top of the tree the kernel's
// virtual file systems of an unpacked root file system.
func skipDir(p, name string) bool {
	switch name {
	case ".git", ".hg", ".svn":
		return true
	case "proc", "sys", "dev":
		return !strings.Contains(p, "/")
	}
	return false
}

// WalkDir runs the extractors of set on the files under dir (a source tree
// or an unpacked root file system), as Walk does for a layer: each wanted
// file is read once, paths are relative to dir and slash-separated. The walk
// is confined to dir: symbolic links are neither followed nor opened, and
// the tree is read through an os.Root, so a link swapped in during the walk
// cannot lead outside it either.
func WalkDir(ctx context.Context, dir string, set Set, opts WalkOptions) (*model.LayerInventory, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", dir, err)
	}
	defer root.Close()
	w := newWalker("", set, opts)
	defer w.cleanup()
	fsys := root.FS()
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if err != nil {
			// An unreadable directory costs that directory, not the walk.
			w.status(p, err.Error())
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != "." && skipDir(p, d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil // symlinks, devices, sockets: never followed or read
		}
		info, err := d.Info()
		if err != nil {
			w.status(p, err.Error())
			return nil
		}
		wanted := w.wanting(p, info)
		if len(wanted) == 0 {
			return nil
		}
		if w.tooLarge(p, info.Size(), wanted) {
			return nil
		}
		data, err := readFile(fsys, p, w.opts.MaxFileSize)
		if err != nil {
			w.status(p, err.Error())
			w.consumed(wanted, p)
			return nil
		}
		w.run(ctx, wanted, p, info, data)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("walking %s: %w", dir, err)
	}
	return w.inv, nil
}

// readFile reads at most limit bytes of a file; a file that grew past the
// limit since it was listed is an error.
func readFile(fsys fs.FS, p string, limit int64) ([]byte, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, errors.New("file grew over the size limit while being read; skipped")
	}
	return data, nil
}
