package gitlab

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/report/internal/schematest"
)

const (
	secretsGolden = "testdata/secrets.golden.json"
	secretsSchema = "testdata/secret-detection-report-format-15.2.1.json"
)

func encodeSecrets(t testing.TB, r *model.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := (SecretsEncoder{}).Encode(&buf, r); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return buf.Bytes()
}

func decodeSecrets(t *testing.T, doc []byte) *secretsDocument {
	t.Helper()
	var d secretsDocument
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	return &d
}

// bareSecrets is a directory scan: no layers, no tool version or time, a
// secret without a line or title, one suppressed, two on one line, and an
// over-long title.
func bareSecrets() *model.Report {
	env := model.Location{Path: "config/prod.env"}
	return &model.Report{
		Artifact: model.Artifact{Name: "./checkout", Type: model.ArtifactFilesystem},
		Secrets: []model.Secret{
			{RuleID: "generic-password", Category: "Password", Title: strings.Repeat("p", 300),
				Severity: model.SeverityMedium, Match: "DB_PASSWORD=********", Line: 7, Location: env},
			{RuleID: "jwt", Severity: model.SeverityUnknown, Location: model.Location{Path: "token.txt"}},
			{RuleID: "github-pat", Title: "GitHub personal access token", Severity: model.SeverityCritical,
				Match: "A=ghp_**** B=ghp_****", Line: 2, Location: env},
			{RuleID: "github-pat", Title: "GitHub personal access token", Severity: model.SeverityCritical,
				Match: "A=ghp_**** B=ghp_****", Line: 2, Location: env},
			{RuleID: "slack-token", Title: "Slack token", Severity: model.SeverityHigh, Match: "xoxb-****",
				Line: 9, Location: env, Suppressed: &model.Suppressed{By: "ignore-file", Reason: "test token"}},
		},
		Status: []model.Status{{Source: "secret", Path: "big.bin", Message: "file too large"}},
	}
}

func TestSecretsFormat(t *testing.T) {
	if got := (SecretsEncoder{}).Format(); got != "gitlab-secrets" {
		t.Errorf("Format() = %q", got)
	}
}

func TestSecretsGolden(t *testing.T) {
	schematest.Golden(t, secretsGolden, encodeSecrets(t, schematest.Report()), *update)
}

func TestSecretsSchema(t *testing.T) {
	for _, tt := range []struct {
		name string
		r    *model.Report
	}{
		{"fixture", schematest.Report()},
		{"bare", bareSecrets()},
		{"empty", &model.Report{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			schematest.ValidateFile(t, secretsSchema, encodeSecrets(t, tt.r))
		})
	}
}

func TestSecretsEmpty(t *testing.T) {
	got := encodeSecrets(t, &model.Report{})
	if !bytes.Contains(got, []byte(`"vulnerabilities": []`)) {
		t.Errorf("empty report does not hold an empty vulnerabilities array:\n%s", got)
	}
}

func TestSecretsNilReport(t *testing.T) {
	if err := (SecretsEncoder{}).Encode(&bytes.Buffer{}, nil); err == nil {
		t.Error("Encode(nil) succeeded")
	}
}

// TestSecretsContent checks what the golden file is meant to show.
func TestSecretsContent(t *testing.T) {
	d := decodeSecrets(t, encodeSecrets(t, schematest.Report()))
	if d.Version != "15.2.1" || d.Schema != SecretsSchemaURL {
		t.Errorf("version, schema = %q, %q", d.Version, d.Schema)
	}
	wantScan := scan{
		Analyzer:  component{ID: "drydock", Name: "drydock", URL: homepage, Version: "0.4.0", Vendor: vendor{Name: "drydock"}},
		Scanner:   component{ID: "drydock", Name: "drydock", URL: homepage, Version: "0.4.0", Vendor: vendor{Name: "drydock"}},
		Type:      "secret_detection",
		StartTime: "2024-04-02T10:30:00",
		EndTime:   "2024-04-02T10:30:00",
		Status:    "success",
	}
	if diff := cmp.Diff(wantScan, d.Scan); diff != "" {
		t.Errorf("scan (-want +got):\n%s", diff)
	}
	layer1 := detail{
		Name:        "Image layer",
		Description: "Diff ID of the layer that adds the file: layer 1, counting from the base layer 0.",
		Type:        "text",
		Value:       string(schematest.Layer1),
	}
	image := detail{Name: "Image", Type: "text", Value: "registry.example.com/shop/web:1.4.2"}
	match := func(m string) detail {
		return detail{Name: "Match (redacted)", Description: "The matched text with the secret replaced by '*'.", Type: "code", Value: m}
	}
	imageSolution := secretSolution(true)
	want := []secretFinding{
		{
			ID:          uuid("aws-access-key-id", "etc/app/.env", "3", string(schematest.Layer1)),
			Name:        "AWS access key ID",
			Description: "AWS access key ID (AWS) found in etc/app/.env, line 3, layer 1 (" + string(schematest.Layer1) + ").",
			Severity:    "Critical",
			Solution:    imageSolution,
			Identifiers: []identifier{{Type: "drydock_secret_rule", Name: "aws-access-key-id", Value: "aws-access-key-id"}},
			Location:    sourceLocation{File: "etc/app/.env", StartLine: 3, EndLine: 3, Commit: commit{SHA: "0000000"}},
			Details:     map[string]detail{"layer": layer1, "image": image, "match": match("AKIA************MPLE")},
		},
		{
			ID:   uuid("private-key", "root/.ssh/id_ed25519", "2", string(schematest.Layer1)),
			Name: "Private key",
			Description: "Private key found in root/.ssh/id_ed25519, line 2, layer 1 (" + string(schematest.Layer1) + "). " +
				"A later layer deletes the file: it is not in the running container, but it still ships in the image.",
			Severity:    "High",
			Solution:    imageSolution,
			Identifiers: []identifier{{Type: "drydock_secret_rule", Name: "private-key", Value: "private-key"}},
			Location:    sourceLocation{File: "root/.ssh/id_ed25519", StartLine: 2, EndLine: 2, Commit: commit{SHA: "0000000"}},
			Details:     map[string]detail{"layer": layer1, "image": image, "match": match("b3BlbnNz****************")},
		},
	}
	if diff := cmp.Diff(want, d.Vulnerabilities); diff != "" {
		t.Errorf("vulnerabilities (-want +got):\n%s", diff)
	}
}

func TestSecretsBare(t *testing.T) {
	d := decodeSecrets(t, encodeSecrets(t, bareSecrets()))
	var got []string
	for _, v := range d.Vulnerabilities {
		got = append(got, v.Identifiers[0].Value)
	}
	// Ordered by path and line; the suppressed Slack token is left out and
	// the second GitHub token on line 2 is written once.
	if diff := cmp.Diff([]string{"github-pat", "generic-password", "jwt"}, got); diff != "" {
		t.Fatalf("findings (-want +got):\n%s", diff)
	}
	pw, jwt := d.Vulnerabilities[1], d.Vulnerabilities[2]
	if n := len([]rune(pw.Name)); n != maxName || !strings.HasSuffix(pw.Name, "…") {
		t.Errorf("name has %d characters, want %d ending in …", n, maxName)
	}
	if _, ok := pw.Details["layer"]; ok {
		t.Errorf("layer detail outside an image: %+v", pw.Details)
	}
	if _, ok := pw.Details["image"]; ok {
		t.Errorf("image detail for a directory scan: %+v", pw.Details)
	}
	if pw.Solution != secretSolution(false) {
		t.Errorf("solution = %q", pw.Solution)
	}
	wantJWT := secretFinding{
		ID:          uuid("jwt", "token.txt", "0", ""),
		Name:        "jwt",
		Description: "jwt found in token.txt.",
		Severity:    "Unknown",
		Solution:    secretSolution(false),
		Identifiers: []identifier{{Type: "drydock_secret_rule", Name: "jwt", Value: "jwt"}},
		Location:    sourceLocation{File: "token.txt", Commit: commit{SHA: "0000000"}},
	}
	if diff := cmp.Diff(wantJWT, jwt); diff != "" {
		t.Errorf("finding without line, title or match (-want +got):\n%s", diff)
	}
	if d.Scan.Analyzer.Version != "unknown" || len(d.Scan.Messages) != 1 || d.Scan.Messages[0].Level != "warn" {
		t.Errorf("scan = %+v", d.Scan)
	}
}

func TestSecretsDeterministic(t *testing.T) {
	r := schematest.Report()
	r.Secrets = append(r.Secrets, bareSecrets().Secrets...)
	first := encodeSecrets(t, r)
	slices.Reverse(r.Secrets)
	if second := encodeSecrets(t, r); !bytes.Equal(first, second) {
		t.Error("output depends on the order of secrets")
	}
}

// TestSecretsNeverWritten: the report holds a secret as its redacted match
// at most. The fixture's access key ID is AWS's documentation example
// behind "AKIA************MPLE"; the other values are the secrets behind
// the matches given here.
func TestSecretsNeverWritten(t *testing.T) {
	r := schematest.Report()
	r.Secrets = append(r.Secrets,
		model.Secret{
			RuleID: "aws-access-key-id", Title: "AWS access key ID", Severity: model.SeverityCritical,
			Match: "AWS_ACCESS_KEY_ID=AKIA****************", Line: 1,
			Location: model.Location{Path: "etc/app/.env", Layer: schematest.Layer2, LayerIndex: 2},
		},
		model.Secret{
			RuleID: "github-pat", Title: "GitHub personal access token", Severity: model.SeverityCritical,
			Match: "token: ghp_************************************", Line: 4,
			Location: model.Location{Path: "app/.npmrc", Layer: schematest.Layer2, LayerIndex: 2},
		},
	)
	secrets := []string{
		"AKIAIOSFODNN7EXAMPLE",
		"AKIAZ2X4Q7TN5W3KVJ6P",
		"ghp_R8x2mQ7vLk3NpT9wYc4ZsJ1bHf6DgE0aUoWi",
	}
	out := encodeSecrets(t, r)
	for _, s := range secrets {
		// The rules leave at most 4 leading characters readable.
		if bytes.Contains(out, []byte(s[4:])) {
			t.Errorf("the output holds the secret %s", s)
		}
	}
	if bytes.Contains(out, []byte("raw_source_code_extract")) {
		t.Error("the output has raw_source_code_extract, GitLab's unsanitized source field")
	}
	for _, s := range r.Secrets {
		if !bytes.Contains(out, []byte(s.Match)) {
			t.Errorf("the output lacks the redacted match %q", s.Match)
		}
	}
}
