package cli

import (
	"fmt"
	"os"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/report"
	reportjson "github.com/drydockhq/drydock/pkg/report/json"
)

// sbomEncoder returns the SBOM format encoders.
func sbomEncoder(name string) (report.Encoder, error) {
	return nil, usageError{fmt.Errorf("unknown format %q (want one of %v)", name, formatNames())}
}

// readSBOM reads an SBOM file into a report, detecting its format.
func readSBOM(path string) (*model.Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return reportjson.Decode(f)
}
