// Package osv holds the types of the Open Source Vulnerability format
// (https://ossf.github.io/osv-schema/) as plain structs with JSON tags, and a
// strict-enough decoder for untrusted input.
//
// The types follow the schema's field names; nothing here knows about
// drydock's store or matcher. Fields that carry free-form, source-defined
// JSON (database_specific, ecosystem_specific) are kept as raw JSON.
package osv

import (
	"encoding/json"
	"time"
)

// Range types.
const (
	RangeEcosystem = "ECOSYSTEM"
	RangeSemver    = "SEMVER"
	RangeGit       = "GIT"
)

// Severity types.
const (
	SeverityCVSSv2 = "CVSS_V2"
	SeverityCVSSv3 = "CVSS_V3"
	SeverityCVSSv4 = "CVSS_V4"
	SeverityUbuntu = "Ubuntu"
)

// Entry is one OSV advisory.
type Entry struct {
	SchemaVersion string      `json:"schema_version,omitempty"`
	ID            string      `json:"id"`
	Modified      time.Time   `json:"modified"`
	Published     time.Time   `json:"published,omitzero"`
	Withdrawn     *time.Time  `json:"withdrawn,omitempty"`
	Aliases       []string    `json:"aliases,omitempty"`
	Related       []string    `json:"related,omitempty"`
	Upstream      []string    `json:"upstream,omitempty"`
	Summary       string      `json:"summary,omitempty"`
	Details       string      `json:"details,omitempty"`
	Severity      []Severity  `json:"severity,omitempty"`
	Affected      []Affected  `json:"affected,omitempty"`
	References    []Reference `json:"references,omitempty"`
	Credits       []Credit    `json:"credits,omitempty"`
	// DatabaseSpecific is the source's own data about the whole entry.
	DatabaseSpecific json.RawMessage `json:"database_specific,omitempty"`
}

// Affected names one affected package and the versions of it that are affected.
type Affected struct {
	Package  Package    `json:"package,omitzero"`
	Severity []Severity `json:"severity,omitempty"`
	Ranges   []Range    `json:"ranges,omitempty"`
	// Versions enumerates affected versions explicitly.
	Versions          []string        `json:"versions,omitempty"`
	EcosystemSpecific json.RawMessage `json:"ecosystem_specific,omitempty"`
	DatabaseSpecific  json.RawMessage `json:"database_specific,omitempty"`
}

// Package identifies a package in an ecosystem. Ecosystem carries the
// release suffix where the source has one ("Debian:12", "Alpine:v3.10").
type Package struct {
	Ecosystem string `json:"ecosystem,omitempty"`
	Name      string `json:"name,omitempty"`
	PURL      string `json:"purl,omitempty"`
}

// Range is a set of affected versions given as ordered events.
type Range struct {
	// Type is RangeEcosystem, RangeSemver or RangeGit.
	Type string `json:"type"`
	// Repo is the repository URL of a GIT range.
	Repo             string          `json:"repo,omitempty"`
	Events           []Event         `json:"events"`
	DatabaseSpecific json.RawMessage `json:"database_specific,omitempty"`
}

// Event is one boundary of a Range; exactly one field is set.
// Introduced is inclusive, Fixed and Limit are exclusive, LastAffected is
// inclusive. Introduced "0" means "from the first version".
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}

// Severity is a severity score of a given type: a CVSS vector for the CVSS
// types, a word for Ubuntu ("medium").
type Severity struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

// Reference is a link about the advisory.
type Reference struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// Credit names someone credited for the advisory.
type Credit struct {
	Name    string   `json:"name"`
	Contact []string `json:"contact,omitempty"`
	Type    string   `json:"type,omitempty"`
}
