package javascript

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/drydockhq/drydock/pkg/extract"
)

// gunzip reads a gzipped test file.
func gunzip(t testing.TB, name string) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(readFile(t, name)))
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

var parsers = []struct {
	name  string
	parse parser
	file  string
}{
	{"npm", ParseNPMLock, "testdata/npm/v3/package-lock.json"},
	{"npm-v1", ParseNPMLock, "testdata/npm/v1/package-lock.json"},
	{"yarn", ParseYarnLock, "testdata/yarn/v1/yarn.lock"},
	{"berry", ParseYarnLock, "testdata/yarn/berry/yarn.lock"},
	{"pnpm", ParsePNPMLock, "testdata/pnpm/v9/pnpm-lock.yaml"},
	{"pnpm-v5", ParsePNPMLock, "testdata/pnpm/v5/pnpm-lock.yaml"},
	{"package.json", ParsePackageJSON, "testdata/nodemodules/node_modules/mocha/package.json"},
}

// TestTruncated cuts each real file at many points: JSON must fail whole,
// the line formats may keep what came before the cut, and nothing panics.
func TestTruncated(t *testing.T) {
	for _, p := range parsers {
		data := readFile(t, p.file)
		for cut := 0; cut < len(data); cut += 1 + len(data)/97 {
			res, err := p.parse(context.Background(), bytes.NewReader(data[:cut]))
			json := strings.HasSuffix(p.file, ".json")
			if json && err == nil {
				t.Errorf("%s cut at %d: no error", p.name, cut)
			}
			if err == nil && res == nil {
				t.Errorf("%s cut at %d: nil result and no error", p.name, cut)
			}
		}
	}
}

// TestBinary feeds random bytes (a binary file that happens to have the
// right name) to every parser: an error, never a panic or a package.
func TestBinary(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, p := range parsers {
		for i := 0; i < 20; i++ {
			data := make([]byte, 1+rng.Intn(4096))
			rng.Read(data)
			res, err := p.parse(context.Background(), bytes.NewReader(data))
			if err == nil && len(res.Packages) > 0 {
				t.Errorf("%s: random bytes gave packages %v", p.name, names(res.Packages))
			}
		}
	}
	// Through Extract, the error names the format and the file.
	elf := append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 200)...)
	_, err := NewNodeModules().Extract(context.Background(), input("node_modules/x/package.json", elf))
	if err == nil || !strings.Contains(err.Error(), "parsing package.json node_modules/x/package.json") {
		t.Errorf("binary package.json: error %v", err)
	}
	_, err = NewYarnLock().Extract(context.Background(), input("app/yarn.lock", elf))
	if err == nil || !strings.Contains(err.Error(), "parsing yarn.lock app/yarn.lock: not a yarn lock file: line 1") {
		t.Errorf("binary yarn.lock: error %v", err)
	}
}

// TestYAMLBombs: alias expansion ("billion laughs") is refused before any
// expansion, in pnpm and berry lock files alike.
func TestYAMLBombs(t *testing.T) {
	var b strings.Builder
	b.WriteString("lockfileVersion: '9.0'\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 30; i++ {
		b.WriteString("a" + strconv.Itoa(i) + ": &a" + strconv.Itoa(i) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + strconv.Itoa(i-1))
		}
		b.WriteString("]\n")
	}
	bomb := b.String()
	for _, tt := range []struct {
		parse parser
		in    string
	}{
		{ParsePNPMLock, bomb},
		{ParseYarnLock, "__metadata:\n  version: 8\n" + strings.TrimPrefix(bomb, "lockfileVersion: '9.0'\n")},
		{ParsePNPMLock, "lockfileVersion: '9.0'\npackages:\n  a@1.0.0: &x {resolution: {integrity: y}}\n  b@1.0.0: *x\n"},
		{ParsePNPMLock, "lockfileVersion: '9.0'\npackages:\n  base: &b {version: '1.0.0'}\n  a@1.0.0:\n    <<: *b\n"},
	} {
		start := time.Now()
		_, err := tt.parse(context.Background(), strings.NewReader(tt.in))
		if !errors.Is(err, errYAMLAlias) {
			t.Errorf("bomb: error %v; want %v", err, errYAMLAlias)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("bomb took %v", d)
		}
	}
	// A flat flow sequence of millions of nodes is refused before the
	// parser builds its tree.
	wide := "lockfileVersion: '9.0'\nx: [" + strings.Repeat("a,", 2*maxYAMLNodes) + "a]\n"
	start := time.Now()
	if _, err := ParsePNPMLock(context.Background(), strings.NewReader(wide)); err == nil || !strings.Contains(err.Error(), "too many nodes") {
		t.Errorf("wide YAML: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("wide YAML took %v", d)
	}
}

// TestHugeLines: a very long line costs only itself in yarn 1's format,
// and is just a long value elsewhere.
func TestHugeLines(t *testing.T) {
	huge := strings.Repeat("x", 4<<20)
	yarn := "# yarn lockfile v1\n\na@^1:\n  version \"1.0.0\"\n\n" + huge + "\n\nb@^2:\n  version \"2.0.0\"\n  resolved \"" + huge + "\"\n"
	res, err := ParseYarnLock(context.Background(), strings.NewReader(yarn))
	if err != nil {
		t.Fatal(err)
	}
	if got := names(res.Packages); strings.Join(got, " ") != "a@1.0.0 b@2.0.0" || len(res.Warnings) != 1 || len(res.Warnings[0]) > 400 {
		t.Errorf("yarn: %v, warnings %d (first %d bytes)", got, len(res.Warnings), len(res.Warnings[0]))
	}
	npm := `{"lockfileVersion":3,"packages":{"":{},"node_modules/a":{"version":"1.0.0","integrity":"` + huge + `"},"node_modules/b":{"version":"` + huge + `"}}}`
	res, err = ParseNPMLock(context.Background(), strings.NewReader(npm))
	if err != nil {
		t.Fatal(err)
	}
	if got := names(res.Packages); strings.Join(got, " ") != "a@1.0.0" || len(res.Warnings) != 1 || len(res.Warnings[0]) > 400 {
		t.Errorf("npm: %v, %d warnings", got, len(res.Warnings))
	}
	pnpm := "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {integrity: " + huge + "}\n"
	res, err = ParsePNPMLock(context.Background(), strings.NewReader(pnpm))
	if err != nil {
		t.Fatal(err)
	}
	if got := names(res.Packages); strings.Join(got, " ") != "a@1.0.0" {
		t.Errorf("pnpm: %v", got)
	}
}

// TestLimits: files over the size limits are refused without being read
// whole, and a canceled context stops the parsers.
func TestLimits(t *testing.T) {
	if _, err := readAll(endless{}, 1<<20); !errors.Is(err, errTooLarge) {
		t.Errorf("endless stream: %v", err)
	}
	if data, err := readAll(strings.NewReader("abc"), 3); err != nil || string(data) != "abc" {
		t.Errorf("readAll at the limit: %q, %v", data, err)
	}
	for _, tt := range []struct {
		e    extract.Extractor
		path string
		size int64
	}{
		{NewNPMLock(), "package-lock.json", MaxLockFileSize + 1},
		{NewYarnLock(), "yarn.lock", MaxLockFileSize + 1},
		{NewPNPMLock(), "pnpm-lock.yaml", MaxLockFileSize + 1},
		{NewNodeModules(), "node_modules/a/package.json", MaxPackageJSONSize + 1},
	} {
		in := extract.NewInput(tt.path, fileInfo{name: tt.path, size: tt.size}, hugeFile{tt.size}, nil)
		if _, err := tt.e.Extract(context.Background(), in); !errors.Is(err, errTooLarge) {
			t.Errorf("%s of %d bytes: %v", tt.e.Name(), tt.size, err)
		}
	}
	wide := `{"packages":{"":{"dependencies":{` + strings.Repeat(`"a":"",`, maxJSONMembers) + `"a":""}}}}`
	if _, err := ParseNPMLock(context.Background(), strings.NewReader(wide)); !errors.Is(err, errTooLarge) {
		t.Errorf("lock file of %d members: %v", maxJSONMembers, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tt := range []struct {
		parse parser
		file  string
	}{
		{ParseNPMLock, "testdata/big/package-lock.json.gz"},
		{ParseYarnLock, "testdata/big/yarn.lock.gz"},
		{ParsePNPMLock, "testdata/big/pnpm-lock.yaml.gz"},
	} {
		if _, err := tt.parse(ctx, bytes.NewReader(gunzip(t, tt.file))); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with canceled context: %v", tt.file, err)
		}
	}
}

// hugeFile claims a size it does not have; reading it fails the test.
type hugeFile struct{ size int64 }

func (h hugeFile) Size() int64                     { return h.size }
func (hugeFile) Read([]byte) (int, error)          { panic("huge file read") }
func (hugeFile) ReadAt([]byte, int64) (int, error) { panic("huge file read") }
func (hugeFile) Seek(int64, int) (int64, error)    { panic("huge file read") }

// endless is an infinite stream of spaces.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// TestUnsupported: pnpm lock files before 5.0 are not supported.
func TestUnsupported(t *testing.T) {
	_, err := ParsePNPMLock(context.Background(), strings.NewReader("shrinkwrapVersion: 3\nlockfileVersion: 4\npackages: {}\n"))
	if !errors.Is(err, extract.ErrNotSupported) {
		t.Errorf("lockfileVersion 4: %v", err)
	}
	for _, in := range []string{"", "packages: {}\n", "- a\n- b\n", "just text\n"} {
		if _, err := ParsePNPMLock(context.Background(), strings.NewReader(in)); err == nil {
			t.Errorf("ParsePNPMLock(%q): no error", in)
		}
	}
	for _, in := range []string{"__metadata:\n  version: 8\n- x\n", "__metadata: [\n"} {
		if _, err := ParseYarnLock(context.Background(), strings.NewReader(in)); err == nil {
			t.Errorf("ParseYarnLock(%q): no error", in)
		}
	}
}
