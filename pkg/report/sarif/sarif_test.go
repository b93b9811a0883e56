package sarif

import (
	"bytes"
	"encoding/json"
	"flag"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/report/internal/schematest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const golden = "testdata/report.golden.sarif"

func encode(t testing.TB, r *model.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := (Encoder{}).Encode(&buf, r); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return buf.Bytes()
}

func TestEncodeGolden(t *testing.T) {
	schematest.Golden(t, golden, encode(t, schematest.Report()), *update)
}

func TestEncodeSchema(t *testing.T) {
	schematest.Validate(t, schematest.SARIF210, encode(t, schematest.Report()))
	schematest.Validate(t, schematest.SARIF210, encode(t, bare()))
	// Not scanned for vulnerabilities, no artifact, no time.
	schematest.Validate(t, schematest.SARIF210, encode(t, &model.Report{}))
}

// TestEveryResultHasALine checks GitHub's upload rule GH1003: each result
// location has a region with a startLine, findings about whole files too.
func TestEveryResultHasALine(t *testing.T) {
	for _, r := range []*model.Report{schematest.Report(), bare()} {
		var l sarifLog
		if err := json.Unmarshal(encode(t, r), &l); err != nil {
			t.Fatal(err)
		}
		for _, res := range l.Runs[0].Results {
			for _, loc := range res.Locations {
				if reg := loc.PhysicalLocation.Region; reg == nil || reg.StartLine < 1 {
					t.Errorf("%s at %s: region %+v", res.RuleID, loc.PhysicalLocation.ArtifactLocation.URI, reg)
				}
			}
		}
	}
}

// bare is a filesystem report with odd paths, no OS, no CVSS, a package
// without locations and a suppression without a reason.
func bare() *model.Report {
	return &model.Report{
		Artifact: model.Artifact{Name: "C:/src", Type: model.ArtifactFilesystem},
		Vulnerabilities: []model.Vulnerability{
			{
				ID: "OSV-2024-1", Severity: model.SeverityUnknown,
				Package:    model.Package{Name: "ghost", Version: "0.1", Type: model.TypeNPM},
				References: []string{"not a url", "https://osv.dev/OSV-2024-1"},
				Suppressed: &model.Suppressed{By: "ignore-file"},
			},
			{
				ID: "GHSA-xxxx-yyyy-zzzz", Severity: model.SeverityCritical,
				Package: model.Package{Name: "left pad", Version: "1.0.0", Type: model.TypeNPM,
					Locations: []model.Location{{Path: "/weird dir/50%/a:b/package.json"}}},
				CVSS: []model.CVSS{{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Score: 9.8}},
			},
		},
		Status: []model.Status{{Source: "walk", Path: "x", Message: "unreadable"}},
	}
}

func TestEncodeDeterministic(t *testing.T) {
	r := schematest.Report()
	first := encode(t, r)
	slices.Reverse(r.Inventory.Packages)
	slices.Reverse(r.Vulnerabilities)
	slices.Reverse(r.Misconfigurations)
	slices.Reverse(r.Secrets)
	slices.Reverse(r.PersonalData[0].Kinds)
	if second := encode(t, r); !bytes.Equal(first, second) {
		t.Error("output depends on the order of the findings")
	}
}

func decode(t *testing.T, doc []byte) *sarifLog {
	t.Helper()
	var l sarifLog
	if err := json.Unmarshal(doc, &l); err != nil {
		t.Fatal(err)
	}
	if len(l.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(l.Runs))
	}
	return &l
}

// TestEncodeContent checks what the golden file is meant to show.
func TestEncodeContent(t *testing.T) {
	l := decode(t, encode(t, schematest.Report()))
	rn := l.Runs[0]
	if d := rn.Tool.Driver; d.Name != "drydock" || d.Version != "0.4.0" || d.InformationURI != InformationURI {
		t.Errorf("driver = %+v", d)
	}
	var ruleIDs []string
	for _, ru := range rn.Tool.Driver.Rules {
		ruleIDs = append(ruleIDs, ru.ID)
	}
	wantRules := []string{
		"CVE-2024-0727", "CVE-2024-29041",
		"DD-IMG-001", "DD-IMG-004", "DD-K8S-001",
		"secret/aws-access-key-id", "secret/private-key",
		"pii/email", "pii/hkid",
	}
	if diff := cmp.Diff(wantRules, ruleIDs); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	ru := rn.Tool.Driver.Rules[0]
	if ru.Properties.SecuritySeverity != "5.5" || ru.HelpURI != "https://security-tracker.debian.org/tracker/CVE-2024-0727" ||
		ru.DefaultConfiguration.Level != "warning" {
		t.Errorf("rule 0 = %+v", ru)
	}
	if len(rn.Results) != 9 {
		t.Fatalf("%d results, want 9", len(rn.Results))
	}
	for i, res := range rn.Results {
		if rn.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %d: ruleIndex %d is rule %s, not %s", i, res.RuleIndex, rn.Tool.Driver.Rules[res.RuleIndex].ID, res.RuleID)
		}
	}
	want := result{
		RuleID:    "CVE-2024-0727",
		RuleIndex: 0,
		Level:     "warning",
		Message: text{Text: "libssl3 3.0.11-1~deb12u2 is affected by CVE-2024-0727 (MEDIUM); fixed in 3.0.13-1~deb12u1. " +
			"Found in var/lib/dpkg/status, layer 0 (ae2a5f4d1c5a). Matched by source openssl 3.0.11-1~deb12u2."},
		Locations: []location{{
			PhysicalLocation: physicalLocation{
				ArtifactLocation: artifactLocation{URI: "var/lib/dpkg/status", URIBaseID: "ROOTPATH"},
				Region:           &region{StartLine: 1}, // a whole file: line 1 (GitHub's GH1003)
			},
			LogicalLocations: []logicalLocation{{Name: string(schematest.Layer0), Kind: "layer"}},
		}},
		PartialFingerprints: map[string]string{FingerprintKey: fingerprint("CVE-2024-0727", "libssl3", "3.0.11-1~deb12u2", "var/lib/dpkg/status")},
		Properties: resultProps{
			Severity: "MEDIUM", PackageName: "libssl3", PackageType: "deb",
			PURL:             "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl",
			InstalledVersion: "3.0.11-1~deb12u2", FixedVersion: "3.0.13-1~deb12u1",
		},
	}
	if diff := cmp.Diff(want, rn.Results[0]); diff != "" {
		t.Errorf("first result (-want +got):\n%s", diff)
	}
	sup := rn.Results[1]
	if diff := cmp.Diff([]suppression{{Kind: "external", Status: "accepted", Justification: "vex: vulnerable_code_not_in_execute_path"}}, sup.Suppressions); diff != "" {
		t.Errorf("suppressions (-want +got):\n%s", diff)
	}
	if sup.RuleIndex != 1 {
		t.Errorf("suppressed result ruleIndex = %d, want 1", sup.RuleIndex)
	}
}

func TestEncodeBare(t *testing.T) {
	rn := decode(t, encode(t, bare())).Runs[0]
	byID := map[string]result{}
	for _, res := range rn.Results {
		byID[res.RuleID] = res
	}
	if got := byID["GHSA-xxxx-yyyy-zzzz"].Locations[0].PhysicalLocation.ArtifactLocation.URI; got != "weird%20dir/50%25/a:b/package.json" {
		t.Errorf("escaped uri = %q", got)
	}
	if got := byID["OSV-2024-1"].Locations[0].PhysicalLocation.ArtifactLocation.URI; got != "./C:/src" {
		t.Errorf("artifact uri = %q", got)
	}
	if got := byID["OSV-2024-1"].Suppressions[0].Justification; got != "ignore-file" {
		t.Errorf("justification = %q", got)
	}
	for _, ru := range rn.Tool.Driver.Rules {
		switch ru.ID {
		case "GHSA-xxxx-yyyy-zzzz":
			if ru.Properties.SecuritySeverity != "9.8" || ru.DefaultConfiguration.Level != "error" {
				t.Errorf("critical rule = %+v", ru)
			}
		case "OSV-2024-1":
			if ru.Properties.SecuritySeverity != "0.0" || ru.HelpURI != "https://osv.dev/OSV-2024-1" || ru.DefaultConfiguration.Level != "note" {
				t.Errorf("unknown rule = %+v", ru)
			}
		}
	}
	if n := rn.Invocations[0].ToolExecutionNotifications; len(n) != 1 || n[0].Message.Text != "walk: x: unreadable" {
		t.Errorf("notifications = %+v", n)
	}
}

func TestSecuritySeverity(t *testing.T) {
	tests := []struct {
		name string
		v    model.Vulnerability
		want string
	}{
		{"no cvss", model.Vulnerability{Severity: model.SeverityHigh}, "8.0"},
		{"cvss agrees", model.Vulnerability{Severity: model.SeverityHigh, CVSS: []model.CVSS{{Version: "3.1", Score: 7.5}}}, "7.5"},
		// Debian says LOW, NVD says 9.8: GitHub must show LOW.
		{"cvss disagrees", model.Vulnerability{Severity: model.SeverityLow, CVSS: []model.CVSS{{Version: "3.1", Score: 9.8}}}, "2.0"},
		{"newest version first", model.Vulnerability{Severity: model.SeverityMedium, CVSS: []model.CVSS{
			{Version: "2.0", Score: 5.0}, {Version: "3.1", Score: 6.1},
		}}, "6.1"},
		{"unknown", model.Vulnerability{Severity: model.SeverityUnknown}, "0.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := securitySeverity(tt.v); got != tt.want {
				t.Errorf("securitySeverity = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFingerprintStable(t *testing.T) {
	a := fingerprint("CVE-1", "p", "1", "x")
	if b := fingerprint("CVE-1", "p", "1", "x"); a != b {
		t.Error("fingerprint not stable")
	}
	if b := fingerprint("CVE-1", "p1", "", "x"); a == b {
		t.Error("fingerprint ambiguous across part boundaries")
	}
}

func TestOmitSuppressed(t *testing.T) {
	var buf bytes.Buffer
	if err := (Encoder{OmitSuppressed: true}).Encode(&buf, schematest.Report()); err != nil {
		t.Fatal(err)
	}
	schematest.Validate(t, schematest.SARIF210, buf.Bytes())
	rn := decode(t, buf.Bytes()).Runs[0]
	var ruleIDs, resultIDs []string
	for _, ru := range rn.Tool.Driver.Rules {
		ruleIDs = append(ruleIDs, ru.ID)
	}
	for _, res := range rn.Results {
		resultIDs = append(resultIDs, res.RuleID)
		if len(res.Suppressions) > 0 {
			t.Errorf("%s: suppressed result kept", res.RuleID)
		}
	}
	// CVE-2024-29041 and DD-IMG-004 are suppressed.
	want := []string{"CVE-2024-0727", "DD-IMG-001", "DD-K8S-001", "secret/aws-access-key-id", "secret/private-key", "pii/email", "pii/hkid"}
	if diff := cmp.Diff(want, ruleIDs); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, resultIDs); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}
