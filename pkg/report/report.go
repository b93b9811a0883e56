// Package report defines the output encoders. Every format renders the JSON
// report model (model.Report); encoders are pure: no flags, files or globals.
package report

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/drydockhq/drydock/pkg/model"
)

// Format names an output format.
type Format string

// Encoder writes a report in one format.
type Encoder interface {
	Format() Format
	Encode(w io.Writer, r *model.Report) error
}

// WriteJSON writes v to w as indented JSON without HTML escaping, in one
// write, so a failed encoding leaves nothing half-written. what names the
// document in errors ("SARIF").
func WriteJSON(w io.Writer, v any, what string) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encoding %s: %w", what, err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("writing %s: %w", what, err)
	}
	return nil
}

// SortedVulnerabilities returns a copy of vs ordered by ID, package name,
// version, first location path and type: the stable order of the encoders
// that list findings flat.
func SortedVulnerabilities(vs []model.Vulnerability) []model.Vulnerability {
	out := slices.Clone(vs)
	slices.SortStableFunc(out, func(a, b model.Vulnerability) int {
		return cmp.Or(
			strings.Compare(a.ID, b.ID),
			strings.Compare(a.Package.Name, b.Package.Name),
			strings.Compare(a.Package.Version, b.Package.Version),
			strings.Compare(firstPath(a.Package), firstPath(b.Package)),
			strings.Compare(string(a.Package.Type), string(b.Package.Type)),
		)
	})
	return out
}

func firstPath(p model.Package) string {
	if len(p.Locations) == 0 {
		return ""
	}
	return p.Locations[0].Path
}
