package cli

import (
	"errors"

	"github.com/drydockhq/drydock/pkg/extract"
)

// newSecretExtractor returns the secret scanner (pkg/secret).
func newSecretExtractor() (extract.Extractor, error) {
	return nil, errors.New("secret scanning is not built in yet")
}

// newPIIExtractor returns the personal-data scanner (pkg/pii).
func newPIIExtractor() extract.Extractor { return nil }
