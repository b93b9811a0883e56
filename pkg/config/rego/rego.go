// Package rego evaluates user policies written in Rego (Open Policy Agent)
// against the documents of a configuration scan: Kubernetes objects,
// Dockerfiles and image configs, in the input shape described in
// pkg/config/README.md.
//
// A policy is a Rego package with a `deny` rule, in either syntax:
//
//	package user.k8s.no_latest          # Rego v1
//	deny contains msg if { ... }
//
//	package user.k8s.no_latest          # Rego v0 (pre-1.0 OPA)
//	deny[msg] { ... }
//
// Each value of deny is a message string, or an object with "msg" and
// optionally "id", "title", "severity", "line". Policy metadata comes from a
// METADATA annotation on the package or the deny rule (title, description,
// custom.id, custom.severity, custom.resolution, custom.controls,
// custom.input.selector) or, as in Trivy, from a __rego_metadata__ rule
// ({"id", "title", "severity", "description", "recommended_actions"}) and a
// __rego_input__ rule ({"selector": [{"type": "kubernetes"}]}).
//
// Policies cannot reach the network: http.send, net.lookup_ip_addr and
// opa.runtime are removed from the builtins, and each evaluation is bounded
// by Options.Timeout.
package rego

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	opa "github.com/open-policy-agent/opa/v1/rego"

	"github.com/drydockhq/drydock/pkg/config"
	"github.com/drydockhq/drydock/pkg/config/policyexec"
	"github.com/drydockhq/drydock/pkg/model"
)

// StatusSource is the model.Status.Source of evaluation problems.
const StatusSource = "rego"

// Limits.
const (
	// MaxPolicyFiles is the most .rego files loaded from a directory.
	MaxPolicyFiles = 10_000
	// MaxPolicySize is the largest .rego file loaded.
	MaxPolicySize = 1 << 20
	// DefaultTimeout bounds one policy's evaluation on one document.
	DefaultTimeout = 10 * time.Second
)

// DefaultSeverity is the severity of findings whose policy names none.
const DefaultSeverity = model.SeverityMedium

// forbiddenBuiltins are removed from the policies' capabilities.
var forbiddenBuiltins = []string{"http.send", "net.lookup_ip_addr", "opa.runtime"}

// Options configure an Evaluator.
type Options struct {
	// Timeout bounds one policy's evaluation on one document; zero means
	// DefaultTimeout.
	Timeout time.Duration
}

// Problem is one error in a policy file.
type Problem = policyexec.Problem

// PolicyError lists the parse and compile errors of a policy directory.
type PolicyError = policyexec.Error

// ErrNoPolicies is returned when a directory holds no .rego file with a
// deny rule.
var ErrNoPolicies = errors.New("no policies with a deny rule")

// Evaluator runs compiled policies. It is safe for concurrent use.
type Evaluator struct {
	policies []*policy
	timeout  time.Duration
}

var _ config.Evaluator = (*Evaluator)(nil)

// policy is one Rego package with a deny rule.
type policy struct {
	pkg   string // "user.k8s.no_latest"
	file  string
	meta  metadata
	types []string // document types it applies to; empty = all
	query opa.PreparedEvalQuery
}

type metadata struct {
	ID, Title, Description, Resolution string
	Severity                           model.Severity
	Controls                           []model.Control
}

// LoadDir loads every .rego file under dir (files ending in _test.rego are
// skipped). Parse and compile errors are returned together as a
// *PolicyError naming file and line.
func LoadDir(ctx context.Context, dir string, opts Options) (*Evaluator, error) {
	return Load(ctx, os.DirFS(dir), dir, opts)
}

// Load loads the .rego files of fsys; prefix is prepended to file names in
// errors and findings.
func Load(ctx context.Context, fsys fs.FS, prefix string, opts Options) (*Evaluator, error) {
	srcs := map[string]string{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".rego") || strings.HasSuffix(p, "_test.rego") {
			return nil
		}
		if len(srcs) >= MaxPolicyFiles {
			return fmt.Errorf("more than %d policy files", MaxPolicyFiles)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Size() > MaxPolicySize {
			return fmt.Errorf("%s: larger than %d bytes", p, MaxPolicySize)
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		srcs[path.Join(prefix, p)] = string(b)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("loading policies: %w", err)
	}
	return Compile(ctx, srcs, opts)
}

// Compile compiles policy sources (file name → Rego text).
func Compile(ctx context.Context, srcs map[string]string, opts Options) (*Evaluator, error) {
	var problems []Problem
	modules := map[string]*ast.Module{}
	files := make([]string, 0, len(srcs))
	for f := range srcs {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		m, err := parse(f, srcs[f])
		if err != nil {
			problems = append(problems, astProblems(f, err)...)
			continue
		}
		modules[f] = m
	}
	if len(problems) > 0 {
		return nil, &PolicyError{Problems: problems}
	}
	caps := ast.CapabilitiesForThisVersion()
	caps.Builtins = slices.DeleteFunc(slices.Clone(caps.Builtins), func(b *ast.Builtin) bool {
		return slices.Contains(forbiddenBuiltins, b.Name)
	})
	compiler := ast.NewCompiler().WithCapabilities(caps).WithEnablePrintStatements(false)
	compiler.Compile(modules)
	if compiler.Failed() {
		return nil, &PolicyError{Problems: astProblems("", compiler.Errors)}
	}

	e := &Evaluator{timeout: opts.Timeout}
	if e.timeout <= 0 {
		e.timeout = DefaultTimeout
	}
	seen := map[string]bool{}
	for _, f := range files {
		m := modules[f]
		pkg := strings.TrimPrefix(m.Package.Path.String(), "data.")
		if seen[pkg] || !hasRule(m, "deny") {
			continue // a package split over files is evaluated once
		}
		seen[pkg] = true
		p := &policy{pkg: pkg, file: f, meta: metadata{ID: pkg, Title: pkg, Severity: DefaultSeverity}}
		if err := p.readMetadata(ctx, compiler, modules); err != nil {
			problems = append(problems, Problem{File: f, Message: err.Error()})
			continue
		}
		q, err := opa.New(
			opa.Query("data."+pkg+".deny"),
			opa.Compiler(compiler),
			opa.Capabilities(caps),
			opa.StrictBuiltinErrors(false),
		).PrepareForEval(ctx)
		if err != nil {
			problems = append(problems, Problem{File: f, Message: err.Error()})
			continue
		}
		p.query = q
		e.policies = append(e.policies, p)
	}
	if len(problems) > 0 {
		return nil, &PolicyError{Problems: problems}
	}
	if len(e.policies) == 0 {
		return nil, fmt.Errorf("loading policies: %w", ErrNoPolicies)
	}
	return e, nil
}

// parse parses a module as Rego v1, falling back to v0 for pre-1.0
// policies (`deny[msg] { ... }`). The v1 error is reported when both fail.
func parse(file, src string) (*ast.Module, error) {
	m, err := ast.ParseModuleWithOpts(file, src, ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
	if err == nil {
		return m, nil
	}
	if m0, err0 := ast.ParseModuleWithOpts(file, src, ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV0}); err0 == nil {
		return m0, nil
	}
	return nil, err
}

// astProblems turns OPA errors into problems with file and line.
func astProblems(file string, err error) []Problem {
	var errs ast.Errors
	if !errors.As(err, &errs) {
		return []Problem{{File: file, Message: err.Error()}}
	}
	out := make([]Problem, 0, len(errs))
	for _, e := range errs {
		p := Problem{File: file, Message: e.Code + ": " + e.Message}
		if e.Location != nil {
			if e.Location.File != "" {
				p.File = e.Location.File
			}
			p.Line = e.Location.Row
		}
		out = append(out, p)
	}
	return out
}

func hasRule(m *ast.Module, name string) bool {
	for _, r := range m.Rules {
		if r.Head.Name.String() == name || (len(r.Head.Reference) > 0 && r.Head.Reference[0].Value.String() == name) {
			return true
		}
	}
	return false
}

// readMetadata fills p.meta and p.types from METADATA annotations and the
// __rego_metadata__ / __rego_input__ rules.
func (p *policy) readMetadata(ctx context.Context, compiler *ast.Compiler, modules map[string]*ast.Module) error {
	for _, m := range modules {
		if strings.TrimPrefix(m.Package.Path.String(), "data.") != p.pkg {
			continue
		}
		for _, a := range m.Annotations {
			switch a.Scope {
			case "package", "subpackages":
			case "rule", "document":
				tp := a.GetTargetPath()
				if len(tp) == 0 || !strings.HasSuffix(tp.String(), ".deny") {
					continue
				}
			default:
				continue
			}
			p.applyAnnotation(a)
		}
		if hasRule(m, "__rego_metadata__") {
			v, err := evalOnce(ctx, compiler, "data."+p.pkg+".__rego_metadata__")
			if err != nil {
				return fmt.Errorf("__rego_metadata__: %w", err)
			}
			if obj, ok := v.(map[string]any); ok {
				p.applyMap(obj)
			}
		}
		if hasRule(m, "__rego_input__") {
			v, err := evalOnce(ctx, compiler, "data."+p.pkg+".__rego_input__")
			if err != nil {
				return fmt.Errorf("__rego_input__: %w", err)
			}
			if obj, ok := v.(map[string]any); ok {
				p.types = append(p.types, selectorTypes(obj["selector"])...)
			}
		}
	}
	return nil
}

func (p *policy) applyAnnotation(a *ast.Annotations) {
	if a.Title != "" {
		p.meta.Title = a.Title
	}
	if a.Description != "" {
		p.meta.Description = a.Description
	}
	p.applyMap(a.Custom)
	if in, ok := a.Custom["input"].(map[string]any); ok {
		p.types = append(p.types, selectorTypes(in["selector"])...)
	}
}

// applyMap reads metadata fields from an annotation's custom map or a
// __rego_metadata__ object.
func (p *policy) applyMap(m map[string]any) {
	str := func(k string) string { s, _ := m[k].(string); return s }
	if s := str("id"); s != "" {
		p.meta.ID = s
	}
	if s := str("title"); s != "" {
		p.meta.Title = s
	}
	if s := str("description"); s != "" {
		p.meta.Description = s
	}
	if s := str("severity"); s != "" {
		p.meta.Severity = severity(s)
	}
	for _, k := range []string{"resolution", "recommended_actions", "recommended_action"} {
		if s := str(k); s != "" {
			p.meta.Resolution = s
		}
	}
	if cs, ok := m["controls"].([]any); ok {
		for _, c := range cs {
			if cm, ok := c.(map[string]any); ok {
				fw, _ := cm["framework"].(string)
				id, _ := cm["id"].(string)
				if fw != "" && id != "" {
					p.meta.Controls = append(p.meta.Controls, model.Control{Framework: fw, ID: id})
				}
			}
		}
	}
}

func severity(s string) model.Severity {
	switch sev := model.Severity(strings.ToUpper(strings.TrimSpace(s))); sev {
	case model.SeverityLow, model.SeverityMedium, model.SeverityHigh, model.SeverityCritical, model.SeverityUnknown:
		return sev
	}
	return DefaultSeverity
}

// selectorTypes reads [{"type": "kubernetes"}, ...]. Trivy's type names
// "dockerfile" and "kubernetes" are drydock's too.
func selectorTypes(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		if m, ok := x.(map[string]any); ok {
			if t, ok := m["type"].(string); ok && t != "" {
				out = append(out, strings.ToLower(t))
			}
		}
	}
	return out
}

// evalOnce evaluates a query without input and returns its single value.
func evalOnce(ctx context.Context, compiler *ast.Compiler, query string) (any, error) {
	rs, err := opa.New(opa.Query(query), opa.Compiler(compiler)).Eval(ctx)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return nil, nil
	}
	return rs[0].Expressions[0].Value, nil
}

// Policies returns the loaded policies' IDs, in load order.
func (e *Evaluator) Policies() []string {
	out := make([]string, len(e.policies))
	for i, p := range e.policies {
		out[i] = p.meta.ID
	}
	return out
}

// Evaluate implements config.Evaluator: every policy on every document it
// selects. A failing evaluation is a status, not an error; the error
// result is only for a cancelled context.
func (e *Evaluator) Evaluate(ctx context.Context, docs []config.Document) ([]model.Misconfiguration, []model.Status, error) {
	var (
		out  []model.Misconfiguration
		stat []model.Status
	)
	for _, d := range docs {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		input, err := ast.InterfaceToValue(d.Input)
		if err != nil {
			stat = append(stat, model.Status{Source: StatusSource, Path: d.File, Message: fmt.Sprintf("%s as Rego input: %v", d.Object, err)})
			continue
		}
		for _, p := range e.policies {
			if len(p.types) > 0 && !slices.Contains(p.types, d.Type) {
				continue
			}
			ms, err := e.eval(ctx, p, d, input)
			if err != nil {
				if ctx.Err() != nil {
					return nil, nil, ctx.Err()
				}
				stat = append(stat, model.Status{Source: StatusSource, Path: p.file,
					Message: fmt.Sprintf("evaluating on %s (%s): %v", d.Object, d.File, err)})
				continue
			}
			out = append(out, ms...)
		}
	}
	return out, stat, nil
}

func (e *Evaluator) eval(ctx context.Context, p *policy, d config.Document, input ast.Value) ([]model.Misconfiguration, error) {
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	rs, err := p.query.Eval(ctx, opa.EvalParsedInput(input))
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("timed out after %v", e.timeout)
		}
		return nil, err
	}
	var out []model.Misconfiguration
	for _, r := range rs {
		for _, ex := range r.Expressions {
			values, ok := ex.Value.([]any)
			if !ok {
				return nil, fmt.Errorf("deny is %T, want a set", ex.Value)
			}
			for _, v := range values {
				out = append(out, p.finding(d, v))
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Message < out[j].Message
	})
	return out, nil
}

// finding turns one deny value into a misconfiguration.
func (p *policy) finding(d config.Document, v any) model.Misconfiguration {
	m := model.Misconfiguration{
		ID:          p.meta.ID,
		Title:       p.meta.Title,
		Severity:    p.meta.Severity,
		Description: p.meta.Description,
		Resolution:  p.meta.Resolution,
		Target:      d.File,
		Object:      d.Object,
		Line:        d.Line,
		Controls:    slices.Clone(p.meta.Controls),
		Source:      p.file,
	}
	switch v := v.(type) {
	case string:
		m.Message = v
	case map[string]any:
		if s, ok := v["msg"].(string); ok {
			m.Message = s
		} else {
			m.Message = fmt.Sprint(v)
		}
		if s, ok := v["id"].(string); ok && s != "" {
			m.ID = s
		}
		if s, ok := v["title"].(string); ok && s != "" {
			m.Title = s
		}
		if s, ok := v["severity"].(string); ok && s != "" {
			m.Severity = severity(s)
		}
		for _, k := range []string{"line", "startline", "StartLine"} {
			if n, ok := number(v[k]); ok && n > 0 {
				m.Line = n
				break
			}
		}
	default:
		m.Message = fmt.Sprint(v)
	}
	return m
}

// number reads a JSON number as decoded by OPA (json.Number) or Go.
func number(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case float64:
		return int(n), true
	case interface{ Int64() (int64, error) }:
		i, err := n.Int64()
		return int(i), err == nil
	}
	return 0, false
}
