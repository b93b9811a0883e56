package model

import "time"

// Severity is drydock's normalised severity scale.
type Severity string

// Severities, lowest first.
const (
	SeverityUnknown  Severity = "UNKNOWN"
	SeverityLow      Severity = "LOW"
	SeverityMedium   Severity = "MEDIUM"
	SeverityHigh     Severity = "HIGH"
	SeverityCritical Severity = "CRITICAL"
)

// Rank orders severities: UNKNOWN 0 … CRITICAL 4.
func (s Severity) Rank() int {
	switch s {
	case SeverityLow:
		return 1
	case SeverityMedium:
		return 2
	case SeverityHigh:
		return 3
	case SeverityCritical:
		return 4
	}
	return 0
}

// Vulnerability is one advisory that affects one package of the inventory.
type Vulnerability struct {
	// ID is the advisory's primary ID (a CVE when the advisory has one).
	ID string `json:"id"`
	// Aliases are the other IDs of the same flaw (GHSA, DSA, ALSA, ...),
	// folded into this finding.
	Aliases []string `json:"aliases,omitempty"`
	// Advisories are the IDs of the records in the DB that produced the
	// finding (e.g. DEBCL-CVE-2023-1234-openssl, GHSA-…).
	Advisories []string `json:"advisories"`
	Summary    string   `json:"summary,omitempty"`
	// Package is the affected package, as in the inventory.
	Package Package `json:"package"`
	// MatchedBy says which name and version were matched ("source openssl
	// 3.0.11-1~deb12u2" for a Debian binary package).
	MatchedBy string `json:"matchedBy,omitempty"`
	// FixedVersion is the first version without the flaw, if one exists.
	FixedVersion string   `json:"fixedVersion,omitempty"`
	Severity     Severity `json:"severity"`
	// SeveritySource says where the severity came from ("CVSS:3.1 NVD",
	// "Debian urgency", "GHSA").
	SeveritySource string      `json:"severitySource,omitempty"`
	CVSS           []CVSS      `json:"cvss,omitempty"`
	References     []string    `json:"references,omitempty"`
	Published      *time.Time  `json:"published,omitempty"`
	Modified       *time.Time  `json:"modified,omitempty"`
	DataSource     string      `json:"dataSource,omitempty"`
	Suppressed     *Suppressed `json:"suppressed,omitempty"`
	// Note carries matcher remarks, e.g. a mitigation found in the package.
	Note string `json:"note,omitempty"`
}

// CVSS is one CVSS vector with its base score.
type CVSS struct {
	Version string  `json:"version"`
	Vector  string  `json:"vector"`
	Score   float64 `json:"score"`
	Source  string  `json:"source,omitempty"`
}

// Suppressed records why a finding is not counted (ignore file, VEX, policy).
type Suppressed struct {
	By     string `json:"by"`
	Reason string `json:"reason,omitempty"`
}

// DBInfo describes the vulnerability database used for a scan.
type DBInfo struct {
	SchemaVersion int            `json:"schemaVersion"`
	BuiltAt       time.Time      `json:"builtAt"`
	Sources       []DBSource     `json:"sources,omitempty"`
	Counts        map[string]int `json:"counts,omitempty"`
}

// DBSource is one data set a DB was built from.
type DBSource struct {
	Name    string `json:"name"`
	Records int    `json:"records"`
	Skipped int    `json:"skipped,omitempty"`
	SHA256  string `json:"sha256,omitempty"`
}
