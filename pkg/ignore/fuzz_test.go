package ignore

import (
	"bytes"
	"os"
	"testing"
	"time"
)

func FuzzParse(f *testing.F) {
	for _, name := range []string{"testdata/example.drydockignore", "testdata/trivyignore"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("ignore:\n  - id: CVE-2023-5363\n    package: pkg:deb/debian/openssl@1?distro=debian-12\n    reason: &r x\n  - id: X\n    reason: *r\n    expires: 2026-01-01T00:00:00+02:00\n"))
	f.Add([]byte("ignore:\n  - id: [a]\n    reason: {b: c}\n---\n"))
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := Parse(bytes.NewReader(b))
		if err != nil {
			if file != nil {
				t.Fatalf("Parse returned a file and an error: %v", err)
			}
			return
		}
		checkFile(t, file)
		vs := findings()
		res := file.Apply(vs, now)
		checkResult(t, file, res)
	})
}

func FuzzParseTrivy(f *testing.F) {
	b, err := os.ReadFile("testdata/trivyignore")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte("\uFEFFCVE-1 exp:2020-01-01 exp:2030-01-01 # c # d\r\n  GHSA-x\n"))
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := ParseTrivy(bytes.NewReader(b))
		if err != nil {
			return
		}
		checkFile(t, file)
		res := file.Apply(findings(), now)
		checkResult(t, file, res)
	})
}

// checkFile checks what Parse promises of the entries it returns.
func checkFile(t *testing.T, f *File) {
	t.Helper()
	for _, e := range f.Entries {
		if e.ID == "" || e.Reason == "" || e.Line < 1 {
			t.Fatalf("entry without ID, reason or line: %+v", e)
		}
		if e.Version != "" && e.Package == "" {
			t.Fatalf("entry with version and no package: %+v", e)
		}
	}
}

// checkResult checks that every entry is reported exactly once.
func checkResult(t *testing.T, f *File, r Result) {
	t.Helper()
	if n := len(r.Matched) + len(r.Expired) + len(r.Stale); n != len(f.Entries) {
		t.Fatalf("result lists %d entries, file has %d", n, len(f.Entries))
	}
	_ = r.Warnings()
}
