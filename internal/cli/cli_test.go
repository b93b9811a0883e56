package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/drydockhq/drydock/internal/cli"
	"github.com/drydockhq/drydock/pkg/model"
)

func run(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := cli.Run(context.Background(), args, cli.Env{Stdout: &out, Stderr: &errb, Version: "test"})
	return out.String(), errb.String(), err
}

const image = "../../testdata/images/bookworm-pkgdb.tar.gz"

// TestImageFindsRealVulns is the README's first command: the bundled image
// against the bundled data gives real Debian 12 findings, each traceable to
// an advisory, a package, a version and a layer.
func TestImageFindsRealVulns(t *testing.T) {
	cache := t.TempDir()
	out, _, err := run(t, "image", "--cache-dir", cache, "-f", "json", image)
	if err != nil {
		t.Fatal(err)
	}
	var r model.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Inventory.Packages) != 104 {
		t.Errorf("%d packages, want 104", len(r.Inventory.Packages))
	}
	var found bool
	for _, v := range r.Vulnerabilities {
		if len(v.Advisories) == 0 || v.Package.Version == "" || len(v.Package.Locations) == 0 || v.Package.Locations[0].Layer == "" {
			t.Errorf("untraceable finding %+v", v)
		}
		// openssl 3.0.20-1~deb12u2 in the point release; bookworm-security fixed
		// CVE-2026-75805 in 3.0.22-1~deb12u2 (DEBCL record from its changelog).
		if v.ID == "CVE-2026-75805" && v.Package.Name == "libssl3" && v.FixedVersion == "3.0.22-1~deb12u2" && v.Package.Locations[0].LayerIndex == 1 {
			found = true
		}
	}
	if !found {
		t.Error("libssl3 CVE-2026-75805 not found")
	}
	// Gating: HIGH findings exist, so --exit-code applies.
	_, _, err = run(t, "image", "--cache-dir", cache, "--severity", "HIGH,CRITICAL", "--exit-code", "7", "-q", image)
	if code := cli.ExitCode(err); code != 7 {
		t.Errorf("exit code %d, want 7 (err %v)", code, err)
	}
	_, _, err = run(t, "image", "--cache-dir", cache, "--severity", "CRITICAL", "--exit-code", "7", image)
	if code := cli.ExitCode(err); code != 0 {
		t.Errorf("exit code %d, want 0 (err %v)", code, err)
	}
	if _, _, err := run(t, "image", "--severity", "BAD", image); cli.ExitCode(err) != cli.ExitUsage {
		t.Errorf("bad severity: %v", err)
	}
}

// TestSBOMRoundTrip writes CycloneDX and SPDX and reads them back.
func TestSBOMRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"cyclonedx", "spdx-json", "json"} {
		p := filepath.Join(dir, "sbom."+f)
		if _, _, err := run(t, "sbom", "--no-cache", "-f", f, "-o", p, image); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out, _, err := run(t, "sbom", "--input", p, "--skip-vulns", "-f", "table")
		if err != nil {
			t.Fatalf("%s read back: %v", f, err)
		}
		if !strings.Contains(out, "104 packages") || !strings.Contains(out, "libssl3") {
			t.Errorf("%s read back:\n%.400s", f, out)
		}
	}
	if _, _, err := run(t, "sbom", "--input", image); err == nil {
		t.Error("a gzip file was read as an SBOM")
	}
}

// TestSBOMScan: scanning the CycloneDX SBOM of the image finds what scanning
// the image finds, each finding naming advisory, package, installed and
// fixed version, and severity with its source.
func TestSBOMScan(t *testing.T) {
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache")
	sbom := filepath.Join(dir, "app.cdx.json")
	if _, _, err := run(t, "sbom", "--cache-dir", cache, "-o", sbom, image); err != nil {
		t.Fatal(err)
	}
	scan := func(args ...string) map[string]model.Vulnerability {
		t.Helper()
		out, _, err := run(t, append(args, "--cache-dir", cache, "-f", "json")...)
		if err != nil {
			t.Fatal(err)
		}
		var r model.Report
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		m := map[string]model.Vulnerability{}
		for _, v := range r.Vulnerabilities {
			m[v.ID+" "+v.Package.Name+" "+v.Package.Version] = v
		}
		return m
	}
	fromImage := scan("image", image)
	fromSBOM := scan("sbom", "--input", sbom)
	if len(fromSBOM) == 0 || len(fromSBOM) != len(fromImage) {
		t.Fatalf("%d findings from the SBOM, %d from the image", len(fromSBOM), len(fromImage))
	}
	for k, v := range fromSBOM {
		w, ok := fromImage[k]
		if !ok {
			t.Errorf("%s: found in the SBOM only", k)
			continue
		}
		if len(v.Advisories) == 0 || v.FixedVersion != w.FixedVersion || v.Severity != w.Severity || v.SeveritySource == "" {
			t.Errorf("%s: SBOM finding %+v differs from image finding %+v", k, v, w)
		}
	}
	// Gating works on SBOM scans too.
	_, _, err := run(t, "sbom", "--input", sbom, "--cache-dir", cache, "-q", "--severity", "HIGH,CRITICAL", "--exit-code", "5")
	if cli.ExitCode(err) != 5 {
		t.Errorf("SBOM gate: %v", err)
	}
}

func TestCacheClean(t *testing.T) {
	cache := t.TempDir()
	if _, _, err := run(t, "sbom", "--cache-dir", cache, "-f", "json", image); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(cache, "layers.db")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run(t, "cache", "clean", "--cache-dir", cache); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(cache, "layers.db")); !os.IsNotExist(err) {
		t.Errorf("cache file still there: %v", err)
	}
}
