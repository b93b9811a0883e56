// Package report defines the output encoders. Every format renders the JSON
// report model (model.Report); encoders are pure: no flags, files or globals.
package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

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
