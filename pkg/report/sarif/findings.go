package sarif

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/drydockhq/drydock/pkg/model"
)

// This file renders the finding classes other than vulnerabilities:
// misconfigurations, secrets and personal data.

// suppressionsOf renders a suppression as SARIF's own.
func suppressionsOf(s *model.Suppressed) []suppression {
	if s == nil {
		return nil
	}
	just := s.By
	if s.Reason != "" {
		just = cmp.Or(s.By, "suppressed") + ": " + s.Reason
	}
	return []suppression{{Kind: "external", Status: "accepted", Justification: just}}
}

// fileLocation points at a file of the scanned file system, at a line
// (line 1 when line is 0: the file as a whole), with the layer that holds it.
func fileLocation(path string, line int, layer model.Digest) location {
	loc := location{PhysicalLocation: physicalLocation{
		ArtifactLocation: artifactLocation{URI: relativeURI(path), URIBaseID: URIBaseID},
		Region:           lineRegion(line),
	}}
	if layer != "" {
		loc.LogicalLocations = []logicalLocation{{Name: string(layer), Kind: "layer"}}
	}
	return loc
}

// lineRegion is the region of a line. Every result gets one: GitHub code
// scanning places and accepts only results with a region.startLine
// (SARIF validation rule GH1003), so findings about a whole file — a
// package in its database, an image's config — point at line 1, as other
// scanners do.
func lineRegion(line int) *region {
	return &region{StartLine: max(line, 1)}
}

// where says where in the image a file is: "path, line 3, layer 1 (1c9a…)".
func where(l model.Location, line int) string {
	s := l.Path
	if line > 0 {
		s += fmt.Sprintf(", line %d", line)
	}
	if l.Layer != "" {
		s += fmt.Sprintf(", layer %d (%s)", l.LayerIndex, l.Layer.Short())
	}
	return s
}

const deletedNote = " A later layer deletes the file: it is not in the running container, but it still ships in the image."

func score(s model.Severity) string {
	return strconv.FormatFloat(severityScore[s], 'f', 1, 64)
}

func tags(class string, s model.Severity) []string {
	return []string{"security", class, strings.ToLower(string(s))}
}

// ---- misconfigurations ----

func sortedMisconfigs(ms []model.Misconfiguration, omitSuppressed bool) []model.Misconfiguration {
	out := slices.Clone(ms)
	if omitSuppressed {
		out = slices.DeleteFunc(out, func(m model.Misconfiguration) bool { return m.Suppressed != nil })
	}
	slices.SortStableFunc(out, func(a, b model.Misconfiguration) int {
		return cmp.Or(
			strings.Compare(a.ID, b.ID),
			strings.Compare(a.Target, b.Target),
			a.Line-b.Line,
			strings.Compare(a.Object, b.Object),
			strings.Compare(a.Message, b.Message),
		)
	})
	return out
}

func controls(cs []model.Control) []string {
	var out []string
	for _, c := range cs {
		out = append(out, strings.TrimSpace(c.Framework+" "+c.ID))
	}
	return out
}

func misconfigRule(m model.Misconfiguration) rule {
	title := cmp.Or(m.Title, m.ID)
	var t, md strings.Builder
	fmt.Fprintf(&t, "Misconfiguration %s: %s\nSeverity: %s\n", m.ID, title, m.Severity)
	fmt.Fprintf(&md, "**Misconfiguration %s: %s**\n\nSeverity: %s\n\n", mdEscape(m.ID), mdEscape(title), m.Severity)
	if m.Description != "" {
		fmt.Fprintf(&t, "%s\n", m.Description)
		fmt.Fprintf(&md, "%s\n\n", mdEscape(m.Description))
	}
	if m.Resolution != "" {
		fmt.Fprintf(&t, "Resolution: %s\n", m.Resolution)
		// The resolution is written as Markdown (`code`) by the checks.
		fmt.Fprintf(&md, "Resolution: %s\n\n", strings.ReplaceAll(m.Resolution, "\n", " "))
	}
	if cs := controls(m.Controls); len(cs) > 0 {
		fmt.Fprintf(&t, "Controls: %s\n", strings.Join(cs, "; "))
		md.WriteString("Controls:\n\n")
		for _, c := range cs {
			fmt.Fprintf(&md, "- %s\n", mdEscape(c))
		}
	}
	return rule{
		ID:                   m.ID,
		ShortDescription:     &text{Text: title},
		FullDescription:      &text{Text: cmp.Or(m.Description, title)},
		DefaultConfiguration: &configuration{Level: level(m.Severity)},
		Help:                 &text{Text: strings.TrimSuffix(t.String(), "\n"), Markdown: strings.TrimSpace(md.String())},
		Properties: ruleProps{
			SecuritySeverity: score(m.Severity),
			Tags:             tags("misconfiguration", m.Severity),
			Controls:         controls(m.Controls),
		},
	}
}

func misconfigResult(r *model.Report, m model.Misconfiguration, ruleIndex int) result {
	target := cmp.Or(m.Target, r.Artifact.Name, ".")
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s)", cmp.Or(m.Title, m.ID), m.Severity)
	if m.Message != "" {
		fmt.Fprintf(&b, ": %s", strings.TrimSuffix(m.Message, "."))
	}
	place := target
	if m.Line > 0 {
		place += fmt.Sprintf(", line %d", m.Line)
	}
	if m.Object != "" {
		place = m.Object + " (" + place + ")"
	}
	fmt.Fprintf(&b, ". Found in %s.", place)

	loc := fileLocation(target, m.Line, "")
	if m.Object != "" {
		loc.LogicalLocations = []logicalLocation{{Name: m.Object, Kind: "resource"}}
	}
	return result{
		RuleID:    m.ID,
		RuleIndex: ruleIndex,
		Level:     level(m.Severity),
		Message:   text{Text: b.String()},
		Locations: []location{loc},
		PartialFingerprints: map[string]string{
			FingerprintKey: fingerprint("misconfiguration", m.ID, m.Target, m.Object, m.Message),
		},
		Suppressions: suppressionsOf(m.Suppressed),
		Properties:   resultProps{Severity: string(m.Severity), Target: m.Target, Object: m.Object},
	}
}

// ---- secrets ----

func secretRuleID(s model.Secret) string { return "secret/" + s.RuleID }

func sortedSecrets(ss []model.Secret, omitSuppressed bool) []model.Secret {
	out := slices.Clone(ss)
	if omitSuppressed {
		out = slices.DeleteFunc(out, func(s model.Secret) bool { return s.Suppressed != nil })
	}
	slices.SortStableFunc(out, func(a, b model.Secret) int {
		return cmp.Or(
			strings.Compare(a.RuleID, b.RuleID),
			strings.Compare(a.Location.Path, b.Location.Path),
			a.Line-b.Line,
			a.Location.LayerIndex-b.Location.LayerIndex,
			strings.Compare(a.Match, b.Match),
		)
	})
	return out
}

func secretRule(s model.Secret) rule {
	title := cmp.Or(s.Title, s.RuleID)
	full := "Secret: " + title
	if s.Category != "" && s.Category != title {
		full += " (" + s.Category + ")"
	}
	const advice = "Anyone who can pull the image can read it. Rotate the credential, then remove it from " +
		"the layer that adds it (deleting it in a later layer does not remove it from the image) and pass it " +
		"at run time instead."
	return rule{
		ID:                   secretRuleID(s),
		ShortDescription:     &text{Text: title},
		FullDescription:      &text{Text: full},
		DefaultConfiguration: &configuration{Level: level(s.Severity)},
		Help: &text{
			Text:     fmt.Sprintf("%s\nSeverity: %s\n%s", full, s.Severity, advice),
			Markdown: fmt.Sprintf("**%s**\n\nSeverity: %s\n\n%s", mdEscape(full), s.Severity, advice),
		},
		Properties: ruleProps{
			SecuritySeverity: score(s.Severity),
			Tags:             tags("secret", s.Severity),
		},
	}
}

func secretResult(s model.Secret, ruleIndex int) result {
	// Match is already redacted: it is the only text of the file written.
	msg := fmt.Sprintf("%s (%s) in %s: %s", cmp.Or(s.Title, s.RuleID), s.Severity, where(s.Location, s.Line), s.Match)
	if s.Deleted {
		msg += "." + deletedNote
	}
	return result{
		RuleID:    secretRuleID(s),
		RuleIndex: ruleIndex,
		Level:     level(s.Severity),
		Message:   text{Text: msg},
		Locations: []location{fileLocation(s.Location.Path, s.Line, s.Location.Layer)},
		PartialFingerprints: map[string]string{
			FingerprintKey: fingerprint("secret", s.RuleID, s.Location.Path, s.Match),
		},
		Suppressions: suppressionsOf(s.Suppressed),
		Properties:   resultProps{Severity: string(s.Severity), Category: s.Category, Deleted: s.Deleted},
	}
}

// ---- personal data ----

func piiRuleID(kind string) string { return "pii/" + kind }

// piiLabels name the kinds of personal data drydock finds.
var piiLabels = map[string]string{
	"hkid":        "Hong Kong identity card number",
	"credit-card": "payment card number",
	"email":       "email address",
	"phone":       "phone number",
	"iban":        "IBAN",
}

func piiLabel(kind string) string { return cmp.Or(piiLabels[kind], kind) }

// piiLevel: contact data is a note; identity and financial data, and kinds
// drydock does not know, a warning.
func piiLevel(kind string) string {
	switch kind {
	case "email", "phone":
		return "note"
	}
	return "warning"
}

// piiFinding is one kind of personal data in one file.
type piiFinding struct {
	file model.PersonalData
	kind model.PIIKind
}

func personalData(ps []model.PersonalData) []piiFinding {
	var out []piiFinding
	for _, p := range ps {
		for _, k := range p.Kinds {
			out = append(out, piiFinding{file: p, kind: k})
		}
	}
	slices.SortStableFunc(out, func(a, b piiFinding) int {
		return cmp.Or(
			strings.Compare(a.kind.Kind, b.kind.Kind),
			strings.Compare(a.file.Location.Path, b.file.Location.Path),
			a.file.Location.LayerIndex-b.file.Location.LayerIndex,
		)
	})
	return out
}

func piiRule(kind string) rule {
	label := piiLabel(kind)
	const advice = "Personal data in an image reaches everyone who can pull it, in every registry and cache " +
		"that holds a copy. Keep data out of images: mount it at run time, and remove the file from the layer " +
		"that adds it."
	sev := model.SeverityMedium
	if piiLevel(kind) == "note" {
		sev = model.SeverityLow
	}
	return rule{
		ID:                   piiRuleID(kind),
		ShortDescription:     &text{Text: "Personal data: " + label},
		FullDescription:      &text{Text: "A file of the image holds personal data: " + label + " (" + kind + ")."},
		DefaultConfiguration: &configuration{Level: piiLevel(kind)},
		Help: &text{
			Text:     fmt.Sprintf("Personal data: %s\n%s", label, advice),
			Markdown: fmt.Sprintf("**Personal data: %s**\n\n%s", mdEscape(label), advice),
		},
		Properties: ruleProps{
			SecuritySeverity: score(sev),
			Tags:             []string{"security", "privacy", "personal-data"},
		},
	}
}

func piiResult(f piiFinding, ruleIndex int) result {
	times := "once"
	if f.kind.Count != 1 {
		times = fmt.Sprintf("%d times", f.kind.Count)
	}
	msg := fmt.Sprintf("Personal data in %s: %s (%s) found %s", where(f.file.Location, 0), piiLabel(f.kind.Kind), f.kind.Kind, times)
	if f.kind.Sample != "" {
		// Samples are redacted, as matches are.
		msg += "; sample " + f.kind.Sample
	}
	msg += "."
	if f.file.Deleted {
		msg += deletedNote
	}
	l := f.file.Location
	return result{
		RuleID:    piiRuleID(f.kind.Kind),
		RuleIndex: ruleIndex,
		Level:     piiLevel(f.kind.Kind),
		Message:   text{Text: msg},
		Locations: []location{fileLocation(l.Path, 0, l.Layer)},
		PartialFingerprints: map[string]string{
			FingerprintKey: fingerprint("personal-data", f.kind.Kind, l.Path),
		},
		Properties: resultProps{Count: f.kind.Count, Deleted: f.file.Deleted},
	}
}
