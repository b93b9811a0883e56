// Package vex reads OpenVEX documents (https://github.com/openvex/spec,
// v0.2.0; the earlier v0.0.x shape, with string vulnerabilities and
// products, is read too) and CycloneDX VEX documents (CycloneDX 1.4 to 1.7
// JSON, see below), and applies their statements to findings: a
// supplier's "this image is not affected by CVE-X, because …" turns the
// matching findings into suppressed ones.
//
// A statement applies to a finding when it names the finding's
// vulnerability (its name or one of its aliases equals the finding's ID, an
// alias or an advisory ID) and one of its products
//
//   - is the scanned image (the subject: see Apply) and lists no
//     subcomponents: the statement covers every package of the image;
//   - is the scanned image and one of its subcomponents is the finding's
//     package;
//   - is the finding's package itself, with no subcomponents.
//
// Packages are compared by package URL: type, namespace and name must be
// equal; a version in the statement must equal the package's exactly; the
// statement's qualifiers must all be in the package's URL with the same
// values (so "pkg:deb/debian/libssl3" matches every libssl3, and
// "pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64" only that build).
// A statement naming a source package does not match its binary packages,
// as in Trivy and Grype. Products with subcomponents that are packages
// rather than the image are not matched: findings do not record which
// package contains which.
//
// Of the statements that apply to a finding, the latest (by timestamp; a
// statement without one has its document's) decides, as the specification
// says; on equal timestamps the later statement in the document does:
//
//	not_affected         Suppressed{By: "vex", Reason: justification: impact_statement}
//	fixed                Suppressed{By: "vex", Reason: "fixed per VEX"}
//	affected             not suppressed; Note "VEX affected: action_statement"
//	under_investigation  not suppressed; Note "VEX under investigation"
//
// A CycloneDX VEX document (recognised by "bomFormat": "CycloneDX") is
// converted into the same statements, one per vulnerability with an
// analysis.state (others are skipped): not_affected and false_positive
// become not_affected, resolved and resolved_with_pedigree fixed,
// exploitable affected, in_triage under_investigation; the CycloneDX
// justifications map onto the OpenVEX ones, analysis.detail gives the
// reason shown. affects[].ref names packages by package URL, directly, as
// the bom-ref of a component of the document, or as a BOM-Link to one.
// CycloneDX VEX has no product apart from affects, so its statements cover
// those packages in any scanned artifact, unless metadata.component's
// package URL is of type oci: then they apply only to that image, as an
// OpenVEX statement with that image as product and the packages as
// subcomponents does. affects[].versions[] narrows a statement to exact
// versions; version ranges are not supported, and an entry with one makes
// the statement cover every version of the package. parseCycloneDX has
// the details.
//
// CSAF is not read (Parse says so when given one), nor are in-toto
// attestations wrapping an OpenVEX document, nor CycloneDX XML.
package vex

import (
	"slices"
	"time"
)

// SuppressedBy is the Suppressed.By of findings suppressed by a VEX
// statement.
const SuppressedBy = "vex"

// Context is the JSON-LD context of OpenVEX v0.2.0 documents. Parse
// accepts every context under https://openvex.dev/ns.
const Context = "https://openvex.dev/ns/v0.2.0"

// Document is an OpenVEX document.
type Document struct {
	Context     string
	ID          string
	Author      string
	Role        string
	Timestamp   time.Time
	LastUpdated time.Time // zero when absent
	Version     int
	Tooling     string
	Statements  []Statement
}

// Statement is one assertion: the status of a vulnerability in products.
type Statement struct {
	ID            string
	Vulnerability Vulnerability
	// Timestamp is when the statement was known to be true: its own, or,
	// when it has none, its document's.
	Timestamp       time.Time
	LastUpdated     time.Time // zero when absent
	Products        []Product
	Status          Status
	StatusNotes     string
	Justification   Justification
	ImpactStatement string
	ActionStatement string
	// ActionStatementTimestamp is zero when absent.
	ActionStatementTimestamp time.Time
	Supplier                 string

	// Document is the @id of the statement's document, and Index the
	// statement's position in it (0-based), for messages.
	Document string
	Index    int
}

// Vulnerability identifies the vulnerability of a statement.
type Vulnerability struct {
	ID          string // IRI, optional
	Name        string
	Description string
	Aliases     []string
}

// Names returns the vulnerability's name and aliases.
func (v *Vulnerability) Names() []string {
	return append([]string{v.Name}, v.Aliases...)
}

// Component identifies a piece of software: by IRI (often a package URL),
// by identifiers (keys "purl", "cpe22", "cpe23") or by hashes (keys
// "sha-256", "sha-512", ...).
type Component struct {
	ID          string
	Identifiers map[string]string
	Hashes      map[string]string
}

// Product is a component with the subcomponents a statement is about.
type Product struct {
	Component
	Subcomponents []Component
}

// Status is a statement's status label.
type Status string

// Statuses.
const (
	StatusNotAffected        Status = "not_affected"
	StatusAffected           Status = "affected"
	StatusFixed              Status = "fixed"
	StatusUnderInvestigation Status = "under_investigation"
)

// Valid reports whether s is one of the four status labels.
func (s Status) Valid() bool {
	switch s {
	case StatusNotAffected, StatusAffected, StatusFixed, StatusUnderInvestigation:
		return true
	}
	return false
}

// Justification is the label that says why a product is not affected.
type Justification string

// Justifications.
const (
	ComponentNotPresent                         Justification = "component_not_present"
	VulnerableCodeNotPresent                    Justification = "vulnerable_code_not_present"
	VulnerableCodeNotInExecutePath              Justification = "vulnerable_code_not_in_execute_path"
	VulnerableCodeCannotBeControlledByAdversary Justification = "vulnerable_code_cannot_be_controlled_by_adversary"
	InlineMitigationsAlreadyExist               Justification = "inline_mitigations_already_exist"
)

var justifications = []Justification{
	ComponentNotPresent, VulnerableCodeNotPresent, VulnerableCodeNotInExecutePath,
	VulnerableCodeCannotBeControlledByAdversary, InlineMitigationsAlreadyExist,
}

// Valid reports whether j is one of the five justification labels.
func (j Justification) Valid() bool {
	return slices.Contains(justifications, j)
}

// Merge returns a document holding the statements of docs, in order, for
// applying several documents at once (the latest statement wins across
// them). Its metadata is that of the first document, with the latest
// timestamp.
func Merge(docs ...*Document) *Document {
	out := &Document{}
	first := true
	for _, d := range docs {
		if d == nil {
			continue
		}
		if first {
			*out = *d
			out.Statements = nil
			first = false
		}
		if d.Timestamp.After(out.Timestamp) {
			out.Timestamp = d.Timestamp
		}
		out.Statements = append(out.Statements, d.Statements...)
	}
	return out
}
