package secret_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/drydockhq/drydock/internal/benchcorpus"
	"github.com/drydockhq/drydock/pkg/secret"
)

// Corpus sizes, bytes.
const (
	benchText   = 6 << 20 // source text: this module and Go's standard library
	benchBinary = 2 << 20 // the test binary, in 512 KiB files
)

// benchCorpus is a realistic mix of what an application image holds:
// source text (this module, then $GOROOT/src, whose crypto testdata has
// real keys), generated configuration files with some secrets, and
// binaries. Files the built-in allow entries skip by path (tests,
// testdata, Markdown) are left out: every byte counted is read.
var benchCorpus = sync.OnceValues(func() ([]benchcorpus.File, error) {
	e := secret.New()
	files, err := benchcorpus.Sources(benchText, []string{".go", ".md", ".yaml", ".yml", ".json", ".toml", ".sh", ".txt", ".pem", ".key", ".html", ".js", ".py", ".c", ".h", ".s"},
		func(p string) bool { return e.Required(p, nil) })
	if err != nil {
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
		files = append(files, benchcorpus.File{Path: fmt.Sprintf("app/conf/svc%d.env", i), Data: b.Bytes()})
		js := fmt.Sprintf(`{"name": "svc%d", "replicas": 3, "image": "registry.example.com/svc:%d", "env": {"MODE": "prod"}, "limits": {"cpu": "500m", "memory": "256Mi"}}`, i, i)
		files = append(files, benchcorpus.File{Path: fmt.Sprintf("app/conf/svc%d.json", i), Data: []byte(js + "\n")})
	}
	bin, err := benchcorpus.Binary(benchBinary)
	if err != nil {
		return nil, err
	}
	return append(files, bin...), nil
})

// BenchmarkScan measures Required + Scan over the corpus; compare its MB/s
// with BenchmarkGzipFloor's (same bytes).
func BenchmarkScan(b *testing.B) {
	e := secret.New()
	benchcorpus.Variants(b, benchCorpus, func(b *testing.B, files []benchcorpus.File, n int64) {
		b.SetBytes(n)
		found := 0
		for b.Loop() {
			found = 0
			for _, f := range files {
				if !e.Required(f.Path, nil) {
					continue
				}
				res, err := e.Scan(context.Background(), f.Path, f.Data)
				if err != nil {
					b.Fatal(err)
				}
				found += len(res.Secrets)
			}
		}
		b.ReportMetric(float64(found), "secrets")
	})
}

// BenchmarkGzipFloor decompresses the same corpus, gzipped.
func BenchmarkGzipFloor(b *testing.B) {
	benchcorpus.Variants(b, benchCorpus, benchcorpus.GzipFloor)
}

// BenchmarkRatio pairs each scan with a gunzip of the same bytes and
// reports the ratio ("x-gzip"), steady even on a loaded machine.
func BenchmarkRatio(b *testing.B) {
	e := secret.New()
	benchcorpus.Variants(b, benchCorpus, func(b *testing.B, files []benchcorpus.File, n int64) {
		benchcorpus.Ratio(b, files, n, func(f benchcorpus.File) error {
			if !e.Required(f.Path, nil) {
				return nil
			}
			_, err := e.Scan(context.Background(), f.Path, f.Data)
			return err
		})
	})
}
