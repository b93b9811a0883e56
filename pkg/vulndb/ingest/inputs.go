package ingest

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/klauspost/compress/zstd"
)

// doc is one document of an input: a file of a directory or an archive
// member.
type doc struct {
	path    string // slash-separated, relative to the input (the input's own name for a single file)
	modTime time.Time
	r       io.Reader
}

// readInput feeds every document of the input at p to the collector.
func readInput(ctx context.Context, p string, idx int, src *SourceReport, col *collector, log *slog.Logger) error {
	fi, err := os.Stat(p)
	if err != nil {
		return fmt.Errorf("reading input: %w", err)
	}
	handle := func(d doc) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		col.document(src, idx, d, log)
		return nil
	}
	lower := strings.ToLower(p)
	switch {
	case fi.IsDir():
		err = walkDir(p, src, handle)
	case strings.HasSuffix(lower, ".zip"):
		if src.SHA256, err = hashFile(p); err == nil {
			err = walkZip(p, handle)
		}
	case isTar(lower):
		if src.SHA256, err = hashFile(p); err == nil {
			err = walkTar(p, lower, handle)
		}
	default:
		if src.SHA256, err = hashFile(p); err == nil {
			err = walkFile(p, fi, handle)
		}
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", p, err)
	}
	return nil
}

func isTar(lower string) bool {
	for _, s := range []string{".tar", ".tar.gz", ".tgz", ".tar.zst", ".tzst"} {
		if strings.HasSuffix(lower, s) {
			return true
		}
	}
	return false
}

func hashFile(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func walkFile(p string, fi fs.FileInfo, handle func(doc) error) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	return handle(doc{path: filepath.ToSlash(p), modTime: fi.ModTime().UTC(), r: f})
}

// walkDir walks a directory in lexical order, skipping hidden entries and
// archives (an archive is an input of its own), and computes its tree hash.
func walkDir(root string, src *SourceReport, handle func(doc) error) error {
	tree := sha256.New()
	err := filepath.WalkDir(root, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel != "." && strings.HasPrefix(de.Name(), ".") {
			if de.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !de.Type().IsRegular() {
			return nil
		}
		lower := strings.ToLower(de.Name())
		if isArchive(lower) {
			return nil // an input of its own (expandInputs)
		}
		fi, err := de.Info()
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		r := io.TeeReader(f, h)
		if err := handle(doc{path: rel, modTime: fi.ModTime().UTC(), r: r}); err != nil {
			return err
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			return err
		}
		fmt.Fprintf(tree, "%x  %s\n", h.Sum(nil), rel)
		return nil
	})
	src.SHA256 = hex.EncodeToString(tree.Sum(nil))
	return err
}

func walkZip(p string, handle func(doc) error) error {
	zr, err := zip.OpenReader(p)
	if err != nil {
		return err
	}
	defer zr.Close()
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() || !zf.Mode().IsRegular() {
			continue
		}
		if err := func() error {
			rc, err := zf.Open()
			if err != nil {
				return fmt.Errorf("%s: %w", zf.Name, err)
			}
			defer rc.Close()
			return handle(doc{path: path.Clean(zf.Name), modTime: zf.Modified.UTC(), r: rc})
		}(); err != nil {
			return err
		}
	}
	return nil
}

func walkTar(p, lower string, handle func(doc) error) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = bufio.NewReaderSize(f, 1<<20)
	switch {
	case strings.HasSuffix(lower, ".gz"), strings.HasSuffix(lower, ".tgz"):
		gz, err := gzip.NewReader(r)
		if err != nil {
			return err
		}
		defer gz.Close()
		r = gz
	case strings.HasSuffix(lower, ".zst"), strings.HasSuffix(lower, ".tzst"):
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return err
		}
		defer zr.Close()
		r = zr
	}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if err := handle(doc{path: path.Clean(strings.TrimPrefix(h.Name, "./")), modTime: h.ModTime.UTC(), r: tr}); err != nil {
			return err
		}
	}
}

func isArchive(lowerName string) bool {
	return strings.HasSuffix(lowerName, ".zip") || isTar(lowerName)
}

// expandInputs turns each directory input into the archives found in it
// (each an input of its own, in path order) followed by the directory
// itself when it also holds loose files, so that a folder of feeds such as
// ../shared/data can be given whole. Hidden entries are skipped, as
// walkDir does.
func expandInputs(inputs []string) ([]string, error) {
	var out []string
	for _, in := range inputs {
		fi, err := os.Stat(in)
		if err != nil || !fi.IsDir() {
			out = append(out, in) // readInput reports the error
			continue
		}
		loose := false
		err = filepath.WalkDir(in, func(p string, de fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if p != in && strings.HasPrefix(de.Name(), ".") {
				if de.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !de.Type().IsRegular() {
				return nil
			}
			if isArchive(strings.ToLower(de.Name())) {
				out = append(out, p)
			} else {
				loose = true
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("reading input %s: %w", in, err)
		}
		if loose {
			out = append(out, in)
		}
	}
	return out, nil
}
