package python

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

// UV reads uv lock files (uv.lock).
type UV struct{}

var _ extract.Extractor = (*UV)(nil)

// NewUV returns the uv.lock extractor.
func NewUV() *UV { return &UV{} }

// Name implements extract.Extractor.
func (*UV) Name() string { return NameUV }

// Version implements extract.Extractor.
func (*UV) Version() int { return 2 }

// Required implements extract.Extractor.
func (*UV) Required(p string, _ fs.FileInfo) bool { return path.Base(p) == "uv.lock" }

// Extract implements extract.Extractor.
func (*UV) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	res, err := ParseUVLock(ctx, in.Reader)
	if err != nil {
		return nil, fmt.Errorf("parsing uv.lock %s: %w", in.Path, err)
	}
	return locate(res, in.Path), nil
}

// maxEdges bounds the dependency edges followed in a uv.lock; a real
// lock has a few per package.
const maxEdges = 1 << 22

// uvPackage is one [[package]] of a uv.lock.
type uvPackage struct {
	name, version string
	root          bool // the project or a workspace member (editable or virtual source)
	local         bool // a local directory: not a published distribution
	deps          []uvDep
	optional      map[string][]uvDep
	dev           []uvDep // all dependency groups
}

// uvDep is a dependency entry: { name = "x", version = "1", extra = ["y"] }.
type uvDep struct {
	name, version string
	extras        []string
}

// ParseUVLock reads a uv.lock: a TOML file with one [[package]] table per
// locked distribution, the project itself (source editable or virtual)
// included. The project and workspace members, and local directory
// packages, are not reported. Packages the project depends on directly are
// RelationDirect, the others RelationIndirect; a package reached only
// through the project's dependency groups ([package.dev-dependencies]) is a
// development dependency. DependsOn holds the reported packages a package's
// dependency entries name (see uvDependsOn).
func ParseUVLock(ctx context.Context, r io.Reader) (*extract.Result, error) {
	var doc struct {
		Version any              `toml:"version"`
		Package []map[string]any `toml:"package"`
	}
	if _, err := toml.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("decoding TOML: %w", err)
	}
	if doc.Version == nil && len(doc.Package) == 0 {
		return nil, fmt.Errorf("no version and no [[package]]: not a uv.lock")
	}
	res := &extract.Result{}
	if len(doc.Package) > maxPackages {
		res.Warnings = append(res.Warnings, fmt.Sprintf("more than %d packages; the rest skipped", maxPackages))
		doc.Package = doc.Package[:maxPackages]
	}
	pkgs := make([]uvPackage, 0, len(doc.Package))
	byName := map[string][]int{}
	for i, t := range doc.Package {
		p, err := uvPackageOf(t)
		if err != nil {
			res.Warnings = append(res.Warnings, fmt.Sprintf("package %d: %v; skipped", i+1, err))
			continue
		}
		byName[normName(p.name)] = append(byName[normName(p.name)], len(pkgs))
		pkgs = append(pkgs, p)
	}

	// Walk the dependency graph from the roots: once through their
	// dependencies and extras, once through their dependency groups.
	resolve := func(d uvDep) []int {
		var out []int
		for _, i := range byName[normName(d.name)] {
			if d.version == "" || pkgs[i].version == d.version {
				out = append(out, i)
			}
		}
		return out
	}
	// walk returns the packages reachable from start. A package is
	// expanded once, and each of its extras once.
	walk := func(start []uvDep) (map[int]bool, error) {
		type key struct {
			i     int
			extra string
		}
		type item struct {
			i      int
			extras []string
		}
		seen := map[key]bool{}
		reached := map[int]bool{}
		var (
			queue  []item
			pushed int
		)
		push := func(ds []uvDep) {
			for _, d := range ds {
				for _, i := range resolve(d) {
					queue = append(queue, item{i, d.extras})
					pushed++
				}
			}
		}
		push(start)
		for steps := 1; len(queue) > 0; steps++ {
			if pushed > maxEdges {
				return nil, fmt.Errorf("dependency graph has more than %d edges", maxEdges)
			}
			if steps%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			it := queue[0]
			queue = queue[1:]
			reached[it.i] = true
			if k := (key{it.i, ""}); !seen[k] {
				seen[k] = true
				push(pkgs[it.i].deps)
			}
			for _, x := range it.extras {
				if k := (key{it.i, x}); x != "" && !seen[k] {
					seen[k] = true
					push(pkgs[it.i].optional[x])
				}
			}
		}
		return reached, nil
	}
	var prodStart, devStart []uvDep
	hasRoot := false
	for _, p := range pkgs {
		if !p.root {
			continue
		}
		hasRoot = true
		prodStart = append(prodStart, p.deps...)
		for _, ds := range p.optional {
			prodStart = append(prodStart, ds...)
		}
		devStart = append(devStart, p.dev...)
	}
	prod, err := walk(prodStart)
	if err != nil {
		return nil, err
	}
	dev, err := walk(devStart)
	if err != nil {
		return nil, err
	}
	direct := map[int]bool{}
	for _, d := range append(prodStart, devStart...) {
		for _, i := range resolve(d) {
			direct[i] = true
		}
	}
	purls := uvPURLs(pkgs)
	extras := uvExtras(pkgs)
	seen := map[[2]string]bool{}
	for i, p := range pkgs {
		if p.root || p.local || seen[[2]string{p.name, p.version}] {
			continue
		}
		seen[[2]string{p.name, p.version}] = true
		out := newPackage(p.name, p.version)
		out.DependsOn = uvDependsOn(pkgs, byName, purls, extras, i)
		if hasRoot {
			out.Relation = model.RelationIndirect
			if direct[i] {
				out.Relation = model.RelationDirect
			}
			out.Dev = dev[i] && !prod[i]
		}
		res.Packages = append(res.Packages, out)
	}
	return res, nil
}

// uvPURLs returns the purl of each package, "" for the packages not
// reported (the project, workspace members and local directories).
func uvPURLs(pkgs []uvPackage) []string {
	purls := make([]string, len(pkgs))
	for i, p := range pkgs {
		if !p.root && !p.local {
			purls[i] = newPackage(p.name, p.version).PURL
		}
	}
	return purls
}

// uvExtras returns the extras that some dependency entry of the file asks
// for, by normalised package name: uv locks an optional dependency only
// for an extra someone asks for, and records who.
func uvExtras(pkgs []uvPackage) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	add := func(ds []uvDep) {
		for _, d := range ds {
			for _, x := range d.extras {
				n := normName(d.name)
				if out[n] == nil {
					out[n] = map[string]bool{}
				}
				out[n][x] = true
			}
		}
	}
	for _, p := range pkgs {
		add(p.deps)
		add(p.dev)
		for _, ds := range p.optional {
			add(ds)
		}
	}
	return out
}

// uvDependsOn returns the purls of the reported packages that pkgs[i]
// depends on: its dependencies, and the optional dependencies of the
// extras of it that are asked for (extras, by normalised name). An entry
// names a package by name, with a version (and source) only when the lock
// holds several; an entry that matches packages of more than one purl, or
// only packages not reported (purls[j] == ""), is left out.
func uvDependsOn(pkgs []uvPackage, byName map[string][]int, purls []string, extras map[string]map[string]bool, i int) []string {
	p := &pkgs[i]
	deps := p.deps
	for x := range extras[normName(p.name)] {
		deps = append(deps[:len(deps):len(deps)], p.optional[x]...)
	}
	var out []string
	for _, d := range deps {
		if u := uvResolve(pkgs, byName, purls, d); u != "" && u != purls[i] {
			out = append(out, u)
		}
	}
	return extract.DependsOn(out)
}

// uvResolve returns the purl of the package a dependency entry names, ""
// when it names none, a package not reported, or packages of more than one
// purl.
func uvResolve(pkgs []uvPackage, byName map[string][]int, purls []string, d uvDep) string {
	u, n := "", 0
	for _, j := range byName[normName(d.name)] {
		if d.version != "" && pkgs[j].version != d.version {
			continue
		}
		if n == 0 || purls[j] != u {
			u = purls[j]
			n++
		}
	}
	if n != 1 {
		return ""
	}
	return u
}

// uvPackageOf reads one [[package]] table.
func uvPackageOf(t map[string]any) (uvPackage, error) {
	var p uvPackage
	p.name, _ = t["name"].(string)
	p.version, _ = t["version"].(string)
	if p.name == "" {
		return p, fmt.Errorf("no name")
	}
	src, _ := t["source"].(map[string]any)
	switch {
	case src["editable"] != nil, src["virtual"] != nil:
		p.root = true
	case src["directory"] != nil:
		p.local = true
	}
	if p.version == "" && !p.root {
		// uv leaves out the version of dynamic-version local projects only.
		return p, fmt.Errorf("package %q has no version", clip(p.name))
	}
	var err error
	if p.deps, err = uvDeps(t["dependencies"]); err != nil {
		return p, fmt.Errorf("dependencies of %q: %w", clip(p.name), err)
	}
	if p.optional, err = uvDepGroups(t["optional-dependencies"]); err != nil {
		return p, fmt.Errorf("optional-dependencies of %q: %w", clip(p.name), err)
	}
	groups, err := uvDepGroups(t["dev-dependencies"])
	if err != nil {
		return p, fmt.Errorf("dev-dependencies of %q: %w", clip(p.name), err)
	}
	for _, ds := range groups {
		p.dev = append(p.dev, ds...)
	}
	return p, nil
}

func uvDepGroups(v any) (map[string][]uvDep, error) {
	if v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("not a table")
	}
	out := make(map[string][]uvDep, len(m))
	for k, ds := range m {
		deps, err := uvDeps(ds)
		if err != nil {
			return nil, fmt.Errorf("group %q: %w", clip(k), err)
		}
		out[k] = deps
	}
	return out, nil
}

func uvDeps(v any) ([]uvDep, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]map[string]any)
	if !ok {
		anys, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("not an array")
		}
		for _, a := range anys {
			m, ok := a.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("entry is not a table")
			}
			list = append(list, m)
		}
	}
	out := make([]uvDep, 0, len(list))
	for _, m := range list {
		var d uvDep
		d.name, _ = m["name"].(string)
		if d.name == "" {
			return nil, fmt.Errorf("entry without a name")
		}
		d.version, _ = m["version"].(string)
		if xs, ok := m["extra"].([]any); ok {
			for _, x := range xs {
				if s, ok := x.(string); ok {
					d.extras = append(d.extras, s)
				}
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// normName is the PEP 503 normal form of a distribution name: lower case,
// runs of "-", "_" and "." as one "-".
func normName(n string) string {
	var b strings.Builder
	b.Grow(len(n))
	sep := false
	for i := 0; i < len(n); i++ {
		c := n[i]
		switch {
		case c == '-' || c == '_' || c == '.':
			sep = true
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		if sep && b.Len() > 0 {
			b.WriteByte('-')
		}
		sep = false
		b.WriteByte(c)
	}
	return b.String()
}
