package secret_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/drydockhq/drydock/pkg/secret"
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
// source text (this module, then $GOROOT/src, whose crypto testdata has
// real keys), generated configuration files with some secrets, and
// binaries. Paths are put under app/; files the built-in allow entries
// skip by path (tests, testdata, Markdown) are left out, so that every
// byte counted is read: text is scanned, binaries are sniffed.
var benchCorpus = sync.OnceValues(func() ([]benchFile, error) {
	var files []benchFile
	text := 0
	e := secret.New()
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
			case ".go", ".md", ".yaml", ".yml", ".json", ".toml", ".sh", ".txt", ".pem", ".key", ".html", ".js", ".py", ".c", ".h", ".s":
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
				return nil // tests, testdata, docs: skipped by path, not counted
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
	for i := range 300 {
		var b bytes.Buffer
		fmt.Fprintf(&b, "# service %d\nHOST=db-%d.internal\nPORT=%d\nLOG_LEVEL=info\nFEATURE_FLAGS=a,b,c\n", i, i, 5000+i)
		switch i % 10 {
		case 0:
			fmt.Fprintf(&b, "DB_PASSWORD=Zq%dxR7!vK2%dpL\n", i, i*7)
		case 1:
			b.WriteString("aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n")
		}
		b.WriteString(strings.Repeat("# comment line with ordinary configuration text\n", 12))
		files = append(files, benchFile{fmt.Sprintf("app/conf/svc%d.env", i), b.Bytes()})
		js := fmt.Sprintf(`{"name": "svc%d", "replicas": 3, "image": "registry.example.com/svc:%d", "env": {"MODE": "prod"}, "limits": {"cpu": "500m", "memory": "256Mi"}}`, i, i)
		files = append(files, benchFile{fmt.Sprintf("app/conf/svc%d.json", i), []byte(js + "\n")})
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
	e := secret.New()
	for _, textOnly := range []bool{false, true} {
		name := "mix"
		if textOnly {
			name = "text"
		}
		b.Run(name, func(b *testing.B) {
			files, n := corpus(b, textOnly)
			b.SetBytes(n)
			found := 0
			for b.Loop() {
				found = 0
				for _, f := range files {
					if !e.Required(f.path, nil) {
						continue
					}
					res, err := e.Scan(context.Background(), f.path, f.data)
					if err != nil {
						b.Fatal(err)
					}
					found += len(res.Secrets)
				}
			}
			b.ReportMetric(float64(found), "secrets")
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
	e := secret.New()
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
