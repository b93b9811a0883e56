// Package sarif renders a report's findings as a SARIF 2.1.0 log, the
// format GitHub code scanning and other static-analysis dashboards ingest.
//
// The log holds one run. For vulnerabilities, its tool.driver has one rule
// per vulnerability ID, and the run one result per finding (vulnerability ×
// package location):
//
//   - Rules carry the summary as short and full description, the first
//     reference as helpUri, a help text and Markdown table of the affected
//     packages, and the properties GitHub reads: "security-severity" (a CVSS
//     base score as a string) and tags.
//   - A result's level follows the severity: CRITICAL and HIGH are "error",
//     MEDIUM "warning", LOW and UNKNOWN "note".
//   - A result's locations are the files the package was read from, as paths
//     relative to the root of the scanned file system (the image's squashed
//     file system, or the scanned directory), with uriBaseId "ROOTPATH" as
//     trivy writes it. The layer that introduced the file is a logical
//     location of kind "layer" named by its diff ID. A package without a
//     location points at the artifact itself (its name as a relative URI).
//   - partialFingerprints["drydockFinding/v1"] hashes the vulnerability ID,
//     package name, version and path, so a finding keeps its identity from
//     scan to scan while the image changes around it. (The other classes
//     hash their class name and identity: check ID, target, object and
//     message; rule ID, path and redacted match; kind and path. Lines and
//     layers are left out: they move when the image is rebuilt.)
//   - Suppressed findings (of every class) stay in the log with SARIF's own
//     mechanism, a suppression of kind "external" (status "accepted") whose
//     justification names the suppressor and its reason. GitHub code scanning does not act
//     on suppressions at upload (it opens alerts for them; GitHub's
//     advanced-security/dismiss-alerts action closes them afterwards), so
//     Encoder.OmitSuppressed drops them for uploads that should not see them.
//
// The other finding classes follow the vulnerabilities, each with rules and
// results of its own (rules and results are ordered vulnerabilities,
// misconfigurations, secrets, personal data):
//
//   - A misconfiguration's rule is its check ID ("DD-K8S-001"), with the
//     title, description, resolution and benchmark controls; tags
//     "security", "misconfiguration". Its result points at the target file
//     and line, or at the image reference for image config
//     checks, with the object ("Deployment/shop/web") as a logical location
//     of kind "resource".
//   - A secret's rule is "secret/<rule ID>"; its result points at the file
//     and line, with the layer as for packages. The message carries the
//     redacted match only (model.Secret.Match never holds the secret), and
//     says when a later layer deleted the file: it is gone from the
//     container but still ships in the image.
//   - Personal data gives one result per file and kind, under rule
//     "pii/<kind>" ("pii/hkid"), with the count and a redacted sample in the
//     message. Identity and financial data (HKID, card numbers, IBANs and
//     kinds drydock does not know) are "warning", contact data (email
//     addresses, phone numbers) "note"; personal data is not a severity
//     scale, so their security-severity is that of MEDIUM and LOW.
//
// Image facts (name, digest, image ID, tags, platform) go in the run's
// property bag. The output is deterministic: the same report always gives
// the same bytes.
package sarif

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/report"
)

// Format is the format name.
const Format report.Format = "sarif"

// Constants of the log that consumers may key on.
const (
	// SchemaURI is the OASIS SARIF 2.1.0 schema the log declares.
	SchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// InformationURI is drydock's home page, the driver's informationUri.
	InformationURI = "https://github.com/drydockhq/drydock"
	// URIBaseID is the uriBaseId of every artifact location: the root of
	// the scanned file system.
	URIBaseID = "ROOTPATH"
	// FingerprintKey names the partial fingerprint of a finding.
	FingerprintKey = "drydockFinding/v1"
)

// Encoder writes SARIF 2.1.0 JSON.
type Encoder struct {
	// OmitSuppressed leaves suppressed findings out instead of writing
	// them with a suppression (for consumers that ignore suppressions).
	OmitSuppressed bool
}

var _ report.Encoder = Encoder{}

// Format implements report.Encoder.
func (Encoder) Format() report.Format { return Format }

// Encode implements report.Encoder.
func (e Encoder) Encode(w io.Writer, r *model.Report) error {
	if r == nil {
		return errors.New("encoding SARIF: nil report")
	}
	return report.WriteJSON(w, build(r, e.OmitSuppressed), "SARIF")
}

// The SARIF object model, reduced to what drydock writes. Field order is
// the order of the output.

type sarifLog struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []run  `json:"runs"`
}

type run struct {
	Tool        tool         `json:"tool"`
	Invocations []invocation `json:"invocations,omitempty"`
	Results     []result     `json:"results"`
	Properties  *runProps    `json:"properties,omitempty"`
}

type tool struct {
	Driver driver `json:"driver"`
}

type driver struct {
	Name           string `json:"name"`
	Version        string `json:"version,omitempty"`
	InformationURI string `json:"informationUri"`
	Rules          []rule `json:"rules"`
}

type rule struct {
	ID                   string         `json:"id"`
	ShortDescription     *text          `json:"shortDescription"`
	FullDescription      *text          `json:"fullDescription"`
	DefaultConfiguration *configuration `json:"defaultConfiguration"`
	HelpURI              string         `json:"helpUri,omitempty"`
	Help                 *text          `json:"help"`
	Properties           ruleProps      `json:"properties"`
}

type ruleProps struct {
	SecuritySeverity string   `json:"security-severity"`
	Tags             []string `json:"tags"`
	Aliases          []string `json:"aliases,omitempty"`
	// Controls are a misconfiguration check's benchmark clauses,
	// "<framework> <clause>".
	Controls []string `json:"controls,omitempty"`
}

type configuration struct {
	Level string `json:"level"`
}

// text is a SARIF message or multiformatMessageString.
type text struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type invocation struct {
	ExecutionSuccessful        bool           `json:"executionSuccessful"`
	EndTimeUTC                 string         `json:"endTimeUtc,omitempty"`
	ToolExecutionNotifications []notification `json:"toolExecutionNotifications,omitempty"`
}

type notification struct {
	Level   string `json:"level"`
	Message text   `json:"message"`
}

type result struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             text              `json:"message"`
	Locations           []location        `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Suppressions        []suppression     `json:"suppressions,omitempty"`
	Properties          resultProps       `json:"properties"`
}

// resultProps is a result's property bag: the package fields for a
// vulnerability, the others for the other finding classes.
type resultProps struct {
	Severity         string `json:"severity,omitempty"`
	PackageName      string `json:"packageName,omitempty"`
	PackageType      string `json:"packageType,omitempty"`
	PURL             string `json:"purl,omitempty"`
	InstalledVersion string `json:"installedVersion,omitempty"`
	FixedVersion     string `json:"fixedVersion,omitempty"`
	// Misconfigurations.
	Target string `json:"target,omitempty"`
	Object string `json:"object,omitempty"`
	// Secrets.
	Category string `json:"category,omitempty"`
	// Deleted: a later layer deleted the file (secrets, personal data).
	Deleted bool `json:"deleted,omitempty"`
	// Personal data.
	Count int `json:"count,omitempty"`
}

type location struct {
	PhysicalLocation physicalLocation  `json:"physicalLocation"`
	LogicalLocations []logicalLocation `json:"logicalLocations,omitempty"`
}

type physicalLocation struct {
	ArtifactLocation artifactLocation `json:"artifactLocation"`
	Region           *region          `json:"region,omitempty"`
}

type region struct {
	StartLine int `json:"startLine"`
}

type artifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

type logicalLocation struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

type suppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification,omitempty"`
}

type runProps struct {
	ArtifactName string   `json:"artifactName"`
	ArtifactType string   `json:"artifactType,omitempty"`
	Digest       string   `json:"digest,omitempty"`
	ImageID      string   `json:"imageId,omitempty"`
	RepoTags     []string `json:"repoTags,omitempty"`
	Platform     string   `json:"platform,omitempty"`
	OS           string   `json:"os,omitempty"`
}

// build converts r to a SARIF log.
func build(r *model.Report, omitSuppressed bool) *sarifLog {
	vulns := report.SortedVulnerabilities(r.Vulnerabilities)
	if omitSuppressed {
		vulns = slices.DeleteFunc(vulns, func(v model.Vulnerability) bool { return v.Suppressed != nil })
	}

	var rules []rule
	index := map[string]int{}
	for i := 0; i < len(vulns); {
		j := i + 1
		for j < len(vulns) && vulns[j].ID == vulns[i].ID {
			j++
		}
		index[vulns[i].ID] = len(rules)
		rules = append(rules, ruleFor(vulns[i:j]))
		i = j
	}
	results := make([]result, 0, len(vulns))
	for _, v := range vulns {
		results = append(results, resultFor(r, v, index[v.ID]))
	}
	// addRule adds the rule ID unless a rule has it already (a user
	// policy could reuse an ID), and returns its index.
	addRule := func(id string, mk func() rule) int {
		if i, ok := index[id]; ok {
			return i
		}
		index[id] = len(rules)
		rules = append(rules, mk())
		return index[id]
	}
	for _, m := range sortedMisconfigs(r.Misconfigurations, omitSuppressed) {
		i := addRule(m.ID, func() rule { return misconfigRule(m) })
		results = append(results, misconfigResult(r, m, i))
	}
	for _, sec := range sortedSecrets(r.Secrets, omitSuppressed) {
		i := addRule(secretRuleID(sec), func() rule { return secretRule(sec) })
		results = append(results, secretResult(sec, i))
	}
	for _, f := range personalData(r.PersonalData) {
		i := addRule(piiRuleID(f.kind.Kind), func() rule { return piiRule(f.kind.Kind) })
		results = append(results, piiResult(f, i))
	}
	if rules == nil {
		rules = []rule{}
	}

	rn := run{
		Tool: tool{Driver: driver{
			Name:           cmp.Or(r.Tool.Name, "drydock"),
			Version:        r.Tool.Version,
			InformationURI: InformationURI,
			Rules:          rules,
		}},
		Results:    results,
		Properties: runProperties(r),
	}
	if !r.CreatedAt.IsZero() || len(r.Status) > 0 {
		inv := invocation{ExecutionSuccessful: true}
		if !r.CreatedAt.IsZero() {
			inv.EndTimeUTC = r.CreatedAt.UTC().Format(time.RFC3339)
		}
		for _, s := range r.Status {
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
				notification{Level: "warning", Message: text{Text: s.String()}})
		}
		rn.Invocations = []invocation{inv}
	}
	return &sarifLog{Schema: SchemaURI, Version: "2.1.0", Runs: []run{rn}}
}

func pathOf(p model.Package) string {
	if len(p.Locations) == 0 {
		return ""
	}
	return p.Locations[0].Path
}

// ruleFor makes the rule of one vulnerability ID from its findings.
func ruleFor(vs []model.Vulnerability) rule {
	v := vs[0]
	// Findings of one ID normally share a severity; the rule takes the
	// highest.
	for _, o := range vs[1:] {
		if o.Severity.Rank() > v.Severity.Rank() {
			v = o
		}
	}
	summary := cmp.Or(v.Summary, v.ID)
	full := summary
	if len(v.Aliases) > 0 {
		full += " (also " + strings.Join(v.Aliases, ", ") + ")"
	}
	ru := rule{
		ID:                   v.ID,
		ShortDescription:     &text{Text: summary},
		FullDescription:      &text{Text: full},
		DefaultConfiguration: &configuration{Level: level(v.Severity)},
		HelpURI:              helpURI(v),
		Help:                 help(v, vs),
		Properties: ruleProps{
			SecuritySeverity: securitySeverity(v),
			Tags:             []string{"security", "vulnerability", strings.ToLower(string(v.Severity))},
			Aliases:          v.Aliases,
		},
	}
	return ru
}

// helpURI returns the first reference that is an absolute URL.
func helpURI(v model.Vulnerability) string {
	for _, ref := range v.References {
		if u, err := url.Parse(ref); err == nil && u.IsAbs() && u.Host != "" {
			return ref
		}
	}
	return ""
}

// help lists the affected packages as text and as a Markdown table.
func help(v model.Vulnerability, vs []model.Vulnerability) *text {
	var t, md strings.Builder
	fmt.Fprintf(&t, "Vulnerability %s\nSeverity: %s\n", v.ID, v.Severity)
	fmt.Fprintf(&md, "**Vulnerability %s**\n\n", mdEscape(v.ID))
	if v.Summary != "" {
		fmt.Fprintf(&t, "%s\n", v.Summary)
		fmt.Fprintf(&md, "%s\n\n", mdEscape(v.Summary))
	}
	fmt.Fprintf(&md, "Severity: %s\n\n| Package | Installed | Fixed | Path |\n| --- | --- | --- | --- |\n", v.Severity)
	for _, f := range vs {
		fixed := cmp.Or(f.FixedVersion, "no fix")
		path := cmp.Or(pathOf(f.Package), "-")
		fmt.Fprintf(&t, "Package: %s, installed: %s, fixed: %s, path: %s\n", f.Package.Name, f.Package.Version, fixed, path)
		fmt.Fprintf(&md, "| %s | %s | %s | %s |\n", mdEscape(f.Package.Name), mdEscape(f.Package.Version), mdEscape(fixed), mdEscape(path))
	}
	if u := helpURI(v); u != "" {
		fmt.Fprintf(&t, "Link: %s\n", u)
		fmt.Fprintf(&md, "\n[%s](%s)\n", mdEscape(v.ID), u)
	}
	return &text{Text: strings.TrimSuffix(t.String(), "\n"), Markdown: strings.TrimSuffix(md.String(), "\n")}
}

var mdReplacer = strings.NewReplacer(`\`, `\\`, "|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;", "\n", " ")

func mdEscape(s string) string { return mdReplacer.Replace(s) }

func level(s model.Severity) string {
	switch s {
	case model.SeverityCritical, model.SeverityHigh:
		return "error"
	case model.SeverityMedium:
		return "warning"
	}
	return "note"
}

// severityScore is the score given to a severity when no CVSS score agrees
// with it (the values trivy writes). GitHub maps security-severity to its
// levels: over 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low.
var severityScore = map[model.Severity]float64{
	model.SeverityCritical: 9.5,
	model.SeverityHigh:     8.0,
	model.SeverityMedium:   5.5,
	model.SeverityLow:      2.0,
	model.SeverityUnknown:  0.0,
}

// band returns the severity GitHub derives from a score.
func band(score float64) model.Severity {
	switch {
	case score >= 9.0:
		return model.SeverityCritical
	case score >= 7.0:
		return model.SeverityHigh
	case score >= 4.0:
		return model.SeverityMedium
	case score > 0:
		return model.SeverityLow
	}
	return model.SeverityUnknown
}

// securitySeverity is the CVSS base score of v when one falls in the band of
// v's severity (preferring the newest CVSS version), and otherwise the
// score mapped from the severity. drydock's severity can come from a
// distribution (Debian urgency) and disagree with NVD's score; GitHub must
// show the severity drydock gates on.
func securitySeverity(v model.Vulnerability) string {
	cvss := slices.Clone(v.CVSS)
	slices.SortStableFunc(cvss, func(a, b model.CVSS) int { return strings.Compare(b.Version, a.Version) })
	score := severityScore[v.Severity]
	for _, c := range cvss {
		if c.Score > 0 && band(c.Score) == v.Severity {
			score = c.Score
			break
		}
	}
	return strconv.FormatFloat(score, 'f', 1, 64)
}

func resultFor(r *model.Report, v model.Vulnerability, ruleIndex int) result {
	p := v.Package
	res := result{
		RuleID:    v.ID,
		RuleIndex: ruleIndex,
		Level:     level(v.Severity),
		Message:   text{Text: message(v)},
		Locations: locations(r, p),
		PartialFingerprints: map[string]string{
			FingerprintKey: fingerprint(v.ID, p.Name, p.Version, pathOf(p)),
		},
		Properties: resultProps{
			Severity:         string(v.Severity),
			PackageName:      p.Name,
			PackageType:      string(p.Type),
			PURL:             p.PURL,
			InstalledVersion: p.Version,
			FixedVersion:     v.FixedVersion,
		},
	}
	res.Suppressions = suppressionsOf(v.Suppressed)
	return res
}

// message names the package, installed and fixed versions and the layer.
func message(v model.Vulnerability) string {
	p := v.Package
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s is affected by %s (%s)", p.Name, p.Version, v.ID, v.Severity)
	if v.FixedVersion != "" {
		fmt.Fprintf(&b, "; fixed in %s", v.FixedVersion)
	} else {
		b.WriteString("; no fix available")
	}
	b.WriteString(".")
	if len(p.Locations) > 0 {
		l := p.Locations[0]
		fmt.Fprintf(&b, " Found in %s", l.Path)
		if l.Layer != "" {
			fmt.Fprintf(&b, ", layer %d (%s)", l.LayerIndex, l.Layer.Short())
		}
		b.WriteString(".")
	}
	if v.MatchedBy != "" {
		fmt.Fprintf(&b, " Matched by %s.", v.MatchedBy)
	}
	if v.Note != "" {
		fmt.Fprintf(&b, " Note: %s.", strings.TrimSuffix(v.Note, "."))
	}
	return b.String()
}

// locations returns one location per file the package was found in; a
// package without files points at the artifact.
func locations(r *model.Report, p model.Package) []location {
	var out []location
	for _, l := range p.Locations {
		out = append(out, fileLocation(l.Path, 0, l.Layer))
	}
	if len(out) == 0 {
		out = append(out, fileLocation(cmp.Or(r.Artifact.Name, "."), 0, ""))
	}
	return out
}

// relativeURI makes a relative URI reference of a slash-separated path:
// segments are percent-encoded, a leading slash is dropped, and a first
// segment with a colon gets "./" so it does not read as a scheme.
func relativeURI(path string) string {
	segs := strings.Split(strings.TrimLeft(path, "/"), "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	out := strings.Join(segs, "/")
	if first, _, _ := strings.Cut(out, "/"); strings.Contains(first, ":") {
		out = "./" + out
	}
	return cmp.Or(out, ".")
}

// fingerprint hashes the identity of a finding.
func fingerprint(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		// Length-prefixed, so that no two part lists hash alike.
		fmt.Fprintf(h, "%d:%s", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func runProperties(r *model.Report) *runProps {
	a := r.Artifact
	if a.Name == "" && a.Type == "" {
		return nil
	}
	p := &runProps{
		ArtifactName: a.Name,
		ArtifactType: string(a.Type),
		Digest:       string(a.Digest),
		ImageID:      string(a.ImageID),
		RepoTags:     a.RepoTags,
		Platform:     a.Platform,
	}
	if os := r.Inventory.OS; os != nil {
		p.OS = strings.TrimSpace(os.ID + " " + os.VersionID)
	}
	return p
}
