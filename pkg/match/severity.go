package match

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
	cvss20 "github.com/pandatix/go-cvss/20"
	cvss30 "github.com/pandatix/go-cvss/30"
	cvss31 "github.com/pandatix/go-cvss/31"
	cvss40 "github.com/pandatix/go-cvss/40"
)

// severity is the severity of one advisory record for one package.
type severity struct {
	level  model.Severity
	source string
	cvss   []model.CVSS
}

// recordSeverity works out the severity of entry e for a package, given the
// affected[] entries of e that matched the package. In order of preference:
//
//  1. CVSS vectors (entry or affected severity): the base score of the
//     newest CVSS version present (4.0, 3.1, 3.0, then 2.0), the highest
//     score if one version has several vectors, rated with the CVSS scale
//     of that version; a score of 0 ("NONE") counts as LOW.
//  2. The ecosystem's own rating:
//     - "Ubuntu" severities (UCT priority): negligible and low → LOW, ...
//     - database_specific.severity (GitHub advisories): MODERATE → MEDIUM
//     - urgency in affected database_specific or ecosystem_specific
//     (Debian): low → LOW, medium → MEDIUM, high → HIGH, emergency and
//     critical → CRITICAL, unimportant → LOW. This is the urgency of the
//     upload that fixed the flaw, a weak proxy for the flaw's severity.
//     - the "Important:" prefix of Red Hat family summaries (AlmaLinux),
//     Red Hat's rating Low/Moderate/Important/Critical.
//     - database_specific.cvss_v4/cvss_v3/cvss_v2 scores (rubysec).
//  3. UNKNOWN.
//
// Every CVSS vector that parses is listed, whichever decides.
func recordSeverity(e *osv.Entry, hits []*osv.Affected, eco model.Ecosystem) severity {
	var s severity
	all := e.Severity
	for _, a := range hits {
		all = append(all[:len(all):len(all)], a.Severity...)
	}
	best := -1
	for _, sv := range all {
		c, rank, ok := parseCVSS(sv)
		if !ok {
			continue
		}
		c.Source = e.ID
		s.cvss = append(s.cvss, c)
		best = max(best, rank)
	}
	if best >= 0 {
		c := s.cvss[bestIdx(s.cvss, best)]
		s.level = ratingFor(c.Version, c.Score)
		s.source = "CVSS:" + c.Version
		return s
	}
	s.level, s.source = nativeSeverity(e, hits, all, eco)
	return s
}

// cvssRank orders CVSS versions, newest highest.
func cvssRank(version string) int {
	switch version {
	case "4.0":
		return 3
	case "3.1":
		return 2
	case "3.0":
		return 1
	case "2.0":
		return 0
	}
	return -1
}

// bestIdx returns the index of the highest-scored vector of rank r.
func bestIdx(cs []model.CVSS, r int) int {
	idx := -1
	for i, c := range cs {
		if cvssRank(c.Version) == r && (idx < 0 || c.Score > cs[idx].Score) {
			idx = i
		}
	}
	return idx
}

func parseCVSS(sv osv.Severity) (c model.CVSS, rank int, ok bool) {
	vec := strings.TrimSpace(sv.Score)
	c.Vector = vec
	switch {
	case strings.HasPrefix(vec, "CVSS:4.0/"):
		v, err := cvss40.ParseVector(vec)
		if err != nil {
			return c, 0, false
		}
		c.Version, c.Score = "4.0", v.Score()
	case strings.HasPrefix(vec, "CVSS:3.1/"):
		v, err := cvss31.ParseVector(vec)
		if err != nil {
			return c, 0, false
		}
		c.Version, c.Score = "3.1", v.BaseScore()
	case strings.HasPrefix(vec, "CVSS:3.0/"):
		v, err := cvss30.ParseVector(vec)
		if err != nil {
			return c, 0, false
		}
		c.Version, c.Score = "3.0", v.BaseScore()
	case sv.Type == osv.SeverityCVSSv2:
		v, err := cvss20.ParseVector(strings.TrimPrefix(vec, "CVSS:2.0/"))
		if err != nil {
			return c, 0, false
		}
		c.Version, c.Score = "2.0", v.BaseScore()
	default:
		return c, 0, false
	}
	return c, cvssRank(c.Version), true
}

// ratingFor rates a CVSS base score: the v3/v4 scale (0.1 LOW, 4.0 MEDIUM,
// 7.0 HIGH, 9.0 CRITICAL; 0 NONE counts as LOW), or the v2 scale (LOW below
// 4.0, MEDIUM below 7.0, HIGH).
func ratingFor(version string, score float64) model.Severity {
	switch {
	case version == "2.0" && score >= 7:
		return model.SeverityHigh
	case version != "2.0" && score >= 9:
		return model.SeverityCritical
	case score >= 7:
		return model.SeverityHigh
	case score >= 4:
		return model.SeverityMedium
	}
	return model.SeverityLow
}

func nativeSeverity(e *osv.Entry, hits []*osv.Affected, all []osv.Severity, eco model.Ecosystem) (model.Severity, string) {
	for _, sv := range all {
		if sv.Type == osv.SeverityUbuntu {
			if l := wordSeverity(sv.Score); l != model.SeverityUnknown {
				return l, "Ubuntu priority"
			}
		}
	}
	var db struct {
		Severity string  `json:"severity"`
		CVSSv4   float64 `json:"cvss_v4"`
		CVSSv3   float64 `json:"cvss_v3"`
		CVSSv2   float64 `json:"cvss_v2"`
	}
	hasDB := bytes.Contains(e.DatabaseSpecific, []byte(`"severity"`)) || bytes.Contains(e.DatabaseSpecific, []byte(`"cvss_v`))
	hasDB = hasDB && json.Unmarshal(e.DatabaseSpecific, &db) == nil
	if hasDB && db.Severity != "" {
		if l := wordSeverity(db.Severity); l != model.SeverityUnknown {
			return l, "GHSA"
		}
	}
	for _, a := range hits {
		for _, raw := range [...][]byte{a.DatabaseSpecific, a.EcosystemSpecific} {
			if u, ok := stringField(raw, "urgency"); ok {
				if l := urgencySeverity(u); l != model.SeverityUnknown {
					return l, "Debian urgency"
				}
			}
		}
	}
	if sch := eco.Base(); sch == model.EcoAlmaLinux || sch == model.EcoRocky || sch == model.EcoRedHat {
		if word, _, ok := strings.Cut(e.Summary, ":"); ok {
			if l := wordSeverity(word); l != model.SeverityUnknown {
				return l, string(sch) + " severity"
			}
		}
	}
	if hasDB {
		for _, sc := range [...]struct {
			score   float64
			version string
		}{{db.CVSSv4, "4.0"}, {db.CVSSv3, "3.1"}, {db.CVSSv2, "2.0"}} {
			if sc.score > 0 && sc.score <= 10 {
				return ratingFor(sc.version, sc.score), "CVSS score"
			}
		}
	}
	return model.SeverityUnknown, ""
}

// wordSeverity maps the severity words of GHSA, Ubuntu and Red Hat.
func wordSeverity(w string) model.Severity {
	switch strings.ToLower(strings.TrimSpace(w)) {
	case "negligible", "low":
		return model.SeverityLow
	case "medium", "moderate":
		return model.SeverityMedium
	case "high", "important":
		return model.SeverityHigh
	case "critical":
		return model.SeverityCritical
	}
	return model.SeverityUnknown
}

// urgencySeverity maps a Debian upload urgency (changelog) or security
// tracker urgency. "not yet assigned" and "end-of-life" say nothing.
func urgencySeverity(u string) model.Severity {
	u = strings.ToLower(strings.TrimSpace(u))
	if i := strings.IndexAny(u, " ("); i > 0 && u != "not yet assigned" {
		u = u[:i] // "medium (high for the kernel)" and similar comments
	}
	switch u {
	case "unimportant", "low":
		return model.SeverityLow
	case "medium":
		return model.SeverityMedium
	case "high":
		return model.SeverityHigh
	case "emergency", "critical":
		return model.SeverityCritical
	}
	return model.SeverityUnknown
}

// stringField returns the string value of the first member named key in the
// JSON object raw, without decoding the rest of it: the severity fields are
// read for every finding, and a full json.Unmarshal of each record's
// database_specific was a tenth of the matching time.
func stringField(raw []byte, key string) (string, bool) {
	needle := []byte(`"` + key + `"`)
	for {
		i := bytes.Index(raw, needle)
		if i < 0 {
			return "", false
		}
		raw = raw[i+len(needle):]
		rest := bytes.TrimLeft(raw, " \t\r\n")
		if len(rest) == 0 || rest[0] != ':' {
			continue // the text occurred inside a value
		}
		rest = bytes.TrimLeft(rest[1:], " \t\r\n")
		if len(rest) == 0 || rest[0] != '"' {
			return "", false
		}
		end := 1
		for end < len(rest) && rest[end] != '"' {
			if rest[end] == '\\' {
				end++
			}
			end++
		}
		if end >= len(rest) {
			return "", false
		}
		if bytes.IndexByte(rest[1:end], '\\') < 0 {
			return string(rest[1:end]), true
		}
		var v string
		if err := json.Unmarshal(rest[:end+1], &v); err != nil {
			return "", false
		}
		return v, true
	}
}
