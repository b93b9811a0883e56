package ignore

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var ignoreUnexported = cmpopts.IgnoreUnexported(Entry{})

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestLoadExample(t *testing.T) {
	path := filepath.Join("testdata", "example.drydockignore")
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := &File{Path: path, Entries: []Entry{
		{ID: "CVE-2023-5363", Package: "openssl", Reason: "not reachable, TLS disabled", Expires: date("2026-12-31"), Line: 4},
		{ID: "GHSA-jfh8-c2jp-5v3q", Package: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
			Reason: "JndiLookup.class removed at build time", Expires: time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC), Line: 9},
		{ID: "CVE-2023-5678", Package: "libssl3", Version: "3.0.11-1~deb12u1", Reason: "DH key generation not used", Line: 14},
	}}
	if diff := cmp.Diff(want, f, ignoreUnexported); diff != "" {
		t.Errorf("Load (-want +got):\n%s", diff)
	}
	if f.Entries[1].pkgURL == nil || f.Entries[0].pkgURL != nil {
		t.Errorf("package URLs not parsed as expected: %v, %v", f.Entries[0].pkgURL, f.Entries[1].pkgURL)
	}
	if got := f.Entries[0].ExpiresString(); got != "2026-12-31" {
		t.Errorf("ExpiresString = %q, want 2026-12-31", got)
	}
	if got := f.Entries[1].ExpiresString(); got != "2025-06-30T12:00:00Z" {
		t.Errorf("ExpiresString = %q, want 2025-06-30T12:00:00Z", got)
	}
}

func TestLoadTrivy(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join("testdata", "trivyignore"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, ".trivyignore")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := &File{Path: path, Entries: []Entry{
		{ID: "CVE-2023-5363", Reason: "listed in .trivyignore", Line: 2},
		{ID: "CVE-2021-44228", Reason: "JndiLookup removed", Expires: date("2025-01-01"), Line: 5},
		{ID: "GHSA-jfh8-c2jp-5v3q", Reason: "listed in .trivyignore", Expires: date("2027-01-01"), Line: 6},
		{ID: "CVE-2023-5678", Reason: "listed in .trivyignore", Line: 7},
	}}
	if diff := cmp.Diff(want, f, ignoreUnexported); diff != "" {
		t.Errorf("Load (-want +got):\n%s", diff)
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), DefaultFile))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load of a missing file: %v, want fs.ErrNotExist", err)
	}
}

func TestLoadErrorHasPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), DefaultFile)
	if err := os.WriteFile(path, []byte("ignore:\n  - id: CVE-2023-5363\n    pakage: openssl\n    reason: x\n  - id: CVE-1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	want := path + `:3: unknown key "pakage" in ignore entry (want id, package, version, reason, expires)` + "\n" +
		path + ":5: ignore entry for CVE-1 without reason: say why the finding is accepted"
	if err == nil || err.Error() != want {
		t.Errorf("Load error:\n%v\nwant:\n%s", err, want)
	}
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Path != path || pe.Line != 3 {
		t.Errorf("errors.As(*ParseError) = %+v", pe)
	}
}

func TestParseEmpty(t *testing.T) {
	for _, in := range []string{"", "# nothing yet\n", "ignore:\n", "ignore: []\n", "---\n", "~\n"} {
		f, err := Parse(strings.NewReader(in))
		if err != nil {
			t.Errorf("Parse(%q): %v", in, err)
			continue
		}
		if len(f.Entries) != 0 {
			t.Errorf("Parse(%q) = %d entries, want 0", in, len(f.Entries))
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"unknown key", `
ignore:
  - id: CVE-2023-5363
    pakage: openssl
    reason: typo would widen the entry
`, `line 4: unknown key "pakage" in ignore entry (want id, package, version, reason, expires)`},
		{"missing id", `
ignore:
  - package: openssl
    reason: r
`, "line 3: ignore entry without id"},
		{"missing reason", `
ignore:
  - id: CVE-2023-5363
`, "line 3: ignore entry for CVE-2023-5363 without reason: say why the finding is accepted"},
		{"empty reason", `
ignore:
  - id: CVE-2023-5363
    reason: "  "
`, "line 3: ignore entry for CVE-2023-5363 without reason: say why the finding is accepted"},
		{"bad date", `
ignore:
  - id: CVE-2023-5363
    reason: r
    expires: 2026-31-12
`, `line 5: expires "2026-31-12": want a date (YYYY-MM-DD) or an RFC 3339 time`},
		{"date with a space", `
ignore:
  - id: CVE-2023-5363
    reason: r
    expires: 2026-12-31 10:00
`, `line 5: expires "2026-12-31 10:00": want a date (YYYY-MM-DD) or an RFC 3339 time`},
		{"version without package", `
ignore:
  - id: CVE-2023-5363
    version: 3.0.11-1~deb12u1
    reason: r
`, "line 3: ignore entry for CVE-2023-5363 has a version but no package"},
		{"version with a package URL", `
ignore:
  - id: CVE-2023-5363
    package: pkg:deb/debian/openssl
    version: 3.0.11-1~deb12u1
    reason: r
`, "line 3: ignore entry for CVE-2023-5363 has a version and a package URL: put the version in the URL (@version)"},
		{"bad package URL", `
ignore:
  - id: CVE-2023-5363
    package: pkg:deb
    reason: r
`, `line 4: package: invalid package URL "pkg:deb": purl is missing type or name`},
		{"duplicate key", `
ignore:
  - id: CVE-2023-5363
    reason: r
    reason: s
`, `line 5: duplicate key "reason" in ignore entry`},
		{"id with spaces", `
ignore:
  - id: CVE-2023-5363 CVE-2023-5678
    reason: r
`, `line 3: id "CVE-2023-5363 CVE-2023-5678" contains spaces`},
		{"list value", `
ignore:
  - id: [CVE-2023-5363]
    reason: r
`, "line 3: id must be a string\nline 3: ignore entry without id"},
		{"entry not a mapping", `
ignore:
  - CVE-2023-5363
`, "line 3: ignore entry must be a mapping with the keys id, package, version, reason, expires"},
		{"ignore not a list", `
ignore:
  id: CVE-2023-5363
`, `line 3: "ignore" must be a list of entries`},
		{"unknown top-level key", `
ignores:
  - id: CVE-2023-5363
`, `line 2: unknown key "ignores" (want "ignore")`},
		{"top level not a mapping", `
- id: CVE-2023-5363
`, `line 2: want a mapping with the key "ignore"`},
		{"YAML syntax", `
ignore:
  - id: CVE-2023-5363
   reason: bad indent
`, "line 2: invalid YAML: did not find expected '-' indicator"},
		{"two documents", "ignore: []\n---\nignore: []\n", "line 2: more than one YAML document"},
		{"all problems reported", `
ignore:
  - id: CVE-2023-5363
  - id: CVE-2023-5678
    reason: r
    expires: tomorrow
`, "line 3: ignore entry for CVE-2023-5363 without reason: say why the finding is accepted\n" +
			`line 6: expires "tomorrow": want a date (YYYY-MM-DD) or an RFC 3339 time`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("Parse succeeded with %d entries, want error %q", len(f.Entries), tt.want)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseAnchors(t *testing.T) {
	in := `
ignore:
  - id: CVE-2023-5363
    package: openssl
    reason: &tls not reachable, TLS disabled
  - id: CVE-2023-5678
    package: openssl
    reason: *tls
`
	f, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Entries[1].Reason; got != "not reachable, TLS disabled" {
		t.Errorf("reason through alias = %q", got)
	}
}

func TestParseTrivyErrors(t *testing.T) {
	in := "CVE-2023-5363\nCVE-2021-44228 exp:2025-13-01\n"
	_, err := ParseTrivy(strings.NewReader(in))
	want := `line 2: CVE-2021-44228: expiry "exp:2025-13-01": want exp:YYYY-MM-DD`
	if err == nil || err.Error() != want {
		t.Errorf("ParseTrivy error = %v, want %s", err, want)
	}
}
