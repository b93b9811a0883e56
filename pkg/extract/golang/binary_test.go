package golang

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/internal/imagetest"
	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

// The tests build real binaries of testdata/hello with the local toolchain
// (the module proxy is needed only on a cold module cache) and compare what
// ParseBinary reads with what `go version -m` prints.

// builds holds the binaries built from testdata/hello, once per test binary
// run and only when a test needs them (fuzz workers never do).
var builds struct {
	once sync.Once
	dir  string
	bins map[string]string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builds.dir != "" {
		os.RemoveAll(builds.dir)
	}
	os.Exit(code)
}

// binaries returns the paths of the hello binaries by name, building them on
// first use; it skips the test when there is no go command.
func binaries(t testing.TB) map[string]string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	builds.once.Do(func() {
		builds.dir, builds.err = os.MkdirTemp("", "drydock-gobin-")
		if builds.err == nil {
			builds.bins, builds.err = buildAll(builds.dir)
		}
	})
	if builds.err != nil {
		t.Fatalf("building test binaries: %v", builds.err)
	}
	return builds.bins
}

// goEnv is the environment of the go commands the tests run: the local
// toolchain only, no cgo, modules resolved as go.mod says.
func goEnv(extra ...string) []string {
	env := append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod", "CGO_ENABLED=0", "GOWORK=off")
	return append(env, extra...) // later entries win
}

func buildAll(dir string) (map[string]string, error) {
	src := filepath.Join(dir, "src")
	if err := os.CopyFS(src, os.DirFS("testdata/hello")); err != nil {
		return nil, err
	}
	bins := map[string]string{}
	for _, b := range []struct {
		name  string
		flags []string
	}{
		{"hello", []string{"-trimpath"}},
		{"hello-stripped", []string{"-trimpath", "-ldflags=-s -w"}},
		{"hello-ldflags", []string{"-ldflags=-s -w -X main.version=1.4.2"}},
	} {
		out := filepath.Join(dir, b.name)
		args := append(append([]string{"build"}, b.flags...), "-o", out, ".")
		cmd := exec.Command("go", args...)
		cmd.Dir = src
		cmd.Env = goEnv()
		if msg, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, msg)
		}
		bins[b.name] = out
	}
	return bins, nil
}

// crossBuild builds testdata/hello/cmd/lite for another operating system. On
// a cold build cache that costs ~10 s per system, so -short skips it.
func crossBuild(t *testing.T, goos, goarch string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("cross-compiling the standard library is slow on a cold cache")
	}
	src := filepath.Join(filepath.Dir(binaries(t)["hello"]), "src")
	out := filepath.Join(t.TempDir(), "hello-"+goos)
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, "./cmd/lite")
	cmd.Dir = src
	cmd.Env = goEnv("GOOS="+goos, "GOARCH="+goarch)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cross build: %v\n%s", err, msg)
	}
	return out
}

// nv is the part of a package the build info determines.
type nv struct{ Name, Version string }

// oracle runs `go version -m file` and returns the packages it implies under
// the documented rules: deps (replacement if any; local directory
// replacements keep the path and lose the version), the toolchain as
// "stdlib", and the main module with mainVersion.
func oracle(t *testing.T, file, mainVersion string) []nv {
	t.Helper()
	cmd := exec.Command("go", "version", "-m", file)
	cmd.Env = goEnv()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go version -m %s: %v", file, err)
	}
	var (
		pkgs   []nv
		stdlib string
	)
	sc := bufio.NewScanner(bytes.NewReader(out))
	for first := true; sc.Scan(); first = false {
		line := sc.Text()
		if first {
			_, stdlib, _ = strings.Cut(line, ": ")
			continue
		}
		f := strings.Split(strings.TrimPrefix(line, "\t"), "\t")
		switch f[0] {
		case "mod":
			pkgs = append(pkgs, nv{f[1], mainVersion})
		case "dep":
			pkgs = append(pkgs, nv{f[1], f[2]})
		case "=>":
			last := &pkgs[len(pkgs)-1]
			if f[2] == "(devel)" || f[2] == "" {
				last.Version = ""
			} else {
				*last = nv{f[1], f[2]}
			}
		}
	}
	return append(pkgs, nv{StdlibName, stdlib})
}

func names(pkgs []model.Package) []nv {
	out := []nv{}
	for _, p := range pkgs {
		out = append(out, nv{p.Name, p.Version})
	}
	return out
}

func readerOf(t *testing.T, file string) *bytes.Reader {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b)
}

func TestParseBinaryMatchesGoVersion(t *testing.T) {
	built := binaries(t)
	tests := []struct {
		name, file, mainVersion string
		want                    []nv // checked in addition to the oracle
	}{
		{"unstripped", built["hello"], "", []nv{
			{"example.com/drydock/hello", ""},
			{"example.com/drydock/greet", ""},
			{"golang.org/x/crypto", "v0.0.0-20200622213623-75b288015ac9"},
			{"golang.org/x/sys", "v0.1.0"},
			{"golang.org/x/text", "v0.3.5"},
			{StdlibName, runtime.Version()},
		}},
		{"stripped", built["hello-stripped"], "", nil},
		{"ldflags version", built["hello-ldflags"], "v1.4.2", nil},
		// Debian bookworm's age-keygen, built in GOPATH mode by go1.19.8.
		{"debian go1.19.8", "testdata/age-keygen", "", []nv{{StdlibName, "go1.19.8"}}},
		// Build info written by make.sh into a gcc-made ELF.
		{"crafted", "testdata/crafted-buildinfo.elf", "v1.2.3", []nv{
			{"example.com/crafted", "v1.2.3"},
			{"golang.org/x/text", "v0.3.5"},
			{"github.com/fork/net", "v0.0.1"},
			{StdlibName, "go1.20.1"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ParseBinary(context.Background(), readerOf(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got := names(res.Packages)
			if diff := cmp.Diff(oracle(t, tt.file, tt.mainVersion), got); diff != "" {
				t.Errorf("packages differ from go version -m (-want +got):\n%s", diff)
			}
			if tt.want != nil {
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("packages (-want +got):\n%s", diff)
				}
			}
			if len(res.Warnings) != 0 {
				t.Errorf("warnings: %q", res.Warnings)
			}
		})
	}
}

func TestParseBinaryOtherFormats(t *testing.T) {
	for _, tt := range []struct{ goos, goarch string }{{"windows", "amd64"}, {"darwin", "arm64"}} {
		t.Run(tt.goos, func(t *testing.T) {
			file := crossBuild(t, tt.goos, tt.goarch)
			res, err := ParseBinary(context.Background(), readerOf(t, file))
			if err != nil {
				t.Fatal(err)
			}
			got := names(res.Packages)
			if diff := cmp.Diff(oracle(t, file, ""), got); diff != "" {
				t.Errorf("packages differ from go version -m (-want +got):\n%s", diff)
			}
			want := []nv{{"example.com/drydock/hello", ""}, {"golang.org/x/text", "v0.3.5"}, {StdlibName, runtime.Version()}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("packages (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseBinaryNotGo(t *testing.T) {
	built := binaries(t)
	stripped, err := os.ReadFile(built["hello-stripped"])
	if err != nil {
		t.Fatal(err)
	}
	rnd := make([]byte, 1<<20)
	for i := range rnd {
		rnd[i] = byte(rand.N(256))
	}
	tests := []struct {
		name    string
		data    []byte
		wantErr string // "" means no packages and no error
	}{
		{"empty", nil, ""},
		{"random bytes", rnd, ""},
		{"script", []byte("#!/bin/sh\nexec true\n"), ""},
		{"MZ without PE header", append([]byte("MZ"), rnd[:4096]...), ""},
		{"ELF magic only", []byte("\x7fELF"), "truncated ELF"},
		{"truncated ELF, first 64 KiB", stripped[:64<<10], "truncated ELF"},
		{"truncated ELF, half", stripped[:len(stripped)/2], "truncated ELF"},
		{"truncated ELF, all but the last byte", stripped[:len(stripped)-1], "truncated ELF"},
	}
	for _, f := range []string{"/bin/true", "/usr/bin/true"} {
		if b, err := os.ReadFile(f); err == nil {
			tests = append(tests, struct {
				name    string
				data    []byte
				wantErr string
			}{"non-Go ELF " + f, b, ""})
			break
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ParseBinary(context.Background(), bytes.NewReader(tt.data))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Packages) != 0 || len(res.Warnings) != 0 {
				t.Errorf("got %v, warnings %q; want nothing", res.Packages, res.Warnings)
			}
		})
	}
}

// TestExtractThroughWalk runs both Go extractors the way a scan does, on a
// layer holding the stripped binary, a go.mod and files that must be skipped.
func TestExtractThroughWalk(t *testing.T) {
	built := binaries(t)
	bin, err := os.ReadFile(built["hello-stripped"])
	if err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile("testdata/hello/go.mod")
	if err != nil {
		t.Fatal(err)
	}
	layer, err := imagetest.TarBytes([]imagetest.Entry{
		{Name: "usr/local/bin/hello", Mode: 0o755, Body: string(bin)},
		{Name: "usr/local/share/hello.bin", Mode: 0o644, Body: string(bin)}, // no execute bit
		{Name: "src/hello/go.mod", Body: string(mod)},
		{Name: "root/go/pkg/mod/golang.org/x/text@v0.3.5/go.mod", Body: string(mod)},
		{Name: "usr/bin/script", Mode: 0o755, Body: "#!/bin/sh\n"},
	})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := extract.Walk(context.Background(), bytes.NewReader(layer), "sha256:test", extract.Set{NewBinary(), NewMod()}, extract.WalkOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Status) != 0 {
		t.Errorf("statuses: %+v", inv.Status)
	}
	got := map[string]int{}
	var text model.Package
	for _, f := range inv.Files {
		got[f.Extractor+" "+f.Path] = len(f.Packages)
		for _, p := range f.Packages {
			if p.Name == "golang.org/x/text" && f.Extractor == BinaryName {
				text = p
			}
		}
	}
	want := map[string]int{
		BinaryName + " usr/local/bin/hello": 6,
		ModName + " src/hello/go.mod":       4,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files read (-want +got):\n%s", diff)
	}
	wantText := model.Package{
		Name:      "golang.org/x/text",
		Version:   "v0.3.5",
		Type:      model.TypeGolang,
		Ecosystem: model.EcoGo,
		PURL:      "pkg:golang/golang.org/x/text@v0.3.5",
		Locations: []model.Location{{Path: "usr/local/bin/hello", Layer: "sha256:test"}},
		FoundBy:   BinaryName,
	}
	if diff := cmp.Diff(wantText, text); diff != "" {
		t.Errorf("golang.org/x/text (-want +got):\n%s", diff)
	}
}

type fileInfo struct {
	mode fs.FileMode
	size int64
}

func (f fileInfo) Name() string       { return "" }
func (f fileInfo) Size() int64        { return f.size }
func (f fileInfo) Mode() fs.FileMode  { return f.mode }
func (f fileInfo) ModTime() time.Time { return time.Time{} }
func (f fileInfo) IsDir() bool        { return f.mode.IsDir() }
func (f fileInfo) Sys() any           { return nil }

func TestBinaryRequired(t *testing.T) {
	const mb = 1 << 20
	tests := []struct {
		path string
		mode fs.FileMode
		size int64
		want bool
	}{
		{"usr/local/bin/app", 0o755, 5 * mb, true},
		{"usr/local/bin/app", 0o700, 5 * mb, true},
		{"usr/local/bin/app", 0o644, 5 * mb, false},
		{"app/App.EXE", 0o644, 5 * mb, true},
		{"usr/local/bin/app", 0o755, 100 << 10, false}, // too small for Go
		{"usr/local/bin/app", 0o755, MaxBinarySize + 1, false},
		{"usr/local/bin/app", fs.ModeDir | 0o755, 5 * mb, false},
		{"usr/local/bin/app", fs.ModeSymlink | 0o777, 5 * mb, false},
		{"usr/bin/install.sh", 0o755, 5 * mb, false},
		{"usr/lib64/libfoo.so.1.2", 0o755, 5 * mb, false},
		{"usr/lib64/libfoo.so", 0o755, 5 * mb, false},
		{"opt/tool.py", 0o755, 5 * mb, false},
		{"opt/tool.bin", 0o755, 5 * mb, true},
	}
	e := NewBinary()
	for _, tt := range tests {
		if got := e.Required(tt.path, fileInfo{tt.mode, tt.size}); got != tt.want {
			t.Errorf("Required(%q, %v, %d) = %v, want %v", tt.path, tt.mode, tt.size, got, tt.want)
		}
	}
	if e.Required("usr/bin/app", nil) {
		t.Error("Required with no file info = true")
	}
}

func TestLdflagsVersion(t *testing.T) {
	const main = "github.com/acme/tool"
	tests := []struct {
		ldflags, want string
	}{
		{"", ""},
		{"-s -w", ""},
		{"-s -w -X main.version=1.4.2", "v1.4.2"},
		{"-X main.version=v1.4.2", "v1.4.2"},
		{"-X=main.Version=2.0.0-rc.1", "v2.0.0-rc.1"},
		{"-X 'main.version=1.0.0'", "v1.0.0"},
		{`-X "main.version=1.0.0" -X main.commit=abc`, "v1.0.0"},
		{"-X main.version=dev", ""},
		{"-X main.version", ""},
		{"-X", ""},
		{"-X main.version=1.0.0 -X main.version=1.0.0", "v1.0.0"},
		// Two versions at the same preference: no answer.
		{"-X main.version=1.0.0 -X common.version=2.0.0", ""},
		// mainPath/cmd/... wins over main, main over others.
		{"-X github.com/acme/tool/cmd/tool/app.Version=3.0.0 -X main.version=1.0.0", "v3.0.0"},
		{"-X github.com/other/x.version=9.0.0 -X main.version=1.0.0", "v1.0.0"},
		{"-X github.com/acme/tool/internal/build.ver=1.2.3", "v1.2.3"},
		{"-X github.com/acme/tool/internal/build.version=1.2.3 -lpthread -h", "v1.2.3"},
	}
	for _, tt := range tests {
		if got := ldflagsVersion(main, tt.ldflags); got != tt.want {
			t.Errorf("ldflagsVersion(%q) = %q, want %q", tt.ldflags, got, tt.want)
		}
	}
}

func TestToolchainVersion(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"go1.19.8", "go1.19.8", true},
		{"go1.20", "go1.20", true},
		{"go1.21rc2", "go1.21rc2", true},
		{"go1.22.3 X:boringcrypto", "go1.22.3", true},
		{"devel go1.23-e8ee1dc4f9 Sat Jun 1 00:00:00 2024 +0000", "", false},
		{"", "", false},
		{"go1.2\x00", "", false},
	}
	for _, tt := range tests {
		got, ok := toolchainVersion(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("toolchainVersion(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseBinaryCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ParseBinary(ctx, bytes.NewReader([]byte("\x7fELF"))); err == nil {
		t.Error("no error with a canceled context")
	}
}

// BenchmarkParseBinary reads the build info of real Go binaries: the
// unstripped hello (~2.7 MB) and the toolchain's own gofmt.
func BenchmarkParseBinary(b *testing.B) {
	files := map[string]string{"hello": binaries(b)["hello"]}
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		files["gofmt"] = filepath.Join(strings.TrimSpace(string(out)), "bin", "gofmt")
	}
	for name, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			ctx := context.Background()
			for b.Loop() {
				res, err := ParseBinary(ctx, bytes.NewReader(data))
				if err != nil || len(res.Packages) == 0 {
					b.Fatal(err, res)
				}
			}
		})
	}
}
