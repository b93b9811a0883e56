// Package table renders a report as human-readable text tables.
//
// After the artifact line come the packages (when vulnerabilities were not
// scanned, or on request), then one section per finding class the scan ran:
// vulnerabilities, misconfigurations, secrets and personal data. A class
// that was not scanned (a nil list in the report) has no section; one that
// was scanned and found nothing has its summary line. Each section starts
// with a summary line (counts by severity, and how many findings were
// suppressed) and lists the unsuppressed findings, most severe first.
// Scan warnings come last.
//
// Text taken from the scanned files is printed on one line, without
// control characters, so that it cannot drive the terminal.
package table

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/report"
)

// Format is the format name.
const Format report.Format = "table"

// Encoder writes tables. With Color set, severities are coloured (for
// terminals).
type Encoder struct {
	Color bool
	// Packages lists the inventory even when vulnerabilities were scanned.
	Packages bool
}

var _ report.Encoder = Encoder{}

// Format implements report.Encoder.
func (Encoder) Format() report.Format { return Format }

// Encode implements report.Encoder.
func (e Encoder) Encode(w io.Writer, r *model.Report) error {
	if r == nil {
		return errors.New("writing table: nil report")
	}
	ew := &errWriter{w: w}
	title := r.Artifact.Name
	if r.Inventory.OS != nil || r.Artifact.Type == model.ArtifactImage {
		title += " (" + describeOS(r.Inventory.OS) + ")"
	}
	fmt.Fprintln(ew, sanitize(title))
	if r.Artifact.Digest != "" {
		fmt.Fprintf(ew, "digest: %s\n", sanitize(string(r.Artifact.Digest)))
	}
	if e.Packages || r.Vulnerabilities == nil && (len(r.Inventory.Packages) > 0 || !scannedFindings(r)) {
		e.packages(ew, r)
	}
	if r.Vulnerabilities != nil {
		e.vulns(ew, r)
	}
	if r.Misconfigurations != nil {
		e.misconfigs(ew, r.Misconfigurations)
	}
	if r.Secrets != nil {
		e.secrets(ew, r.Secrets)
	}
	if r.PersonalData != nil {
		personalData(ew, r.PersonalData)
	}
	if len(r.Status) > 0 {
		fmt.Fprintf(ew, "\n%d warning(s):\n", len(r.Status))
		for _, s := range r.Status {
			fmt.Fprintf(ew, "  %s\n", sanitize(s.String()))
		}
	}
	if ew.err != nil {
		return fmt.Errorf("writing table: %w", ew.err)
	}
	return nil
}

// scannedFindings reports whether a scanner other than the vulnerability
// matcher ran. A report of only such findings (drydock config) has no
// inventory worth an empty package table.
func scannedFindings(r *model.Report) bool {
	return r.Misconfigurations != nil || r.Secrets != nil || r.PersonalData != nil
}

func describeOS(osr *model.OSRelease) string {
	if osr == nil {
		return "OS unknown"
	}
	s := osr.ID
	if osr.VersionID != "" {
		s += " " + osr.VersionID
	}
	if osr.Distroless {
		s += ", distroless"
	}
	return s
}

func layerOf(p model.Package) string {
	if len(p.Locations) == 0 || p.Locations[0].Layer == "" {
		return ""
	}
	return fmt.Sprintf("%d %s", p.Locations[0].LayerIndex, p.Locations[0].Layer.Short())
}

func sourceOf(p model.Package) string {
	if p.Source == nil || (p.Source.Name == p.Name && (p.Source.Version == "" || p.Source.Version == p.Version)) {
		return ""
	}
	if p.Source.Version == "" || p.Source.Version == p.Version {
		return p.Source.Name
	}
	return p.Source.Name + " " + p.Source.Version
}

func (e Encoder) packages(w io.Writer, r *model.Report) {
	fmt.Fprintf(w, "\n%d packages\n", len(r.Inventory.Packages))
	if len(r.Inventory.Packages) == 0 {
		return
	}
	var g grid
	g.add("NAME", "VERSION", "TYPE", "SOURCE", "LAYER")
	for _, p := range r.Inventory.Packages {
		g.add(p.Name, p.Version, string(p.Type), sourceOf(p), layerOf(p))
	}
	g.write(w)
}

// SGR sequences of the severities.
var colors = map[model.Severity]string{
	model.SeverityCritical: "\x1b[1;31m",
	model.SeverityHigh:     "\x1b[0;31m",
	model.SeverityMedium:   "\x1b[0;33m",
	model.SeverityLow:      "\x1b[0;34m",
	model.SeverityUnknown:  "\x1b[0;37m",
}

const reset = "\x1b[0m"

// severities lists the severities, highest first.
var severities = []model.Severity{model.SeverityCritical, model.SeverityHigh, model.SeverityMedium, model.SeverityLow, model.SeverityUnknown}

func (e Encoder) severity(s model.Severity) cell {
	c := cell{text: string(s)}
	if e.Color {
		c.color = colors[s]
	}
	return c
}

// summary is a section's first line: "<n> <noun> (CRITICAL: 0, …)", and
// the number suppressed when there are any.
func summary(noun string, sevs []model.Severity, suppressed int) string {
	counts := map[model.Severity]int{}
	for _, s := range sevs {
		counts[s]++
	}
	var parts []string
	for _, s := range severities {
		parts = append(parts, fmt.Sprintf("%s: %d", s, counts[s]))
	}
	out := fmt.Sprintf("%d %s (%s)", len(sevs), noun, strings.Join(parts, ", "))
	if suppressed > 0 {
		out += fmt.Sprintf(", %d suppressed", suppressed)
	}
	return out
}

// unsuppressed returns the findings no suppression applies to, and their
// severities, for the summary lines.
func unsuppressed[T any](items []T, of func(*T) (*model.Suppressed, model.Severity)) ([]T, []model.Severity) {
	var (
		shown []T
		sevs  []model.Severity
	)
	for i := range items {
		if sup, sev := of(&items[i]); sup == nil {
			shown = append(shown, items[i])
			sevs = append(sevs, sev)
		}
	}
	return shown, sevs
}

func (e Encoder) vulns(w io.Writer, r *model.Report) {
	vs, sevs := unsuppressed(r.Vulnerabilities, func(v *model.Vulnerability) (*model.Suppressed, model.Severity) {
		return v.Suppressed, v.Severity
	})
	fmt.Fprintf(w, "\n%s\n", summary("vulnerabilities", sevs, len(r.Vulnerabilities)-len(vs)))
	if len(vs) == 0 {
		return
	}
	slices.SortStableFunc(vs, func(a, b model.Vulnerability) int {
		return cmp.Or(
			b.Severity.Rank()-a.Severity.Rank(),
			strings.Compare(a.Package.Name, b.Package.Name),
			strings.Compare(a.ID, b.ID),
		)
	})
	var g grid
	g.add("PACKAGE", "INSTALLED", "VULNERABILITY", "SEVERITY", "FIXED IN", "LAYER")
	for _, v := range vs {
		fixed := cmp.Or(v.FixedVersion, "(no fix)")
		g.addCells(cell{text: v.Package.Name}, cell{text: v.Package.Version}, cell{text: v.ID},
			e.severity(v.Severity), cell{text: fixed}, cell{text: layerOf(v.Package)})
	}
	g.write(w)
}

// where is the place of a misconfiguration: "file:line (object)", or
// "image (image config)".
func where(m model.Misconfiguration) string {
	s := m.Target
	if m.Line > 0 {
		s += ":" + strconv.Itoa(m.Line)
	}
	if m.Object != "" {
		if s == "" {
			return m.Object
		}
		s += " (" + m.Object + ")"
	}
	return s
}

func (e Encoder) misconfigs(w io.Writer, ms []model.Misconfiguration) {
	shown, sevs := unsuppressed(ms, func(m *model.Misconfiguration) (*model.Suppressed, model.Severity) {
		return m.Suppressed, m.Severity
	})
	fmt.Fprintf(w, "\nMisconfigurations: %s\n", summary("found", sevs, len(ms)-len(shown)))
	if len(shown) == 0 {
		return
	}
	slices.SortStableFunc(shown, func(a, b model.Misconfiguration) int {
		return cmp.Or(
			b.Severity.Rank()-a.Severity.Rank(),
			strings.Compare(a.ID, b.ID),
			strings.Compare(a.Target, b.Target),
			a.Line-b.Line,
			strings.Compare(a.Object, b.Object),
			strings.Compare(a.Message, b.Message),
		)
	})
	var g grid
	g.add("ID", "SEVERITY", "WHERE", "TITLE")
	for _, m := range shown {
		g.addCells(cell{text: m.ID}, e.severity(m.Severity), cell{text: where(m)}, cell{text: m.Title})
		if m.Message != "" {
			// The message sits under the title, in the last column, so
			// that its length does not widen the table.
			g.add("", "", "", "  "+m.Message)
		}
	}
	g.write(w)
}

func (e Encoder) secrets(w io.Writer, ss []model.Secret) {
	shown, sevs := unsuppressed(ss, func(s *model.Secret) (*model.Suppressed, model.Severity) {
		return s.Suppressed, s.Severity
	})
	fmt.Fprintf(w, "\nSecrets: %s\n", summary("found", sevs, len(ss)-len(shown)))
	if len(shown) == 0 {
		return
	}
	slices.SortStableFunc(shown, func(a, b model.Secret) int {
		return cmp.Or(
			b.Severity.Rank()-a.Severity.Rank(),
			strings.Compare(a.Location.Path, b.Location.Path),
			a.Line-b.Line,
			strings.Compare(a.RuleID, b.RuleID),
			a.Location.LayerIndex-b.Location.LayerIndex,
		)
	})
	var g grid
	g.add("RULE", "SEVERITY", "PATH", "LAYER", "DELETED", "MATCH")
	for _, s := range shown {
		path := s.Location.Path
		if s.Line > 0 {
			path += ":" + strconv.Itoa(s.Line)
		}
		g.addCells(cell{text: s.RuleID}, e.severity(s.Severity), cell{text: path},
			cell{text: layerIndex(s.Location)}, cell{text: deleted(s.Deleted)}, cell{text: s.Match})
	}
	g.write(w)
	if slices.ContainsFunc(shown, func(s model.Secret) bool { return s.Deleted }) {
		fmt.Fprintln(w, "Deleted files are gone from the container but still ship in the image's layers: rotate their secrets.")
	}
}

// layerIndex is a location's layer index, or "" outside an image.
func layerIndex(l model.Location) string {
	if l.Layer == "" {
		return ""
	}
	return strconv.Itoa(l.LayerIndex)
}

func deleted(d bool) string {
	if d {
		return "deleted"
	}
	return ""
}

func personalData(w io.Writer, ps []model.PersonalData) {
	totals := map[string]int{}
	for _, p := range ps {
		for _, k := range p.Kinds {
			totals[k.Kind] += k.Count
		}
	}
	var kinds []string
	for k := range totals {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%s: %d", k, totals[k]))
	}
	files := "files"
	if len(ps) == 1 {
		files = "file"
	}
	line := fmt.Sprintf("Personal data: %d %s", len(ps), files)
	if len(parts) > 0 {
		line += " (" + strings.Join(parts, ", ") + ")"
	}
	fmt.Fprintf(w, "\n%s\n", sanitize(line))
	if len(ps) == 0 {
		return
	}
	ps = slices.Clone(ps)
	slices.SortStableFunc(ps, func(a, b model.PersonalData) int {
		return cmp.Or(
			strings.Compare(a.Location.Path, b.Location.Path),
			a.Location.LayerIndex-b.Location.LayerIndex,
		)
	})
	var g grid
	g.add("PATH", "LAYER", "DELETED", "KIND", "COUNT", "SAMPLE")
	for _, p := range ps {
		if len(p.Kinds) == 0 {
			g.add(p.Location.Path, layerIndex(p.Location), deleted(p.Deleted), "", "", "")
			continue
		}
		kinds := slices.Clone(p.Kinds)
		slices.SortStableFunc(kinds, func(a, b model.PIIKind) int { return strings.Compare(a.Kind, b.Kind) })
		for i, k := range kinds {
			if i == 0 {
				g.add(p.Location.Path, layerIndex(p.Location), deleted(p.Deleted), k.Kind, strconv.Itoa(k.Count), k.Sample)
			} else {
				g.add("", "", "", k.Kind, strconv.Itoa(k.Count), k.Sample)
			}
		}
	}
	g.write(w)
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
