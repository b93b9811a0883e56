package pii_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/drydockhq/drydock/pkg/pii"
)

// benchFile is one file of the benchmark corpus.
type benchFile struct {
	path string
	data []byte
}

// Corpus sizes, bytes.
const (
	benchText   = 6 << 20 // source text: this module and Go's standard library
	benchBinary = 2 << 20 // the test binary, in 512 KiB files
)

// benchCorpus is a realistic mix of what an application image holds:
// source text (this module, then $GOROOT/src), configuration files,
// customer exports (CSV, about 1 MiB) and binaries. Files the extractor
// skips by path are left out, so that every byte counted is read.
var benchCorpus = sync.OnceValues(func() ([]benchFile, error) {
	e := pii.New()
	var files []benchFile
	text := 0
	addTree := func(root, name string) error {
		return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || text >= benchText {
				if err == nil && d.IsDir() {
					return filepath.SkipDir
				}
				return err
			}
			if d.IsDir() {
				if strings.HasPrefix(d.Name(), ".") && p != root {
					return filepath.SkipDir
				}
				return nil
			}
			switch filepath.Ext(p) {
			case ".go", ".yaml", ".yml", ".json", ".toml", ".sh", ".txt", ".html", ".js", ".py", ".c", ".h", ".s", ".csv":
			default:
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil || len(b) > 1<<20 {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			path := "app/" + name + "/" + filepath.ToSlash(rel)
			if !e.Required(path, nil) {
				return nil
			}
			files = append(files, benchFile{path, b})
			text += len(b)
			return nil
		})
	}
	if err := addTree("../..", "module"); err != nil {
		return nil, err
	}
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return nil, err
	}
	if err := addTree(filepath.Join(strings.TrimSpace(string(out)), "src"), "goroot"); err != nil {
		return nil, err
	}
	rnd := rand.New(rand.NewPCG(9, 9))
	for i := range 10 {
		files = append(files, benchFile{fmt.Sprintf("srv/exports/customers-%d.csv", i), []byte(peopleCSV(nil, people(500, rnd)))})
	}
	for i := range 300 {
		files = append(files, benchFile{fmt.Sprintf("app/conf/svc%d.yaml", i), []byte(fmt.Sprintf(
			"name: svc%d\nreplicas: 3\nimage: registry.example.com/svc:%d\ncontact: team-%d@example.com\nresources:\n  cpu: 500m\n  memory: 256Mi\nversion: 1.2.%d\n", i, i, i, i))})
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	bin, err := os.ReadFile(exe)
	if err != nil {
		return nil, err
	}
	for off := 0; off+512<<10 <= min(len(bin), benchBinary); off += 512 << 10 {
		files = append(files, benchFile{fmt.Sprintf("app/bin/part%d", off), bin[off : off+512<<10]})
	}
	return files, nil
})

func corpus(b *testing.B, textOnly bool) ([]benchFile, int64) {
	b.Helper()
	files, err := benchCorpus()
	if err != nil {
		b.Fatal(err)
	}
	var out []benchFile
	var n int64
	for _, f := range files {
		if textOnly && strings.HasPrefix(f.path, "app/bin/") {
			continue
		}
		out = append(out, f)
		n += int64(len(f.data))
	}
	return out, n
}

// BenchmarkScan measures Required + Scan over the corpus; compare its MB/s
// with BenchmarkGzipFloor's (same bytes).
func BenchmarkScan(b *testing.B) {
	e := pii.New()
	for _, textOnly := range []bool{false, true} {
		name := "mix"
		if textOnly {
			name = "text"
		}
		b.Run(name, func(b *testing.B) {
			files, n := corpus(b, textOnly)
			b.SetBytes(n)
			reported := 0
			for b.Loop() {
				reported = 0
				for _, f := range files {
					if !e.Required(f.path, nil) {
						continue
					}
					res, err := e.Scan(context.Background(), f.path, f.data)
					if err != nil {
						b.Fatal(err)
					}
					reported += len(res.PersonalData)
				}
			}
			b.ReportMetric(float64(reported), "files-reported")
		})
	}
}

// BenchmarkGzipFloor decompresses the same corpus, gzipped: the floor any
// layer scan pays before an extractor sees a byte.
func BenchmarkGzipFloor(b *testing.B) {
	for _, textOnly := range []bool{false, true} {
		name := "mix"
		if textOnly {
			name = "text"
		}
		b.Run(name, func(b *testing.B) {
			files, n := corpus(b, textOnly)
			var gz bytes.Buffer
			w := gzip.NewWriter(&gz)
			for _, f := range files {
				w.Write(f.data)
			}
			w.Close()
			b.SetBytes(n)
			for b.Loop() {
				r, err := gzip.NewReader(bytes.NewReader(gz.Bytes()))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRatio alternates one scan and one gzip decompression of the
// same corpus per iteration and reports how many times faster the scan is
// ("x-gzip"): paired runs keep the ratio steady on a loaded machine, where
// the MB/s of separate benchmarks drift.
func BenchmarkRatio(b *testing.B) {
	e := pii.New()
	for _, textOnly := range []bool{false, true} {
		name := "mix"
		if textOnly {
			name = "text"
		}
		b.Run(name, func(b *testing.B) {
			files, n := corpus(b, textOnly)
			var gz bytes.Buffer
			w := gzip.NewWriter(&gz)
			for _, f := range files {
				w.Write(f.data)
			}
			w.Close()
			b.SetBytes(2 * n)
			var scanT, gzT time.Duration
			for b.Loop() {
				t := time.Now()
				for _, f := range files {
					if e.Required(f.path, nil) {
						if _, err := e.Scan(context.Background(), f.path, f.data); err != nil {
							b.Fatal(err)
						}
					}
				}
				scanT += time.Since(t)
				t = time.Now()
				r, err := gzip.NewReader(bytes.NewReader(gz.Bytes()))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, r); err != nil {
					b.Fatal(err)
				}
				gzT += time.Since(t)
			}
			b.ReportMetric(gzT.Seconds()/scanT.Seconds(), "x-gzip")
			b.ReportMetric(float64(b.N)*float64(n)/scanT.Seconds()/1e6, "scan-MB/s")
			b.ReportMetric(float64(b.N)*float64(n)/gzT.Seconds()/1e6, "gzip-MB/s")
		})
	}
}
