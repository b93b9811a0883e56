// Package cli is drydock's command line. It is the only package that imports
// cobra: it turns flags into the small Config structs of the library packages.
package cli

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// Exit codes.
const (
	ExitOK       = 0
	ExitError    = 1
	ExitUsage    = 2
	ExitFindings = 3
)

// exitError carries a chosen exit code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError marks errors in how the command was called.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// ExitCode maps an error returned by Run to a process exit code.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var ue usageError
	if errors.As(err, &ue) {
		return ExitUsage
	}
	return ExitError
}

// Silent reports whether err has already been reported to the user (a
// findings threshold), so main should print nothing more.
func Silent(err error) bool {
	var ee *exitError
	return errors.As(err, &ee) && ee.err == errFindings
}

var errFindings = errors.New("findings at or above the severity threshold")

// Env is what the command line needs from the process.
type Env struct {
	Stdout, Stderr io.Writer
	Version        string
	// Getenv reads environment variables; nil means os.Getenv.
	Getenv func(string) string
}

type app struct {
	env     Env
	logger  *slog.Logger
	verbose bool
	quiet   bool
}

// Run executes the command line args.
func Run(ctx context.Context, args []string, env Env) error {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	a := &app{env: env}
	root := &cobra.Command{
		Use:           "drydock",
		Short:         "Container security scanner: packages, vulnerabilities, SBOMs",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       env.Version,
		PersistentPreRun: func(*cobra.Command, []string) {
			level := slog.LevelWarn
			if a.verbose {
				level = slog.LevelDebug
			}
			a.logger = slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: level}))
		},
	}
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetArgs(args)
	root.PersistentFlags().BoolVarP(&a.verbose, "verbose", "v", false, "log debug messages")
	root.PersistentFlags().BoolVarP(&a.quiet, "quiet", "q", false, "no progress output")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(a.imageCmd(), a.fsCmd(), a.configCmd(), a.sbomCmd(), a.cacheCmd(), a.dbCmd())
	err := root.ExecuteContext(ctx)
	if err != nil && isUsage(err) {
		return usageError{err}
	}
	return err
}

// isUsage recognises cobra's own argument errors.
func isUsage(err error) bool {
	var ue usageError
	if errors.As(err, &ue) {
		return true
	}
	msg := err.Error()
	for _, p := range []string{"unknown command", "accepts ", "requires at least", "unknown flag", "unknown shorthand"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// defaultCacheDir is the user cache dir's drydock folder.
func (a *app) defaultCacheDir() string {
	if d := a.env.Getenv("DRYDOCK_CACHE_DIR"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "drydock")
	}
	return filepath.Join(os.TempDir(), "drydock-cache")
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
