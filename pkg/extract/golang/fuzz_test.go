package golang

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseBinary feeds ParseBinary with mutations of a small ELF carrying Go
// build info (testdata/crafted-buildinfo.elf) and of header prefixes.
func FuzzParseBinary(f *testing.F) {
	elf, err := os.ReadFile("testdata/crafted-buildinfo.elf")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(elf)
	f.Add(elf[:len(elf)/2])
	f.Add(elf[:64])
	f.Add([]byte("MZ"))
	f.Add([]byte("\xcf\xfa\xed\xfe\x07\x00\x00\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ParseBinary(context.Background(), bytes.NewReader(data))
		if err == nil && res == nil {
			t.Fatal("nil result and nil error")
		}
	})
}

// FuzzParseMod feeds ParseMod with mutations of the go.mod files of testdata.
func FuzzParseMod(f *testing.F) {
	files, _ := filepath.Glob("testdata/gomod/*.mod")
	files = append(files, "testdata/hello/go.mod")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := ParseMod(context.Background(), bytes.NewReader(data))
		if err == nil && res == nil {
			t.Fatal("nil result and nil error")
		}
	})
}

// FuzzLdflagsVersion checks that any recorded -ldflags is read without
// panicking and yields a valid version or none.
func FuzzLdflagsVersion(f *testing.F) {
	f.Add("-s -w -X main.version=1.4.2")
	f.Add(`-X "github.com/acme/tool/cmd/x.Version=v2.0.0" -X 'main.ver=1'`)
	f.Fuzz(func(t *testing.T, s string) {
		if v := ldflagsVersion("github.com/acme/tool", s); v != "" && v[0] != 'v' {
			t.Fatalf("version %q has no v prefix", v)
		}
	})
}
