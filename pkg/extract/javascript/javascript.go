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
//     node_modules/.pnpm store.
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
package javascript

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

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

// collector gathers the packages of one lock file, one per name@version.
type collector struct {
	index    map[string]int
	pkgs     []model.Package
	direct   []bool
	warnings []string
	dropped  int
	// relations is set when the file tells direct from indirect
	// dependencies.
	relations bool
}

func newCollector() *collector {
	return &collector{index: map[string]int{}}
}

// add records one occurrence of name@version. A package is dev only if
// every occurrence is, and direct if any is.
func (c *collector) add(name, version string, dev, direct bool, licenses []string) {
	key := name + "@" + version
	if i, ok := c.index[key]; ok {
		p := &c.pkgs[i]
		p.Dev = p.Dev && dev
		c.direct[i] = c.direct[i] || direct
		if len(p.Licenses) == 0 {
			p.Licenses = licenses
		}
		return
	}
	c.index[key] = len(c.pkgs)
	c.pkgs = append(c.pkgs, model.Package{Name: name, Version: version, Dev: dev, Licenses: licenses})
	c.direct = append(c.direct, direct)
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
	out := c.pkgs
	for i := range out {
		p := &out[i]
		p.Type = model.TypeNPM
		p.Ecosystem = model.LanguageEcosystem(model.TypeNPM)
		p.PURL = purl.For(*p, nil)
		if c.relations {
			p.Relation = model.RelationIndirect
			if c.direct[i] {
				p.Relation = model.RelationDirect
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Version < out[j].Version
	})
	return out
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
