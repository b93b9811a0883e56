package javascript

import (
	"bytes"
	"context"
	"testing"
)

// The benchmarks parse the lock files of a real tree of about 460 packages
// (jest, webpack, eslint, babel, typescript, express; testdata/make.sh) and
// report MB/s.

func benchParse(b *testing.B, parse parser, data []byte, min int) {
	b.Helper()
	res, err := parse(context.Background(), bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	if len(res.Packages) < min || len(res.Warnings) > 0 {
		b.Fatalf("%d packages, warnings %q", len(res.Packages), res.Warnings)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := parse(context.Background(), bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNPMLock(b *testing.B) {
	benchParse(b, ParseNPMLock, gunzip(b, "testdata/big/package-lock.json.gz"), 400)
}

func BenchmarkYarnLock(b *testing.B) {
	benchParse(b, ParseYarnLock, gunzip(b, "testdata/big/yarn.lock.gz"), 400)
}

func BenchmarkPNPMLock(b *testing.B) {
	benchParse(b, ParsePNPMLock, gunzip(b, "testdata/big/pnpm-lock.yaml.gz"), 400)
}

func BenchmarkPackageJSON(b *testing.B) {
	benchParse(b, ParsePackageJSON, readFile(b, "testdata/nodemodules/node_modules/mocha/package.json"), 1)
}
