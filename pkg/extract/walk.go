package extract

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/drydockhq/drydock/pkg/model"
)

// DefaultMaxFileSize caps how much of one file the walker reads for an
// extractor. Package databases and lock files are far smaller; a larger file
// is skipped with a status, which defuses sparse-file and decompression bombs.
const DefaultMaxFileSize = 256 << 20

// maxKeptBytes bounds the file contents a walk keeps for hard links that may
// follow in the same layer. Package databases are small; jars and binaries
// beyond the budget are not kept, and a later hard link to one of them is
// reported as not read.
const maxKeptBytes = 128 << 20

// WalkOptions tunes Walk.
type WalkOptions struct {
	// MaxFileSize caps the size of a file handed to an extractor; 0 means
	// DefaultMaxFileSize.
	MaxFileSize int64
	// TempDir is the parent of the per-layer scratch directory; "" means
	// os.TempDir().
	TempDir string
}

// Walk reads one layer's uncompressed tar stream once and runs the
// extractors of set on the files they ask for. It never writes layer content
// to disk and never follows links. Problems with single entries or files are
// recorded as statuses in the result; a stream that cannot be read (corrupt or
// truncated tar) is an error naming the entry.
func Walk(ctx context.Context, r io.Reader, diffID model.Digest, set Set, opts WalkOptions) (*model.LayerInventory, error) {
	w := walker{
		set:     set,
		opts:    opts,
		inv:     &model.LayerInventory{DiffID: diffID},
		kept:    map[string][]byte{},
		regular: map[string]bool{},
	}
	if w.opts.MaxFileSize <= 0 {
		w.opts.MaxFileSize = DefaultMaxFileSize
	}
	defer w.cleanup()
	tr := tar.NewReader(r)
	last := ""
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if last == "" {
				return nil, fmt.Errorf("reading tar: %w", err)
			}
			return nil, fmt.Errorf("reading tar after entry %q: %w", last, err)
		}
		last = hdr.Name
		if err := w.entry(ctx, tr, hdr); err != nil {
			return nil, fmt.Errorf("entry %q: %w", hdr.Name, err)
		}
	}
	return w.inv, nil
}

type walker struct {
	set  Set
	opts WalkOptions
	inv  *model.LayerInventory
	kept map[string][]byte // content of files read for extractors, for hard links
	// keptBytes is the size of kept, bounded by maxKeptBytes.
	keptBytes int64
	regular   map[string]bool // every regular file seen in this layer
	tmp       string
}

func (w *walker) status(p, msg string) {
	w.inv.Status = append(w.inv.Status, model.Status{Source: "walk", Layer: w.inv.DiffID, Path: p, Message: msg})
}

// CleanPath turns a tar entry name into a slash-separated path relative to the
// root ("" for the root itself). ok is false when the name escapes the root
// ("../x", "a/../../x"). Absolute names are read relative to the root, as
// container runtimes do.
func CleanPath(name string) (p string, ok bool) {
	rel := path.Clean(strings.TrimLeft(name, "/"))
	switch {
	case rel == "..", strings.HasPrefix(rel, "../"):
		return "", false
	case rel == ".":
		return "", true
	}
	return rel, true
}

func (w *walker) entry(ctx context.Context, tr *tar.Reader, hdr *tar.Header) error {
	p, ok := CleanPath(hdr.Name)
	if !ok {
		w.status(hdr.Name, "path escapes the layer root; entry skipped")
		return nil
	}
	if p == "" {
		return nil // the root itself
	}
	if strings.HasPrefix(hdr.Name, "/") {
		w.status(hdr.Name, "absolute path; read as relative to the layer root")
	}
	dir, base := path.Split(p)
	dir = strings.TrimSuffix(dir, "/")
	if strings.HasPrefix(base, ".wh.") {
		if base == ".wh..wh..opq" {
			w.inv.OpaqueDirs = append(w.inv.OpaqueDirs, dir)
		} else {
			w.inv.Whiteouts = append(w.inv.Whiteouts, path.Join(dir, base[len(".wh."):]))
		}
		return nil
	}
	switch hdr.Typeflag {
	//lint:ignore SA1019 old layers still carry TypeRegA entries
	case tar.TypeReg, tar.TypeRegA, tar.TypeGNUSparse:
		w.regular[p] = true
		return w.file(ctx, tr, hdr, p)
	case tar.TypeLink:
		target, ok := CleanPath(hdr.Linkname)
		if !ok {
			w.status(p, "hard link target "+hdr.Linkname+" escapes the layer root; entry skipped")
			return nil
		}
		info := hdr.FileInfo()
		wanted := w.wanting(p, info)
		if len(wanted) == 0 {
			if w.regular[target] {
				w.regular[p] = true
			}
			return nil
		}
		data, ok := w.kept[target]
		switch {
		case ok:
			w.regular[p] = true
			w.run(ctx, wanted, p, info, data)
		case w.regular[target]:
			w.status(p, "hard link to "+target+", which was not read; entry skipped")
			w.consumed(wanted, p)
		default:
			w.status(p, "hard link to missing target "+target+"; entry skipped")
			w.consumed(wanted, p)
		}
	}
	// Directories, symlinks, devices: nothing to extract. Symlinks are never
	// followed, so loops and links out of the layer are harmless.
	return nil
}

// wanting returns the extractors that want the file.
func (w *walker) wanting(p string, info fs.FileInfo) Set {
	var wanted Set
	for _, e := range w.set {
		if e.Required(p, info) {
			wanted = append(wanted, e)
		}
	}
	return wanted
}

func (w *walker) file(ctx context.Context, tr *tar.Reader, hdr *tar.Header, p string) error {
	info := hdr.FileInfo()
	wanted := w.wanting(p, info)
	if len(wanted) == 0 {
		return nil
	}
	if hdr.Size > w.opts.MaxFileSize {
		w.status(p, fmt.Sprintf("file is %d bytes, over the %d-byte limit; skipped", hdr.Size, w.opts.MaxFileSize))
		w.consumed(wanted, p)
		return nil
	}
	data := make([]byte, hdr.Size)
	if _, err := io.ReadFull(tr, data); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return fmt.Errorf("truncated: %w", io.ErrUnexpectedEOF)
		}
		return err
	}
	if w.keptBytes+int64(len(data)) <= maxKeptBytes {
		w.kept[p] = data
		w.keptBytes += int64(len(data))
	}
	w.run(ctx, wanted, p, info, data)
	return nil
}

func (w *walker) run(ctx context.Context, wanted Set, p string, info fs.FileInfo, data []byte) {
	for _, e := range wanted {
		res, err := w.extract(ctx, e, &Input{Path: p, Info: info, Reader: bytes.NewReader(data), tempDir: w.tempDir})
		if err != nil {
			w.inv.Status = append(w.inv.Status, model.Status{Source: e.Name(), Layer: w.inv.DiffID, Path: p, Message: err.Error()})
		}
		if res == nil || err != nil {
			w.consumed(Set{e}, p)
			continue
		}
		for _, msg := range res.Warnings {
			w.inv.Status = append(w.inv.Status, model.Status{Source: e.Name(), Layer: w.inv.DiffID, Path: p, Message: msg})
		}
		for i := range res.Packages {
			pkg := &res.Packages[i]
			pkg.FoundBy = e.Name()
			if len(pkg.Locations) == 0 {
				pkg.Locations = []model.Location{{Path: p}}
			}
			for j := range pkg.Locations {
				pkg.Locations[j].Layer = w.inv.DiffID
			}
		}
		for i := range res.Secrets {
			res.Secrets[i].Location = model.Location{Path: p, Layer: w.inv.DiffID}
		}
		for i := range res.PersonalData {
			res.PersonalData[i].Location = model.Location{Path: p, Layer: w.inv.DiffID}
		}
		w.inv.Files = append(w.inv.Files, model.FileResult{
			Path: p, Extractor: e.Name(), Packages: res.Packages, OS: res.OS, Licenses: res.Licenses,
			Secrets: res.Secrets, PersonalData: res.PersonalData,
		})
	}
}

// consumed records that the extractors saw the file but found nothing in it
// (or could not read it). The record matters: a file in an upper layer hides
// the same file below it, whatever it holds.
func (w *walker) consumed(set Set, p string) {
	for _, e := range set {
		w.inv.Files = append(w.inv.Files, model.FileResult{Path: p, Extractor: e.Name()})
	}
}

// extract calls one extractor, turning a panic into an error so that a
// parser bug on hostile input costs one file, not the scan.
func (w *walker) extract(ctx context.Context, e Extractor, in *Input) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("extractor panicked: %v", r)
		}
	}()
	return e.Extract(ctx, in)
}

func (w *walker) tempDir() (string, error) {
	if w.tmp == "" {
		d, err := os.MkdirTemp(w.opts.TempDir, "drydock-layer-")
		if err != nil {
			return "", fmt.Errorf("creating scratch directory: %w", err)
		}
		w.tmp = d
	}
	return w.tmp, nil
}

func (w *walker) cleanup() {
	if w.tmp != "" {
		os.RemoveAll(w.tmp)
	}
}
