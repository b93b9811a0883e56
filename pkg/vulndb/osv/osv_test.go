package osv

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const valid = `{
  "schema_version": "1.6.0",
  "id": "GO-2020-0001",
  "modified": "2023-01-02T03:04:05Z",
  "published": "2021-04-14T20:04:52Z",
  "aliases": ["CVE-2020-36567"],
  "summary": "Arbitrary log line injection",
  "affected": [{
    "package": {"ecosystem": "Go", "name": "github.com/gin-gonic/gin"},
    "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.6.0"}]}],
    "ecosystem_specific": {"imports": [{"path": "github.com/gin-gonic/gin"}]}
  }],
  "references": [{"type": "FIX", "url": "https://github.com/gin-gonic/gin/pull/2237"}],
  "credits": [{"name": "someone"}],
  "unknown_future_field": true
}`

func TestDecode(t *testing.T) {
	e, err := Decode([]byte(valid))
	if err != nil {
		t.Fatal(err)
	}
	want := &Entry{
		SchemaVersion: "1.6.0",
		ID:            "GO-2020-0001",
		Modified:      time.Date(2023, 1, 2, 3, 4, 5, 0, time.UTC),
		Published:     time.Date(2021, 4, 14, 20, 4, 52, 0, time.UTC),
		Aliases:       []string{"CVE-2020-36567"},
		Summary:       "Arbitrary log line injection",
		Affected: []Affected{{
			Package:           Package{Ecosystem: "Go", Name: "github.com/gin-gonic/gin"},
			Ranges:            []Range{{Type: RangeSemver, Events: []Event{{Introduced: "0"}, {Fixed: "1.6.0"}}}},
			EcosystemSpecific: json.RawMessage(`{"imports": [{"path": "github.com/gin-gonic/gin"}]}`),
		}},
		References: []Reference{{Type: "FIX", URL: "https://github.com/gin-gonic/gin/pull/2237"}},
		Credits:    []Credit{{Name: "someone"}},
	}
	if diff := cmp.Diff(want, e); diff != "" {
		t.Errorf("Decode (-want +got):\n%s", diff)
	}
}

func TestDecodeRejects(t *testing.T) {
	tests := []struct {
		name, json, message string
	}{
		{"not json", `{"id": `, "decoding OSV JSON"},
		{"array", `[]`, "not a JSON object"},
		{"empty id", `{"id": ""}`, "empty id"},
		{"space in id", `{"id": "A B"}`, "spaces"},
		{"bad time", `{"id": "A", "modified": "yesterday"}`, "decoding OSV JSON"},
		{"no name", `{"id": "A", "affected": [{"package": {"ecosystem": "Go"}}]}`, "no name"},
		{"no ecosystem", `{"id": "A", "affected": [{"package": {"name": "x"}}]}`, "no ecosystem"},
		{"unknown range", `{"id": "A", "affected": [{"package": {"ecosystem": "Go", "name": "x"}, "ranges": [{"type": "WEIRD", "events": [{"introduced": "0"}]}]}]}`, "unknown range type"},
		{"no events", `{"id": "A", "affected": [{"package": {"ecosystem": "Go", "name": "x"}, "ranges": [{"type": "SEMVER", "events": []}]}]}`, "no events"},
		{"two fields", `{"id": "A", "affected": [{"package": {"ecosystem": "Go", "name": "x"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0", "fixed": "1"}]}]}]}`, "2 fields set"},
		{"no introduced", `{"id": "A", "affected": [{"package": {"ecosystem": "Go", "name": "x"}, "ranges": [{"type": "SEMVER", "events": [{"fixed": "1"}]}]}]}`, "no introduced"},
		{"git without repo", `{"id": "A", "affected": [{"ranges": [{"type": "GIT", "events": [{"introduced": "abc"}]}]}]}`, "without repo"},
		{"no package, semver", `{"id": "A", "affected": [{"ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}`, "non-GIT"},
		{"empty severity", `{"id": "A", "severity": [{"type": "CVSS_V3"}]}`, "severity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.json))
			if err == nil {
				t.Fatal("Decode succeeded")
			}
			if !strings.Contains(err.Error(), tt.message) {
				t.Errorf("Decode = %q, want it to mention %q", err, tt.message)
			}
		})
	}
	if _, err := Decode([]byte(`{"id": ""}`)); !errors.Is(err, ErrInvalid) {
		t.Errorf("Decode = %v, want ErrInvalid", err)
	}
	// A pure GIT range without a package is valid (OSS-Fuzz style).
	if _, err := Decode([]byte(`{"id": "A", "affected": [{"ranges": [{"type": "GIT", "repo": "https://x", "events": [{"introduced": "abc"}]}]}]}`)); err != nil {
		t.Errorf("GIT-only entry: %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(valid))
	if data, err := os.ReadFile(filepath.Join("..", "ingest", "testdata", "osv", "PYSEC-2020-341.json")); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := Decode(data)
		if err != nil {
			return
		}
		// What decodes must survive a round trip.
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		e2, err := Decode(b)
		if err != nil {
			t.Fatalf("re-Decode: %v\n%s", err, b)
		}
		b2, err := json.Marshal(e2)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		if string(b) != string(b2) {
			t.Errorf("encoding is not stable:\n%s\n%s", b, b2)
		}
	})
}
