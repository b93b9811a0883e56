package pii_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/drydockhq/drydock/internal/benchcorpus"
	"github.com/drydockhq/drydock/pkg/pii"
)

// Corpus sizes, bytes.
const (
	benchText   = 6 << 20 // source text: this module and Go's standard library
	benchBinary = 2 << 20 // the test binary, in 512 KiB files
)

// benchCorpus is a realistic mix: source text (this module, then
// $GOROOT/src), configuration files, customer exports (CSV, about 1 MiB)
// and binaries. Files the extractor skips by path are left out, so that
// every byte counted is read.
var benchCorpus = sync.OnceValues(func() ([]benchcorpus.File, error) {
	e := pii.New()
	files, err := benchcorpus.Sources(benchText, []string{".go", ".yaml", ".yml", ".json", ".toml", ".sh", ".txt", ".html", ".js", ".py", ".c", ".h", ".s", ".csv"},
		func(p string) bool { return e.Required(p, nil) })
	if err != nil {
		return nil, err
	}
	rnd := rand.New(rand.NewPCG(9, 9))
	for i := range 10 {
		files = append(files, benchcorpus.File{Path: fmt.Sprintf("srv/exports/customers-%d.csv", i), Data: []byte(peopleCSV(nil, people(500, rnd)))})
	}
	for i := range 300 {
		files = append(files, benchcorpus.File{Path: fmt.Sprintf("app/conf/svc%d.yaml", i), Data: []byte(fmt.Sprintf(
			"name: svc%d\nreplicas: 3\nimage: registry.example.com/svc:%d\ncontact: team-%d@example.com\nresources:\n  cpu: 500m\n  memory: 256Mi\nversion: 1.2.%d\n", i, i, i, i))})
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
	e := pii.New()
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
				found += len(res.PersonalData)
			}
		}
		b.ReportMetric(float64(found), "files-reported")
	})
}

// BenchmarkGzipFloor decompresses the same corpus, gzipped.
func BenchmarkGzipFloor(b *testing.B) {
	benchcorpus.Variants(b, benchCorpus, benchcorpus.GzipFloor)
}

// BenchmarkRatio pairs each scan with a gunzip of the same bytes and
// reports the ratio ("x-gzip"), steady even on a loaded machine.
func BenchmarkRatio(b *testing.B) {
	e := pii.New()
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
