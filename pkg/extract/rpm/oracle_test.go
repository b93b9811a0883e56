package rpm_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	rpmdb "github.com/knqyf263/go-rpmdb/pkg"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/extract/rpm"
	"github.com/drydockhq/drydock/pkg/model"
)

// TestOracle compares the extractor with github.com/knqyf263/go-rpmdb, the
// parser most scanners use — packages, and the dependency graph from
// go-rpmdb's provides and requires under the extractor's resolution — on
// the fixtures and, when DRYDOCK_RPMDB_CORPUS
// names a directory, on every rpm database below it. go-rpmdb's own test
// data holds real databases of CentOS 5-8, UBI 8 on s390x (big-endian bdb),
// Fedora 35, CBL-Mariner and SLE 15 (ndb):
//
//	DRYDOCK_RPMDB_CORPUS=$(go list -m -f '{{.Dir}}' github.com/knqyf263/go-rpmdb)/pkg/testdata \
//		go test -run TestOracle -v ./pkg/extract/rpm/
//
// go-rpmdb is only trusted with well-formed files: on hostile ones it can
// hang or exhaust memory, which is why the extractor does not use it.
func TestOracle(t *testing.T) {
	// Not testdata/bdb-be: go-rpmdb reads only headers stored on overflow
	// pages and finds none of that file's, which sit on the hash pages.
	files := append([]string{"testdata/sqlite/rpmdb.sqlite", "testdata/ndb/Packages.db", "testdata/bdb/Packages"}, corpus(t)...)
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			res, err := run(t, "var/lib/rpm/"+filepath.Base(file), readFile(t, file))
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			want := oracle(t, file)
			if d := cmp.Diff(want, res.Packages); d != "" {
				t.Errorf("extractor and go-rpmdb differ (-go-rpmdb +extractor):\n%s", d)
			}
			edges := 0
			for _, p := range res.Packages {
				edges += len(p.DependsOn)
			}
			t.Logf("%d packages, %d dependency edges", len(res.Packages), edges)
		})
	}
}

// corpus lists the rpm databases below $DRYDOCK_RPMDB_CORPUS, if set.
func corpus(t testing.TB) []string {
	dir := os.Getenv("DRYDOCK_RPMDB_CORPUS")
	if dir == "" {
		return nil
	}
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch d.Name() {
		case "Packages", "Packages.db", "rpmdb.sqlite":
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// BenchmarkCorpus times the extractor and go-rpmdb on the databases below
// $DRYDOCK_RPMDB_CORPUS (see TestOracle).
func BenchmarkCorpus(b *testing.B) {
	files := corpus(b)
	if len(files) == 0 {
		b.Skip("DRYDOCK_RPMDB_CORPUS not set")
	}
	for _, file := range files {
		data := readFile(b, file)
		name := filepath.Base(filepath.Dir(file))
		b.Run(name+"/drydock", func(b *testing.B) {
			tmp := b.TempDir()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				in := extract.NewInput("var/lib/rpm/"+filepath.Base(file), nil, bytes.NewReader(data), func() (string, error) { return tmp, nil })
				if _, err := rpm.New().Extract(context.Background(), in); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/go-rpmdb", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				db, err := rpmdb.Open(file)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := db.ListPackages(); err != nil {
					b.Fatal(err)
				}
				db.Close()
			}
		})
	}
}

// oracle lists the packages of file with go-rpmdb, in the extractor's form.
func oracle(t *testing.T, file string) []model.Package {
	db, err := rpmdb.Open(file)
	if err != nil {
		t.Fatalf("go-rpmdb: %v", err)
	}
	defer db.Close()
	infos, err := db.ListPackages()
	if err != nil {
		t.Fatalf("go-rpmdb: %v", err)
	}
	var (
		out  []model.Package
		keep []rpm.Capabilities
	)
	for _, p := range infos {
		if p.Name == "gpg-pubkey" {
			continue
		}
		keep = append(keep, rpm.Capabilities{Provides: p.Provides, Requires: p.Requires})
		evr := p.Version + "-" + p.Release
		if p.EpochNum() != 0 {
			evr = strconv.Itoa(p.EpochNum()) + ":" + evr
		}
		pkg := model.Package{
			Name:      p.Name,
			Version:   evr,
			Type:      model.TypeRPM,
			Arch:      p.Arch,
			Locations: []model.Location{{Path: "var/lib/rpm/" + filepath.Base(file)}},
		}
		if p.License != "" {
			pkg.Licenses = []string{p.License}
		}
		if name, ver, rel, ok := rpm.ParseSourceRPM(p.SourceRpm); ok {
			sv := ver + "-" + rel
			if p.EpochNum() != 0 {
				sv = strconv.Itoa(p.EpochNum()) + ":" + sv
			}
			pkg.Source = &model.SourcePackage{Name: name, Version: sv}
		}
		out = append(out, pkg)
	}
	// go-rpmdb's provides and requires, resolved by the extractor's rule.
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool {
		a, b := &out[order[x]], &out[order[y]]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Version != b.Version {
			return a.Version < b.Version
		}
		return a.Arch < b.Arch
	})
	sorted, sortedCaps := make([]model.Package, len(out)), make([]rpm.Capabilities, len(out))
	for k, i := range order {
		sorted[k], sortedCaps[k] = out[i], keep[i]
	}
	rpm.ResolveRequires(sorted, sortedCaps)
	return sorted
}
