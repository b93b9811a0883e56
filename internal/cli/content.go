package cli

import (
	"fmt"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/pii"
	"github.com/drydockhq/drydock/pkg/secret"
)

// newSecretExtractor returns the secret scanner with the built-in rules,
// merged with the user's rule file when one is given.
func newSecretExtractor(rulesFile string) (extract.Extractor, error) {
	if rulesFile == "" {
		return secret.New(), nil
	}
	rules, err := secret.LoadRules(rulesFile)
	if err != nil {
		return nil, usageError{fmt.Errorf("--secret-rules: %w", err)}
	}
	return secret.NewWithRules(rules)
}

// newPIIExtractor returns the personal-data scanner.
func newPIIExtractor() extract.Extractor { return pii.New() }
