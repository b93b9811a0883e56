package javascript

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

// PNPMLockName is the name of the pnpm lock file extractor.
const PNPMLockName = "lang/pnpm-lock"

// PNPMLock reads pnpm-lock.yaml, lockfileVersion 5.x (pnpm 3 to 7, keys
// "/name/1.2.3_peer@2.0.0"), 6.x (pnpm 8, "/name@1.2.3(peer@2.0.0)") and
// 9.x (pnpm 9 and 10, "name@1.2.3" with the dependency graph in
// "snapshots").
//
// Direct dependencies are those of the importers (the root and each
// workspace project). Dev is pnpm's own "dev: true" in 5.x and 6.x; 9.x
// drops the field, so it is worked out from the graph: a package is dev when
// it is reached from devDependencies and not from dependencies or
// optionalDependencies. Aliases are reported under the real name; link:
// dependencies (workspace projects) are skipped.
//
// DependsOn holds the packages a package's entry in the graph (packages
// in 5.x and 6.x, snapshots in 9.x) lists as dependencies and optional
// dependencies, resolved peers included, with the peer suffix of the
// reference dropped as for the package itself.
type PNPMLock struct{}

var _ extract.Extractor = (*PNPMLock)(nil)

// NewPNPMLock returns the pnpm lock file extractor.
func NewPNPMLock() *PNPMLock { return &PNPMLock{} }

// Name implements extract.Extractor.
func (*PNPMLock) Name() string { return PNPMLockName }

// Version implements extract.Extractor. 2: DependsOn.
func (*PNPMLock) Version() int { return 2 }

// Required implements extract.Extractor: pnpm-lock.yaml outside node_modules.
func (*PNPMLock) Required(p string, _ fs.FileInfo) bool {
	return baseName(p) == "pnpm-lock.yaml" && !underNodeModules(p)
}

// Extract implements extract.Extractor.
func (*PNPMLock) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	if n := in.Reader.Size(); n > MaxLockFileSize {
		return nil, fmt.Errorf("%s: %w: %d bytes, over %d", in.Path, errTooLarge, n, MaxLockFileSize)
	}
	res, err := ParsePNPMLock(ctx, in.Reader)
	if err != nil {
		return nil, fmt.Errorf("parsing pnpm-lock.yaml %s: %w", in.Path, err)
	}
	for i := range res.Packages {
		res.Packages[i].Locations = []model.Location{{Path: in.Path}}
	}
	return res, nil
}

// pnpmRef is an importer's dependency: "1.2.3" in 5.x, {specifier,
// version} in 6.x and 9.x.
type pnpmRef string

// UnmarshalYAML implements yaml.Unmarshaler.
func (r *pnpmRef) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*r = pnpmRef(n.Value)
		return nil
	case yaml.MappingNode:
		var v struct {
			Version string `yaml:"version"`
		}
		if err := n.Decode(&v); err != nil {
			return err
		}
		*r = pnpmRef(v.Version)
		return nil
	}
	return fmt.Errorf("line %d: dependency is neither a version nor a mapping", n.Line)
}

type pnpmImporter struct {
	Dependencies         map[string]pnpmRef `yaml:"dependencies"`
	DevDependencies      map[string]pnpmRef `yaml:"devDependencies"`
	OptionalDependencies map[string]pnpmRef `yaml:"optionalDependencies"`
}

type pnpmPackage struct {
	Name                 string            `yaml:"name"`
	Version              string            `yaml:"version"`
	Dev                  *bool             `yaml:"dev"`
	Dependencies         map[string]string `yaml:"dependencies"`
	OptionalDependencies map[string]string `yaml:"optionalDependencies"`
}

// pnpmDoc is one pnpm lock file document, decoded entry by entry.
type pnpmDoc struct {
	major     int
	importers map[string]*pnpmImporter
	packages  map[string]*pnpmPackage
	// snapshots holds the graph in 9.x (packages' own dependencies before).
	snapshots map[string]*pnpmPackage
}

// ParsePNPMLock reads a pnpm-lock.yaml. Entries of the wrong shape are
// skipped with a warning; a file that is not YAML, has no lockfileVersion,
// or uses YAML aliases is an error.
func ParsePNPMLock(ctx context.Context, r io.Reader) (*extract.Result, error) {
	data, err := readAll(r, MaxLockFileSize)
	if err != nil {
		return nil, err
	}
	docs, err := decodeYAML(data)
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("empty file")
	}
	c := newCollector()
	for i, n := range docs {
		doc, err := readPNPMDoc(ctx, c, n)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i+1, err)
		}
		if err := pnpmPackages(ctx, c, doc); err != nil {
			return nil, err
		}
	}
	return &extract.Result{Packages: c.packages(), Warnings: c.allWarnings()}, nil
}

// readPNPMDoc decodes the parts of a document that matter, each entry on
// its own so that one bad entry costs only itself.
func readPNPMDoc(ctx context.Context, c *collector, n *yaml.Node) (*pnpmDoc, error) {
	if n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("not a mapping")
	}
	doc := &pnpmDoc{
		importers: map[string]*pnpmImporter{},
		packages:  map[string]*pnpmPackage{},
	}
	var (
		version string
		single  pnpmImporter // 5.x and 6.x lock files of one project
	)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "lockfileVersion":
			version = v.Value
		case "importers":
			err := eachEntry(ctx, c, "importers", v, func(key string, e *yaml.Node) error {
				var imp pnpmImporter
				if err := e.Decode(&imp); err != nil {
					return err
				}
				doc.importers[key] = &imp
				return nil
			})
			if err != nil {
				return nil, err
			}
		case "dependencies", "devDependencies", "optionalDependencies":
			var deps map[string]pnpmRef
			if err := v.Decode(&deps); err != nil {
				c.warnf("line %d: %s: %v; skipped", k.Line, k.Value, err)
				continue
			}
			switch k.Value {
			case "dependencies":
				single.Dependencies = deps
			case "devDependencies":
				single.DevDependencies = deps
			default:
				single.OptionalDependencies = deps
			}
			doc.importers["."] = &single
		case "packages", "snapshots":
			m := map[string]*pnpmPackage{}
			err := eachEntry(ctx, c, k.Value, v, func(key string, e *yaml.Node) error {
				var p pnpmPackage
				if err := e.Decode(&p); err != nil {
					return err
				}
				m[key] = &p
				return nil
			})
			if err != nil {
				return nil, err
			}
			if k.Value == "packages" {
				doc.packages = m
			} else {
				doc.snapshots = m
			}
		}
	}
	if version == "" {
		return nil, fmt.Errorf("no lockfileVersion: not a pnpm lock file")
	}
	major, _, _ := strings.Cut(strings.TrimPrefix(version, "v"), ".")
	m, err := strconv.Atoi(major)
	if err != nil || m < 5 {
		return nil, fmt.Errorf("lockfileVersion %q: %w", clip(version), extract.ErrNotSupported)
	}
	doc.major = m
	return doc, nil
}

// eachEntry calls f for each key and value of the mapping n, warning about
// (and skipping) the entries f cannot decode.
func eachEntry(ctx context.Context, c *collector, what string, n *yaml.Node, f func(string, *yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		if n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || n.Value == "") {
			return nil
		}
		c.warnf("line %d: %s is not a mapping; skipped", n.Line, what)
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if i/2%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		k, v := n.Content[i], n.Content[i+1]
		if err := f(k.Value, v); err != nil {
			c.warnf("line %d: %s[%q]: %v; skipped", k.Line, what, clip(k.Value), err)
		}
	}
	return nil
}

// pnpmPackages adds the packages of one document.
func pnpmPackages(ctx context.Context, c *collector, doc *pnpmDoc) error {
	graph := doc.snapshots
	if graph == nil {
		graph = doc.packages
	}
	// Roots: every importer's dependencies. They are the direct
	// dependencies; what they reach is prod or dev.
	var prodRoots, devRoots []string
	direct := map[string]bool{}
	for _, name := range sortedKeys(doc.importers) {
		imp := doc.importers[name]
		c.relations = true
		for _, set := range []struct {
			deps map[string]pnpmRef
			dev  bool
		}{{imp.Dependencies, false}, {imp.OptionalDependencies, false}, {imp.DevDependencies, true}} {
			for dep, ref := range set.deps {
				key := pnpmRefKey(doc.major, dep, string(ref))
				if key == "" {
					continue
				}
				direct[pnpmID(doc.major, key)] = true
				if set.dev {
					devRoots = append(devRoots, key)
				} else {
					prodRoots = append(prodRoots, key)
				}
			}
		}
	}
	prod, err := pnpmReach(ctx, doc.major, graph, prodRoots)
	if err != nil {
		return err
	}
	dev, err := pnpmReach(ctx, doc.major, graph, devRoots)
	if err != nil {
		return err
	}
	c.reserve(len(doc.packages))
	index := make(map[string]int, len(doc.packages)) // pnpmID → collector index
	for n, key := range sortedKeys(doc.packages) {
		if n%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		p := doc.packages[key]
		name, version, _ := pnpmKeyNameVersion(doc.major, key)
		if p.Name != "" {
			name = p.Name
		}
		if p.Version != "" {
			version = p.Version
		}
		if localProtocol(version) {
			continue
		}
		if !validName(name) || !validVersion(version) || strings.Contains(version, ":") {
			c.warnf("packages[%q]: no valid name and version (%q, %q); skipped", clip(key), clip(name), clip(version))
			continue
		}
		id := pnpmID(doc.major, key)
		isDev := dev[id] && !prod[id]
		if p.Dev != nil {
			isDev = *p.Dev
		}
		index[id] = c.add(name, version, isDev, direct[id], nil)
	}
	return pnpmGraph(ctx, c, doc.major, graph, index)
}

// pnpmGraph records the dependencies of the packages: each entry of the
// graph (packages in 5.x and 6.x, snapshots in 9.x) maps the names of its
// dependencies and optional dependencies to references, which resolved
// peers are among. Every peer variant of a package ("1.0.0(react@18.2.0)",
// "1.0.0_react@18.2.0") is that package, and their dependencies add up.
// index maps pnpmID to the collector index of the packages reported.
func pnpmGraph(ctx context.Context, c *collector, major int, graph map[string]*pnpmPackage, index map[string]int) error {
	n := 0
	for key, p := range graph {
		if n++; n%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		from, ok := index[pnpmID(major, key)]
		if p == nil || !ok {
			continue
		}
		for _, deps := range []map[string]string{p.Dependencies, p.OptionalDependencies} {
			for dep, ref := range deps {
				k := pnpmRefKey(major, dep, ref)
				if k == "" {
					continue
				}
				if to, ok := index[pnpmID(major, k)]; ok {
					c.dependsOn(from, to)
				}
			}
		}
	}
	return nil
}

// pnpmReach returns the IDs of the packages reached from roots.
func pnpmReach(ctx context.Context, major int, graph map[string]*pnpmPackage, roots []string) (map[string]bool, error) {
	seen := map[string]bool{}
	ids := map[string]bool{}
	stack := append([]string(nil), roots...)
	for steps := 0; len(stack) > 0; steps++ {
		if steps%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		key := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[key] {
			continue
		}
		seen[key] = true
		ids[pnpmID(major, key)] = true
		p := graph[key]
		if p == nil {
			continue
		}
		for _, deps := range []map[string]string{p.Dependencies, p.OptionalDependencies} {
			for dep, ref := range deps {
				if k := pnpmRefKey(major, dep, ref); k != "" && !seen[k] {
					stack = append(stack, k)
				}
			}
		}
	}
	return ids, nil
}

// pnpmRefKey turns a dependency reference into the key of the package (9.x:
// of the snapshot) it points to, as pnpm's refToRelative does; "" for
// link: references.
func pnpmRefKey(major int, name, ref string) string {
	switch {
	case ref == "", strings.HasPrefix(ref, "link:"):
		return ""
	case strings.HasPrefix(ref, "file:"):
		return ref
	}
	if major >= 7 {
		if strings.HasPrefix(ref, "@") {
			return ref
		}
		at := strings.IndexByte(ref, '@')
		if at < 0 {
			return name + "@" + ref
		}
		colon, paren := strings.IndexByte(ref, ':'), strings.IndexByte(ref, '(')
		if (colon < 0 || at < colon) && (paren < 0 || at < paren) {
			return ref // an alias: "real-name@1.2.3"
		}
		return name + "@" + ref
	}
	if strings.Contains(stripPeers(ref), "/") {
		return ref // an alias ("/real-name/1.2.3") or a non-registry key
	}
	if major == 5 {
		return "/" + name + "/" + ref
	}
	return "/" + name + "@" + ref
}

// stripPeers removes a peer suffix "(peer@1.0.0)..." from a reference.
func stripPeers(ref string) string {
	if i := strings.IndexByte(ref, '('); i >= 0 {
		return ref[:i]
	}
	return ref
}

// pnpmKeyNameVersion reads name and version from a packages key:
// "/name/1.2.3_peers" (5.x), "/name@1.2.3(peers)" (6.x), "name@1.2.3(peers)"
// (9.x), scoped names included.
func pnpmKeyNameVersion(major int, key string) (name, version string, ok bool) {
	k := key
	if major < 7 {
		k = strings.TrimPrefix(k, "/")
	}
	if major == 5 {
		parts := strings.Split(k, "/")
		switch {
		case len(parts) == 3 && strings.HasPrefix(parts[0], "@"):
			name, version = parts[0]+"/"+parts[1], parts[2]
		case len(parts) == 2 && !strings.HasPrefix(parts[0], "@"):
			name, version = parts[0], parts[1]
		default:
			return "", "", false
		}
		// The peer suffix starts with '_', which versions do not contain.
		if i := strings.IndexByte(version, '_'); i >= 0 {
			version = version[:i]
		}
		return name, version, name != "" && version != ""
	}
	name, version, ok = splitNameAt(stripPeers(k))
	return name, version, ok && version != ""
}

// pnpmID identifies a package across the peer variants of its key.
func pnpmID(major int, key string) string {
	if name, version, ok := pnpmKeyNameVersion(major, key); ok {
		return name + "@" + version
	}
	return key
}
