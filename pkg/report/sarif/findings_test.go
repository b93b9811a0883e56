package sarif

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/report/internal/schematest"
)

func resultsByRule(t *testing.T, r *model.Report) (map[string][]result, map[string]rule) {
	t.Helper()
	rn := decode(t, encode(t, r)).Runs[0]
	results := map[string][]result{}
	for _, res := range rn.Results {
		results[res.RuleID] = append(results[res.RuleID], res)
	}
	rules := map[string]rule{}
	for _, ru := range rn.Tool.Driver.Rules {
		rules[ru.ID] = ru
	}
	return results, rules
}

func TestMisconfigurations(t *testing.T) {
	results, rules := resultsByRule(t, schematest.Report())

	k8s := results["DD-K8S-001"]
	if len(k8s) != 1 {
		t.Fatalf("DD-K8S-001: %d results", len(k8s))
	}
	want := result{
		RuleID:    "DD-K8S-001",
		RuleIndex: 4,
		Level:     "error",
		Message:   text{Text: "Privileged container (HIGH): container web is privileged. Found in Deployment/shop/web (app/deploy/web.yaml, line 27)."},
		Locations: []location{{
			PhysicalLocation: physicalLocation{
				ArtifactLocation: artifactLocation{URI: "app/deploy/web.yaml", URIBaseID: URIBaseID},
				Region:           &region{StartLine: 27},
			},
			LogicalLocations: []logicalLocation{{Name: "Deployment/shop/web", Kind: "resource"}},
		}},
		PartialFingerprints: map[string]string{
			FingerprintKey: fingerprint("misconfiguration", "DD-K8S-001", "app/deploy/web.yaml", "Deployment/shop/web", "container web is privileged"),
		},
		Properties: resultProps{Severity: "HIGH", Target: "app/deploy/web.yaml", Object: "Deployment/shop/web"},
	}
	if diff := cmp.Diff(want, k8s[0]); diff != "" {
		t.Errorf("DD-K8S-001 result (-want +got):\n%s", diff)
	}
	ru := rules["DD-K8S-001"]
	if diff := cmp.Diff([]string{"PSS baseline Privileged Containers", "CIS Kubernetes Benchmark 1.9 5.2.2"}, ru.Properties.Controls); diff != "" {
		t.Errorf("controls (-want +got):\n%s", diff)
	}
	if ru.Properties.SecuritySeverity != "8.0" || ru.ShortDescription.Text != "Privileged container" ||
		!strings.Contains(ru.Help.Text, "Resolution: Remove `securityContext.privileged: true`") {
		t.Errorf("DD-K8S-001 rule = %+v", ru)
	}

	// The image config check points at the image, line 1.
	img := results["DD-IMG-001"][0]
	loc := img.Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "registry.example.com/shop/web:1.4.2" || loc.Region == nil || loc.Region.StartLine != 1 {
		t.Errorf("DD-IMG-001 location = %+v", loc)
	}
	if got := rules["DD-IMG-001"].Properties.Controls; len(got) != 1 || got[0] != "CIS Docker Benchmark 1.6 4.1" {
		t.Errorf("DD-IMG-001 controls = %v", got)
	}
	sup := results["DD-IMG-004"][0].Suppressions
	if diff := cmp.Diff([]suppression{{Kind: "external", Status: "accepted", Justification: "ignore-file: Kubernetes liveness probes replace HEALTHCHECK"}}, sup); diff != "" {
		t.Errorf("DD-IMG-004 suppressions (-want +got):\n%s", diff)
	}
}

func TestSecrets(t *testing.T) {
	results, rules := resultsByRule(t, schematest.Report())
	aws := results["secret/aws-access-key-id"]
	if len(aws) != 1 {
		t.Fatalf("secret/aws-access-key-id: %d results", len(aws))
	}
	want := result{
		RuleID:    "secret/aws-access-key-id",
		RuleIndex: 5,
		Level:     "error",
		Message:   text{Text: "AWS access key ID (CRITICAL) in etc/app/.env, line 3, layer 1 (1c9a2b3d4e5f): AKIA************MPLE"},
		Locations: []location{{
			PhysicalLocation: physicalLocation{
				ArtifactLocation: artifactLocation{URI: "etc/app/.env", URIBaseID: URIBaseID},
				Region:           &region{StartLine: 3},
			},
			LogicalLocations: []logicalLocation{{Name: string(schematest.Layer1), Kind: "layer"}},
		}},
		PartialFingerprints: map[string]string{
			FingerprintKey: fingerprint("secret", "aws-access-key-id", "etc/app/.env", "AKIA************MPLE"),
		},
		Properties: resultProps{Severity: "CRITICAL", Category: "AWS"},
	}
	if diff := cmp.Diff(want, aws[0]); diff != "" {
		t.Errorf("AWS result (-want +got):\n%s", diff)
	}
	if ru := rules["secret/aws-access-key-id"]; ru.Properties.SecuritySeverity != "9.5" || ru.DefaultConfiguration.Level != "error" {
		t.Errorf("AWS rule = %+v", ru)
	}
	key := results["secret/private-key"][0]
	if !key.Properties.Deleted || !strings.Contains(key.Message.Text, "still ships in the image") {
		t.Errorf("deleted key = %+v", key)
	}
}

// TestSecretRedacted checks that the SARIF log carries a secret only as
// the report's redacted match. The fixture holds no secret at all, so a
// crafted report stands for a scan of a file with one: the encoder must
// not add anything of the file beyond Match (no snippet, no context).
func TestSecretRedacted(t *testing.T) {
	const (
		secret   = "AKIAZ2X4Q7TN5W3KVJ6P"
		redacted = "aws_access_key_id = AKIA****************"
	)
	r := &model.Report{
		Artifact: model.Artifact{Name: "app:1", Type: model.ArtifactImage},
		Secrets: []model.Secret{{
			RuleID: "aws-access-key-id", Category: "AWS", Title: "AWS access key ID", Severity: model.SeverityCritical,
			Match: redacted, Line: 2,
			Location: model.Location{Path: "root/.aws/credentials", Layer: schematest.Layer1, LayerIndex: 1},
		}},
	}
	for _, e := range []Encoder{{}, {OmitSuppressed: true}} {
		var buf bytes.Buffer
		if err := e.Encode(&buf, r); err != nil {
			t.Fatal(err)
		}
		doc := buf.Bytes()
		for _, leak := range []string{secret, secret[4:], secret[4:12], secret[12:]} {
			if bytes.Contains(doc, []byte(leak)) {
				t.Errorf("the log holds %q of the secret", leak)
			}
		}
		if !bytes.Contains(doc, []byte(redacted)) {
			t.Errorf("the log lacks the redacted match %q", redacted)
		}
		schematest.Validate(t, schematest.SARIF210, doc)
	}
	for _, leak := range []string{"AKIAIOSFODNN7EXAMPLE", "IOSFODNN7EXAMPLE"} {
		if bytes.Contains(encode(t, schematest.Report()), []byte(leak)) {
			t.Errorf("the fixture's log holds %q", leak)
		}
	}
}

func TestPersonalData(t *testing.T) {
	results, rules := resultsByRule(t, schematest.Report())
	hkid, email := results["pii/hkid"], results["pii/email"]
	if len(hkid) != 1 || len(email) != 1 {
		t.Fatalf("pii results: %d hkid, %d email", len(hkid), len(email))
	}
	if hkid[0].Level != "warning" || email[0].Level != "note" {
		t.Errorf("levels: hkid %s, email %s; want warning, note", hkid[0].Level, email[0].Level)
	}
	if want := "Personal data in app/data/customers.csv, layer 2 (5f4e3d2c1b0a): Hong Kong identity card number (hkid) found 3 times; sample A12****(3)."; hkid[0].Message.Text != want {
		t.Errorf("hkid message = %q, want %q", hkid[0].Message.Text, want)
	}
	if hkid[0].Properties.Count != 3 || email[0].Properties.Count != 12 {
		t.Errorf("counts: %+v, %+v", hkid[0].Properties, email[0].Properties)
	}
	if l := hkid[0].Locations[0]; l.PhysicalLocation.ArtifactLocation.URI != "app/data/customers.csv" || l.PhysicalLocation.Region.StartLine != 1 ||
		l.LogicalLocations[0].Name != string(schematest.Layer2) {
		t.Errorf("hkid location = %+v", l)
	}
	if ru := rules["pii/hkid"]; ru.DefaultConfiguration.Level != "warning" || ru.Properties.SecuritySeverity != "5.5" {
		t.Errorf("hkid rule = %+v", ru)
	}
	if ru := rules["pii/email"]; ru.DefaultConfiguration.Level != "note" || ru.Properties.SecuritySeverity != "2.0" {
		t.Errorf("email rule = %+v", ru)
	}
}

// odd has findings with missing and awkward fields: no target, no line, no
// title, a policy ID shared with a vulnerability, an unknown kind of
// personal data in a deleted file, a file outside any layer.
func odd() *model.Report {
	return &model.Report{
		Artifact: model.Artifact{Name: "C:/src", Type: model.ArtifactFilesystem},
		Vulnerabilities: []model.Vulnerability{{
			ID: "CVE-2024-1", Severity: model.SeverityLow, Package: model.Package{Name: "p", Version: "1"},
		}},
		Misconfigurations: []model.Misconfiguration{
			{ID: "USER-1", Severity: model.SeverityUnknown, Message: "custom"},
			{ID: "CVE-2024-1", Severity: model.SeverityCritical, Title: "policy reusing an ID", Target: "k8s/a b.yaml", Line: 1},
		},
		Secrets: []model.Secret{{
			RuleID: "generic-api-key", Severity: model.SeverityMedium, Match: "token: ab**********",
			Location:   model.Location{Path: "/etc/x y"},
			Suppressed: &model.Suppressed{By: "ignore-file"},
		}},
		PersonalData: []model.PersonalData{{
			Location: model.Location{Path: "data/people.json", Layer: schematest.Layer0},
			Deleted:  true,
			Kinds:    []model.PIIKind{{Kind: "passport", Count: 1}},
		}},
	}
}

func TestOdd(t *testing.T) {
	doc := encode(t, odd())
	schematest.Validate(t, schematest.SARIF210, doc)
	results, rules := resultsByRule(t, odd())
	if n := len(results["CVE-2024-1"]); n != 2 || len(rules) != 4 {
		t.Errorf("shared ID: %d results, %d rules; want 2 results under one rule, 4 rules", n, len(rules))
	}
	user := results["USER-1"][0]
	if user.Locations[0].PhysicalLocation.ArtifactLocation.URI != "./C:/src" || user.Message.Text != "USER-1 (UNKNOWN): custom. Found in C:/src." {
		t.Errorf("USER-1 = %+v", user)
	}
	sec := results["secret/generic-api-key"][0]
	if sec.Locations[0].PhysicalLocation.ArtifactLocation.URI != "etc/x%20y" || sec.Locations[0].LogicalLocations != nil ||
		sec.Suppressions[0].Justification != "ignore-file" {
		t.Errorf("secret = %+v", sec)
	}
	pii := results["pii/passport"][0]
	if pii.Level != "warning" || !strings.Contains(pii.Message.Text, "passport (passport) found once") || !pii.Properties.Deleted {
		t.Errorf("passport = %+v", pii)
	}
}
