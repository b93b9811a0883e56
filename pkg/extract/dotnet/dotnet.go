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
func (*Deps) Version() int { return 1 }

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
func (*NuGetLock) Version() int { return 1 }

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
	}
	return res, nil
}

// ParseNuGetLock reads a packages.lock.json: for each target framework
// (and runtime identifier), a map of package names to {"type", "resolved",
// ...}. Type "Direct" is RelationDirect; "Transitive" and
// "CentralTransitive" are RelationIndirect; "Project" entries are other
// projects of the solution and are not reported. A package locked for
// several frameworks is reported once per version, direct if it is direct
// for any of them. An entry that does not parse is skipped with a warning.
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
	res := &extract.Result{}
	index := map[string]int{} // "name/version" → position in res.Packages
	n := 0
	for _, fw := range sortedKeys(doc.Dependencies) {
		deps := doc.Dependencies[fw]
		for _, name := range sortedKeys(deps) {
			if n++; n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			var e struct {
				Type     string `json:"type"`
				Resolved string `json:"resolved"`
			}
			if err := json.Unmarshal(deps[name], &e); err != nil {
				res.Warnings = append(res.Warnings, fmt.Sprintf("%s: package %q: %v; skipped", clip(fw), clip(name), err))
				continue
			}
			if strings.EqualFold(e.Type, "Project") {
				continue
			}
			if name == "" || e.Resolved == "" {
				res.Warnings = append(res.Warnings, fmt.Sprintf("%s: package %q has no resolved version; skipped", clip(fw), clip(name)))
				continue
			}
			rel := model.RelationIndirect
			if strings.EqualFold(e.Type, "Direct") {
				rel = model.RelationDirect
			}
			key := strings.ToLower(name) + "/" + strings.ToLower(e.Resolved)
			if i, ok := index[key]; ok {
				if rel == model.RelationDirect {
					res.Packages[i].Relation = rel
				}
				continue
			}
			if len(res.Packages) >= maxPackages {
				res.Warnings = append(res.Warnings, fmt.Sprintf("more than %d packages; the rest skipped", maxPackages))
				return res, nil
			}
			p := newPackage(name, e.Resolved)
			p.Relation = rel
			index[key] = len(res.Packages)
			res.Packages = append(res.Packages, p)
		}
	}
	return res, nil
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
