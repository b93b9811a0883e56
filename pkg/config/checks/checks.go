// Package checks is the catalogue of drydock's built-in configuration checks:
// their IDs, titles, severities, explanations and the benchmark and regulation
// clauses they map to. The catalogue is data (catalog.go); the image config,
// Dockerfile and Kubernetes checkers look their checks up here by ID, so a
// finding always carries the catalogue's text.
//
// The package also holds the small heuristics those checkers share (what is
// root, which ports are administrative, which names look like secrets, how an
// image reference pins its content).
package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/drydockhq/drydock/pkg/model"
)

// Family is the kind of input a check reads.
type Family string

// Check families.
const (
	FamilyImage      Family = "image"      // image config (DD-IMG-xxx)
	FamilyDockerfile Family = "dockerfile" // Dockerfile (DD-DF-xxx)
	FamilyKubernetes Family = "kubernetes" // Kubernetes manifests (DD-K8S-xxx)
)

// Framework names, as they appear in model.Control.Framework.
const (
	CISDocker     = "CIS Docker Benchmark 1.6"
	CISKubernetes = "CIS Kubernetes Benchmark 1.9"
	PSSBaseline   = "PSS baseline"
	PSSRestricted = "PSS restricted"
	GDPR          = "GDPR"
	CCPA          = "CCPA"
	PDPO          = "HK PDPO"
)

// Source is the model.Misconfiguration.Source of built-in findings.
const Source = "builtin"

// Check is one built-in check.
type Check struct {
	ID       string
	Family   Family
	Title    string
	Severity model.Severity
	// Description says why it matters; Resolution how to fix it.
	Description string
	Resolution  string
	Controls    []model.Control
}

// Catalog returns every built-in check, ordered by ID. The slice is a copy.
func Catalog() []Check {
	out := make([]Check, len(catalog))
	for i, c := range catalog {
		c.Controls = slices.Clone(c.Controls)
		out[i] = c
	}
	return out
}

// Lookup returns the check with the given ID.
func Lookup(id string) (Check, bool) {
	for _, c := range catalog {
		if c.ID == id {
			c.Controls = slices.Clone(c.Controls)
			return c, true
		}
	}
	return Check{}, false
}

// Finding builds the misconfiguration reported when the check fails. It
// panics when id is not in the catalogue: IDs are constants in drydock's own
// code, and a test runs every one of them.
func Finding(id, target, object string, line int, msg string) model.Misconfiguration {
	c, ok := Lookup(id)
	if !ok {
		panic("checks: unknown check ID " + id)
	}
	return model.Misconfiguration{
		ID:          c.ID,
		Title:       c.Title,
		Severity:    c.Severity,
		Description: c.Description,
		Resolution:  c.Resolution,
		Message:     msg,
		Target:      target,
		Object:      object,
		Line:        line,
		Controls:    c.Controls,
		Source:      Source,
	}
}

// Compliance selects the checks mapped to one framework
// (`--compliance pss-restricted`).
type Compliance string

// Compliance profiles.
const (
	CompliancePSSBaseline   Compliance = "pss-baseline"
	CompliancePSSRestricted Compliance = "pss-restricted"
	ComplianceCISDocker     Compliance = "cis-docker"
	ComplianceCISKubernetes Compliance = "cis-k8s"
	ComplianceGDPR          Compliance = "gdpr"
	ComplianceCCPA          Compliance = "ccpa"
	CompliancePDPO          Compliance = "pdpo"
)

// Compliances lists the accepted profile names.
func Compliances() []Compliance {
	return []Compliance{CompliancePSSBaseline, CompliancePSSRestricted, ComplianceCISDocker,
		ComplianceCISKubernetes, ComplianceGDPR, ComplianceCCPA, CompliancePDPO}
}

// ParseCompliance checks a profile name; "" is valid and selects everything.
func ParseCompliance(s string) (Compliance, error) {
	c := Compliance(strings.ToLower(strings.TrimSpace(s)))
	if c == "" || slices.Contains(Compliances(), c) {
		return c, nil
	}
	names := make([]string, 0, 7)
	for _, c := range Compliances() {
		names = append(names, string(c))
	}
	return "", fmt.Errorf("unknown compliance profile %q (want one of %s)", s, strings.Join(names, ", "))
}

// frameworks returns the frameworks a profile accepts. The restricted Pod
// Security Standard includes every baseline control.
func (c Compliance) frameworks() []string {
	switch c {
	case CompliancePSSBaseline:
		return []string{PSSBaseline}
	case CompliancePSSRestricted:
		return []string{PSSBaseline, PSSRestricted}
	case ComplianceCISDocker:
		return []string{CISDocker}
	case ComplianceCISKubernetes:
		return []string{CISKubernetes}
	case ComplianceGDPR:
		return []string{GDPR}
	case ComplianceCCPA:
		return []string{CCPA}
	case CompliancePDPO:
		return []string{PDPO}
	}
	return nil
}

// Selects reports whether a finding with these controls belongs to the
// profile. The empty profile selects everything, including findings of user
// policies that map to no control.
func (c Compliance) Selects(controls []model.Control) bool {
	if c == "" {
		return true
	}
	fw := c.frameworks()
	for _, ctl := range controls {
		if slices.Contains(fw, ctl.Framework) {
			return true
		}
	}
	return false
}

// Filter returns the findings the profile selects, in order, as a new slice.
func Filter(ms []model.Misconfiguration, c Compliance) []model.Misconfiguration {
	var out []model.Misconfiguration
	for _, m := range ms {
		if c.Selects(m.Controls) {
			out = append(out, m)
		}
	}
	return out
}
