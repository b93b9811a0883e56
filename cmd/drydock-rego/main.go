// Command drydock-rego evaluates user Rego policies for drydock: it reads
// one policyexec.Request on standard input and writes one
// policyexec.Response on standard output. It exists so that drydock itself
// does not link the Open Policy Agent runtime (see pkg/config/policyexec);
// install it beside drydock. It is not meant to be run by hand.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/drydockhq/drydock/pkg/config"
	"github.com/drydockhq/drydock/pkg/config/policyexec"
	"github.com/drydockhq/drydock/pkg/config/rego"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := policyexec.Serve(ctx, os.Stdin, os.Stdout, load)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "drydock-rego:", err)
		os.Exit(1)
	}
}

// load compiles the policies of a directory or a single .rego file.
func load(ctx context.Context, path string, timeout time.Duration) (config.Evaluator, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	opts := rego.Options{Timeout: timeout}
	if info.IsDir() {
		return rego.LoadDir(ctx, path, opts)
	}
	if info.Size() > rego.MaxPolicySize {
		return nil, fmt.Errorf("larger than %d bytes", rego.MaxPolicySize)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return rego.Compile(ctx, map[string]string{path: string(b)}, opts)
}
