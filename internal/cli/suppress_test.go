package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/drydockhq/drydock/internal/cli"
	"github.com/drydockhq/drydock/pkg/model"
)

func scanJSON(t *testing.T, args ...string) model.Report {
	t.Helper()
	out, _, err := run(t, append(args, "-f", "json")...)
	if err != nil {
		t.Fatal(err)
	}
	var r model.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestSuppression: an OpenVEX not_affected statement and .drydockignore
// entries suppress real findings of the bundled image (kept in the report,
// with the reason), the gate then passes, and an expired entry stops
// ignoring, with a warning.
func TestSuppression(t *testing.T) {
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache")
	base := []string{"image", "--cache-dir", cache, "-q", "--severity", "HIGH,CRITICAL"}
	r := scanJSON(t, append(base, image)...)
	if len(r.Vulnerabilities) < 2 {
		t.Fatalf("%d HIGH/CRITICAL findings; the test needs two", len(r.Vulnerabilities))
	}
	first := r.Vulnerabilities[0]

	// VEX: the first finding's flaw does not affect its package.
	vexDoc := fmt.Sprintf(`{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.com/vex/1",
  "author": "Platform team",
  "timestamp": "2026-11-20T10:00:00Z",
  "version": 1,
  "statements": [{
    "vulnerability": {"name": %q},
    "products": [{"@id": %q}],
    "status": "not_affected",
    "justification": "vulnerable_code_not_in_execute_path",
    "impact_statement": "the affected function is never called"
  }]
}`, first.ID, first.Package.PURL)
	vexPath := filepath.Join(dir, "app.vex.json")
	if err := os.WriteFile(vexPath, []byte(vexDoc), 0o644); err != nil {
		t.Fatal(err)
	}
	// The ignore file takes every other finding, one entry with an expiry
	// in the past.
	var b strings.Builder
	b.WriteString("ignore:\n")
	expiredID := ""
	seen := map[string]bool{first.ID: true}
	for _, v := range r.Vulnerabilities[1:] {
		if seen[v.ID] {
			continue
		}
		seen[v.ID] = true
		expires := "2099-01-01"
		if expiredID == "" {
			expires, expiredID = "2020-01-01", v.ID
		}
		fmt.Fprintf(&b, "  - id: %s\n    reason: accepted risk, tracked in SEC-1\n    expires: %s\n", v.ID, expires)
	}
	ignorePath := filepath.Join(dir, ".drydockignore")
	if err := os.WriteFile(ignorePath, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	r = scanJSON(t, append(base, "--vex", vexPath, "--ignorefile", ignorePath, image)...)
	for _, v := range r.Vulnerabilities {
		switch {
		case v.ID == first.ID && v.Package.Name == first.Package.Name:
			if v.Suppressed == nil || v.Suppressed.By != "vex" || !strings.Contains(v.Suppressed.Reason, "never called") {
				t.Errorf("%s: suppressed %+v, want by vex with the impact statement", v.ID, v.Suppressed)
			}
		case v.ID == expiredID:
			if v.Suppressed != nil {
				t.Errorf("%s: still suppressed by an expired entry: %+v", v.ID, v.Suppressed)
			}
		case v.ID == first.ID:
			// The same flaw in another package: the VEX statement named one purl.
		default:
			if v.Suppressed == nil || v.Suppressed.By != "ignore-file" || !strings.Contains(v.Suppressed.Reason, "SEC-1") {
				t.Errorf("%s: suppressed %+v, want by the ignore file", v.ID, v.Suppressed)
			}
		}
	}
	warned := false
	for _, s := range r.Status {
		warned = warned || (strings.Contains(s.Message, expiredID) && strings.Contains(s.Message, "expired"))
	}
	if !warned {
		t.Errorf("no warning about the expired entry for %s: %v", expiredID, r.Status)
	}
	// The expired entry keeps the gate closed.
	gate := append(base, "--vex", vexPath, "--ignorefile", ignorePath, "--exit-code", "1", image)
	if _, _, err := run(t, gate...); cli.ExitCode(err) != 1 {
		t.Errorf("gate with an expired entry: %v, want exit 1", err)
	}
	// Renewed, and with every package's instance of the first flaw ignored
	// too, the gate opens.
	renewed := strings.ReplaceAll(b.String(), "2020-01-01", "2099-01-01") +
		fmt.Sprintf("  - id: %s\n    reason: not reachable\n", first.ID)
	if err := os.WriteFile(ignorePath, []byte(renewed), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run(t, gate...); err != nil {
		t.Errorf("gate with everything suppressed: %v", err)
	}
	// A broken ignore file is a usage error naming the line.
	if err := os.WriteFile(ignorePath, []byte("ignore:\n  - id: CVE-1\n    resaon: typo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := run(t, gate...)
	if cli.ExitCode(err) != cli.ExitUsage || !strings.Contains(err.Error(), ":3") {
		t.Errorf("broken ignore file: %v", err)
	}
}

// TestCycloneDXVEX: a CycloneDX VEX document (analysis.state not_affected,
// affects by bom-ref) suppresses a real finding of the bundled image with its
// justification and detail, and only in the package it names.
func TestCycloneDXVEX(t *testing.T) {
	dir := t.TempDir()
	base := []string{"image", "--cache-dir", filepath.Join(dir, "cache"), "-q", "-f", "json"}
	r := scanJSON(t, append(base, image)...)
	if len(r.Vulnerabilities) == 0 {
		t.Fatal("no findings in the bundled image")
	}
	first := r.Vulnerabilities[0]
	doc := fmt.Sprintf(`{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "version": 1,
  "metadata": {"timestamp": "2026-11-20T10:00:00Z"},
  "components": [{"type": "library", "bom-ref": "pkg-1", "name": %q, "purl": %q}],
  "vulnerabilities": [{
    "id": %q,
    "analysis": {"state": "not_affected", "justification": "code_not_reachable", "detail": "the parser is never fed untrusted input"},
    "affects": [{"ref": "pkg-1"}]
  }]
}`, first.Package.Name, first.Package.PURL, first.ID)
	p := filepath.Join(dir, "app.cdx.json")
	if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	r = scanJSON(t, append(base, "--vex", p, image)...)
	n := 0
	for _, v := range r.Vulnerabilities {
		suppressed := v.Suppressed != nil && v.Suppressed.By == "vex"
		named := v.ID == first.ID && v.Package.PURL == first.Package.PURL
		if suppressed != named {
			t.Errorf("%s in %s: suppressed %+v", v.ID, v.Package.PURL, v.Suppressed)
		}
		if named {
			n++
			if !strings.Contains(v.Suppressed.Reason, "never fed untrusted input") {
				t.Errorf("reason %q lacks the analysis detail", v.Suppressed.Reason)
			}
		}
	}
	if n == 0 {
		t.Error("the named finding is gone from the report")
	}
}
