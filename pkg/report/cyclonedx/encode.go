package cyclonedx

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/purl"
	"github.com/drydockhq/drydock/pkg/report/internal/license"
	"github.com/drydockhq/drydock/pkg/report/internal/sbom"
)

const schemaURL = "http://cyclonedx.org/schema/bom-1.6.schema.json"

// Encode implements report.Encoder: it writes r as a CycloneDX 1.6 JSON BOM.
func (Encoder) Encode(w io.Writer, r *model.Report) error {
	if r == nil {
		return errors.New("encoding CycloneDX: nil report")
	}
	bom := build(r)
	// The serial number is derived from the content, so that the same
	// report always gives the same document (and golden files work).
	draft, err := marshal(bom)
	if err != nil {
		return fmt.Errorf("encoding CycloneDX: %w", err)
	}
	bom.SerialNumber = serialNumber(draft)
	out, err := marshal(bom)
	if err != nil {
		return fmt.Errorf("encoding CycloneDX: %w", err)
	}
	if _, err := w.Write(out); err != nil {
		return fmt.Errorf("writing CycloneDX: %w", err)
	}
	return nil
}

func marshal(bom *cdx.BOM) ([]byte, error) {
	var buf bytes.Buffer
	enc := cdx.NewBOMEncoder(&buf, cdx.BOMFileFormatJSON)
	enc.SetPretty(true).SetEscapeHTML(false)
	if err := enc.Encode(bom); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// serialNumber makes an RFC 4122 name-based (version 5 layout) UUID URN from
// a SHA-256 of the document.
func serialNumber(doc []byte) string {
	sum := sha256.Sum256(doc)
	u := sum[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u)
	return "urn:uuid:" + h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// build converts r to a CycloneDX BOM without a serial number. Components
// are sorted, and bom-refs derive from package content, so the result is
// deterministic. Encode is build plus JSON with a content-derived serial.
func build(r *model.Report) *cdx.BOM {
	b := builder{r: r, refs: map[string]string{}, used: map[string]bool{}, dups: map[string]int{}}

	artifact := artifactComponent(r.Artifact)
	if os := r.Inventory.OS; os != nil {
		b.comps = append(b.comps, osComponent(os))
	}
	pkgs := sbom.Sorted(r.Inventory.Packages)
	pkgRefs := make([]string, len(pkgs))
	for i, p := range pkgs {
		pkgRefs[i] = b.component(p)
	}
	vulns := b.vulnerabilities(r.Vulnerabilities)

	toolName := cmp.Or(r.Tool.Name, "drydock")
	meta := &cdx.Metadata{
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{
			Type: cdx.ComponentTypeApplication, Name: toolName, Version: r.Tool.Version,
		}}},
		Component: &artifact,
	}
	if !r.CreatedAt.IsZero() {
		meta.Timestamp = r.CreatedAt.UTC().Format(time.RFC3339)
	}

	bom := &cdx.BOM{
		JSONSchema:  schemaURL,
		BOMFormat:   cdx.BOMFormat,
		SpecVersion: cdx.SpecVersion1_6,
		Version:     1,
		Metadata:    meta,
	}
	refs := make([]string, 0, len(b.comps))
	for _, c := range b.comps {
		refs = append(refs, c.BOMRef)
	}
	deps := []cdx.Dependency{{Ref: artifact.BOMRef, Dependencies: &refs}}
	for i, edges := range sbom.Edges(pkgs) {
		if len(edges) == 0 {
			continue
		}
		on := make([]string, len(edges))
		for k, j := range edges {
			on[k] = pkgRefs[j]
		}
		deps = append(deps, cdx.Dependency{Ref: pkgRefs[i], Dependencies: &on})
	}
	bom.Dependencies = &deps
	if len(b.comps) > 0 {
		bom.Components = &b.comps
	}
	if len(vulns) > 0 {
		bom.Vulnerabilities = &vulns
	}
	return bom
}

type builder struct {
	r     *model.Report
	refs  map[string]string // package identity → bom-ref of its component
	used  map[string]bool   // bom-refs given out
	dups  map[string]int    // bom-ref → how many copies got suffixed refs
	comps []cdx.Component
}

// purlOf returns p's package URL, computing it when the scanner did not.
func (b *builder) purlOf(p *model.Package) string {
	if p.PURL != "" {
		return p.PURL
	}
	return purl.For(*p, b.r.Inventory.OS)
}

// component appends the component of p and returns its bom-ref. The ref is
// the package URL with a package-id qualifier hashed from the package's
// identity (its locations included), so that the same package found twice
// gets two refs, and the same report always gets the same ones.
func (b *builder) component(p model.Package) string {
	id := sbom.Identity(&p)
	pu := b.purlOf(&p)
	base := pu
	if base == "" {
		base = purl.For(model.Package{Name: cmp.Or(p.Name, "unknown"), Version: p.Version, Type: model.TypeGeneric}, nil)
	}
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	key := base + sep + "package-id=" + sbom.ID(&p)
	ref := key
	for b.used[ref] { // identical packages listed more than once
		b.dups[key]++
		ref = key + "-" + strconv.Itoa(b.dups[key]+1)
	}
	b.used[ref] = true
	if _, ok := b.refs[id]; !ok {
		b.refs[id] = ref
	}

	c := cdx.Component{
		BOMRef:     ref,
		Type:       cdx.ComponentTypeLibrary,
		Name:       p.Name,
		Version:    p.Version,
		PackageURL: pu,
		Licenses:   licenses(p.Licenses),
	}
	if p.Type == model.TypeMaven {
		if g, a, ok := strings.Cut(p.Name, ":"); ok {
			c.Group, c.Name = g, a
		}
	}
	c.Properties = properties(sbom.PackageProperties(&p))
	b.comps = append(b.comps, c)
	return ref
}

// refFor returns the bom-ref of the component of p, adding one when p is
// not in the inventory (a finding on a package the inventory lost).
func (b *builder) refFor(p model.Package) string {
	if ref, ok := b.refs[sbom.Identity(&p)]; ok {
		return ref
	}
	return b.component(p)
}

// properties converts to CycloneDX properties (nil for none).
func properties(ps sbom.Properties) *[]cdx.Property {
	if len(ps) == 0 {
		return nil
	}
	l := make([]cdx.Property, len(ps))
	for i, p := range ps {
		l[i] = cdx.Property{Name: p.Name, Value: p.Value}
	}
	return &l
}

// licenses renders declared licenses. CycloneDX takes either a list of
// licenses (SPDX IDs, or names for anything else) or exactly one SPDX
// expression, so several licenses including an expression are joined with
// AND when all are valid, and otherwise listed with the invalid ones and the
// expressions as names.
func licenses(ls []string) *cdx.Licenses {
	type lic struct {
		raw string
		e   license.Expression
		ok  bool
	}
	var all []lic
	seen := map[string]bool{}
	compound, allValid := false, true
	for _, raw := range ls {
		raw = strings.TrimSpace(raw)
		if raw == "" || seen[raw] {
			continue
		}
		seen[raw] = true
		e, err := license.Parse(raw)
		l := lic{raw: raw, e: e, ok: err == nil}
		all = append(all, l)
		compound = compound || (l.ok && !e.Simple())
		allValid = allValid && l.ok
	}
	if len(all) == 0 {
		return nil
	}
	if compound && allValid {
		es := make([]license.Expression, len(all))
		for i, l := range all {
			es[i] = l.e
		}
		return &cdx.Licenses{{Expression: license.And(es...).String()}}
	}
	out := make(cdx.Licenses, 0, len(all))
	for _, l := range all {
		if l.ok && l.e.Simple() {
			out = append(out, cdx.LicenseChoice{License: &cdx.License{ID: l.e.String()}})
		} else {
			out = append(out, cdx.LicenseChoice{License: &cdx.License{Name: l.raw}})
		}
	}
	return &out
}

func artifactComponent(a model.Artifact) cdx.Component {
	c := cdx.Component{
		Type:    cdx.ComponentTypeApplication,
		Name:    cmp.Or(a.Name, string(a.Digest), "unknown"),
		Version: string(a.Digest),
	}
	switch a.Type {
	case model.ArtifactImage:
		c.Type = cdx.ComponentTypeContainer
		c.PackageURL = purl.ForImage(a.Name, a.Digest)
	case model.ArtifactFilesystem:
		c.Type = cdx.ComponentTypeFile
	}
	c.BOMRef = cmp.Or(c.PackageURL, "drydock:artifact:"+c.Name)
	c.Properties = properties(sbom.ImageProperties(&a))
	return c
}

func osComponent(os *model.OSRelease) cdx.Component {
	c := cdx.Component{
		BOMRef:      "drydock:os:" + os.ID + "@" + os.VersionID,
		Type:        cdx.ComponentTypeOS,
		Name:        os.ID,
		Version:     os.VersionID,
		Description: os.PrettyName,
	}
	c.Properties = properties(sbom.OSProperties(os))
	return c
}

func (b *builder) vulnerabilities(vs []model.Vulnerability) []cdx.Vulnerability {
	type entry struct {
		ref string
		v   cdx.Vulnerability
	}
	var out []entry
	for _, v := range vs {
		ref := b.refFor(v.Package)
		out = append(out, entry{ref, vulnerability(v, ref)})
	}
	slices.SortStableFunc(out, func(a, b entry) int {
		return cmp.Or(cmp.Compare(a.v.ID, b.v.ID), cmp.Compare(a.ref, b.ref))
	})
	list := make([]cdx.Vulnerability, len(out))
	for i, e := range out {
		list[i] = e.v
	}
	return list
}

func vulnerability(v model.Vulnerability, ref string) cdx.Vulnerability {
	cv := cdx.Vulnerability{
		ID:          v.ID,
		Source:      vulnSource(v.ID, v.DataSource),
		Description: v.Summary,
	}
	if ratings := ratings(v); len(ratings) > 0 {
		cv.Ratings = &ratings
	}
	if len(v.Aliases) > 0 {
		refs := make([]cdx.VulnerabilityReference, 0, len(v.Aliases))
		for _, a := range v.Aliases {
			refs = append(refs, cdx.VulnerabilityReference{ID: a, Source: vulnSource(a, "")})
		}
		cv.References = &refs
	}
	if len(v.References) > 0 {
		advs := make([]cdx.Advisory, 0, len(v.References))
		for _, u := range v.References {
			advs = append(advs, cdx.Advisory{URL: u})
		}
		cv.Advisories = &advs
	}
	if v.Published != nil {
		cv.Published = v.Published.UTC().Format(time.RFC3339)
	}
	if v.Modified != nil {
		cv.Updated = v.Modified.UTC().Format(time.RFC3339)
	}
	if v.FixedVersion != "" {
		cv.Recommendation = "Upgrade to " + v.FixedVersion
	}

	status := cdx.VulnerabilityStatusAffected
	if s := v.Suppressed; s != nil && isVEX(s.By) {
		status = cdx.VulnerabilityStatusNotAffected
		cv.Analysis = &cdx.VulnerabilityAnalysis{
			State:         cdx.IASNotAffected,
			Justification: justification(s.Reason),
			Detail:        s.Reason,
		}
	}
	affected := []cdx.AffectedVersions{{Version: v.Package.Version, Status: status}}
	if v.Package.Version == "" {
		affected = nil
	}
	affects := []cdx.Affects{{Ref: ref}}
	if affected != nil {
		affects[0].Range = &affected
	}
	cv.Affects = &affects

	var props sbom.Properties
	for _, a := range v.Advisories {
		props.Add(PropVulnAdvisory, a)
	}
	props.Add(PropVulnMatchedBy, v.MatchedBy)
	props.Add(PropVulnFixed, v.FixedVersion)
	props.Add(PropVulnSeverity, string(v.Severity))
	if s := v.Suppressed; s != nil {
		props.Add(PropVulnSuppressed, strings.TrimSuffix(s.By+": "+s.Reason, ": "))
	}
	props.Add(PropVulnNote, v.Note)
	cv.Properties = properties(props)
	return cv
}

func isVEX(by string) bool {
	return strings.HasPrefix(strings.ToLower(by), "vex")
}

// justification maps a VEX justification (OpenVEX or CycloneDX spelling) to
// CycloneDX's, or "" when there is no equivalent.
func justification(reason string) cdx.ImpactAnalysisJustification {
	switch r := strings.ToLower(strings.TrimSpace(reason)); r {
	case "component_not_present", "vulnerable_code_not_present", "code_not_present":
		return cdx.IAJCodeNotPresent
	case "vulnerable_code_not_in_execute_path", "code_not_reachable":
		return cdx.IAJCodeNotReachable
	case "vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist", "protected_by_mitigating_control":
		return cdx.IAJProtectedByMitigatingControl
	case "requires_configuration", "requires_dependency", "requires_environment",
		"protected_by_compiler", "protected_at_runtime", "protected_at_perimeter":
		return cdx.ImpactAnalysisJustification(r)
	}
	return ""
}

// vulnSource names the database a finding came from (dataSource), or, when
// that is not known, the database of the advisory ID, with the URL of the
// record for the well-known ones.
func vulnSource(id, dataSource string) *cdx.Source {
	if dataSource != "" {
		return &cdx.Source{Name: dataSource}
	}
	prefix, _, _ := strings.Cut(id, "-")
	switch prefix {
	case "":
		return nil
	case "CVE":
		return &cdx.Source{Name: "NVD", URL: "https://nvd.nist.gov/vuln/detail/" + id}
	case "GHSA":
		return &cdx.Source{Name: "GitHub Advisory Database", URL: "https://github.com/advisories/" + id}
	case "DSA", "DLA":
		return &cdx.Source{Name: "Debian", URL: "https://security-tracker.debian.org/tracker/" + id}
	}
	return &cdx.Source{Name: prefix}
}

// ratings lists one rating per CVSS vector, and the finding's own severity
// when none of them carries it (a distribution's urgency, say).
func ratings(v model.Vulnerability) []cdx.VulnerabilityRating {
	var out []cdx.VulnerabilityRating
	overall := severity(v.Severity)
	covered := false
	for _, c := range v.CVSS {
		score := c.Score
		r := cdx.VulnerabilityRating{
			Score:    &score,
			Severity: cvssSeverity(c),
			Method:   cvssMethod(c.Version),
			Vector:   c.Vector,
		}
		if c.Source != "" {
			r.Source = &cdx.Source{Name: c.Source}
		}
		covered = covered || r.Severity == overall
		out = append(out, r)
	}
	if !covered && v.Severity != "" {
		r := cdx.VulnerabilityRating{Severity: overall, Method: cdx.ScoringMethodOther}
		if v.SeveritySource != "" {
			r.Source = &cdx.Source{Name: v.SeveritySource}
		}
		out = append(out, r)
	}
	return out
}

func severity(s model.Severity) cdx.Severity {
	switch s {
	case model.SeverityLow:
		return cdx.SeverityLow
	case model.SeverityMedium:
		return cdx.SeverityMedium
	case model.SeverityHigh:
		return cdx.SeverityHigh
	case model.SeverityCritical:
		return cdx.SeverityCritical
	}
	return cdx.SeverityUnknown
}

func cvssMethod(version string) cdx.ScoringMethod {
	switch strings.TrimPrefix(version, "CVSS:") {
	case "2", "2.0":
		return cdx.ScoringMethodCVSSv2
	case "3", "3.0":
		return cdx.ScoringMethodCVSSv3
	case "3.1":
		return cdx.ScoringMethodCVSSv31
	case "4", "4.0":
		return cdx.ScoringMethodCVSSv4
	}
	return cdx.ScoringMethodOther
}

// cvssSeverity is the qualitative rating of a base score (CVSS v3/v4 scale;
// v2 has no "critical" and no "none").
func cvssSeverity(c model.CVSS) cdx.Severity {
	s := c.Score
	if cvssMethod(c.Version) == cdx.ScoringMethodCVSSv2 {
		switch {
		case s >= 7:
			return cdx.SeverityHigh
		case s >= 4:
			return cdx.SeverityMedium
		default:
			return cdx.SeverityLow
		}
	}
	switch {
	case s >= 9:
		return cdx.SeverityCritical
	case s >= 7:
		return cdx.SeverityHigh
	case s >= 4:
		return cdx.SeverityMedium
	case s > 0:
		return cdx.SeverityLow
	}
	return cdx.SeverityNone
}
