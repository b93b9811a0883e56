// Package config scans configuration for misconfigurations: Dockerfiles,
// Kubernetes manifests and image configs, with drydock's built-in checks
// (pkg/config/checks) and, optionally, user policies through an Evaluator
// (the Rego evaluator implements it).
//
// ScanDir walks a directory, ScanFile scans one file or stdin (Helm output
// piped in), ScanImageConfig checks the config of an image. Files that
// cannot be read are reported as model.Status entries, never as errors; the
// error result is reserved for a cancelled context or an unreadable root.
package config

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/drydockhq/drydock/pkg/config/checks"
	"github.com/drydockhq/drydock/pkg/config/dockerfile"
	"github.com/drydockhq/drydock/pkg/config/imageconfig"
	"github.com/drydockhq/drydock/pkg/config/k8s"
	"github.com/drydockhq/drydock/pkg/model"
)

// StatusSource is the model.Status.Source of this package's notes.
const StatusSource = "config"

// MaxFileSize is the largest file read; larger ones get a status note.
const MaxFileSize = k8s.MaxFileSize

// Options configure a scan.
type Options struct {
	// Now is the clock for certificate expiry; zero means time.Now().
	Now time.Time
	// Compliance keeps only the findings mapped to one framework
	// ("" keeps everything).
	Compliance checks.Compliance
	// Policies evaluates user policies on the same documents; nil runs
	// only the built-in checks.
	Policies Evaluator
}

// Evaluator runs user policies on input documents.
type Evaluator interface {
	// Evaluate returns the findings of every policy on every document it
	// applies to; problems with single policies or documents are statuses.
	Evaluate(ctx context.Context, docs []Document) ([]model.Misconfiguration, []model.Status, error)
}

// Document types, the value of Document.Type and of input._drydock.type.
const (
	TypeKubernetes  = "kubernetes"
	TypeDockerfile  = "dockerfile"
	TypeImageConfig = "imageconfig"
)

// Document is one policy input: a Kubernetes object, a Dockerfile or an image
// config, in the JSON shape documented in README.md.
type Document struct {
	Type string `json:"type"`
	// File is the finding Target: the file, or the image reference.
	File string `json:"file"`
	// Object and Line locate the document in findings.
	Object string `json:"object,omitempty"`
	Line   int    `json:"line,omitempty"`
	// Input is the JSON-shaped value handed to policies as `input`.
	Input map[string]any `json:"input"`
}

// Kind is what a file holds.
type Kind int

// File kinds.
const (
	KindUnknown Kind = iota
	KindDockerfile
	KindYAML
)

// Detect tells from a file name whether drydock scans it, and as what.
// JSON files count as YAML (they are decoded the same way and skipped
// silently when they hold no Kubernetes object).
func Detect(name string) Kind {
	base := strings.ToLower(path.Base(filepath.ToSlash(name)))
	switch {
	case base == "dockerfile" || base == "containerfile",
		strings.HasPrefix(base, "dockerfile.") || strings.HasPrefix(base, "containerfile."),
		strings.HasSuffix(base, ".dockerfile") || strings.HasSuffix(base, ".containerfile"):
		return KindDockerfile
	case strings.HasSuffix(base, ".yaml") || strings.HasSuffix(base, ".yml") || strings.HasSuffix(base, ".json"):
		return KindYAML
	}
	return KindUnknown
}

// sniff tells a Dockerfile from YAML by content, for stdin and unknown names:
// a Dockerfile's first instruction is FROM, ARG or a parser directive.
func sniff(data []byte) Kind {
	for line := range strings.Lines(string(data[:min(len(data), 64<<10)])) {
		t := strings.TrimSpace(line)
		if t == "" {
			continue
		}
		if strings.HasPrefix(t, "#") {
			if strings.Contains(strings.ToLower(t), "syntax=") || strings.Contains(strings.ToLower(t), "escape=") {
				return KindDockerfile
			}
			continue
		}
		w, _, _ := strings.Cut(t, " ")
		switch strings.ToUpper(w) {
		case "FROM", "ARG":
			return KindDockerfile
		}
		return KindYAML
	}
	return KindYAML
}

// skipDirs are directories never descended into.
var skipDirs = map[string]bool{".git": true, ".hg": true, ".svn": true, "node_modules": true}

// ScanDir scans every Dockerfile and YAML/JSON manifest under dir (or the
// single file dir names). Targets are paths relative to dir, slash-separated.
func ScanDir(ctx context.Context, dir string, opts Options) ([]model.Misconfiguration, []model.Status, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("scanning %s: %w", dir, err)
	}
	if !st.IsDir() {
		data, err := readCapped(os.DirFS(filepath.Dir(dir)), filepath.Base(dir))
		if err != nil {
			return nil, []model.Status{{Source: StatusSource, Path: dir, Message: err.Error()}}, nil
		}
		return ScanFile(ctx, dir, data, opts)
	}
	return ScanFS(ctx, os.DirFS(dir), opts)
}

// ScanFS scans every Dockerfile and manifest of fsys.
func ScanFS(ctx context.Context, fsys fs.FS, opts Options) ([]model.Misconfiguration, []model.Status, error) {
	s := newScan(opts)
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if err != nil {
			if p == "." {
				return err
			}
			s.status(p, err.Error())
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != "." && skipDirs[d.Name()] {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		kind := Detect(p)
		if kind == KindUnknown {
			return nil
		}
		data, err := readCapped(fsys, p)
		if err != nil {
			s.status(p, err.Error())
			return nil
		}
		s.file(ctx, p, kind, data, true)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("scanning: %w", err)
	}
	return s.finish(ctx)
}

// ScanFile scans one file's content. name picks the parser ("Dockerfile",
// "*.yaml"); "-", "" or an unknown name are sniffed (Helm output on stdin
// is YAML, a Dockerfile starts with FROM or ARG).
func ScanFile(ctx context.Context, name string, data []byte, opts Options) ([]model.Misconfiguration, []model.Status, error) {
	kind := Detect(name)
	if kind == KindUnknown {
		kind = sniff(data)
	}
	if name == "" {
		name = "-"
	}
	s := newScan(opts)
	if len(data) > MaxFileSize {
		s.status(name, fmt.Sprintf("larger than %d bytes, skipped", MaxFileSize))
	} else {
		s.file(ctx, name, kind, data, false)
	}
	return s.finish(ctx)
}

// ScanImageConfig runs the image config checks (and user policies) on an
// image's config; ref names the image in findings.
func ScanImageConfig(ctx context.Context, cfg *v1.ConfigFile, ref string, opts Options) ([]model.Misconfiguration, []model.Status, error) {
	s := newScan(opts)
	s.out = imageconfig.Check(cfg, ref)
	if opts.Policies != nil && cfg != nil {
		in, err := toJSON(cfg)
		if err != nil {
			s.status(ref, "image config as policy input: "+err.Error())
		} else {
			s.docs = append(s.docs, Document{Type: TypeImageConfig, File: ref, Object: imageconfig.Object, Input: map[string]any{
				"kind":     "ImageConfig",
				"ref":      ref,
				"config":   in,
				"_drydock": map[string]any{"type": TypeImageConfig, "file": ref, "line": 0},
			}})
		}
	}
	return s.finish(ctx)
}

type scan struct {
	opts   Options
	out    []model.Misconfiguration
	stat   []model.Status
	objs   []*k8s.Object
	docs   []Document
	policy bool
}

func newScan(opts Options) *scan { return &scan{opts: opts, policy: opts.Policies != nil} }

func (s *scan) status(p, msg string) {
	s.stat = append(s.stat, model.Status{Source: StatusSource, Path: p, Message: msg})
}

// readCapped reads a file of at most MaxFileSize bytes.
func readCapped(fsys fs.FS, p string) ([]byte, error) {
	info, err := fs.Stat(fsys, p)
	if err != nil {
		return nil, err
	}
	if info.Size() > MaxFileSize {
		return nil, fmt.Errorf("larger than %d bytes, skipped", MaxFileSize)
	}
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileSize {
		return nil, fmt.Errorf("larger than %d bytes, skipped", MaxFileSize)
	}
	return b, nil
}

// file scans one file. inDir is true during a directory walk, where files
// that are not manifests (other YAML, unrendered Helm templates) are
// skipped quietly or with one note.
func (s *scan) file(ctx context.Context, p string, kind Kind, data []byte, inDir bool) {
	switch kind {
	case KindDockerfile:
		df, err := dockerfile.Parse(ctx, bytes.NewReader(data))
		if err != nil {
			s.status(p, err.Error())
			return
		}
		for _, w := range df.Warnings {
			s.status(p, w)
		}
		s.out = append(s.out, dockerfile.Check(df, p)...)
		if s.policy {
			s.docs = append(s.docs, dockerfileDocument(df, p))
		}
	case KindYAML:
		if inDir && isHelmTemplate(p, data) {
			s.status(p, "unrendered Helm template skipped: scan `helm template` output instead")
			return
		}
		objs, warnings, err := k8s.Decode(ctx, p, data)
		for _, w := range warnings {
			s.status(p, w)
		}
		if err != nil {
			if errors.Is(err, k8s.ErrNotManifest) && inDir {
				return // other YAML or JSON: not ours
			}
			s.status(p, err.Error())
			return
		}
		unknown := map[string]int{}
		for _, o := range objs {
			if !k8s.Known(o.Kind) {
				unknown[o.Kind]++
			}
		}
		if len(unknown) > 0 {
			s.status(p, "kinds not checked by built-in checks: "+countList(unknown))
		}
		s.objs = append(s.objs, objs...)
	}
}

func countList(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		if m[k] > 1 {
			keys[i] = fmt.Sprintf("%s (%d)", k, m[k])
		}
	}
	return strings.Join(keys, ", ")
}

// isHelmTemplate reports whether a YAML file is an unrendered Helm template.
func isHelmTemplate(p string, data []byte) bool {
	return strings.Contains("/"+p, "/templates/") && bytes.Contains(data, []byte("{{"))
}

func (s *scan) finish(ctx context.Context) ([]model.Misconfiguration, []model.Status, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if len(s.objs) > 0 {
		ms, warnings := k8s.Check(ctx, s.objs, k8s.Options{Now: s.opts.Now})
		s.out = append(s.out, ms...)
		for _, w := range warnings {
			s.status(w.File, fmt.Sprintf("line %d: %s", w.Line, w.Message))
		}
		if s.policy {
			for _, o := range s.objs {
				d, err := kubernetesDocument(o)
				if err != nil {
					s.status(o.File, fmt.Sprintf("line %d: %s as policy input: %v", o.Line, o.ID(), err))
					continue
				}
				s.docs = append(s.docs, d)
			}
		}
	}
	if s.policy && len(s.docs) > 0 {
		ms, st, err := s.opts.Policies.Evaluate(ctx, s.docs)
		if err != nil {
			return nil, nil, fmt.Errorf("evaluating policies: %w", err)
		}
		s.out = append(s.out, ms...)
		s.stat = append(s.stat, st...)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	out := checks.Filter(s.out, s.opts.Compliance)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Target != b.Target {
			return a.Target < b.Target
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.ID < b.ID
	})
	return out, s.stat, nil
}

// kubernetesDocument is the policy input of one object: the object as
// decoded from YAML, plus _drydock.
func kubernetesDocument(o *k8s.Object) (Document, error) {
	var v any
	if err := o.Node.Decode(&v); err != nil {
		return Document{}, err
	}
	m, ok := normalize(v).(map[string]any)
	if !ok {
		return Document{}, fmt.Errorf("not a mapping")
	}
	m["_drydock"] = map[string]any{"type": TypeKubernetes, "file": o.File, "line": o.Line}
	return Document{Type: TypeKubernetes, File: o.File, Object: o.ID(), Line: o.Line, Input: m}, nil
}

// normalize turns yaml.v3's decoded values into JSON-shaped ones: maps with
// non-string keys get string keys, and times become RFC 3339 strings.
func normalize(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = normalize(x)
		}
		return v
	case map[any]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[fmt.Sprint(k)] = normalize(x)
		}
		return m
	case []any:
		for i, x := range v {
			v[i] = normalize(x)
		}
		return v
	case time.Time:
		return v.Format(time.RFC3339Nano)
	}
	return v
}

// dockerfileDocument is the policy input of a Dockerfile.
func dockerfileDocument(df *dockerfile.Dockerfile, p string) Document {
	instr := func(in dockerfile.Instruction) map[string]any {
		args := make([]any, len(in.Args))
		for i, a := range in.Args {
			args[i] = a
		}
		flags := make([]any, len(in.Flags))
		for i, f := range in.Flags {
			flags[i] = f
		}
		heredocs := make([]any, len(in.Heredocs))
		for i, h := range in.Heredocs {
			heredocs[i] = map[string]any{"name": h.Name, "body": h.Body}
		}
		return map[string]any{
			"cmd": strings.ToLower(in.Cmd), "flags": flags, "args": args, "json": in.JSON,
			"raw": in.Raw, "heredocs": heredocs, "line": in.Line, "endLine": in.EndLine,
		}
	}
	var meta, stages []any
	for _, in := range df.MetaArgs {
		meta = append(meta, instr(in))
	}
	for _, st := range df.Stages {
		var ins []any
		for _, in := range st.Instructions {
			ins = append(ins, instr(in))
		}
		stages = append(stages, map[string]any{
			"index": st.Index, "name": st.Name, "base": st.Base, "platform": st.Platform,
			"line": st.From.Line, "instructions": nonNil(ins),
		})
	}
	return Document{Type: TypeDockerfile, File: p, Object: "Dockerfile", Line: 1, Input: map[string]any{
		"kind":     "Dockerfile",
		"metaArgs": nonNil(meta),
		"stages":   nonNil(stages),
		"_drydock": map[string]any{"type": TypeDockerfile, "file": p, "line": 1},
	}}
}

func nonNil(s []any) []any {
	if s == nil {
		return []any{}
	}
	return s
}

// toJSON turns a Go value into its JSON-shaped map.
func toJSON(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}
