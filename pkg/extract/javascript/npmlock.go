package javascript

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
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
// DependsOn holds each package's dependencies, optionalDependencies and
// peerDependencies as Node resolves them from the package's key: the
// nearest node_modules/NAME walking up the folders (npmFolderTree). Those
// not installed (optional, unmet peers) and those found at a link (the
// project's own code) are left out.
//
// lockfileVersion 1 (nested "dependencies") gives name (aliases resolved),
// version and dev, but not which dependencies are direct: the root's own
// dependencies are not in the file. "file:" entries are skipped as local;
// git and URL dependencies record no version and are skipped with a warning.
// DependsOn holds the entries each entry "requires", found by the same
// nearest-ancestor rule in the nested tree.
type NPMLock struct{}

var _ extract.Extractor = (*NPMLock)(nil)

// NewNPMLock returns the npm lock file extractor.
func NewNPMLock() *NPMLock { return &NPMLock{} }

// Name implements extract.Extractor.
func (*NPMLock) Name() string { return NPMLockName }

// Version implements extract.Extractor. 2: DependsOn.
func (*NPMLock) Version() int { return 2 }

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
	Version string `json:"version"`
	Dev     bool   `json:"dev"`
	// Requires maps the names of the package's dependencies (its
	// dependencies and optionalDependencies) to their ranges.
	Requires     map[string]string      `json:"requires"`
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
		err = npmDependencies(ctx, c, lock.Dependencies)
	}
	if err != nil {
		return nil, err
	}
	return &extract.Result{Packages: c.packages(), Warnings: c.allWarnings()}, nil
}

// npmPackages reads the "packages" map of lockfileVersion 2 and 3.
func npmPackages(ctx context.Context, c *collector, pkgs map[string]*npmLockPackage) error {
	keys := sortedKeys(pkgs)
	// Without the root entry, direct dependencies are unknown.
	c.relations = pkgs[""] != nil
	direct, required, err := npmResolve(ctx, pkgs, keys)
	if err != nil {
		return err
	}
	c.reserve(len(keys))
	index := make([]int, len(keys)) // collector index of keys[k], or -1
	for k, key := range keys {
		if k%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		index[k] = npmAdd(c, key, pkgs[key], direct[k])
	}
	// A dependency found at a link (a workspace, an `npm link`ed folder)
	// is the project's own code, which is not reported: it is left out.
	for _, e := range required {
		if from, to := index[e.from], index[e.to]; from >= 0 && to >= 0 {
			c.dependsOn(from, to)
		}
	}
	return nil
}

// npmResolve resolves the dependencies of every entry of pkgs (keys sorted)
// as Node does. The entries outside node_modules are the root ("") and
// workspace folders: what their dependencies (dev ones too) resolve to is
// direct (by index of keys). The others are installed packages, which
// record no devDependencies: required holds what their dependencies,
// optionalDependencies and peerDependencies resolve to, as pairs of
// indexes of keys. An optional or peer dependency that is not installed is
// not found.
func npmResolve(ctx context.Context, pkgs map[string]*npmLockPackage, keys []string) (direct []bool, required []depEdge, err error) {
	direct = make([]bool, len(keys))
	err = newNPMFolderTree(keys).walk(ctx, func(k int32, resolve func(string) int32) {
		p := pkgs[keys[k]]
		if p == nil {
			return
		}
		if !underNodeModules(keys[k] + "/") {
			for _, deps := range []map[string]string{p.Dependencies, p.DevDependencies, p.OptionalDependencies, p.PeerDependencies} {
				for name := range deps {
					if at := resolve(name); at >= 0 {
						direct[at] = true
					}
				}
			}
			return
		}
		for _, deps := range []map[string]string{p.Dependencies, p.OptionalDependencies, p.PeerDependencies} {
			for name := range deps {
				if at := resolve(name); at >= 0 {
					required = append(required, depEdge{k, at})
				}
			}
		}
	})
	return direct, required, err
}

// npmAdd adds the package of the entry at key, if it is one, and returns
// its collector index, or -1.
func npmAdd(c *collector, key string, p *npmLockPackage, direct bool) int {
	if p == nil || !underNodeModules(key+"/") || p.Link {
		return -1
	}
	name := p.Name
	if name == "" {
		name = key[strings.LastIndex(key, "node_modules/")+len("node_modules/"):]
	}
	if !validName(name) || !validVersion(p.Version) {
		c.warnf("packages[%q]: no valid name and version (%q, %q); skipped", clip(key), clip(name), clip(p.Version))
		return -1
	}
	return c.add(name, p.Version, p.Dev, direct, licenses(p.License, nil))
}

// npmFolderTree is the folder tree of the keys of a "packages" map, for
// Node's module resolution: a package required by name from a folder is
// the nearest folder/node_modules/name, walking up from the folder itself
// and skipping folders named node_modules. A workspace's packages are
// found from its real folder ("packages/util"), not from its link in
// node_modules, as Node finds them (it resolves symlinks). A folder
// outside the project ("../lib", a linked package) does not see the
// project's node_modules.
//
// walk visits the folders depth first with the packages in scope kept in
// one map, so resolving costs a map lookup per dependency however deep the
// tree: a crafted lock file with deeply nested keys costs time linear in
// its size. Indexes are int32: a lock file has fewer than 2³¹ keys.
type npmFolderTree struct {
	folders []npmFolder
	modules []npmModule
	roots   []int32
}

// npmFolder is a folder of the tree.
type npmFolder struct {
	// key is the index of the key naming this folder, or -1.
	key int32
	// child and next link the subfolders: the first one, and the next
	// subfolder of the same parent; -1 ends.
	child, next int32
	// modules is the first package of the folder's node_modules in
	// npmFolderTree.modules, or -1.
	modules int32
	// nodeModules is set for a folder named node_modules, where Node
	// does not look for a node_modules folder.
	nodeModules bool
}

// npmModule is a package installed in a folder's node_modules.
type npmModule struct {
	name string
	key  int32
	next int32 // the folder's next package, or -1
}

// npmFolderRef names a subfolder for building the tree.
type npmFolderRef struct {
	parent int32
	name   string
}

// newNPMFolderTree builds the folder tree of keys.
func newNPMFolderTree(keys []string) *npmFolderTree {
	t := &npmFolderTree{folders: []npmFolder{{key: -1, child: -1, next: -1, modules: -1}}, roots: []int32{0}}
	ids := make(map[npmFolderRef]int32, len(keys)+len(keys)/2)
	for k, key := range keys {
		f, owner, nameAt := int32(0), int32(-1), 0
		for off := 0; key != "" && off <= len(key); {
			end := strings.IndexByte(key[off:], '/')
			if end < 0 {
				end = len(key)
			} else {
				end += off
			}
			if end < len(key) && key[off:end] == "node_modules" {
				owner, nameAt = f, end+1
			}
			f = t.subfolder(ids, f, key[off:end])
			off = end + 1
		}
		t.folders[f].key = int32(k)
		if owner >= 0 && !t.folders[owner].nodeModules && moduleName(key[nameAt:]) {
			t.modules = append(t.modules, npmModule{name: key[nameAt:], key: int32(k), next: t.folders[owner].modules})
			t.folders[owner].modules = int32(len(t.modules) - 1)
		}
	}
	return t
}

// subfolder returns the folder name of parent, adding it if new. ".."
// starts a tree of its own: Node does not look into the project from
// outside it.
func (t *npmFolderTree) subfolder(ids map[npmFolderRef]int32, parent int32, name string) int32 {
	ref := npmFolderRef{parent, name}
	if f, ok := ids[ref]; ok {
		return f
	}
	f := int32(len(t.folders))
	ids[ref] = f
	sub := npmFolder{key: -1, child: -1, next: -1, modules: -1, nodeModules: name == "node_modules"}
	if name == ".." {
		t.roots = append(t.roots, f)
	} else {
		sub.next = t.folders[parent].child
		t.folders[parent].child = f
	}
	t.folders = append(t.folders, sub)
	return f
}

// moduleName reports whether s, the path below a node_modules folder,
// names a package there: "name" or "@scope/name".
func moduleName(s string) bool {
	i := strings.IndexByte(s, '/')
	if i < 0 {
		return s != ""
	}
	return s[0] == '@' && i > 1 && i < len(s)-1 && !strings.Contains(s[i+1:], "/")
}

// npmStep is a step of the walk of a folder tree: enter the folder, or,
// with mark >= 0, leave it, restoring the scope entries saved from mark on.
type npmStep struct {
	folder, mark int32
}

// npmShadowedKey is a scope entry shadowed by a nearer one.
type npmShadowedKey struct {
	name string
	key  int32 // -1: the name was not in scope
}

// walk calls visit for every key of the tree, with a function that returns
// the index of the key Node finds for a name required from that key's
// folder, or -1.
func (t *npmFolderTree) walk(ctx context.Context, visit func(key int32, resolve func(name string) int32)) error {
	var (
		scope   = make(map[string]int32, len(t.modules))
		saved   = make([]npmShadowedKey, 0, len(t.modules))
		stack   = make([]npmStep, 0, 64)
		resolve = func(name string) int32 {
			if k, ok := scope[name]; ok {
				return k
			}
			return -1
		}
	)
	for _, r := range t.roots {
		stack = append(stack, npmStep{r, -1})
	}
	for n := 0; len(stack) > 0; n++ {
		if n%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if s.mark >= 0 {
			for i := len(saved) - 1; i >= int(s.mark); i-- {
				if saved[i].key < 0 {
					delete(scope, saved[i].name)
				} else {
					scope[saved[i].name] = saved[i].key
				}
			}
			saved = saved[:s.mark]
			continue
		}
		f := &t.folders[s.folder]
		stack = append(stack, npmStep{s.folder, int32(len(saved))})
		for m := f.modules; m >= 0; m = t.modules[m].next {
			name := t.modules[m].name
			prev, ok := scope[name]
			if !ok {
				prev = -1
			}
			saved = append(saved, npmShadowedKey{name, prev})
			scope[name] = t.modules[m].key
		}
		if f.key >= 0 {
			visit(f.key, resolve)
		}
		for c := f.child; c >= 0; c = t.folders[c].next {
			stack = append(stack, npmStep{c, -1})
		}
	}
	return nil
}

// npmDependencies reads the nested "dependencies" of lockfileVersion 1,
// with the packages each entry's "requires" names: the nearest entry of
// that name in its own dependencies or those of an ancestor, as Node
// resolves the nested node_modules the tree stands for. Nesting is bounded
// by the JSON decoder's depth limit; the names in scope are kept in one
// map, so each requirement costs a lookup however deep the tree.
func npmDependencies(ctx context.Context, c *collector, deps map[string]*npmLockDep) error {
	w := &npmV1Walk{c: c, scope: map[string]string{}}
	w.enter(deps)
	return w.walk(ctx, deps)
}

// npmV1Walk is the state of a walk of a lockfileVersion 1 tree.
type npmV1Walk struct {
	c    *collector
	seen int
	// scope maps each name in scope to the name@version it is reported
	// as, or "" when it is not reported.
	scope map[string]string
	// saved holds the scope entries shadowed by those of the levels
	// entered, to restore on leaving them.
	saved []npmShadowed
}

type npmShadowed struct {
	name, id string
	ok       bool // name was in scope
}

// enter brings the entries of deps into scope, shadowing those of the
// same names further up, and returns the mark to leave with.
func (w *npmV1Walk) enter(deps map[string]*npmLockDep) int {
	mark := len(w.saved)
	for name, d := range deps {
		prev, ok := w.scope[name]
		w.saved = append(w.saved, npmShadowed{name, prev, ok})
		id := ""
		if d != nil {
			if n, v, problem := npmV1Package(name, d.Version); n != "" && problem == "" {
				id = n + "@" + v
			}
		}
		w.scope[name] = id
	}
	return mark
}

// leave restores the scope to what it was before the enter that returned
// mark.
func (w *npmV1Walk) leave(mark int) {
	for i := len(w.saved) - 1; i >= mark; i-- {
		if sh := w.saved[i]; sh.ok {
			w.scope[sh.name] = sh.id
		} else {
			delete(w.scope, sh.name)
		}
	}
	w.saved = w.saved[:mark]
}

// walk adds the entries of deps, whose names are in scope, and those
// nested below them.
func (w *npmV1Walk) walk(ctx context.Context, deps map[string]*npmLockDep) error {
	for _, name := range sortedKeys(deps) {
		if w.seen++; w.seen%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		d := deps[name]
		if d == nil {
			continue
		}
		from := -1
		pkgName, version, problem := npmV1Package(name, d.Version)
		switch {
		case problem != "":
			w.c.warnf("dependencies[%q]: %s; skipped", clip(name), problem)
		case pkgName != "":
			from = w.c.add(pkgName, version, d.Dev, false, nil)
		}
		mark := w.enter(d.Dependencies)
		if from >= 0 {
			for req := range d.Requires {
				if id := w.scope[req]; id != "" {
					w.c.dependsOnID(from, id)
				}
			}
		}
		err := w.walk(ctx, d.Dependencies)
		w.leave(mark)
		if err != nil {
			return err
		}
	}
	return nil
}

// npmV1Package returns the package a lockfileVersion 1 entry named name
// with version stands for: the real name of an alias ("npm:real@1.2.3").
// pkgName is "" for a local folder or tarball ("file:"), which is not
// reported; problem says why any other entry cannot be reported.
func npmV1Package(name, version string) (pkgName, pkgVersion, problem string) {
	switch {
	case strings.HasPrefix(version, "npm:"):
		n, v, ok := splitNameAt(version[len("npm:"):])
		if !ok {
			return "", "", fmt.Sprintf("alias %q names no version", clip(version))
		}
		name, version = n, v
	case strings.HasPrefix(version, "file:"):
		return "", "", ""
	case strings.ContainsAny(version, ":/#"):
		return "", "", fmt.Sprintf("version %q is a git or URL source, not a released version", clip(version))
	}
	if !validName(name) || !validVersion(version) {
		return "", "", fmt.Sprintf("no valid name and version (%q, %q)", clip(name), clip(version))
	}
	return name, version, ""
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
