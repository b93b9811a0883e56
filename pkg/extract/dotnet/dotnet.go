// Package dotnet extracts NuGet packages from .NET dependency manifests
// (*.deps.json, written next to every built .NET application) and NuGet lock
// files (packages.lock.json).
package dotnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

// Extractor names.
const (
	NameDeps      = "lang/dotnet-deps"
	NameNuGetLock = "lang/nuget-lock"
)

// maxPackages bounds the packages one file may declare.
const maxPackages = 1 << 17

// runtimePackPrefix is the name prefix the .NET SDK gives the runtime
// bundled into a self-contained application
// ("runtimepack.Microsoft.NETCore.App.Runtime.linux-x64"); without it the
// name is the NuGet package the runtime ships as.
const runtimePackPrefix = "runtimepack."

// Deps reads .NET dependency manifests (*.deps.json).
type Deps struct{}

var _ extract.Extractor = (*Deps)(nil)

// NewDeps returns the deps.json extractor.
func NewDeps() *Deps { return &Deps{} }

// Name implements extract.Extractor.
func (*Deps) Name() string { return NameDeps }

// Version implements extract.Extractor.
func (*Deps) Version() int { return 2 }

// Required implements extract.Extractor.
func (*Deps) Required(p string, _ fs.FileInfo) bool {
	b := path.Base(p)
	return strings.HasSuffix(b, ".deps.json") && len(b) > len(".deps.json")
}

// Extract implements extract.Extractor.
func (*Deps) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	res, err := ParseDeps(ctx, in.Reader)
	if err != nil {
		return nil, fmt.Errorf("parsing .NET deps.json %s: %w", in.Path, err)
	}
	return locate(res, in.Path), nil
}

// NuGetLock reads NuGet lock files (packages.lock.json).
type NuGetLock struct{}

var _ extract.Extractor = (*NuGetLock)(nil)

// NewNuGetLock returns the packages.lock.json extractor.
func NewNuGetLock() *NuGetLock { return &NuGetLock{} }

// Name implements extract.Extractor.
func (*NuGetLock) Name() string { return NameNuGetLock }

// Version implements extract.Extractor.
func (*NuGetLock) Version() int { return 2 }

// Required implements extract.Extractor.
func (*NuGetLock) Required(p string, _ fs.FileInfo) bool { return path.Base(p) == "packages.lock.json" }

// Extract implements extract.Extractor.
func (*NuGetLock) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	res, err := ParseNuGetLock(ctx, in.Reader)
	if err != nil {
		return nil, fmt.Errorf("parsing NuGet packages.lock.json %s: %w", in.Path, err)
	}
	return locate(res, in.Path), nil
}

// depsFile is the part of a deps.json drydock reads.
type depsFile struct {
	RuntimeTarget *struct {
		Name string `json:"name"`
	} `json:"runtimeTarget"`
	Targets   map[string]map[string]json.RawMessage `json:"targets"`
	Libraries map[string]json.RawMessage            `json:"libraries"`
}

// targetLib is one library of a target: its dependencies and assets.
type targetLib struct {
	Dependencies   map[string]string `json:"dependencies"`
	Runtime        map[string]any    `json:"runtime"`
	RuntimeTargets map[string]any    `json:"runtimeTargets"`
	Native         map[string]any    `json:"native"`
	Resources      map[string]any    `json:"resources"`
}

// ParseDeps reads a .deps.json. The packages are the "libraries" of type
// "package", and the runtime packs ("runtimepack", the runtime bundled into
// a self-contained application), reported under the NuGet name of the
// runtime package. Projects are the application's own code and are not
// reported.
//
// As in Trivy, a package that the runtime target (runtimeTarget.name in
// "targets") lists without any runtime, native or resource asset is left
// out: nothing of it is deployed (compile-time-only packages, empty
// platform packages, packages whose code the framework supplies). The
// dependencies of the application's project are RelationDirect, the other
// packages RelationIndirect; the root project is the one no other library
// depends on. A library or target entry that does not parse is skipped
// with a warning.
//
// DependsOn comes from the runtime target too: each library's
// "dependencies" (name → version) name other libraries, which are looked up
// by "name/version" among the reported packages (NuGet names compare
// without case). Dependencies on projects and on packages left out are
// left out; without a runtime target there is no graph.
func ParseDeps(ctx context.Context, r io.Reader) (*extract.Result, error) {
	var doc depsFile
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("decoding JSON: %w", err)
	}
	if doc.Libraries == nil && doc.Targets == nil {
		return nil, errors.New(`no "libraries" or "targets": not a deps.json`)
	}
	res := &extract.Result{}

	// The runtime target's libraries, by "name/version" with the runtime
	// pack prefix removed.
	var target map[string]targetLib
	if doc.RuntimeTarget != nil {
		if raw, ok := doc.Targets[doc.RuntimeTarget.Name]; ok {
			target = make(map[string]targetLib, len(raw))
			for _, id := range sortedKeys(raw) {
				var lib targetLib
				if err := json.Unmarshal(raw[id], &lib); err != nil {
					res.Warnings = append(res.Warnings, fmt.Sprintf("target library %q: %v; skipped", clip(id), err))
					continue
				}
				target[strings.TrimPrefix(id, runtimePackPrefix)] = lib
			}
		}
	}

	type library struct{ id, name, version, kind string }
	var (
		libs     []library
		projects []string
		seen     = map[string]bool{}
	)
	for i, id := range sortedKeys(doc.Libraries) {
		if i%1024 == 1023 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		var l struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(doc.Libraries[id], &l); err != nil {
			res.Warnings = append(res.Warnings, fmt.Sprintf("library %q: %v; skipped", clip(id), err))
			continue
		}
		name, version, ok := strings.Cut(id, "/")
		if !ok || name == "" || version == "" {
			res.Warnings = append(res.Warnings, fmt.Sprintf("library %q: not \"name/version\"; skipped", clip(id)))
			continue
		}
		name = strings.TrimPrefix(name, runtimePackPrefix)
		key := name + "/" + version
		if seen[key] {
			continue
		}
		seen[key] = true
		switch strings.ToLower(l.Type) {
		case "project":
			projects = append(projects, key)
		case "package", "runtimepack":
			libs = append(libs, library{key, name, version, l.Type})
		}
	}

	sort.SliceStable(libs, func(i, j int) bool {
		if libs[i].name != libs[j].name {
			return libs[i].name < libs[j].name
		}
		return libs[i].version < libs[j].version
	})

	// Direct dependencies: those of the one project nothing depends on.
	var direct map[string]bool
	if target != nil {
		referenced := map[string]bool{}
		for _, lib := range target {
			for n, v := range lib.Dependencies {
				referenced[strings.TrimPrefix(n, runtimePackPrefix)+"/"+v] = true
			}
		}
		var roots []string
		for _, p := range projects {
			if !referenced[p] {
				roots = append(roots, p)
			}
		}
		if len(roots) == 1 && len(target[roots[0]].Dependencies) > 0 {
			direct = map[string]bool{}
			for n, v := range target[roots[0]].Dependencies {
				direct[strings.TrimPrefix(n, runtimePackPrefix)+"/"+v] = true
			}
		}
	}

	var ids []string // of res.Packages
	for _, l := range libs {
		if lib, ok := target[l.id]; ok && len(lib.Runtime)+len(lib.RuntimeTargets)+len(lib.Native)+len(lib.Resources) == 0 {
			continue // nothing deployed
		}
		if len(res.Packages) >= maxPackages {
			res.Warnings = append(res.Warnings, fmt.Sprintf("more than %d packages; the rest skipped", maxPackages))
			break
		}
		p := newPackage(l.name, l.version)
		if direct != nil {
			p.Relation = model.RelationIndirect
			if direct[l.id] {
				p.Relation = model.RelationDirect
			}
		}
		res.Packages = append(res.Packages, p)
		ids = append(ids, l.id)
	}
	depsGraph(res.Packages, ids, target)
	return res, nil
}

// depsGraph sets the DependsOn of pkgs, whose library IDs ("name/version",
// without the runtime pack prefix) are ids, from the dependencies that the
// runtime target lists for them.
func depsGraph(pkgs []model.Package, ids []string, target map[string]targetLib) {
	purls := make(map[string]string, len(pkgs)) // lower-case ID → purl
	for i, id := range ids {
		purls[strings.ToLower(id)] = pkgs[i].PURL
	}
	for i, id := range ids {
		var out []string
		for n, v := range target[id].Dependencies {
			u := purls[strings.ToLower(strings.TrimPrefix(n, runtimePackPrefix)+"/"+v)]
			if u != "" && u != pkgs[i].PURL {
				out = append(out, u)
			}
		}
		pkgs[i].DependsOn = extract.DependsOn(out)
	}
}

// ParseNuGetLock reads a packages.lock.json: for each target framework
// (and runtime identifier), a map of package names to {"type", "resolved",
// "dependencies", ...}. Type "Direct" is RelationDirect; "Transitive" and
// "CentralTransitive" are RelationIndirect; "Project" entries are other
// projects of the solution and are not reported. A package locked for
// several frameworks is reported once per version, direct if it is direct
// for any of them. An entry that does not parse is skipped with a warning.
//
// DependsOn comes from each entry's "dependencies" (name → version range):
// a name is resolved to the package locked under that name for the same
// framework (NuGet names compare without case), or, in a runtime-specific
// section ("net6.0/linux-x64"), for its framework ("net6.0"). Dependencies
// on projects, and on names not locked, are left out. A package locked for
// several frameworks depends on the union of its dependencies in each.
func ParseNuGetLock(ctx context.Context, r io.Reader) (*extract.Result, error) {
	var doc struct {
		Version      *int                                  `json:"version"`
		Dependencies map[string]map[string]json.RawMessage `json:"dependencies"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("decoding JSON: %w", err)
	}
	if doc.Version == nil || doc.Dependencies == nil {
		return nil, errors.New(`no "version" or "dependencies": not a packages.lock.json`)
	}
	l := &nugetLock{res: &extract.Result{}, index: map[string]int{}, locked: map[string]map[string]int{}}
	n := 0
	for _, fw := range sortedKeys(doc.Dependencies) {
		deps := doc.Dependencies[fw]
		for _, name := range sortedKeys(deps) {
			if n++; n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			if !l.add(fw, name, deps[name]) {
				return l.finish(), nil
			}
		}
	}
	return l.finish(), nil
}

// nugetLock collects the packages of a packages.lock.json and the
// dependency entries to resolve once all are read.
type nugetLock struct {
	res    *extract.Result
	index  map[string]int            // lower-case "name/version" → position in res.Packages
	locked map[string]map[string]int // framework → lower-case name → position in res.Packages
	edges  []nugetEdges
}

// nugetEdges are the dependency names of the entry of a package for a
// framework.
type nugetEdges struct {
	framework string
	pkg       int
	names     []string
}

// add reads the entry of name for the framework fw. It returns false when
// the package limit is reached.
func (l *nugetLock) add(fw, name string, raw json.RawMessage) bool {
	var e struct {
		Type     string `json:"type"`
		Resolved string `json:"resolved"`
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		l.res.Warnings = append(l.res.Warnings, fmt.Sprintf("%s: package %q: %v; skipped", clip(fw), clip(name), err))
		return true
	}
	if strings.EqualFold(e.Type, "Project") {
		return true
	}
	if name == "" || e.Resolved == "" {
		l.res.Warnings = append(l.res.Warnings, fmt.Sprintf("%s: package %q has no resolved version; skipped", clip(fw), clip(name)))
		return true
	}
	rel := model.RelationIndirect
	if strings.EqualFold(e.Type, "Direct") {
		rel = model.RelationDirect
	}
	key := strings.ToLower(name) + "/" + strings.ToLower(e.Resolved)
	i, ok := l.index[key]
	switch {
	case ok:
		if rel == model.RelationDirect {
			l.res.Packages[i].Relation = rel
		}
	case len(l.res.Packages) >= maxPackages:
		l.res.Warnings = append(l.res.Warnings, fmt.Sprintf("more than %d packages; the rest skipped", maxPackages))
		return false
	default:
		p := newPackage(name, e.Resolved)
		p.Relation = rel
		i = len(l.res.Packages)
		l.index[key] = i
		l.res.Packages = append(l.res.Packages, p)
	}
	if l.locked[fw] == nil {
		l.locked[fw] = map[string]int{}
	}
	l.locked[fw][strings.ToLower(name)] = i
	if names := dependencyNames(raw); len(names) > 0 {
		l.edges = append(l.edges, nugetEdges{fw, i, names})
	}
	return true
}

// dependencyNames returns the names of an entry's "dependencies" object,
// nil when there is none or it does not parse.
func dependencyNames(raw json.RawMessage) []string {
	var e struct {
		Dependencies map[string]json.RawMessage `json:"dependencies"`
	}
	if json.Unmarshal(raw, &e) != nil {
		return nil
	}
	return sortedKeys(e.Dependencies)
}

// finish resolves the dependency entries into DependsOn and returns the
// result.
func (l *nugetLock) finish() *extract.Result {
	pkgs := l.res.Packages
	deps := make([][]string, len(pkgs))
	for _, e := range l.edges {
		base, _, _ := strings.Cut(e.framework, "/")
		for _, n := range e.names {
			n = strings.ToLower(n)
			j, ok := l.locked[e.framework][n]
			if !ok {
				j, ok = l.locked[base][n]
			}
			if ok && pkgs[j].PURL != pkgs[e.pkg].PURL {
				deps[e.pkg] = append(deps[e.pkg], pkgs[j].PURL)
			}
		}
	}
	for i := range pkgs {
		pkgs[i].DependsOn = extract.DependsOn(deps[i])
	}
	return l.res
}

func newPackage(name, version string) model.Package {
	return extract.LanguagePackage(model.TypeNuGet, name, version)
}

func locate(res *extract.Result, p string) *extract.Result { return res.Locate(p) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func clip(s string) string {
	const n = 60
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
