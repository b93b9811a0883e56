// Package report defines the output encoders. Every format renders the JSON
// report model (model.Report); encoders are pure: no flags, files or globals.
package report

import (
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
