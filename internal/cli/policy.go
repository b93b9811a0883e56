package cli

import (
	"context"
	"fmt"

	"github.com/drydockhq/drydock/pkg/config"
	"github.com/drydockhq/drydock/pkg/config/policyexec"
)

// loadPolicies compiles the Rego policies of the paths in the drydock-rego
// helper. Compile errors are usage errors listing file:line for each
// problem.
func loadPolicies(ctx context.Context, getenv func(string) string, paths []string) (config.Evaluator, error) {
	helper, err := policyexec.Find(getenv)
	if err != nil {
		return nil, err
	}
	ev, err := policyexec.Load(ctx, helper, paths, 0)
	if err != nil {
		return nil, usageError{fmt.Errorf("--policy: %w", err)}
	}
	return ev, nil
}
