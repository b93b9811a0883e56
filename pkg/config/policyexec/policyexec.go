// Package policyexec runs user Rego policies out of process, in the drydock-rego
// helper (cmd/drydock-rego), so that the Open Policy Agent runtime is loaded
// only by the commands that evaluate policies. Linked into drydock itself,
// OPA was a third of the binary (15 of 45 MB) and 8 ms of every process
// start — a fifth of a cached image scan. A separate process also bounds
// what a user policy can do to the scan: it cannot crash it, and killing it
// stops it.
//
// The protocol is one JSON Request on the helper's standard input and one
// JSON Response on its standard output.
package policyexec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/drydockhq/drydock/pkg/config"
	"github.com/drydockhq/drydock/pkg/model"
)

// HelperName is the helper executable's name.
const HelperName = "drydock-rego"

// HelperEnv names the variable that points at the helper executable.
const HelperEnv = "DRYDOCK_REGO"

// Protocol is the version of Request and Response; a helper answers only
// requests of its own version.
const Protocol = 1

// Request asks the helper to compile the policies of each directory (or
// file) and, if there are documents, to evaluate them on the documents.
type Request struct {
	Protocol  int               `json:"protocol"`
	Policies  []string          `json:"policies"`
	Documents []config.Document `json:"documents,omitempty"`
	// TimeoutMS bounds one policy's evaluation on one document; zero means
	// the helper's default.
	TimeoutMS int64 `json:"timeoutMs,omitempty"`
}

// Response is the helper's answer. Problems are errors in the policies
// (file and line); Error is any other failure.
type Response struct {
	Protocol          int                      `json:"protocol"`
	Problems          []Problem                `json:"problems,omitempty"`
	Error             string                   `json:"error,omitempty"`
	Misconfigurations []model.Misconfiguration `json:"misconfigurations,omitempty"`
	Status            []model.Status           `json:"status,omitempty"`
}

// Problem is one error in a policy file.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	return p.File + ": " + p.Message
}

// Error lists the parse and compile errors of a set of policies.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return "loading policies:\n  " + strings.Join(lines, "\n  ")
}

// ErrNoHelper is returned by Find when the helper is nowhere to be found.
var ErrNoHelper = errors.New(HelperName + " not found: Rego policies run in it; install it beside drydock " +
	"(go install github.com/drydockhq/drydock/cmd/" + HelperName + "@latest) or set " + HelperEnv)

// Find locates the helper: $DRYDOCK_REGO, then beside the running
// executable, then on the PATH. getenv nil means os.Getenv.
func Find(getenv func(string) string) (string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if p := getenv(HelperEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s: %w", HelperEnv, err)
		}
		return p, nil
	}
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), HelperName)
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			return p, nil
		}
	}
	if p, err := exec.LookPath(HelperName); err == nil {
		return p, nil
	}
	return "", ErrNoHelper
}

// Exec is a config.Evaluator that runs policies in the helper.
type Exec struct {
	helper   string
	policies []string
	timeout  time.Duration
}

var _ config.Evaluator = (*Exec)(nil)

// Load compiles the policies in the helper once, so that errors in them are
// reported before any scanning, as an *Error naming file and line.
// timeout bounds one policy's evaluation on one document (zero: the
// helper's default).
func Load(ctx context.Context, helper string, policies []string, timeout time.Duration) (*Exec, error) {
	e := &Exec{helper: helper, policies: policies, timeout: timeout}
	if _, err := e.call(ctx, nil); err != nil {
		return nil, err
	}
	return e, nil
}

// Evaluate implements config.Evaluator.
func (e *Exec) Evaluate(ctx context.Context, docs []config.Document) ([]model.Misconfiguration, []model.Status, error) {
	if len(docs) == 0 {
		return nil, nil, nil
	}
	resp, err := e.call(ctx, docs)
	if err != nil {
		return nil, nil, err
	}
	return resp.Misconfigurations, resp.Status, nil
}

// call runs the helper on one request.
func (e *Exec) call(ctx context.Context, docs []config.Document) (*Response, error) {
	req, err := json.Marshal(Request{Protocol: Protocol, Policies: e.policies, Documents: docs, TimeoutMS: e.timeout.Milliseconds()})
	if err != nil {
		return nil, fmt.Errorf("encoding policy request: %w", err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, e.helper)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(req), &stdout, &stderr
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	var resp Response
	if err := json.Unmarshal(stdout.Bytes(), &resp); err != nil {
		if runErr != nil {
			return nil, fmt.Errorf("%s: %w: %s", HelperName, runErr, strings.TrimSpace(stderr.String()))
		}
		return nil, fmt.Errorf("%s: unreadable answer: %w", HelperName, err)
	}
	switch {
	case resp.Protocol != Protocol:
		return nil, fmt.Errorf("%s speaks protocol %d, this drydock %d: install the helper of the same release", HelperName, resp.Protocol, Protocol)
	case len(resp.Problems) > 0:
		return nil, &Error{Problems: resp.Problems}
	case resp.Error != "":
		return nil, errors.New(resp.Error)
	case runErr != nil:
		return nil, fmt.Errorf("%s: %w", HelperName, runErr)
	}
	return &resp, nil
}

// LoadFunc compiles the policies of one directory or file.
type LoadFunc func(ctx context.Context, path string, timeout time.Duration) (config.Evaluator, error)

// Serve is the helper's side: it reads one Request from in, compiles each
// policy path with load, evaluates the documents and writes one Response to
// out. Failures go into the Response; the error result is only for a
// response that could not be written.
func Serve(ctx context.Context, in io.Reader, out io.Writer, load LoadFunc) error {
	resp := serve(ctx, in, load)
	resp.Protocol = Protocol
	if err := json.NewEncoder(out).Encode(resp); err != nil {
		return fmt.Errorf("writing policy response: %w", err)
	}
	return nil
}

func serve(ctx context.Context, in io.Reader, load LoadFunc) Response {
	var req Request
	dec := json.NewDecoder(in)
	dec.UseNumber() // input numbers stay exact for the policies
	if err := dec.Decode(&req); err != nil {
		return Response{Error: fmt.Sprintf("reading policy request: %v", err)}
	}
	if req.Protocol != Protocol {
		return Response{Error: fmt.Sprintf("%s speaks protocol %d, drydock sent %d: install the helper of the same release", HelperName, Protocol, req.Protocol)}
	}
	timeout := time.Duration(req.TimeoutMS) * time.Millisecond
	var evs []config.Evaluator
	for _, p := range req.Policies {
		ev, err := load(ctx, p, timeout)
		if err != nil {
			var pe *Error
			if errors.As(err, &pe) {
				return Response{Problems: pe.Problems}
			}
			return Response{Error: fmt.Sprintf("%s: %v", p, err)}
		}
		evs = append(evs, ev)
	}
	var resp Response
	for _, ev := range evs {
		ms, st, err := ev.Evaluate(ctx, req.Documents)
		if err != nil {
			return Response{Error: fmt.Sprintf("evaluating policies: %v", err)}
		}
		resp.Misconfigurations = append(resp.Misconfigurations, ms...)
		resp.Status = append(resp.Status, st...)
	}
	return resp
}
