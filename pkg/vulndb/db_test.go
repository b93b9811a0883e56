package vulndb_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/vulndb"
	"github.com/drydockhq/drydock/pkg/vulndb/ingest"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"
)

var builtAt = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func testEntries() []*osv.Entry {
	mk := func(id, eco, name, fixed string) *osv.Entry {
		return &osv.Entry{
			ID: id, Modified: builtAt, Summary: "test " + id,
			Affected: []osv.Affected{{
				Package: osv.Package{Ecosystem: eco, Name: name},
				Ranges:  []osv.Range{{Type: osv.RangeEcosystem, Events: []osv.Event{{Introduced: "0"}, {Fixed: fixed}}}},
			}},
		}
	}
	return []*osv.Entry{
		mk("TEST-1", "Debian:12", "openssl", "3.0.13-1~deb12u1"),
		mk("TEST-2", "Debian:12", "openssl", "3.0.14-1~deb12u1"),
		mk("TEST-3", "PyPI", "Jw.Util", "2.3"),
		mk("TEST-4", "Go", "golang.org/x/net", "0.23.0"),
	}
}

// buildDB writes entries as OSV files and builds a DB of them.
func buildDB(t testing.TB, entries []*osv.Entry) string {
	t.Helper()
	in := t.TempDir()
	for _, e := range entries {
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(in, e.ID+".json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "vuln.db")
	if _, err := ingest.Build(context.Background(), out, []string{in}, ingest.Options{Now: func() time.Time { return builtAt }}); err != nil {
		t.Fatal(err)
	}
	return out
}

func ids(es []*osv.Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func TestDB(t *testing.T) {
	path := buildDB(t, testEntries())
	db, err := vulndb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	tests := []struct {
		eco  model.Ecosystem
		name string
		want []string
	}{
		{"Debian:12", "openssl", []string{"TEST-1", "TEST-2"}},
		{"Debian:11", "openssl", nil},
		{"PyPI", "jw-util", []string{"TEST-3"}},
		{"PyPI", "JW_UTIL", []string{"TEST-3"}},
		{"Go", "golang.org/x/net", []string{"TEST-4"}},
		{"Go", "golang.org/x/net/http2", nil},
		{"", "", nil},
	}
	for i := 0; i < 2; i++ { // the second pass is served from the cache
		for _, tt := range tests {
			es, err := db.Affecting(ctx, tt.eco, tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, ids(es)); diff != "" {
				t.Errorf("Affecting(%s, %s) (-want +got):\n%s", tt.eco, tt.name, diff)
			}
		}
	}
	e, err := db.Get(ctx, "TEST-3")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(testEntries()[2], e); diff != "" {
		t.Errorf("Get(TEST-3) (-want +got):\n%s", diff)
	}
	if _, err := db.Get(ctx, "NOPE"); !errors.Is(err, vulndb.ErrNotFound) {
		t.Errorf("Get(NOPE) = %v, want ErrNotFound", err)
	}
	info, err := db.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.SchemaVersion != vulndb.SchemaVersion || !info.BuiltAt.Equal(builtAt) || len(info.Sources) != 1 ||
		info.Sources[0].Records != 4 || len(info.Sources[0].SHA256) != 64 {
		t.Errorf("Info = %+v", info)
	}
	if diff := cmp.Diff(map[string]int{"Debian:12": 2, "PyPI": 1, "Go": 1}, info.Counts); diff != "" {
		t.Errorf("Counts (-want +got):\n%s", diff)
	}
	if err := db.Verify(ctx); err != nil {
		t.Errorf("Verify: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := db.Affecting(cctx, "Go", "golang.org/x/net"); !errors.Is(err, context.Canceled) {
		t.Errorf("Affecting(cancelled) = %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Affecting(ctx, "Go", "golang.org/x/net"); !errors.Is(err, vulndb.ErrClosed) {
		t.Errorf("Affecting after Close = %v, want ErrClosed", err)
	}
	if _, err := db.Info(ctx); !errors.Is(err, vulndb.ErrClosed) {
		t.Errorf("Info after Close = %v, want ErrClosed", err)
	}
}

func TestDBConcurrent(t *testing.T) {
	db, err := vulndb.Open(buildDB(t, testEntries()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				es, err := db.Affecting(ctx, "Debian:12", "openssl")
				if err != nil || len(es) != 2 {
					t.Errorf("Affecting = %d, %v", len(es), err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// rewriteMeta changes one meta key of a copy of the DB at src.
func rewriteMeta(t *testing.T, src, key, value string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "changed.db")
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
	bdb, err := bolt.Open(dst, 0o644, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	err = bdb.Update(func(tx *bolt.Tx) error {
		if value == "" {
			return tx.DeleteBucket([]byte(key))
		}
		return tx.Bucket([]byte("meta")).Put([]byte(key), []byte(value))
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestOpenRefuses(t *testing.T) {
	good := buildDB(t, testEntries())
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	garbage := []byte(strings.Repeat("not a database ", 1000))
	tests := []struct {
		name    string
		path    string
		want    error
		message string
	}{
		{"missing", filepath.Join(t.TempDir(), "none.db"), os.ErrNotExist, "no such file"},
		{"empty", write("empty.db", nil), vulndb.ErrCorrupt, "only 0 bytes"},
		{"garbage", write("garbage.db", garbage), vulndb.ErrCorrupt, "corrupt"},
		{"truncated", write("half.db", data[:len(data)/2]), vulndb.ErrCorrupt, "truncated"},
		{"other schema", rewriteMeta(t, good, "schema", "999"), vulndb.ErrSchema, "schema 999"},
		{"bad schema", rewriteMeta(t, good, "schema", "x"), vulndb.ErrCorrupt, "schema"},
		{"no index", rewriteMeta(t, good, "idx", ""), vulndb.ErrCorrupt, `no "idx" bucket`},
		{"directory", t.TempDir(), nil, "not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := vulndb.Open(tt.path)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Open = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.message) {
				t.Errorf("Open = %q, want it to mention %q", err, tt.message)
			}
		})
	}
}

// stagedDB builds, once per test binary, a DB of all the real data staged in
// shared/data, and returns its path; it skips when the data is absent.
var stagedDB = sync.OnceValues(func() (string, error) {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "data")
	inputs, _ := filepath.Glob(filepath.Join(dir, "*.zip"))
	more, _ := filepath.Glob(filepath.Join(dir, "*.tar.zst"))
	inputs = append(inputs, more...)
	if len(inputs) == 0 {
		return "", errors.New("staged vulnerability data not found in " + dir)
	}
	if err := os.MkdirAll(stagedDir(), 0o755); err != nil {
		return "", err
	}
	out := filepath.Join(stagedDir(), "vuln.db")
	_, err := ingest.Build(context.Background(), out, inputs, ingest.Options{})
	return out, err
})

func stagedPath(tb testing.TB) string {
	tb.Helper()
	if testing.Short() {
		tb.Skip("full-data DB skipped in -short mode")
	}
	p, err := stagedDB()
	if err != nil {
		tb.Skip(err)
	}
	return p
}

// stagedDir is where this test binary builds the staged DB.
func stagedDir() string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("drydock-vulndb-test-%d", os.Getpid()))
}

func TestMain(m *testing.M) {
	code := m.Run()
	os.RemoveAll(stagedDir())
	os.Exit(code)
}

func TestOpenStagedIsFast(t *testing.T) {
	path := stagedPath(t)
	var times []time.Duration
	for i := 0; i < 5; i++ {
		start := time.Now()
		db, err := vulndb.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		times = append(times, time.Since(start))
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	t.Logf("open times %v", times)
	if times[len(times)/2] > 100*time.Millisecond {
		t.Errorf("median open time %v, want < 100ms", times[len(times)/2])
	}
}

func TestVerifyStaged(t *testing.T) {
	db, err := vulndb.Open(stagedPath(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	if err := db.Verify(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Logf("verified in %v", time.Since(start))
}

// benchDB opens the staged DB, or a small one when the data is absent.
func benchDB(b *testing.B) *vulndb.DB {
	b.Helper()
	path := ""
	if p, err := stagedDB(); err == nil && !testing.Short() {
		path = p
	} else {
		path = buildDB(b, testEntries())
	}
	db, err := vulndb.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	b.ResetTimer()
	return db
}

func BenchmarkOpen(b *testing.B) {
	db := benchDB(b)
	path := db.Path()
	for b.Loop() {
		d, err := vulndb.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		d.Close()
	}
}

// BenchmarkAffectingMiss measures the index alone: a package with no
// advisories.
func BenchmarkAffectingMiss(b *testing.B) {
	db := benchDB(b)
	ctx := context.Background()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if es, err := db.Affecting(ctx, "npm", "no-such-package"); err != nil || es != nil {
				b.Fatal(es, err)
			}
		}
	})
}

// BenchmarkAffectingHit measures a package with one advisory (PyPI
// jw.util, asked for as "JW_Util") whose decoded entry is in the cache.
func BenchmarkAffectingHit(b *testing.B) {
	benchHit(b, "PyPI", "JW_Util")
}

// BenchmarkAffectingHitMany measures a package with many advisories, all
// cached.
func BenchmarkAffectingHitMany(b *testing.B) {
	benchHit(b, "Go", "golang.org/x/net")
}

func benchHit(b *testing.B, eco model.Ecosystem, name string) {
	db := benchDB(b)
	ctx := context.Background()
	es, err := db.Affecting(ctx, eco, name)
	if err != nil || len(es) == 0 {
		b.Fatal(es, err)
	}
	b.ReportMetric(float64(len(es)), "advisories/op")
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := db.Affecting(ctx, eco, name); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAffectingUncached measures the same lookup with the cache
// disabled: every advisory is decompressed and decoded.
func BenchmarkAffectingUncached(b *testing.B) {
	db := benchDB(b)
	vulndb.SetCacheEntries(db, 1)
	ctx := context.Background()
	eco, name := model.Ecosystem("Go"), "golang.org/x/net"
	es, err := db.Affecting(ctx, eco, name)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(es)), "advisories/op")
	for b.Loop() {
		if _, err := db.Affecting(ctx, eco, name); err != nil {
			b.Fatal(err)
		}
	}
}
