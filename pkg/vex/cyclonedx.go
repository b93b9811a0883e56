package vex

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	cyclonedx "github.com/CycloneDX/cyclonedx-go"
	"github.com/package-url/packageurl-go"
)

// parseCycloneDX reads a CycloneDX VEX document
// (https://cyclonedx.org/capabilities/vex/): a CycloneDX 1.4 or later JSON
// document whose vulnerabilities[] carry an analysis and affects; b is
// valid JSON whose bomFormat is "CycloneDX". It turns every vulnerability
// with an analysis.state into a Statement, so that Apply treats both
// formats alike:
//
//	analysis.state                      Status
//	not_affected, false_positive        not_affected
//	resolved, resolved_with_pedigree    fixed
//	exploitable                         affected
//	in_triage                           under_investigation
//
//	analysis.justification                  Justification
//	code_not_present                        vulnerable_code_not_present
//	code_not_reachable                      vulnerable_code_not_in_execute_path
//	requires_configuration, requires_dependency,
//	requires_environment                    vulnerable_code_cannot_be_controlled_by_adversary
//	protected_by_compiler, protected_at_runtime, protected_at_perimeter,
//	protected_by_mitigating_control         inline_mitigations_already_exist
//
// A vulnerability without analysis.state is not a VEX statement (a
// scanner's report lists vulnerabilities so) and is skipped. The
// statement's vulnerability is the vulnerability's id, source.url its IRI
// and references[].id its aliases (CycloneDX defines references as the
// same vulnerability under other identifiers). analysis.detail is the
// impact statement of a not_affected statement (so the reason shown says
// why; "false positive" before it for that state) and the status notes of
// the others; the vulnerability's recommendation and workaround and
// analysis.response[] make up the action statement, which the note of an
// affected statement shows. The statement's timestamp is
// analysis.lastUpdated, else analysis.firstIssued, else metadata.timestamp.
// Statement.ID is the vulnerability's bom-ref, Statement.Index its index in
// vulnerabilities[] (skipped vulnerabilities keep their place), and
// Document.ID the serialNumber.
//
// Every affects[].ref must name a package by package URL: the ref is one,
// or is the bom-ref of a component of the document (in components[], at
// any depth, or metadata.component) that has a purl, or is a BOM-Link
// (urn:cdx:serial/version#bom-ref) whose bom-ref is one of those. A
// BOM-Link to another BOM (another serial number) is resolved only when
// its bom-ref is a package URL or the document lists no components. When
// affects[].versions[] is given, the statement covers only the versions
// listed with the status its state is about ("unaffected" for not_affected
// and fixed, "affected" for affected, "affected" or "unknown" for
// under_investigation): each exact version gives the package URL with
// that version. Version ranges are not supported: an entry with a range
// makes the statement cover every version of the package (Document has
// no place for a warning, hence this note).
//
// CycloneDX VEX has no product apart from affects. A statement therefore
// covers the packages it names in any scanned artifact, unless
// metadata.component has a package URL of type oci, which clearly names
// an image: then the packages are subcomponents of that image and the
// statement applies only when the scanned image is that one (see Apply).
// A ref naming an image (oci package URL) covers every package of it.
//
// Errors are reported as Parse reports OpenVEX ones: all of them, each
// naming the vulnerability ("vulnerabilities[2] (CVE-2023-4911): ...").
func parseCycloneDX(b []byte) (*Document, error) {
	if err := cdxSpecVersion(b); err != nil {
		return nil, err
	}
	var bom cyclonedx.BOM
	if err := cyclonedx.NewBOMDecoder(bytes.NewReader(b), cyclonedx.BOMFileFormatJSON).Decode(&bom); err != nil {
		return nil, cdxDecodeError(b, err)
	}
	p := &parser{}
	d := newCDXConverter(&bom).document(p)
	if err := errors.Join(p.errs...); err != nil {
		return nil, err
	}
	return d, nil
}

// cdxDecodeError reports an error of the CycloneDX decoder with its line,
// as jsonError does. The offset of a type error found by one of the
// decoder's own UnmarshalJSON methods (metadata.tools, for one) counts
// from the start of the value that method was given, not of the document:
// the line is that of the first value at the error's path with the kind
// found instead.
func cdxDecodeError(b []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te) && te.Field != "" && te.Type != nil:
		if line, ok := valueLine(b, te.Field, te.Value); ok {
			return fmt.Errorf("line %d: %s: want %s, found %s", line, te.Field, jsonType(te.Type.Kind().String()), te.Value)
		}
		return jsonError(b, err)
	case errors.As(err, &se) || te != nil || errors.Is(err, io.ErrUnexpectedEOF):
		return jsonError(b, err)
	}
	return fmt.Errorf("reading CycloneDX document: %w", err)
}

// valueLine returns the line of the first value in the JSON document b
// whose path (its object keys joined by dots; arrays add nothing) is field
// and whose kind (object, array, string, number, bool, null) is the first
// word of found.
func valueLine(b []byte, field, found string) (int, bool) {
	kind, _, _ := strings.Cut(found, " ")
	type frame struct {
		obj     bool
		key     string
		wantKey bool
	}
	var stack []frame
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return 0, false
		}
		if n := len(stack); n > 0 && stack[n-1].obj && stack[n-1].wantKey {
			if k, ok := tok.(string); ok {
				stack[n-1].key, stack[n-1].wantKey = k, false
				continue
			}
		}
		var k string
		switch tok := tok.(type) {
		case json.Delim:
			switch tok {
			case '}', ']':
				stack = stack[:len(stack)-1]
				continue
			case '{':
				k = "object"
			default:
				k = "array"
			}
		case string:
			k = "string"
		case json.Number:
			k = "number"
		case bool:
			k = "bool"
		default:
			k = "null"
		}
		var path []string
		for _, f := range stack {
			if f.obj {
				path = append(path, f.key)
			}
		}
		if k == kind && strings.Join(path, ".") == field {
			for off < int64(len(b)) && strings.IndexByte(" \t\r\n:,", b[off]) >= 0 {
				off++
			}
			line, _ := position(b, off)
			return line, true
		}
		if n := len(stack); n > 0 && stack[n-1].obj {
			stack[n-1].wantKey = true
		}
		switch k {
		case "object":
			stack = append(stack, frame{obj: true, wantKey: true})
		case "array":
			stack = append(stack, frame{})
		}
	}
}

// cdxSpecVersions are the CycloneDX versions with vulnerabilities.
const cdxSpecVersions = `"1.4", "1.5", "1.6" or "1.7"`

// isCycloneDX reports whether b is a JSON object whose bomFormat is
// CycloneDX's.
func isCycloneDX(b []byte) bool {
	var probe struct {
		BOMFormat string `json:"bomFormat"`
	}
	return json.Unmarshal(b, &probe) == nil && strings.EqualFold(probe.BOMFormat, "CycloneDX")
}

// cdxSpecVersion checks the specVersion before the decoder sees it: its
// error for an unknown one names neither the field nor the value.
func cdxSpecVersion(b []byte) error {
	var probe struct {
		SpecVersion json.RawMessage `json:"specVersion"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return jsonError(b, err)
	}
	var v string
	switch {
	case len(probe.SpecVersion) == 0 || string(probe.SpecVersion) == "null":
		return fmt.Errorf(`missing "specVersion": want %s`, cdxSpecVersions)
	case json.Unmarshal(probe.SpecVersion, &v) != nil:
		return fmt.Errorf(`"specVersion" %s: want a string, %s`, probe.SpecVersion, cdxSpecVersions)
	}
	switch v {
	case "1.4", "1.5", "1.6", "1.7":
		return nil
	case "1.0", "1.1", "1.2", "1.3":
		return fmt.Errorf(`"specVersion" %q: CycloneDX has vulnerabilities (VEX) from 1.4`, v)
	}
	return fmt.Errorf(`"specVersion" %q: want %s`, v, cdxSpecVersions)
}

// cdxConverter turns a decoded BOM into a Document.
type cdxConverter struct {
	bom    *cyclonedx.BOM
	serial string // of the BOM, without "urn:uuid:", lower case
	// byRef holds the components of the document by bom-ref.
	byRef map[string]*cyclonedx.Component
	// hasComponents is whether the document lists components.
	hasComponents bool
	// image is metadata.component when its purl names an image.
	image *Component
}

func newCDXConverter(bom *cyclonedx.BOM) *cdxConverter {
	c := &cdxConverter{
		bom:    bom,
		serial: strings.ToLower(strings.TrimPrefix(strings.TrimSpace(bom.SerialNumber), "urn:uuid:")),
		byRef:  map[string]*cyclonedx.Component{},
	}
	if m := bom.Metadata; m != nil && m.Component != nil {
		c.index(m.Component)
		if u, err := packageurl.FromString(strings.TrimSpace(m.Component.PackageURL)); err == nil && u.Type == "oci" {
			c.image = &Component{ID: strings.TrimSpace(m.Component.PackageURL)}
		}
	}
	if bom.Components != nil {
		for i := range *bom.Components {
			c.hasComponents = true
			c.index(&(*bom.Components)[i])
		}
	}
	return c
}

// index adds comp and its nested components to byRef; the first of
// components sharing a bom-ref (which CycloneDX forbids) wins.
func (c *cdxConverter) index(comp *cyclonedx.Component) {
	if ref := comp.BOMRef; ref != "" {
		if _, ok := c.byRef[ref]; !ok {
			c.byRef[ref] = comp
		}
	}
	if comp.Components != nil {
		for i := range *comp.Components {
			c.index(&(*comp.Components)[i])
		}
	}
}

func (c *cdxConverter) document(p *parser) *Document {
	bom := c.bom
	d := &Document{
		ID:      strings.TrimSpace(bom.SerialNumber),
		Version: bom.Version,
	}
	if d.Version == 0 {
		d.Version = 1 // CycloneDX's default
	}
	if m := bom.Metadata; m != nil {
		if m.Timestamp != "" {
			d.Timestamp = p.time("metadata.timestamp", m.Timestamp)
		}
		d.Author = cdxAuthor(m)
		d.Tooling = cdxTooling(m.Tools)
	}
	if bom.Vulnerabilities == nil || len(*bom.Vulnerabilities) == 0 {
		p.errorf(`no "vulnerabilities": a CycloneDX VEX document lists them with their analysis`)
		return d
	}
	for i := range *bom.Vulnerabilities {
		v := &(*bom.Vulnerabilities)[i]
		if v.Analysis == nil || v.Analysis.State == "" {
			continue
		}
		d.Statements = append(d.Statements, c.statement(p, d, i, v))
	}
	return d
}

func cdxAuthor(m *cyclonedx.Metadata) string {
	var names []string
	if m.Authors != nil {
		for _, a := range *m.Authors {
			n := strings.TrimSpace(a.Name)
			if e := strings.TrimSpace(a.Email); e != "" {
				n = strings.TrimSpace(n + " <" + e + ">")
			}
			if n != "" {
				names = append(names, n)
			}
		}
	}
	if len(names) > 0 {
		return strings.Join(names, ", ")
	}
	for _, o := range []*cyclonedx.OrganizationalEntity{m.Supplier, m.Manufacturer, m.Manufacture} {
		if o != nil && strings.TrimSpace(o.Name) != "" {
			return strings.TrimSpace(o.Name)
		}
	}
	return ""
}

// cdxTooling names the tools of the metadata: "name version, ...".
func cdxTooling(t *cyclonedx.ToolsChoice) string {
	if t == nil {
		return ""
	}
	var names []string
	add := func(name, version string) {
		if s := strings.TrimSpace(name + " " + version); s != "" {
			names = append(names, s)
		}
	}
	if t.Tools != nil {
		for _, x := range *t.Tools {
			add(x.Name, x.Version)
		}
	}
	if t.Components != nil {
		for _, x := range *t.Components {
			add(x.Name, x.Version)
		}
	}
	if t.Services != nil {
		for _, x := range *t.Services {
			add(x.Name, x.Version)
		}
	}
	return strings.Join(names, ", ")
}

func (c *cdxConverter) statement(p *parser, d *Document, i int, v *cyclonedx.Vulnerability) Statement {
	a := v.Analysis
	s := Statement{
		ID:            strings.TrimSpace(v.BOMRef),
		Vulnerability: cdxVulnerability(v),
		Document:      d.ID,
		Index:         i,
	}
	where := fmt.Sprintf("vulnerabilities[%d]", i)
	if s.Vulnerability.Name == "" {
		p.errorf("%s: missing id", where)
	} else {
		where += " (" + s.Vulnerability.Name + ")"
	}
	sp := &parser{}

	status, ok := cdxStatus(a.State)
	if !ok {
		sp.errorf("analysis.state %q: want not_affected, false_positive, resolved, resolved_with_pedigree, exploitable or in_triage", a.State)
	}
	s.Status = status
	if a.Justification != "" {
		j, ok := cdxJustification(a.Justification)
		if !ok {
			sp.errorf("analysis.justification %q: want code_not_present, code_not_reachable, requires_configuration, requires_dependency, "+
				"requires_environment, protected_by_compiler, protected_at_runtime, protected_at_perimeter or protected_by_mitigating_control",
				a.Justification)
		}
		s.Justification = j
	}

	var action []string
	if r := strings.TrimSuffix(strings.TrimSpace(v.Recommendation), "."); r != "" {
		action = append(action, r)
	}
	if w := strings.TrimSuffix(strings.TrimSpace(v.Workaround), "."); w != "" {
		action = append(action, "workaround: "+w)
	}
	if a.Response != nil && len(*a.Response) > 0 {
		var rs []string
		for k, r := range *a.Response {
			switch r {
			case cyclonedx.IARCanNotFix, cyclonedx.IARWillNotFix, cyclonedx.IARUpdate, cyclonedx.IARRollback, cyclonedx.IARWorkaroundAvailable:
				rs = append(rs, string(r))
			default:
				sp.errorf("analysis.response[%d] %q: want can_not_fix, will_not_fix, update, rollback or workaround_available", k, r)
			}
		}
		action = append(action, "response: "+strings.Join(rs, ", "))
	}
	s.ActionStatement = strings.Join(action, "; ")

	detail := strings.TrimSpace(a.Detail)
	switch {
	case a.State == cyclonedx.IASFalsePositive && detail != "":
		s.ImpactStatement = "false positive: " + detail
	case a.State == cyclonedx.IASFalsePositive:
		s.ImpactStatement = "false positive"
	case status == StatusNotAffected && detail == "" && s.Justification == "":
		s.ImpactStatement = "not affected per VEX"
	case status == StatusNotAffected:
		s.ImpactStatement = detail
	default:
		s.StatusNotes = detail
	}

	if a.FirstIssued != "" {
		s.Timestamp = sp.time("analysis.firstIssued", a.FirstIssued)
	}
	if a.LastUpdated != "" {
		s.LastUpdated = sp.time("analysis.lastUpdated", a.LastUpdated)
		s.Timestamp = s.LastUpdated
	}
	if a.FirstIssued == "" && a.LastUpdated == "" {
		s.Timestamp = d.Timestamp
	}

	s.Products = c.products(sp, status, v.Affects)
	for _, err := range sp.errs {
		p.errorf("%s: %w", where, err)
	}
	return s
}

func cdxVulnerability(v *cyclonedx.Vulnerability) Vulnerability {
	out := Vulnerability{
		Name:        strings.TrimSpace(v.ID),
		Description: strings.TrimSpace(v.Description),
	}
	if v.Source != nil {
		out.ID = strings.TrimSpace(v.Source.URL)
	}
	if v.References != nil {
		seen := map[string]bool{strings.ToLower(out.Name): true}
		for _, r := range *v.References {
			id := strings.TrimSpace(r.ID)
			if k := strings.ToLower(id); id != "" && !seen[k] {
				seen[k] = true
				out.Aliases = append(out.Aliases, id)
			}
		}
	}
	return out
}

func cdxStatus(s cyclonedx.ImpactAnalysisState) (Status, bool) {
	switch s {
	case cyclonedx.IASNotAffected, cyclonedx.IASFalsePositive:
		return StatusNotAffected, true
	case cyclonedx.IASResolved, cyclonedx.IASResolvedWithPedigree:
		return StatusFixed, true
	case cyclonedx.IASExploitable:
		return StatusAffected, true
	case cyclonedx.IASInTriage:
		return StatusUnderInvestigation, true
	}
	return "", false
}

func cdxJustification(j cyclonedx.ImpactAnalysisJustification) (Justification, bool) {
	switch j {
	case cyclonedx.IAJCodeNotPresent:
		return VulnerableCodeNotPresent, true
	case cyclonedx.IAJCodeNotReachable:
		return VulnerableCodeNotInExecutePath, true
	case cyclonedx.IAJRequiresConfiguration, cyclonedx.IAJRequiresDependency, cyclonedx.IAJRequiresEnvironment:
		return VulnerableCodeCannotBeControlledByAdversary, true
	case cyclonedx.IAJProtectedByCompiler, cyclonedx.IAJProtectedAtRuntime, cyclonedx.IAJProtectedAtPerimeter,
		cyclonedx.IAJProtectedByMitigatingControl:
		return InlineMitigationsAlreadyExist, true
	}
	return "", false
}

// products turns the affects of a statement with the given status into
// products: with c.image, one image product whose subcomponents are the
// packages; otherwise one product per package. Images named by affects
// are products of their own.
func (c *cdxConverter) products(p *parser, status Status, affects *[]cyclonedx.Affects) []Product {
	if affects == nil || len(*affects) == 0 {
		p.errorf(`no "affects": the statement must say which software it is about`)
		return nil
	}
	var out []Product
	var subs []Component
	seen := map[string]bool{}
	for j, a := range *affects {
		where := fmt.Sprintf("affects[%d]", j)
		u, id, err := c.resolve(a.Ref)
		if err != nil {
			p.errorf("%s: %v", where, err)
			continue
		}
		for _, id := range c.versions(p, where, status, u, id, a.Range) {
			if seen[id] {
				continue
			}
			seen[id] = true
			switch {
			case c.image == nil || u.Type == "oci":
				out = append(out, Product{Component: Component{ID: id}})
			default:
				subs = append(subs, Component{ID: id})
			}
		}
	}
	if len(subs) > 0 {
		out = append([]Product{{Component: *c.image, Subcomponents: subs}}, out...)
	}
	return out
}

// resolve returns the package URL an affects[].ref names, parsed and as
// written.
//
// BOM-Links are parsed here rather than with cyclonedx.ParseBOMLink, which
// unescapes the bom-ref as a query string: the '+' of Debian versions
// (libc6@2.36-9+deb12u3) in a bom-ref written unescaped, as Trivy writes
// purls, would become a space.
func (c *cdxConverter) resolve(ref string) (packageurl.PackageURL, string, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return packageurl.PackageURL{}, "", errors.New(`missing "ref"`)
	}
	target, local := ref, true
	if rest, ok := strings.CutPrefix(ref, "urn:cdx:"); ok {
		bom, frag, _ := strings.Cut(rest, "#")
		if frag == "" {
			return packageurl.PackageURL{}, "", fmt.Errorf("ref %q: the BOM-Link names a whole BOM, not a component", ref)
		}
		serial, _, _ := strings.Cut(bom, "/")
		local = c.serial == "" || strings.EqualFold(serial, c.serial) || !c.hasComponents
		target = frag
	}
	cands := []string{target}
	if uq, err := url.PathUnescape(target); err == nil && uq != target {
		cands = append(cands, uq)
	}
	for _, t := range cands {
		if comp := c.byRef[t]; local && comp != nil {
			purl := strings.TrimSpace(comp.PackageURL)
			if purl == "" {
				return packageurl.PackageURL{}, "", fmt.Errorf("ref %q: component %q has no purl", ref, comp.Name)
			}
			u, err := packageurl.FromString(purl)
			if err != nil {
				return packageurl.PackageURL{}, "", fmt.Errorf("ref %q: component %q: purl %q: %v", ref, comp.Name, purl, err)
			}
			return u, purl, nil
		}
	}
	for _, t := range cands {
		if strings.HasPrefix(t, "pkg:") {
			u, err := packageurl.FromString(t)
			if err != nil {
				return packageurl.PackageURL{}, "", fmt.Errorf("ref %q: invalid package URL: %v", ref, err)
			}
			return u, t, nil
		}
	}
	if !local {
		return packageurl.PackageURL{}, "", fmt.Errorf("ref %q: names a component of another BOM by a bom-ref that is not a package URL", ref)
	}
	return packageurl.PackageURL{}, "", fmt.Errorf("ref %q is neither a package URL nor the bom-ref of a component of the document", ref)
}

// versions returns the package URLs an affects entry covers for a
// statement with the given status: id (u as written) without versions[]
// or with a range among the relevant versions, else u with each relevant
// exact version.
func (c *cdxConverter) versions(p *parser, where string, status Status, u packageurl.PackageURL, id string, vs *[]cyclonedx.AffectedVersions) []string {
	if vs == nil || len(*vs) == 0 || !status.Valid() {
		return []string{id}
	}
	relevant := func(st cyclonedx.VulnerabilityStatus) bool {
		switch status {
		case StatusNotAffected, StatusFixed:
			return st == cyclonedx.VulnerabilityStatusNotAffected
		case StatusAffected:
			return st == cyclonedx.VulnerabilityStatusAffected
		case StatusUnderInvestigation:
			return st == cyclonedx.VulnerabilityStatusAffected || st == cyclonedx.VulnerabilityStatusUnknown
		}
		return false
	}
	var out []string
	all, bad := false, false
	for k, v := range *vs {
		st := v.Status
		switch st {
		case "":
			st = cyclonedx.VulnerabilityStatusAffected // CycloneDX's default
		case cyclonedx.VulnerabilityStatusAffected, cyclonedx.VulnerabilityStatusNotAffected, cyclonedx.VulnerabilityStatusUnknown:
		default:
			p.errorf("%s.versions[%d]: status %q: want affected, unaffected or unknown", where, k, v.Status)
			bad = true
			continue
		}
		version, rng := strings.TrimSpace(v.Version), strings.TrimSpace(v.Range)
		if version == "" && rng == "" {
			p.errorf("%s.versions[%d]: neither version nor range", where, k)
			bad = true
			continue
		}
		if !relevant(st) {
			continue
		}
		if version == "" {
			all = true // ranges are not supported: every version
			continue
		}
		uv := u
		uv.Version = version
		out = append(out, uv.ToString())
	}
	switch {
	case all:
		return []string{id}
	case len(out) == 0 && !bad:
		want := `"unaffected"`
		switch status {
		case StatusAffected:
			want = `"affected"`
		case StatusUnderInvestigation:
			want = `"affected" or "unknown"`
		}
		p.errorf("%s: no version with status %s, which a %s statement is about", where, want, status)
	}
	return out
}
