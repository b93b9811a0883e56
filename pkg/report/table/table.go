// Package table renders a report as human-readable text tables.
package table

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

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
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "%s (%s)\n", r.Artifact.Name, describeOS(r.Inventory.OS))
	if r.Artifact.Digest != "" {
		fmt.Fprintf(ew, "digest: %s\n", r.Artifact.Digest)
	}
	if r.Vulnerabilities == nil || e.Packages {
		e.packages(ew, r)
	}
	if r.Vulnerabilities != nil {
		e.vulns(ew, r)
	}
	if len(r.Status) > 0 {
		fmt.Fprintf(ew, "\n%d warning(s):\n", len(r.Status))
		for _, s := range r.Status {
			fmt.Fprintf(ew, "  %s\n", s)
		}
	}
	return ew.err
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
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tVERSION\tTYPE\tSOURCE\tLAYER")
	for _, p := range r.Inventory.Packages {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.Name, p.Version, p.Type, sourceOf(p), layerOf(p))
	}
	tw.Flush()
}

// colors are all the same length, so tabwriter keeps columns aligned.
var colors = map[model.Severity]string{
	model.SeverityCritical: "\x1b[1;31m",
	model.SeverityHigh:     "\x1b[0;31m",
	model.SeverityMedium:   "\x1b[0;33m",
	model.SeverityLow:      "\x1b[0;34m",
	model.SeverityUnknown:  "\x1b[0;37m",
}

func (e Encoder) severity(s model.Severity) string {
	if !e.Color {
		return string(s)
	}
	return colors[s] + string(s) + "\x1b[0m"
}

func (e Encoder) vulns(w io.Writer, r *model.Report) {
	counts := map[model.Severity]int{}
	shown := 0
	for _, v := range r.Vulnerabilities {
		if v.Suppressed == nil {
			counts[v.Severity]++
			shown++
		}
	}
	var parts []string
	for _, s := range []model.Severity{model.SeverityCritical, model.SeverityHigh, model.SeverityMedium, model.SeverityLow, model.SeverityUnknown} {
		parts = append(parts, fmt.Sprintf("%s: %d", s, counts[s]))
	}
	fmt.Fprintf(w, "\n%d vulnerabilities (%s)\n", shown, strings.Join(parts, ", "))
	if shown == 0 {
		return
	}
	vs := slices.Clone(r.Vulnerabilities)
	slices.SortStableFunc(vs, func(a, b model.Vulnerability) int {
		if c := b.Severity.Rank() - a.Severity.Rank(); c != 0 {
			return c
		}
		if c := strings.Compare(a.Package.Name, b.Package.Name); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PACKAGE\tINSTALLED\tVULNERABILITY\tSEVERITY\tFIXED IN\tLAYER")
	for _, v := range vs {
		if v.Suppressed != nil {
			continue
		}
		fixed := v.FixedVersion
		if fixed == "" {
			fixed = "(no fix)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", v.Package.Name, v.Package.Version, v.ID, e.severity(v.Severity), fixed, layerOf(v.Package))
	}
	tw.Flush()
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
