// Package json renders a report as drydock's own JSON schema
// (docs/report-schema.md): the protocol every other format renders.
package json

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/report"
)

// Format is the format name.
const Format report.Format = "json"

// Encoder writes indented JSON.
type Encoder struct{}

var _ report.Encoder = Encoder{}

// Format implements report.Encoder.
func (Encoder) Format() report.Format { return Format }

// Encode implements report.Encoder.
func (Encoder) Encode(w io.Writer, r *model.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("encoding JSON report: %w", err)
	}
	return nil
}

// Decode reads a report written by Encode.
func Decode(r io.Reader) (*model.Report, error) {
	var rep model.Report
	if err := json.NewDecoder(r).Decode(&rep); err != nil {
		return nil, fmt.Errorf("decoding JSON report: %w", err)
	}
	if rep.SchemaVersion == 0 || rep.SchemaVersion > model.SchemaVersion {
		return nil, fmt.Errorf("decoding JSON report: unsupported schemaVersion %d (this drydock reads %d)", rep.SchemaVersion, model.SchemaVersion)
	}
	return &rep, nil
}
