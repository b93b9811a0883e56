package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/report"
	"github.com/drydockhq/drydock/pkg/report/cyclonedx"
	reportjson "github.com/drydockhq/drydock/pkg/report/json"
	"github.com/drydockhq/drydock/pkg/report/spdx"
)

// sbomEncoder returns the SBOM format encoders.
func sbomEncoder(name string) (report.Encoder, error) {
	switch name {
	case "cyclonedx":
		return cyclonedx.Encoder{}, nil
	case "spdx-json", "spdx":
		return spdx.Encoder{}, nil
	}
	return nil, usageError{fmt.Errorf("unknown format %q (want one of %v)", name, formatNames())}
}

// readSBOM reads an SBOM file into a report, detecting its format:
// CycloneDX JSON, SPDX JSON, or drydock's own JSON report.
func readSBOM(path string) (*model.Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r, err := cyclonedx.Decode(bytes.NewReader(data))
	if err == nil {
		return r, nil
	}
	if !errors.Is(err, cyclonedx.ErrNotCycloneDX) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r, err = spdx.Decode(bytes.NewReader(data))
	if err == nil {
		return r, nil
	}
	if !errors.Is(err, spdx.ErrNotSPDX) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r, err = reportjson.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: not a CycloneDX, SPDX or drydock JSON document: %w", path, err)
	}
	return r, nil
}
