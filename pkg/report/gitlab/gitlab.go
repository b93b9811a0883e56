// Package gitlab renders a report as a GitLab container-scanning security
// report (schema 15.2.1 of gitlab-org/security-products/security-report-schemas),
// the artifact a CI job declares as artifacts:reports:container_scanning so
// that GitLab shows the findings in merge requests and the vulnerability
// report. SecretsEncoder (secrets.go) writes the secret-detection report of
// the same schema version.
//
// Mapping of the container-scanning report:
//
//   - One vulnerability per unsuppressed finding. Suppressed findings are
//     left out: the format has no suppression, and a finding drydock was
//     told to ignore must not reappear in GitLab for triage (GitLab keeps its
//     own dismissals).
//   - id is a UUID (version-5 layout) hashed from the vulnerability ID,
//     package name, version and path, so it is stable from scan to scan.
//   - name is the advisory summary (GitLab wants no finding-specific text
//     there), else the ID; severity is drydock's, capitalised; solution is
//     "Upgrade <package> to <fixed>" when a fix exists.
//   - identifiers: the ID first (GitLab's primary identifier), then the
//     aliases; type "cve", "ghsa", or the ID's prefix in lower case, with
//     NVD, GitHub or OSV URLs.
//   - cvss_vectors: the CVSS 2 and 3.x vectors (the schema's patterns reject
//     CVSS 4); links: the references.
//   - location: the package name and version, the OS as "<id>:<version>"
//     ("Unknown" when none was detected), the image reference, and the
//     Encoder's DefaultBranchImage when set.
//   - remediations are not written: GitLab's remediations carry a git diff,
//     which has no meaning for an image.
//
// Only vulnerabilities are written: the container-scanning schema has room
// for nothing else, so misconfigurations, secrets and personal data are
// left out. GitLab takes secrets in a separate secret-detection report
// (artifacts:reports:secret_detection), which SecretsEncoder writes
// (secrets.go); IaC misconfigurations would go in a SAST report, a later
// option.
//
// scan.start_time and end_time are both the report's creation time (the
// report does not record when the scan started); scan statuses become scan
// messages of level "warn". The output is deterministic.
package gitlab

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/report"
)

// Format is the format name.
const Format report.Format = "gitlab"

// Schema version and URL the report declares.
const (
	SchemaVersion = "15.2.1"
	SchemaURL     = "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v" +
		SchemaVersion + "/dist/container-scanning-report-format.json"
)

const homepage = "https://github.com/drydockhq/drydock"

// Encoder writes GitLab container-scanning JSON.
type Encoder struct {
	// DefaultBranchImage is the image of the project's default branch
	// (GitLab's CS_DEFAULT_BRANCH_IMAGE). GitLab uses it to match findings
	// of images whose names change per branch. Optional.
	DefaultBranchImage string
}

var _ report.Encoder = Encoder{}

// Format implements report.Encoder.
func (Encoder) Format() report.Format { return Format }

// Encode implements report.Encoder.
func (e Encoder) Encode(w io.Writer, r *model.Report) error {
	if r == nil {
		return errors.New("encoding GitLab report: nil report")
	}
	return report.WriteJSON(w, e.build(r), "GitLab report")
}

type document struct {
	Version         string          `json:"version"`
	Schema          string          `json:"schema"`
	Scan            scan            `json:"scan"`
	Vulnerabilities []vulnerability `json:"vulnerabilities"`
}

type scan struct {
	Analyzer  component `json:"analyzer"`
	Scanner   component `json:"scanner"`
	Type      string    `json:"type"`
	StartTime string    `json:"start_time"`
	EndTime   string    `json:"end_time"`
	Status    string    `json:"status"`
	Messages  []message `json:"messages,omitempty"`
}

type component struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	URL     string `json:"url"`
	Version string `json:"version"`
	Vendor  vendor `json:"vendor"`
}

type vendor struct {
	Name string `json:"name"`
}

type message struct {
	Level string `json:"level"`
	Value string `json:"value"`
}

type vulnerability struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Description string       `json:"description,omitempty"`
	Severity    string       `json:"severity"`
	Solution    string       `json:"solution,omitempty"`
	Identifiers []identifier `json:"identifiers"`
	CVSSVectors []cvssVector `json:"cvss_vectors,omitempty"`
	Links       []link       `json:"links,omitempty"`
	Location    location     `json:"location"`
}

type identifier struct {
	Type  string `json:"type"`
	Name  string `json:"name"`
	Value string `json:"value"`
	URL   string `json:"url,omitempty"`
}

type cvssVector struct {
	Vendor string `json:"vendor"`
	Vector string `json:"vector"`
}

type link struct {
	URL string `json:"url"`
}

type location struct {
	Dependency         dependency `json:"dependency"`
	OperatingSystem    string     `json:"operating_system"`
	Image              string     `json:"image"`
	DefaultBranchImage string     `json:"default_branch_image,omitempty"`
}

type dependency struct {
	Package pkg    `json:"package"`
	Version string `json:"version"`
	Direct  *bool  `json:"direct,omitempty"`
}

type pkg struct {
	Name string `json:"name"`
}

// Schema limits.
const (
	maxName        = 255
	maxDescription = 1 << 20
	maxSolution    = 7000
	maxCVSS        = 10
)

// newScan describes the scan of r, of GitLab scan type typ: drydock as
// analyzer and scanner, the report's creation time as start and end, and
// the scan statuses as warnings. Both report types share it.
func newScan(r *model.Report, typ string) scan {
	drydock := component{
		ID: "drydock", Name: cmp.Or(r.Tool.Name, "drydock"), URL: homepage,
		Version: cmp.Or(r.Tool.Version, "unknown"), Vendor: vendor{Name: "drydock"},
	}
	// GitLab's pattern: yyyy-mm-ddThh:mm:ss, UTC, no zone.
	at := r.CreatedAt.UTC().Format("2006-01-02T15:04:05")
	s := scan{
		Analyzer: drydock, Scanner: drydock,
		Type: typ, StartTime: at, EndTime: at, Status: "success",
	}
	for _, st := range r.Status {
		s.Messages = append(s.Messages, message{Level: "warn", Value: st.String()})
	}
	return s
}

func (e Encoder) build(r *model.Report) *document {
	d := &document{
		Version:         SchemaVersion,
		Schema:          SchemaURL,
		Scan:            newScan(r, "container_scanning"),
		Vulnerabilities: []vulnerability{},
	}
	osName := "Unknown"
	if os := r.Inventory.OS; os != nil && os.ID != "" {
		osName = os.ID
		if os.VersionID != "" {
			osName += ":" + os.VersionID
		}
	}
	image := cmp.Or(r.Artifact.Name, "unknown")
	for _, v := range report.SortedVulnerabilities(r.Vulnerabilities) {
		if v.Suppressed != nil {
			continue
		}
		d.Vulnerabilities = append(d.Vulnerabilities, e.vulnerability(v, osName, image))
	}
	return d
}

func pathOf(p model.Package) string {
	if len(p.Locations) == 0 {
		return ""
	}
	return p.Locations[0].Path
}

func (e Encoder) vulnerability(v model.Vulnerability, osName, image string) vulnerability {
	p := v.Package
	out := vulnerability{
		ID:          uuid(v.ID, p.Name, p.Version, pathOf(p)),
		Name:        truncate(cmp.Or(v.Summary, v.ID), maxName),
		Description: truncate(description(v), maxDescription),
		Severity:    severity(v.Severity),
		Identifiers: identifiers(v),
		CVSSVectors: cvssVectors(v.CVSS),
		Location: location{
			Dependency:         dependency{Package: pkg{Name: p.Name}, Version: p.Version},
			OperatingSystem:    osName,
			Image:              image,
			DefaultBranchImage: truncate(e.DefaultBranchImage, maxName),
		},
	}
	if v.FixedVersion != "" {
		out.Solution = truncate(fmt.Sprintf("Upgrade %s to %s", p.Name, v.FixedVersion), maxSolution)
	}
	switch p.Relation {
	case model.RelationDirect:
		out.Location.Dependency.Direct = new(true)
	case model.RelationIndirect:
		out.Location.Dependency.Direct = new(false)
	}
	for _, ref := range v.References {
		if isURL(ref) {
			out.Links = append(out.Links, link{URL: ref})
		}
	}
	return out
}

// description is the summary with what drydock knows of the finding.
func description(v model.Vulnerability) string {
	var parts []string
	if v.Summary != "" {
		parts = append(parts, v.Summary)
	}
	p := v.Package
	s := fmt.Sprintf("%s %s is affected", p.Name, p.Version)
	if v.MatchedBy != "" {
		s += " (matched by " + v.MatchedBy + ")"
	}
	if l := p.Locations; len(l) > 0 {
		s += "; found in " + l[0].Path
		if l[0].Layer != "" {
			s += fmt.Sprintf(", layer %d (%s)", l[0].LayerIndex, l[0].Layer)
		}
	}
	parts = append(parts, s+".")
	if v.Note != "" {
		parts = append(parts, v.Note)
	}
	return strings.Join(parts, "\n\n")
}

func severity(s model.Severity) string {
	switch s {
	case model.SeverityCritical:
		return "Critical"
	case model.SeverityHigh:
		return "High"
	case model.SeverityMedium:
		return "Medium"
	case model.SeverityLow:
		return "Low"
	}
	return "Unknown"
}

// identifiers lists the ID, then its aliases, without duplicates.
func identifiers(v model.Vulnerability) []identifier {
	var out []identifier
	seen := map[string]bool{}
	for _, id := range append([]string{v.ID}, v.Aliases...) {
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, identifierOf(id))
	}
	return out
}

func identifierOf(id string) identifier {
	typ, _, ok := strings.Cut(id, "-")
	if !ok || typ == "" {
		typ = "drydock"
	}
	typ = strings.ToLower(typ)
	var u string
	switch typ {
	case "cve":
		u = "https://nvd.nist.gov/vuln/detail/" + id
	case "ghsa":
		u = "https://github.com/advisories/" + id
	default:
		u = "https://osv.dev/vulnerability/" + id
	}
	return identifier{Type: typ, Name: id, Value: id, URL: u}
}

// cvssVectors keeps the vectors GitLab's schema accepts: CVSS 2 vectors
// without prefix and CVSS 3.0/3.1 vectors.
func cvssVectors(cs []model.CVSS) []cvssVector {
	var out []cvssVector
	for _, c := range cs {
		ok := strings.HasPrefix(c.Vector, "CVSS:3.0/") || strings.HasPrefix(c.Vector, "CVSS:3.1/") ||
			strings.HasPrefix(c.Version, "2") && strings.HasPrefix(c.Vector, "AV:")
		if !ok || len(c.Vector) > 128 || len(out) == maxCVSS {
			continue
		}
		out = append(out, cvssVector{Vendor: cmp.Or(c.Source, "unknown"), Vector: c.Vector})
	}
	return out
}

func isURL(s string) bool {
	for _, p := range []string{"https://", "http://", "ftp://"} {
		if strings.HasPrefix(s, p) && len(s) > len(p) {
			return true
		}
	}
	return false
}

// uuid makes a UUID (RFC 4122 version-5 layout) from a SHA-256 of parts.
func uuid(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s", len(p), p)
	}
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	x := hex.EncodeToString(u)
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// truncate cuts s to at most n characters (the schema counts characters),
// ending in "…" when cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
