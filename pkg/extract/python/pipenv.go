package python

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/drydockhq/drydock/pkg/extract"
)

// Pipenv reads Pipenv lock files (Pipfile.lock).
type Pipenv struct{}

var _ extract.Extractor = (*Pipenv)(nil)

// NewPipenv returns the Pipfile.lock extractor.
func NewPipenv() *Pipenv { return &Pipenv{} }

// Name implements extract.Extractor.
func (*Pipenv) Name() string { return NamePipenv }

// Version implements extract.Extractor.
func (*Pipenv) Version() int { return 2 }

// Required implements extract.Extractor.
func (*Pipenv) Required(p string, _ fs.FileInfo) bool { return path.Base(p) == "Pipfile.lock" }

// Extract implements extract.Extractor.
func (*Pipenv) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	res, err := ParsePipfileLock(ctx, in.Reader)
	if err != nil {
		return nil, fmt.Errorf("parsing Pipfile.lock %s: %w", in.Path, err)
	}
	return locate(res, in.Path), nil
}

// ParsePipfileLock reads a Pipfile.lock: a JSON object whose "default" and
// "develop" objects map package names to {"version": "==1.2.3", ...}.
// Packages of "develop" only are development dependencies. Entries without
// a pinned version (VCS, path and editable packages) are skipped; an entry
// that is not an object is skipped with a warning. Names come out sorted,
// default packages first. A Pipfile.lock is a flat list with no dependency
// graph, so DependsOn is left empty.
func ParsePipfileLock(ctx context.Context, r io.Reader) (*extract.Result, error) {
	var doc struct {
		Meta    *json.RawMessage           `json:"_meta"`
		Default map[string]json.RawMessage `json:"default"`
		Develop map[string]json.RawMessage `json:"develop"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("decoding JSON: %w", err)
	}
	if doc.Meta == nil && doc.Default == nil && doc.Develop == nil {
		return nil, fmt.Errorf("no \"_meta\", \"default\" or \"develop\" key: not a Pipfile.lock")
	}
	res := &extract.Result{}
	prod := map[string]bool{}
	for _, sec := range []struct {
		name    string
		entries map[string]json.RawMessage
		dev     bool
	}{{"default", doc.Default, false}, {"develop", doc.Develop, true}} {
		names := make([]string, 0, len(sec.entries))
		for n := range sec.entries {
			names = append(names, n)
		}
		sort.Strings(names)
		for i, n := range names {
			if i%1024 == 1023 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			var e struct {
				Version string `json:"version"`
			}
			if err := json.Unmarshal(sec.entries[n], &e); err != nil {
				res.Warnings = append(res.Warnings, fmt.Sprintf("%s package %q: %v; skipped", sec.name, clip(n), err))
				continue
			}
			v, ok := strings.CutPrefix(e.Version, "==")
			v = strings.TrimPrefix(v, "=") // "===1.0"
			if !ok || v == "" || n == "" {
				continue // VCS, path or editable package, or no version after "==="
			}
			if sec.dev && prod[n+"@"+v] {
				continue
			}
			prod[n+"@"+v] = true
			if len(res.Packages) >= maxPackages {
				res.Warnings = append(res.Warnings, fmt.Sprintf("more than %d packages; the rest skipped", maxPackages))
				return res, nil
			}
			p := newPackage(n, v)
			p.Dev = sec.dev
			res.Packages = append(res.Packages, p)
		}
	}
	return res, nil
}
