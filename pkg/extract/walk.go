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
	"slices"
	"strings"

	"github.com/drydockhq/drydock/pkg/model"
)

// DefaultMaxFileSize caps how much of one file the walker reads for an
// extractor. Package databases and lock files are far smaller; a larger file
// is skipped with a status, which defuses sparse-file and decompression bombs.
const DefaultMaxFileSize = 256 << 20

// A hard link whose target was handed to the same extractors gets the
// target's results (walker.reuse). For links whose path makes other
// extractors want them, a walk keeps the content of small wanted files:
// up to maxKeptFile each, maxKeptBytes in all; beyond that such a link is
// reported as not read. Files that are not kept are read into a reused
// scratch buffer of up to maxScratch bytes.
const (
	maxKeptFile  = 1 << 20
	maxKeptBytes = 8 << 20
	maxScratch   = 64 << 20
)

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
	w := newWalker(diffID, set, opts)
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

func newWalker(diffID model.Digest, set Set, opts WalkOptions) *walker {
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	return &walker{
		set:     set,
		opts:    opts,
		inv:     &model.LayerInventory{DiffID: diffID},
		kept:    map[string][]byte{},
		regular: map[string]bool{},
	}
}

type walker struct {
	set  Set
	opts WalkOptions
	inv  *model.LayerInventory
	kept map[string][]byte // content of files read for extractors, for hard links
	// keptBytes is the size of kept, bounded by maxKeptBytes.
	keptBytes int64
	scratch   []byte
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
		if w.regular[target] && w.reuse(target, p, wanted) {
			w.regular[p] = true
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
	if w.tooLarge(p, hdr.Size, wanted) {
		return nil
	}
	keep := hdr.Size <= maxKeptFile && w.keptBytes+hdr.Size <= maxKeptBytes
	var data []byte
	switch {
	case keep || hdr.Size > maxScratch:
		data = make([]byte, hdr.Size)
	default:
		// Binaries and archives are read into one reused buffer: extractors
		// do not retain their input.
		if int64(cap(w.scratch)) < hdr.Size {
			w.scratch = make([]byte, hdr.Size)
		}
		data = w.scratch[:hdr.Size]
	}
	if _, err := io.ReadFull(tr, data); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return fmt.Errorf("truncated: %w", io.ErrUnexpectedEOF)
		}
		return err
	}
	if keep {
		w.kept[p] = data
		w.keptBytes += hdr.Size
	}
	w.run(ctx, wanted, p, info, data)
	return nil
}

// tooLarge records a wanted file over the size limit as skipped.
func (w *walker) tooLarge(p string, size int64, wanted Set) bool {
	if size <= w.opts.MaxFileSize {
		return false
	}
	w.status(p, fmt.Sprintf("file is %d bytes, over the %d-byte limit; skipped", size, w.opts.MaxFileSize))
	w.consumed(wanted, p)
	return true
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
			Path: p, Extractor: e.Name(), Packages: res.Packages, OS: res.OS, Licenses: res.Licenses, Manifest: res.Manifest,
			Secrets: res.Secrets, PersonalData: res.PersonalData,
		})
	}
}

// consumed records that the extractors saw the file but found nothing in it
// (or could not read it). The record matters: a file in an upper layer hides
// the same file below it, whatever it holds.
// reuse gives a hard link the results its target got from the same
// extractors: the content is the same, so nothing needs reading again. It
// reports false when some wanted extractor did not see the target (its
// Required answer depends on the path), which needs the content.
func (w *walker) reuse(target, link string, wanted Set) bool {
	var found []model.FileResult
	for _, e := range wanted {
		i := slices.IndexFunc(w.inv.Files, func(f model.FileResult) bool { return f.Path == target && f.Extractor == e.Name() })
		if i < 0 {
			return false
		}
		found = append(found, w.inv.Files[i])
	}
	for _, f := range found {
		f.Path = link
		f.Packages = slices.Clone(f.Packages)
		for i := range f.Packages {
			locs := slices.Clone(f.Packages[i].Locations)
			for j := range locs {
				if locs[j].Path == target {
					locs[j].Path = link
				}
			}
			f.Packages[i].Locations = locs
		}
		f.Secrets = slices.Clone(f.Secrets)
		for i := range f.Secrets {
			f.Secrets[i].Location.Path = link
		}
		f.PersonalData = slices.Clone(f.PersonalData)
		for i := range f.PersonalData {
			f.PersonalData[i].Location.Path = link
		}
		w.inv.Files = append(w.inv.Files, f)
	}
	return true
}

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
