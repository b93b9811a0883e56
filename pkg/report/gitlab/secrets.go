package gitlab

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/report"
)

// SecretsFormat is the format name of the secret-detection report.
const SecretsFormat report.Format = "gitlab-secrets"

// SecretsSchemaURL is the schema the secret-detection report declares.
const SecretsSchemaURL = "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v" +
	SchemaVersion + "/dist/secret-detection-report-format.json"

// SecretRuleIdentifier is the identifier type of drydock's secret rules
// (GitLab's own analyzer uses "gitleaks_rule_id").
const SecretRuleIdentifier = "drydock_secret_rule"

// noCommit is the commit of every finding. The schema requires one, but
// drydock scans files, not history; GitLab's secret-detection analyzer
// writes the same placeholder when it scans a working tree.
const noCommit = "0000000"

// SecretsEncoder writes GitLab secret-detection JSON, the artifact a CI job
// declares as artifacts:reports:secret_detection.
//
// Mapping:
//
//   - One vulnerability per unsuppressed secret, ordered by path, line,
//     rule and layer; suppressed secrets are left out, as in the
//     container-scanning report. Findings with the same rule, file, line
//     and layer (two secrets on one line) are written once.
//   - id is a UUID hashed from the rule ID, path, line and layer diff ID.
//   - name is the rule title (no finding-specific text); severity as in
//     the container-scanning report; identifiers: one, of type
//     SecretRuleIdentifier, whose name and value are the rule ID.
//   - description says where the secret is: path, line and layer, and that
//     a later layer deletes the file when it does; solution says to rotate
//     the credential and remove it.
//   - location: file and start_line/end_line (the secret's line), and
//     commit {"sha": "0000000"}, which the schema requires.
//   - details: the layer diff ID ("layer") and the image reference
//     ("image") for findings in images, and the redacted match ("match").
//   - raw_source_code_extract is not written: the schema defines it as the
//     unsanitized source, and GitLab hands it to its secret revocation
//     service. The redacted match goes in details instead.
//
// Nothing else of the report is written. The output is deterministic.
type SecretsEncoder struct{}

var _ report.Encoder = SecretsEncoder{}

// Format implements report.Encoder.
func (SecretsEncoder) Format() report.Format { return SecretsFormat }

// Encode implements report.Encoder.
func (SecretsEncoder) Encode(w io.Writer, r *model.Report) error {
	if r == nil {
		return errors.New("encoding GitLab secret-detection report: nil report")
	}
	return report.WriteJSON(w, buildSecrets(r), "GitLab secret-detection report")
}

type secretsDocument struct {
	Version         string          `json:"version"`
	Schema          string          `json:"schema"`
	Scan            scan            `json:"scan"`
	Vulnerabilities []secretFinding `json:"vulnerabilities"`
}

type secretFinding struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Severity    string            `json:"severity"`
	Solution    string            `json:"solution"`
	Identifiers []identifier      `json:"identifiers"`
	Location    sourceLocation    `json:"location"`
	Details     map[string]detail `json:"details,omitempty"`
}

type sourceLocation struct {
	File      string `json:"file"`
	StartLine int    `json:"start_line,omitempty"`
	EndLine   int    `json:"end_line,omitempty"`
	Commit    commit `json:"commit"`
}

type commit struct {
	SHA string `json:"sha"`
}

// detail is a field of the details named list: a named text or code
// value.
type detail struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Type        string `json:"type"`
	Value       string `json:"value"`
}

func buildSecrets(r *model.Report) *secretsDocument {
	d := &secretsDocument{
		Version:         SchemaVersion,
		Schema:          SecretsSchemaURL,
		Scan:            newScan(r, "secret_detection"),
		Vulnerabilities: []secretFinding{},
	}
	image := ""
	if r.Artifact.Type == model.ArtifactImage {
		image = r.Artifact.Name
	}
	seen := map[string]bool{}
	for _, s := range sortedSecrets(r.Secrets) {
		f := secretFindingOf(s, image)
		if seen[f.ID] {
			continue
		}
		seen[f.ID] = true
		d.Vulnerabilities = append(d.Vulnerabilities, f)
	}
	return d
}

// sortedSecrets returns the unsuppressed secrets in a stable order.
func sortedSecrets(ss []model.Secret) []model.Secret {
	out := slices.DeleteFunc(slices.Clone(ss), func(s model.Secret) bool { return s.Suppressed != nil })
	slices.SortStableFunc(out, func(a, b model.Secret) int {
		return cmp.Or(
			strings.Compare(a.Location.Path, b.Location.Path),
			cmp.Compare(a.Line, b.Line),
			strings.Compare(a.RuleID, b.RuleID),
			cmp.Compare(a.Location.LayerIndex, b.Location.LayerIndex),
			strings.Compare(string(a.Location.Layer), string(b.Location.Layer)),
		)
	})
	return out
}

func secretFindingOf(s model.Secret, image string) secretFinding {
	rule := cmp.Or(s.RuleID, "unknown")
	l := s.Location
	f := secretFinding{
		ID:          uuid(s.RuleID, l.Path, strconv.Itoa(s.Line), string(l.Layer)),
		Name:        truncate(cmp.Or(s.Title, rule), maxName),
		Description: truncate(secretDescription(s), maxDescription),
		Severity:    severity(s.Severity),
		Solution:    secretSolution(l.Layer != ""),
		Identifiers: []identifier{{Type: SecretRuleIdentifier, Name: rule, Value: rule}},
		Location:    sourceLocation{File: l.Path, Commit: commit{SHA: noCommit}},
		Details:     map[string]detail{},
	}
	if s.Line > 0 {
		f.Location.StartLine, f.Location.EndLine = s.Line, s.Line
	}
	if l.Layer != "" {
		f.Details["layer"] = detail{
			Name:        "Image layer",
			Description: fmt.Sprintf("Diff ID of the layer that adds the file: layer %d, counting from the base layer 0.", l.LayerIndex),
			Type:        "text",
			Value:       string(l.Layer),
		}
		if image != "" {
			f.Details["image"] = detail{Name: "Image", Type: "text", Value: image}
		}
	}
	if s.Match != "" {
		// Match is already redacted: it is the only text of the file written.
		f.Details["match"] = detail{
			Name:        "Match (redacted)",
			Description: "The matched text with the secret replaced by '*'.",
			Type:        "code",
			Value:       s.Match,
		}
	}
	if len(f.Details) == 0 {
		f.Details = nil
	}
	return f
}

// secretDescription says what was found where: "AWS access key ID (AWS)
// found in etc/app/.env, line 3, layer 1 (sha256:…)."
func secretDescription(s model.Secret) string {
	what := cmp.Or(s.Title, s.RuleID, "Secret")
	if s.Category != "" && s.Category != what {
		what += " (" + s.Category + ")"
	}
	where := s.Location.Path
	if s.Line > 0 {
		where += fmt.Sprintf(", line %d", s.Line)
	}
	if l := s.Location; l.Layer != "" {
		where += fmt.Sprintf(", layer %d (%s)", l.LayerIndex, l.Layer)
	}
	out := what + " found in " + where + "."
	if s.Deleted {
		out += " A later layer deletes the file: it is not in the running container, but it still ships in the image."
	}
	return out
}

func secretSolution(inImage bool) string {
	if inImage {
		return "Rotate the credential: anyone who can pull the image can read it. Then remove it from the layer " +
			"that adds it (deleting it in a later layer does not remove it from the image) and pass it at run time instead."
	}
	return "Rotate the credential, then remove it from the file and pass it at run time instead."
}
