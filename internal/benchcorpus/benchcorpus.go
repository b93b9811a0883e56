// Package benchcorpus builds the realistic file mix the content-scanner
// benchmarks (pkg/secret, pkg/pii) run on — source text from this module
// and Go's standard library, the test binary in chunks — and the paired
// scan-versus-gunzip measurement they report, so that every scanner is
// compared with the same floor in the same way.
package benchcorpus

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// File is one file of a corpus.
type File struct {
	Path string
	Data []byte
}

// Sources collects up to budget bytes of text files with one of exts from
// this module, then from $GOROOT/src, named app/module/… and app/goroot/…;
// files over 1 MiB and those keep rejects (by the name they get) are left
// out, so that every byte counted is one the scanner reads.
func Sources(budget int, exts []string, keep func(path string) bool) ([]File, error) {
	_, self, _, _ := runtime.Caller(0)
	module := filepath.Join(filepath.Dir(self), "..", "..")
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOROOT: %w", err)
	}
	var (
		files []File
		text  int
	)
	for _, tree := range []struct{ root, name string }{
		{module, "module"},
		{filepath.Join(strings.TrimSpace(string(out)), "src"), "goroot"},
	} {
		err := filepath.WalkDir(tree.root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || text >= budget {
				if err == nil && d.IsDir() {
					return filepath.SkipDir
				}
				return err
			}
			if d.IsDir() {
				if strings.HasPrefix(d.Name(), ".") && p != tree.root {
					return filepath.SkipDir
				}
				return nil
			}
			if !slices.Contains(exts, filepath.Ext(p)) {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil || len(b) > 1<<20 {
				return err
			}
			rel, _ := filepath.Rel(tree.root, p)
			name := "app/" + tree.name + "/" + filepath.ToSlash(rel)
			if !keep(name) {
				return nil
			}
			files = append(files, File{name, b})
			text += len(b)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return files, nil
}

// Binary returns up to budget bytes of the running test binary in 512 KiB
// files named app/bin/partN.
func Binary(budget int) ([]File, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	bin, err := os.ReadFile(exe)
	if err != nil {
		return nil, err
	}
	var files []File
	for off := 0; off+512<<10 <= min(len(bin), budget); off += 512 << 10 {
		files = append(files, File{fmt.Sprintf("app/bin/part%d", off), bin[off : off+512<<10]})
	}
	return files, nil
}

// Variants runs fn as sub-benchmarks on the corpus that corpus returns:
// "mix" with the binaries, "text" without them; n is their total size.
func Variants(b *testing.B, corpus func() ([]File, error), fn func(b *testing.B, files []File, n int64)) {
	all, err := corpus()
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"mix", "text"} {
		b.Run(name, func(b *testing.B) {
			var (
				files []File
				n     int64
			)
			for _, f := range all {
				if name == "text" && strings.HasPrefix(f.Path, "app/bin/") {
					continue
				}
				files = append(files, f)
				n += int64(len(f.Data))
			}
			fn(b, files, n)
		})
	}
}

// GzipFloor is the body of a floor benchmark: it decompresses the gzipped
// files, the work any layer scan does before an extractor sees a byte.
func GzipFloor(b *testing.B, files []File, n int64) {
	gz := Gzip(files)
	b.SetBytes(n)
	for b.Loop() {
		Gunzip(b, gz)
	}
}

// Gzip compresses the concatenated files.
func Gzip(files []File) []byte {
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	for _, f := range files {
		w.Write(f.Data)
	}
	w.Close()
	return gz.Bytes()
}

// Gunzip decompresses gz to nowhere: the floor any layer scan pays before
// an extractor sees a byte.
func Gunzip(b testing.TB, gz []byte) {
	r, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, r); err != nil {
		b.Fatal(err)
	}
}

// Ratio alternates one scan of files and one gunzip of the same bytes per
// iteration and reports how many times faster the scan is ("x-gzip"):
// paired runs keep the ratio steady on a loaded machine, where the MB/s of
// separate benchmarks drift.
func Ratio(b *testing.B, files []File, n int64, scan func(File) error) {
	gz := Gzip(files)
	b.SetBytes(2 * n)
	var scanT, gzT time.Duration
	for b.Loop() {
		t := time.Now()
		for _, f := range files {
			if err := scan(f); err != nil {
				b.Fatal(err)
			}
		}
		scanT += time.Since(t)
		t = time.Now()
		Gunzip(b, gz)
		gzT += time.Since(t)
	}
	b.ReportMetric(gzT.Seconds()/scanT.Seconds(), "x-gzip")
	b.ReportMetric(float64(b.N)*float64(n)/scanT.Seconds()/1e6, "scan-MB/s")
	b.ReportMetric(float64(b.N)*float64(n)/gzT.Seconds()/1e6, "gzip-MB/s")
}
