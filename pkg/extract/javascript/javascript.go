// Package javascript extracts npm packages from JavaScript projects and
// installed trees:
//
//   - "lang/npm-lock": package-lock.json and npm-shrinkwrap.json,
//     lockfileVersion 1, 2 and 3;
//   - "lang/yarn-lock": yarn.lock of yarn 1 (its own format) and of yarn 2+
//     ("berry", YAML with __metadata);
//   - "lang/pnpm-lock": pnpm-lock.yaml, lockfileVersion 5.x, 6.x and 9.x;
//   - "lang/node-modules": the package.json of every installed package under
//     node_modules, in npm's and yarn's nested layout and pnpm's
//     node_modules/.pnpm store;
//   - "lang/npm-manifest": a project's own package.json, for the
//     dependencies it names (no packages): extract.Squash derives from it
//     the direct and development-only packages of the lock file beside it
//     when the lock does not record them (yarn 1, npm lockfileVersion 1).
//
// The lock file extractors skip every file under a node_modules directory:
// npm's hidden node_modules/.package-lock.json, pnpm's
// node_modules/.pnpm/lock.yaml and the shrinkwraps and lock files that
// published packages carry all describe an installed tree, which
// "lang/node-modules" reads package by package. Reading both would report
// every installed package twice.
//
// A lock file lists each name@version once in the result, however many
// times it is installed in the tree: it is a dev dependency only if every
// copy is, and direct if any copy is. Packages of the project itself
// (workspaces, npm links, yarn link:/portal: and pnpm link: dependencies)
// are not reported: they are local source, not released packages.
//
// The lock file extractors also record the resolved dependency graph:
// each package's DependsOn lists the purls of the packages of the same
// file it requires (all copies of a name@version together), as the
// package manager resolved them. Dependencies on the project's own code
// are left out with it. "lang/node-modules" records none: its graph spans
// files.
package javascript

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/purl"
)

// Limits.
const (
	// MaxLockFileSize is the largest lock file parsed. The lock file of a
	// large monorepo is tens of MiB; parsing costs a few times the size in
	// memory.
	MaxLockFileSize = 128 << 20
	// MaxPackageJSONSize is the largest installed package.json parsed (npm 2
	// to 4 copied the README into it).
	MaxPackageJSONSize = 8 << 20
	// maxJSONMembers bounds the members of a JSON lock file's objects, and
	// so the memory decoding it takes.
	maxJSONMembers = 4 << 20
	// maxWarnings bounds the warnings kept for one file; the rest are counted.
	maxWarnings = 50
	// maxNameLen and maxVersionLen bound names and versions taken from a
	// file (npm's own name limit is 214).
	maxNameLen    = 214
	maxVersionLen = 256
	// maxLicenses bounds the licenses read from one legacy "licenses" list.
	maxLicenses = 16
	// ctxEvery is how many entries are handled between checks of ctx.
	ctxEvery = 1024
)

// errTooLarge is returned (wrapped) for a file over its size limit.
var errTooLarge = errors.New("file too large")

// readAll reads r up to limit bytes; a longer input is an error.
func readAll(r io.Reader, limit int64) ([]byte, error) {
	if l, ok := r.(interface{ Len() int }); ok && int64(l.Len()) <= limit {
		// An in-memory reader (the walker's): read it in one go.
		data := make([]byte, l.Len())
		if _, err := io.ReadFull(r, data); err != nil {
			return nil, err
		}
		return data, nil
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: over %d bytes", errTooLarge, limit)
	}
	return data, nil
}

// underNodeModules reports whether p is inside a node_modules directory.
func underNodeModules(p string) bool {
	return strings.HasPrefix(p, "node_modules/") || strings.Contains(p, "/node_modules/")
}

// baseName returns the last element of a slash-separated path.
func baseName(p string) string {
	return p[strings.LastIndexByte(p, '/')+1:]
}

// splitNameAt splits "name@rest" or "@scope/name@rest" at the '@' after the
// name. ok is false when there is no such '@'.
func splitNameAt(s string) (name, rest string, ok bool) {
	if len(s) < 2 {
		return "", "", false
	}
	i := strings.IndexByte(s[1:], '@')
	if i < 0 {
		return "", "", false
	}
	return s[:i+1], s[i+2:], true
}

// validName reports whether s can be an npm package name: not empty, not
// too long, no spaces or control characters, and "@scope/name" when scoped.
func validName(s string) bool {
	if s == "" || len(s) > maxNameLen || !printable(s) {
		return false
	}
	if s[0] == '@' {
		scope, name, ok := strings.Cut(s[1:], "/")
		return ok && scope != "" && name != "" && !strings.Contains(name, "/")
	}
	return true
}

// validVersion reports whether s can be a version: not empty, not too long,
// no spaces or control characters.
func validVersion(s string) bool {
	return s != "" && len(s) <= maxVersionLen && printable(s)
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f {
			return false
		}
	}
	return true
}

// collector gathers the packages of one lock file, one per name@version,
// and the dependencies between them.
type collector struct {
	index    map[string]int
	entries  []collected
	edges    []depEdge
	idEdges  []depIDEdge
	warnings []string
	dropped  int
	// relations is set when the file tells direct from indirect
	// dependencies.
	relations bool
}

// collected is a package as collected, small until packages() makes it a
// model.Package.
type collected struct {
	name, version string
	licenses      []string
	dev, direct   bool
}

// depEdge says that package from (an index of entries) requires package
// to. Indexes are int32: a lock file has far fewer than 2³¹ packages.
type depEdge struct {
	from, to int32
}

// depIDEdge says that package from requires the package whose
// name@version is id, which need not be collected yet.
type depIDEdge struct {
	from int32
	id   string
}

func newCollector() *collector {
	return &collector{index: map[string]int{}}
}

// reserve makes room for n more packages, for a caller that knows about
// how many the file has.
func (c *collector) reserve(n int) {
	c.entries = slices.Grow(c.entries, n)
}

// add records one occurrence of name@version and returns its index. A
// package is dev only if every occurrence is, and direct if any is.
func (c *collector) add(name, version string, dev, direct bool, licenses []string) int {
	key := name + "@" + version
	if i, ok := c.index[key]; ok {
		e := &c.entries[i]
		e.dev = e.dev && dev
		e.direct = e.direct || direct
		if len(e.licenses) == 0 {
			e.licenses = licenses
		}
		return i
	}
	i := len(c.entries)
	c.index[key] = i
	c.entries = append(c.entries, collected{name: name, version: version, licenses: licenses, dev: dev, direct: direct})
	return i
}

// dependsOn records that the package at index from (as add returned it)
// requires the package at index to. The dependencies of all occurrences
// of a name@version add up.
func (c *collector) dependsOn(from, to int) {
	c.edges = append(c.edges, depEdge{int32(from), int32(to)})
}

// dependsOnID records that the package at index from requires the
// package name@version id. A dependency on a package the file does not
// list (or that was skipped) is left out when the packages are completed.
func (c *collector) dependsOnID(from int, id string) {
	c.idEdges = append(c.idEdges, depIDEdge{int32(from), id})
}

// warnf records a problem with part of the file.
func (c *collector) warnf(format string, args ...any) {
	if len(c.warnings) >= maxWarnings {
		c.dropped++
		return
	}
	msg := fmt.Sprintf(format, args...)
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	c.warnings = append(c.warnings, msg)
}

// packages completes and sorts the collected packages.
func (c *collector) packages() []model.Package {
	if len(c.entries) == 0 {
		return nil
	}
	out := make([]model.Package, len(c.entries))
	for i, e := range c.entries {
		p := &out[i]
		p.Name, p.Version, p.Dev, p.Licenses = e.name, e.version, e.dev, e.licenses
		p.Type = model.TypeNPM
		p.Ecosystem = model.LanguageEcosystem(model.TypeNPM)
		p.PURL = purl.For(*p, nil)
		if c.relations {
			p.Relation = model.RelationIndirect
			if e.direct {
				p.Relation = model.RelationDirect
			}
		}
	}
	c.linkDependencies(out)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Version < out[j].Version
	})
	return out
}

// linkDependencies sets the DependsOn of every package of out (in the
// order collected) from the recorded edges, naming each dependency by the
// purl of its own package. Edges to packages not collected, and from a
// package to itself (two copies of one name@version), are left out.
func (c *collector) linkDependencies(out []model.Package) {
	for _, e := range c.idEdges {
		if to, ok := c.index[e.id]; ok {
			c.edges = append(c.edges, depEdge{e.from, int32(to)})
		}
	}
	if len(c.edges) == 0 {
		return
	}
	// Group the edges by package (a counting sort), then name each
	// group's packages by their purls.
	start := make([]int32, len(out)+1)
	for _, e := range c.edges {
		start[e.from+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	to := make([]int32, len(c.edges))
	next := slices.Clone(start[:len(out)])
	for _, e := range c.edges {
		to[next[e.from]] = e.to
		next[e.from]++
	}
	var purls []string
	for i := range out {
		purls = purls[:0]
		for _, j := range to[start[i]:start[i+1]] {
			if int(j) != i {
				purls = append(purls, out[j].PURL)
			}
		}
		out[i].DependsOn = extract.DependsOn(purls)
	}
}

// allWarnings returns the warnings, with a count of those left out.
func (c *collector) allWarnings() []string {
	if c.dropped > 0 {
		return append(c.warnings, fmt.Sprintf("%d more warnings left out", c.dropped))
	}
	return c.warnings
}

// sortedKeys returns the keys of m in order, so that warnings and merges
// do not depend on map iteration order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// localProtocol reports whether a dependency specifier or resolution names
// the project's own code rather than a released package.
func localProtocol(s string) bool {
	for _, p := range []string{"link:", "portal:", "workspace:"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
