package rpm_test

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/extract/rpm"
	"github.com/drydockhq/drydock/pkg/model"
)

// backends are the fixtures made by testdata/gen.sh: the database file, the
// path it has in an image, and rpm's own listing of it.
var backends = []struct {
	name, file, path string
}{
	{"sqlite", "testdata/sqlite/rpmdb.sqlite", "var/lib/rpm/rpmdb.sqlite"},
	{"ndb", "testdata/ndb/Packages.db", "usr/lib/sysimage/rpm/Packages.db"},
	{"bdb", "testdata/bdb/Packages", "var/lib/rpm/Packages"},
	{"bdb-be", "testdata/bdb-be/Packages", "var/lib/rpm/Packages"},
}

func TestRequired(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"var/lib/rpm/Packages", true},
		{"var/lib/rpm/Packages.db", true},
		{"var/lib/rpm/rpmdb.sqlite", true},
		{"usr/lib/sysimage/rpm/Packages", true},
		{"usr/lib/sysimage/rpm/Packages.db", true},
		{"usr/lib/sysimage/rpm/rpmdb.sqlite", true},
		{"/var/lib/rpm/Packages", false},
		{"var/lib/rpm/Name", false},
		{"var/lib/rpm/rpmdb.sqlite-wal", false},
		{"var/lib/rpm/__db.001", false},
		{"opt/var/lib/rpm/Packages", false},
		{"var/lib/dpkg/status", false},
	}
	e := rpm.New()
	readme := string(readFile(t, "README.md"))
	for _, tt := range tests {
		if got := e.Required(tt.path, nil); got != tt.want {
			t.Errorf("Required(%q) = %v, want %v", tt.path, got, tt.want)
		}
		if tt.want && !strings.Contains(readme, "`"+tt.path+"`") {
			t.Errorf("README.md does not list %s", tt.path)
		}
	}
}

// run extracts data as if it were the file at p in a layer, and checks that
// the scratch directory is left empty.
func run(t testing.TB, p string, data []byte) (*extract.Result, error) {
	t.Helper()
	return runCtx(context.Background(), t, p, data)
}

func runCtx(ctx context.Context, t testing.TB, p string, data []byte) (*extract.Result, error) {
	t.Helper()
	tmp := t.TempDir()
	in := extract.NewInput(p, nil, bytes.NewReader(data), func() (string, error) { return tmp, nil })
	res, err := rpm.New().Extract(ctx, in)
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("scratch directory not cleaned up: %v", left)
	}
	return res, err
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantRows reads a ground-truth file written by gen.sh: rpm -qa lines of
// NAME, EPOCHNUM:VERSION-RELEASE, ARCH, SOURCERPM, LICENSE. It drops the
// gpg-pubkey pseudo packages and says how many it dropped.
func wantRows(t *testing.T, name string) (rows []string, pubkeys int) {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(readFile(t, name)))
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "gpg-pubkey\t") {
			pubkeys++
			continue
		}
		rows = append(rows, sc.Text())
	}
	return rows, pubkeys
}

// row renders a package the way gen.sh's rpm --queryformat does, rebuilding
// the SOURCERPM file name from Source, so that the comparison does not reuse
// the extractor's parsing.
func row(t *testing.T, p model.Package) string {
	t.Helper()
	evr := p.Version
	if !strings.Contains(evr, ":") {
		evr = "0:" + evr
	}
	src := "(none)"
	if p.Source != nil {
		_, v, _ := strings.Cut(p.Source.Version, ":")
		if !strings.Contains(p.Source.Version, ":") {
			v = p.Source.Version
		}
		src = p.Source.Name + "-" + v + ".src.rpm"
	}
	license := "(none)"
	if len(p.Licenses) == 1 {
		license = p.Licenses[0]
	} else if len(p.Licenses) > 1 {
		t.Errorf("%s: %d licenses, want at most 1", p.Name, len(p.Licenses))
	}
	return strings.Join([]string{p.Name, evr, p.Arch, src, license}, "\t")
}

func TestExtract(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			res, err := run(t, b.path, readFile(t, b.file))
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			want, pubkeys := wantRows(t, filepath.Join("testdata", b.name+".want.tsv"))
			if pubkeys == 0 {
				t.Errorf("fixture has no gpg-pubkey package; the skip is not tested")
			}
			sort.Strings(want) // rpm -qa | sort; the extractor sorts by name, version, arch
			var got []string
			for _, p := range res.Packages {
				got = append(got, row(t, p))
				if p.Type != model.TypeRPM {
					t.Errorf("%s: Type = %q, want %q", p.Name, p.Type, model.TypeRPM)
				}
				if d := cmp.Diff([]model.Location{{Path: b.path}}, p.Locations); d != "" {
					t.Errorf("%s: Locations (-want +got):\n%s", p.Name, d)
				}
				if p.Ecosystem != "" || p.PURL != "" {
					t.Errorf("%s: Ecosystem %q, PURL %q set; a later step sets them", p.Name, p.Ecosystem, p.PURL)
				}
				// In the fixtures every binary package has its source's
				// version, so the source version must carry the epoch too.
				if p.Source == nil || p.Source.Version != p.Version {
					t.Errorf("%s %s: Source = %+v, want the package version", p.Name, p.Version, p.Source)
				}
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("packages differ from rpm -qa (-want +got):\n%s", d)
			}
			if !sort.SliceIsSorted(res.Packages, func(i, j int) bool {
				a, b := res.Packages[i], res.Packages[j]
				return a.Name < b.Name || a.Name == b.Name && (a.Version < b.Version || a.Version == b.Version && a.Arch < b.Arch)
			}) {
				t.Errorf("packages not sorted by name, version, arch")
			}
		})
	}
}

// TestExtractOne spells out one package in full.
func TestExtractOne(t *testing.T) {
	res, err := run(t, "var/lib/rpm/rpmdb.sqlite", readFile(t, "testdata/sqlite/rpmdb.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	want := model.Package{
		Name:      "openssl-libs",
		Version:   "1:3.0.7-27.el9",
		Type:      model.TypeRPM,
		Source:    &model.SourcePackage{Name: "openssl", Version: "1:3.0.7-27.el9"},
		Arch:      "x86_64",
		Licenses:  []string{"ASL 2.0"},
		Locations: []model.Location{{Path: "var/lib/rpm/rpmdb.sqlite"}},
	}
	for _, p := range res.Packages {
		if p.Name == want.Name {
			if d := cmp.Diff(want, p); d != "" {
				t.Errorf("openssl-libs (-want +got):\n%s", d)
			}
			return
		}
	}
	t.Errorf("openssl-libs not found")
}

func TestParseSourceRPM(t *testing.T) {
	tests := []struct {
		in                     string
		name, version, release string
		ok                     bool
	}{
		{"openssl-3.0.7-27.el9.src.rpm", "openssl", "3.0.7", "27.el9", true},
		{"ca-certificates-2024.2.69_v8.0.303-91.4.el9_4.src.rpm", "ca-certificates", "2024.2.69_v8.0.303", "91.4.el9_4", true},
		{"kernel-rt-5.14.0-362.8.1.el9_3.nosrc.rpm", "kernel-rt", "5.14.0", "362.8.1.el9_3", true},
		{"", "", "", "", false},
		{"(none)", "", "", "", false},
		{"openssl.src.rpm", "", "", "", false},
		{"openssl-3.0.7.src.rpm", "", "", "", false},
		{"-3.0.7-27.src.rpm", "", "", "", false},
		{"openssl--27.src.rpm", "", "", "", false},
		{"openssl-3.0.7-.src.rpm", "", "", "", false},
		{"openssl-3.0.7-27.el9", "", "", "", false},
	}
	for _, tt := range tests {
		name, version, release, ok := rpm.ParseSourceRPM(tt.in)
		if name != tt.name || version != tt.version || release != tt.release || ok != tt.ok {
			t.Errorf("ParseSourceRPM(%q) = %q, %q, %q, %v; want %q, %q, %q, %v",
				tt.in, name, version, release, ok, tt.name, tt.version, tt.release, tt.ok)
		}
	}
}

func TestExtractGarbage(t *testing.T) {
	sqlite := readFile(t, "testdata/sqlite/rpmdb.sqlite")
	ndb := readFile(t, "testdata/ndb/Packages.db")
	bdb := readFile(t, "testdata/bdb/Packages")
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"text", []byte("not an rpm database\n")},
		{"zeros", make([]byte, 64<<10)},
		{"sqlite magic only", []byte("SQLite format 3\x00")},
		{"sqlite truncated", sqlite[:len(sqlite)/2]},
		{"sqlite first page", sqlite[:1024]},
		{"ndb header only", ndb[:32]},
		{"ndb truncated", ndb[:len(ndb)/2]},
		{"bdb metadata only", bdb[:512]},
		{"bdb truncated", bdb[:len(bdb)/2]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := run(t, "var/lib/rpm/Packages", tt.data)
			if err == nil {
				t.Fatalf("Extract = %d packages, nil error; want an error", len(res.Packages))
			}
			if !strings.Contains(err.Error(), "var/lib/rpm/Packages") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func FuzzExtract(f *testing.F) {
	for _, b := range backends {
		f.Add(readFile(f, b.file))
	}
	f.Add([]byte("SQLite format 3\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := run(t, "var/lib/rpm/Packages", data)
		if err != nil {
			return
		}
		for _, p := range res.Packages {
			if p.Name == "gpg-pubkey" {
				t.Errorf("gpg-pubkey not skipped")
			}
		}
	})
}

func BenchmarkExtract(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			data := readFile(b, be.file)
			tmp := b.TempDir()
			e := rpm.New()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				in := extract.NewInput(be.path, nil, bytes.NewReader(data), func() (string, error) { return tmp, nil })
				if _, err := e.Extract(context.Background(), in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestResolveRequires: requirements resolve to the package of that name or
// the first that provides the capability; rpmlib() and unprovided files
// are left out. (TestOracle with DRYDOCK_RPMDB_CORPUS checks the provides
// and requires read from 16 real databases against go-rpmdb's: about
// 14,000 edges.)
func TestResolveRequires(t *testing.T) {
	pkg := func(name string) model.Package {
		return model.Package{Name: name, Version: "1-1.el9", Type: model.TypeRPM, Arch: "x86_64"}
	}
	pkgs := []model.Package{pkg("bash"), pkg("glibc"), pkg("ncurses-libs"), pkg("other-libc")}
	caps := []rpm.Capabilities{
		{Provides: []string{"bash", "/bin/sh", "config(bash)"},
			Requires: []string{"/bin/sh", "filesystem", "libc.so.6()(64bit)", "libtinfo.so.6()(64bit)", "rpmlib(BuiltinLuaScripts)", "/usr/bin/missing"}},
		{Provides: []string{"libc.so.6()(64bit)"}, Requires: []string{"glibc-common"}},
		{Provides: []string{"libtinfo.so.6()(64bit)"}, Requires: []string{"libc.so.6()(64bit)"}},
		{Provides: []string{"libc.so.6()(64bit)"}}, // a second provider: glibc came first
	}
	rpm.ResolveRequires(pkgs, caps)
	got := map[string][]string{}
	name := map[string]string{}
	for i := range pkgs {
		name[extract.ProvisionalPURL(&pkgs[i])] = pkgs[i].Name
	}
	for _, p := range pkgs {
		for _, d := range p.DependsOn {
			got[p.Name] = append(got[p.Name], name[d])
		}
	}
	want := map[string][]string{
		"bash":         {"glibc", "ncurses-libs"},
		"ncurses-libs": {"glibc"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
