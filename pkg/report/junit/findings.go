package junit

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

// suppressed is the skip of a suppressed finding.
func suppressed(s *model.Suppressed) *Skipped {
	msg := "suppressed by " + cmp.Or(s.By, "a rule")
	if s.Reason != "" {
		msg += ": " + s.Reason
	}
	return &Skipped{Message: msg}
}

// passed is the one testcase of a class that ran and found nothing.
func passed(class, what string) TestCase {
	return TestCase{Name: "no " + what + " found", ClassName: "drydock." + class, Time: "0"}
}

// findingSuites returns the suites of the classes other than
// vulnerabilities, counts not set.
func findingSuites(r *model.Report, artifact string) []TestSuite {
	var out []TestSuite
	if r.Misconfigurations != nil {
		out = append(out, misconfigSuites(r.Misconfigurations, artifact)...)
	}
	if r.Secrets != nil {
		out = append(out, secretSuite(r.Secrets, artifact))
	}
	if r.PersonalData != nil {
		out = append(out, personalDataSuite(r.PersonalData, artifact))
	}
	return out
}

const (
	classMisconfig    = "misconfiguration"
	classSecret       = "secret"
	classPersonalData = "personal-data"
)

func misconfigSuites(ms []model.Misconfiguration, artifact string) []TestSuite {
	if len(ms) == 0 {
		return []TestSuite{{
			Name: artifact + " (misconfigurations)", Time: "0",
			Cases: []TestCase{passed(classMisconfig, "misconfigurations")},
		}}
	}
	ms = slices.Clone(ms)
	slices.SortStableFunc(ms, func(a, b model.Misconfiguration) int {
		return cmp.Or(
			strings.Compare(a.Target, b.Target),
			a.Line-b.Line,
			strings.Compare(a.Object, b.Object),
			strings.Compare(a.ID, b.ID),
			strings.Compare(a.Message, b.Message),
		)
	})
	var out []TestSuite
	for i := 0; i < len(ms); {
		j := i + 1
		for j < len(ms) && ms[j].Target == ms[i].Target {
			j++
		}
		s := TestSuite{Name: cmp.Or(ms[i].Target, artifact) + " (misconfigurations)", Time: "0"}
		for _, m := range ms[i:j] {
			s.Cases = append(s.Cases, misconfigCase(m))
		}
		out = append(out, s)
		i = j
	}
	return out
}

func misconfigCase(m model.Misconfiguration) TestCase {
	name := m.ID
	switch {
	case m.Object != "":
		name = m.Object + ": " + m.ID
	case m.Line > 0:
		name = "line " + strconv.Itoa(m.Line) + ": " + m.ID
	}
	tc := TestCase{Name: name, ClassName: "drydock." + classMisconfig, Time: "0"}
	if m.Suppressed != nil {
		tc.Skipped = suppressed(m.Suppressed)
		return tc
	}
	msg := fmt.Sprintf("%s (%s) %s", m.ID, m.Severity, cmp.Or(m.Title, m.ID))
	if m.Message != "" {
		msg += ": " + m.Message
	}
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	if m.Title != "" {
		line("%s", m.Title)
	}
	if m.Message != "" {
		line("Finding: %s", m.Message)
	}
	where := m.Target
	if m.Line > 0 {
		where += ":" + strconv.Itoa(m.Line)
	}
	if where != "" {
		line("Target: %s", where)
	}
	if m.Object != "" {
		line("Object: %s", m.Object)
	}
	line("Severity: %s", m.Severity)
	if m.Description != "" {
		line("Why: %s", m.Description)
	}
	if m.Resolution != "" {
		line("Fix: %s", m.Resolution)
	}
	for _, c := range m.Controls {
		line("Control: %s %s", c.Framework, c.ID)
	}
	if m.Source != "" {
		line("Source: %s", m.Source)
	}
	tc.Failure = &Failure{Message: msg, Type: string(m.Severity), Text: sanitize(b.String())}
	return tc
}

// layerText describes where a file is: "layer 1 (sha256:…)", or "" outside
// an image.
func layerText(l model.Location) string {
	if l.Layer == "" {
		return ""
	}
	return fmt.Sprintf("layer %d (%s)", l.LayerIndex, l.Layer)
}

const deletedNote = "A later layer deletes the file: it is not in the running container, but it still ships in the image."

func secretSuite(ss []model.Secret, artifact string) TestSuite {
	s := TestSuite{Name: artifact + " (secrets)", Time: "0"}
	if len(ss) == 0 {
		s.Cases = []TestCase{passed(classSecret, "secrets")}
		return s
	}
	ss = slices.Clone(ss)
	slices.SortStableFunc(ss, func(a, b model.Secret) int {
		return cmp.Or(
			strings.Compare(a.Location.Path, b.Location.Path),
			a.Line-b.Line,
			strings.Compare(a.RuleID, b.RuleID),
			a.Location.LayerIndex-b.Location.LayerIndex,
			strings.Compare(a.Match, b.Match),
		)
	})
	for _, sec := range ss {
		s.Cases = append(s.Cases, secretCase(sec))
	}
	return s
}

func secretCase(s model.Secret) TestCase {
	path := s.Location.Path
	if s.Line > 0 {
		path += ":" + strconv.Itoa(s.Line)
	}
	tc := TestCase{Name: path + ": " + s.RuleID, ClassName: "drydock." + classSecret, Time: "0"}
	if s.Suppressed != nil {
		tc.Skipped = suppressed(s.Suppressed)
		return tc
	}
	msg := fmt.Sprintf("%s (%s) in %s", cmp.Or(s.Title, s.RuleID), s.Severity, path)
	if s.Deleted {
		msg += ", deleted by a later layer"
	}
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("%s", cmp.Or(s.Title, s.RuleID))
	line("Rule: %s", s.RuleID)
	if s.Category != "" {
		line("Category: %s", s.Category)
	}
	line("Severity: %s", s.Severity)
	// Match is redacted: the only text of the file written.
	line("Match: %s", s.Match)
	line("Path: %s", path)
	if l := layerText(s.Location); l != "" {
		line("Layer: %s", l)
	}
	if s.Deleted {
		line("%s", deletedNote)
	}
	line("Rotate the credential and remove it from the layer that adds it.")
	tc.Failure = &Failure{Message: msg, Type: string(s.Severity), Text: sanitize(b.String())}
	return tc
}

func personalDataSuite(ps []model.PersonalData, artifact string) TestSuite {
	s := TestSuite{Name: artifact + " (personal data)", Time: "0"}
	if len(ps) == 0 {
		s.Cases = []TestCase{passed(classPersonalData, "personal data")}
		return s
	}
	ps = slices.Clone(ps)
	slices.SortStableFunc(ps, func(a, b model.PersonalData) int {
		return cmp.Or(
			strings.Compare(a.Location.Path, b.Location.Path),
			a.Location.LayerIndex-b.Location.LayerIndex,
		)
	})
	for _, p := range ps {
		s.Cases = append(s.Cases, personalDataCase(p))
	}
	return s
}

func personalDataCase(p model.PersonalData) TestCase {
	tc := TestCase{Name: p.Location.Path, ClassName: "drydock." + classPersonalData, Time: "0"}
	kinds := slices.Clone(p.Kinds)
	slices.SortStableFunc(kinds, func(a, b model.PIIKind) int { return strings.Compare(a.Kind, b.Kind) })
	var counts []string
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("Path: %s", p.Location.Path)
	if l := layerText(p.Location); l != "" {
		line("Layer: %s", l)
	}
	for _, k := range kinds {
		counts = append(counts, fmt.Sprintf("%s: %d", k.Kind, k.Count))
		if k.Sample != "" {
			line("%s: %d, e.g. %s", k.Kind, k.Count, k.Sample)
		} else {
			line("%s: %d", k.Kind, k.Count)
		}
	}
	if p.Deleted {
		line("%s", deletedNote)
	}
	msg := "Personal data in " + p.Location.Path
	if len(counts) > 0 {
		msg += " (" + strings.Join(counts, ", ") + ")"
	}
	tc.Failure = &Failure{Message: msg, Type: "PERSONAL-DATA", Text: sanitize(b.String())}
	return tc
}
