package report_test

import (
	"bytes"
	"slices"
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
	// carries: the finding classes besides vulnerabilities the format
	// writes (docs/report-schema.md, "Formats").
	carries []class
}

type class string

const (
	misconfigs   class = "misconfigurations"
	secrets      class = "secrets"
	personalData class = "personal data"
)

var all = []class{misconfigs, secrets, personalData}

func formats(t *testing.T) []format {
	md, err := template.Builtin("markdown")
	if err != nil {
		t.Fatal(err)
	}
	return []format{
		{"table", table.Encoder{}, all},
		{"table color", table.Encoder{Color: true}, all},
		{"json", reportjson.Encoder{}, all},
		{"sarif", sarif.Encoder{}, all},
		{"junit", junit.Encoder{}, all},
		{"template markdown", md, all},
		// The container-scanning schema has no room for them; GitLab reads
		// secrets from a secret-detection report.
		{"gitlab", gitlab.Encoder{}, nil},
		{"gitlab-secrets", gitlab.SecretsEncoder{}, []class{secrets}},
		// SBOMs describe components.
		{"cyclonedx", cyclonedx.Encoder{}, nil},
		{"spdx", spdx.Encoder{}, nil},
	}
}

// TestFindingsInEveryFormat checks the matrix of docs/report-schema.md:
// the formats that carry misconfigurations, secrets and personal data show
// each of the fixture's findings.
func TestFindingsInEveryFormat(t *testing.T) {
	marks := map[class][]string{
		misconfigs:   {"DD-IMG-001", "DD-K8S-001"},
		secrets:      {"AKIA************MPLE", "id_ed25519"},
		personalData: {"app/data/customers.csv", "A12****(3)"},
	}
	for _, f := range formats(t) {
		t.Run(f.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := f.enc.Encode(&buf, schematest.Report()); err != nil {
				t.Fatal(err)
			}
			for _, c := range all {
				want := slices.Contains(f.carries, c)
				for _, m := range marks[c] {
					if got := bytes.Contains(buf.Bytes(), []byte(m)); got != want {
						t.Errorf("%s: output has %q: %v, want %v", c, m, got, want)
					}
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
