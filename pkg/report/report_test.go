package report_test

import (
	"bytes"
	"testing"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/report"
	"github.com/drydockhq/drydock/pkg/report/cyclonedx"
	"github.com/drydockhq/drydock/pkg/report/gitlab"
	"github.com/drydockhq/drydock/pkg/report/internal/schematest"
	reportjson "github.com/drydockhq/drydock/pkg/report/json"
	"github.com/drydockhq/drydock/pkg/report/junit"
	"github.com/drydockhq/drydock/pkg/report/sarif"
	"github.com/drydockhq/drydock/pkg/report/spdx"
	"github.com/drydockhq/drydock/pkg/report/table"
	"github.com/drydockhq/drydock/pkg/report/template"
)

type format struct {
	name string
	enc  report.Encoder
	// findings: the format carries misconfigurations, secrets and
	// personal data (docs/report-schema.md, "Formats").
	findings bool
}

func formats(t *testing.T) []format {
	md, err := template.Builtin("markdown")
	if err != nil {
		t.Fatal(err)
	}
	return []format{
		{"table", table.Encoder{}, true},
		{"table color", table.Encoder{Color: true}, true},
		{"json", reportjson.Encoder{}, true},
		{"sarif", sarif.Encoder{}, true},
		{"junit", junit.Encoder{}, true},
		{"template markdown", md, true},
		// The container-scanning schema has no room for them.
		{"gitlab", gitlab.Encoder{}, false},
		// SBOMs describe components.
		{"cyclonedx", cyclonedx.Encoder{}, false},
		{"spdx", spdx.Encoder{}, false},
	}
}

// TestFindingsInEveryFormat checks the matrix of docs/report-schema.md:
// the formats that carry misconfigurations, secrets and personal data show
// each of the fixture's findings.
func TestFindingsInEveryFormat(t *testing.T) {
	marks := []string{
		"DD-IMG-001", "DD-K8S-001", // misconfigurations
		"AKIA************MPLE", "id_ed25519", // secrets
		"app/data/customers.csv", "A12****(3)", // personal data
	}
	for _, f := range formats(t) {
		t.Run(f.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := f.enc.Encode(&buf, schematest.Report()); err != nil {
				t.Fatal(err)
			}
			for _, m := range marks {
				if got := bytes.Contains(buf.Bytes(), []byte(m)); got != f.findings {
					t.Errorf("output has %q: %v, want %v", m, got, f.findings)
				}
			}
		})
	}
}

// TestSecretNeverWritten: every format writes a secret as the report's
// redacted match at most. The encoders see only the redacted match; this
// guards against one that adds text of the file (a snippet, context).
func TestSecretNeverWritten(t *testing.T) {
	const secret = "AKIAZ2X4Q7TN5W3KVJ6P"
	r := schematest.Report()
	r.Secrets = []model.Secret{{
		RuleID: "aws-access-key-id", Category: "AWS", Title: "AWS access key ID", Severity: model.SeverityCritical,
		Match: "AWS_ACCESS_KEY_ID=AKIA****************", Line: 1,
		Location: model.Location{Path: "etc/app/.env", Layer: schematest.Layer1, LayerIndex: 1},
	}}
	for _, f := range formats(t) {
		var buf bytes.Buffer
		if err := f.enc.Encode(&buf, r); err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		if bytes.Contains(buf.Bytes(), []byte(secret[4:])) {
			t.Errorf("%s: the output holds the secret", f.name)
		}
	}
}
