package javascript

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

// NPMLockName is the name of the npm lock file extractor.
const NPMLockName = "lang/npm-lock"

// NPMLock reads package-lock.json and npm-shrinkwrap.json.
//
// lockfileVersion 2 and 3 ("packages" keyed by node_modules path) give
// name (the real name for "npm:" aliases), version, dev, license, and direct
// dependencies: those the root package or a workspace declares, found where
// Node's module resolution would find them. "devOptional" packages are not
// dev: npm installs them without dev dependencies, as optional dependencies
// of production packages. Link entries (workspaces, `npm link`) and the
// workspace folders themselves are the project's own code and are skipped.
//
// lockfileVersion 1 (nested "dependencies") gives name (aliases resolved),
// version and dev, but not which dependencies are direct: the root's own
// dependencies are not in the file. "file:" entries are skipped as local;
// git and URL dependencies record no version and are skipped with a warning.
type NPMLock struct{}

var _ extract.Extractor = (*NPMLock)(nil)

// NewNPMLock returns the npm lock file extractor.
func NewNPMLock() *NPMLock { return &NPMLock{} }

// Name implements extract.Extractor.
func (*NPMLock) Name() string { return NPMLockName }

// Version implements extract.Extractor.
func (*NPMLock) Version() int { return 1 }

// Required implements extract.Extractor: package-lock.json and
// npm-shrinkwrap.json outside node_modules.
func (*NPMLock) Required(p string, _ fs.FileInfo) bool {
	b := baseName(p)
	return (b == "package-lock.json" || b == "npm-shrinkwrap.json") && !underNodeModules(p)
}

// Extract implements extract.Extractor.
func (*NPMLock) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	if n := in.Reader.Size(); n > MaxLockFileSize {
		return nil, fmt.Errorf("%s: %w: %d bytes, over %d", in.Path, errTooLarge, n, MaxLockFileSize)
	}
	res, err := ParseNPMLock(ctx, in.Reader)
	if err != nil {
		return nil, fmt.Errorf("parsing npm lock file %s: %w", in.Path, err)
	}
	for i := range res.Packages {
		res.Packages[i].Locations = []model.Location{{Path: in.Path}}
	}
	return res, nil
}

type npmLockFile struct {
	LockfileVersion int                        `json:"lockfileVersion"`
	Packages        map[string]*npmLockPackage `json:"packages"`
	Dependencies    map[string]*npmLockDep     `json:"dependencies"`
}

// npmLockPackage is an entry of "packages" (lockfileVersion 2 and 3).
type npmLockPackage struct {
	Name                 string            `json:"name"`
	Version              string            `json:"version"`
	Link                 bool              `json:"link"`
	Dev                  bool              `json:"dev"`
	License              json.RawMessage   `json:"license"`
	Dependencies         map[string]string `json:"dependencies"`
	DevDependencies      map[string]string `json:"devDependencies"`
	OptionalDependencies map[string]string `json:"optionalDependencies"`
	PeerDependencies     map[string]string `json:"peerDependencies"`
}

// npmLockDep is an entry of "dependencies" (lockfileVersion 1).
type npmLockDep struct {
	Version      string                 `json:"version"`
	Dev          bool                   `json:"dev"`
	Dependencies map[string]*npmLockDep `json:"dependencies"`
}

// ParseNPMLock reads a package-lock.json or npm-shrinkwrap.json. Entries of
// the wrong shape are skipped with a warning; a file that is not JSON, or
// not a JSON object, is an error.
func ParseNPMLock(ctx context.Context, r io.Reader) (*extract.Result, error) {
	data, err := readAll(r, MaxLockFileSize)
	if err != nil {
		return nil, err
	}
	// Decoding allocates per object member: bound the members (every one
	// has a ':' after its name) before decoding. Real lock files have one
	// ':' per 40 bytes, so this bound is never met below MaxLockFileSize.
	if n := bytes.Count(data, []byte{':'}); n > maxJSONMembers {
		return nil, fmt.Errorf("%w: %d JSON members, over %d", errTooLarge, n, maxJSONMembers)
	}
	c := newCollector()
	var lock npmLockFile
	if err := json.Unmarshal(data, &lock); err != nil {
		// A value of the wrong type leaves its field empty and decoding
		// goes on; the entry it belonged to is then skipped below.
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) || te.Field == "" {
			return nil, err
		}
		c.warnf("%s: %v", te.Field, err)
	}
	if lock.Packages != nil {
		err = npmPackages(ctx, c, lock.Packages)
	} else {
		err = npmDependencies(ctx, c, lock.Dependencies, new(int))
	}
	if err != nil {
		return nil, err
	}
	return &extract.Result{Packages: c.packages(), Warnings: c.allWarnings()}, nil
}

// npmPackages reads the "packages" map of lockfileVersion 2 and 3.
func npmPackages(ctx context.Context, c *collector, pkgs map[string]*npmLockPackage) error {
	direct := map[string]bool{}
	// Without the root entry, direct dependencies are unknown.
	c.relations = pkgs[""] != nil
	// Keys outside node_modules are the root ("") and workspace folders:
	// their dependencies are the direct ones.
	for key, p := range pkgs {
		if p == nil || underNodeModules(key+"/") {
			continue
		}
		for _, deps := range []map[string]string{p.Dependencies, p.DevDependencies, p.OptionalDependencies, p.PeerDependencies} {
			for name := range deps {
				if at := resolveNodeModule(pkgs, key, name); at != "" {
					direct[at] = true
				}
			}
		}
	}
	for n, key := range sortedKeys(pkgs) {
		if n%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		p := pkgs[key]
		if p == nil || !underNodeModules(key+"/") || p.Link {
			continue
		}
		name := p.Name
		if name == "" {
			name = key[strings.LastIndex(key, "node_modules/")+len("node_modules/"):]
		}
		if !validName(name) || !validVersion(p.Version) {
			c.warnf("packages[%q]: no valid name and version (%q, %q); skipped", clip(key), clip(name), clip(p.Version))
			continue
		}
		c.add(name, p.Version, p.Dev, direct[key], licenses(p.License, nil))
	}
	return nil
}

// resolveNodeModule returns the key of the package that Node finds for
// name required from the folder key, or "".
func resolveNodeModule(pkgs map[string]*npmLockPackage, from, name string) string {
	dir := from
	for {
		cand := "node_modules/" + name
		if dir != "" {
			cand = dir + "/" + cand
		}
		if _, ok := pkgs[cand]; ok {
			return cand
		}
		if dir == "" {
			return ""
		}
		dir = path.Dir(dir)
		if dir == "." || dir == "/" {
			dir = ""
		}
	}
}

// npmDependencies reads the nested "dependencies" of lockfileVersion 1.
// Nesting is bounded by the JSON decoder's depth limit.
func npmDependencies(ctx context.Context, c *collector, deps map[string]*npmLockDep, seen *int) error {
	for _, name := range sortedKeys(deps) {
		if *seen++; *seen%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		d := deps[name]
		if d == nil {
			continue
		}
		pkgName, version := name, d.Version
		switch {
		case strings.HasPrefix(version, "npm:"):
			// An alias: "npm:real-name@1.2.3".
			n, v, ok := splitNameAt(version[len("npm:"):])
			if !ok {
				c.warnf("dependencies[%q]: alias %q names no version; skipped", clip(name), clip(version))
				pkgName, version = "", ""
				break
			}
			pkgName, version = n, v
		case strings.HasPrefix(version, "file:"):
			pkgName, version = "", "" // local folder or tarball
		case strings.ContainsAny(version, ":/#"):
			c.warnf("dependencies[%q]: version %q is a git or URL source, not a released version; skipped", clip(name), clip(version))
			pkgName, version = "", ""
		}
		if pkgName != "" {
			if validName(pkgName) && validVersion(version) {
				c.add(pkgName, version, d.Dev, false, nil)
			} else {
				c.warnf("dependencies[%q]: no valid name and version (%q, %q); skipped", clip(name), clip(pkgName), clip(version))
			}
		}
		if err := npmDependencies(ctx, c, d.Dependencies, seen); err != nil {
			return err
		}
	}
	return nil
}

// licenses reads package.json license fields: "license" as a string or a
// {"type": ...} object, and the legacy "licenses" array of strings or
// objects. Values of other shapes are ignored.
func licenses(license, legacy json.RawMessage) []string {
	var out []string
	addStr := func(s string) {
		s = strings.TrimSpace(s)
		if s == "" || len(s) > maxVersionLen {
			return
		}
		for _, have := range out {
			if have == s {
				return
			}
		}
		out = append(out, s)
	}
	addOne := func(raw json.RawMessage) {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			addStr(s)
			return
		}
		var obj struct {
			Type json.RawMessage `json:"type"`
		}
		if json.Unmarshal(raw, &obj) == nil && obj.Type != nil && json.Unmarshal(obj.Type, &s) == nil {
			addStr(s)
		}
	}
	if len(license) > 0 {
		addOne(license)
	}
	if len(legacy) > 0 {
		var list []json.RawMessage
		if json.Unmarshal(legacy, &list) != nil {
			list = []json.RawMessage{legacy}
		}
		for i, raw := range list {
			if i >= maxLicenses {
				break
			}
			addOne(raw)
		}
	}
	return out
}
