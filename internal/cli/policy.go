package cli

import (
	"context"
	"fmt"

	"github.com/drydockhq/drydock/pkg/config"
	"github.com/drydockhq/drydock/pkg/config/rego"
	"github.com/drydockhq/drydock/pkg/model"
)

// loadPolicies compiles the Rego policies of each path. Compile errors are
// usage errors listing file:line for each problem.
func loadPolicies(paths []string) (config.Evaluator, error) {
	var evs multiEvaluator
	for _, p := range paths {
		e, err := rego.LoadDir(context.Background(), p, rego.Options{})
		if err != nil {
			return nil, usageError{fmt.Errorf("--policy %s: %w", p, err)}
		}
		evs = append(evs, e)
	}
	if len(evs) == 1 {
		return evs[0], nil
	}
	return evs, nil
}

// multiEvaluator runs several policy sets.
type multiEvaluator []config.Evaluator

func (m multiEvaluator) Evaluate(ctx context.Context, docs []config.Document) ([]model.Misconfiguration, []model.Status, error) {
	var (
		ms []model.Misconfiguration
		st []model.Status
	)
	for _, e := range m {
		a, b, err := e.Evaluate(ctx, docs)
		if err != nil {
			return nil, nil, err
		}
		ms, st = append(ms, a...), append(st, b...)
	}
	return ms, st, nil
}
