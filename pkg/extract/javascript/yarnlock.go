package javascript

import (
	"bytes"
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

// YarnLockName is the name of the yarn lock file extractor.
const YarnLockName = "lang/yarn-lock"

// YarnLock reads yarn.lock files of yarn 1 and of yarn 2 and later
// ("berry").
//
// Neither format says which dependencies are for development: yarn keeps
// that in package.json, which this extractor does not read (an extractor
// sees one file; Trivy reads the package.json beside the lock file), so Dev
// is never set. Yarn 1 does not say which dependencies are direct either;
// berry does, through the entries of the workspaces, and Relation is set
// from them (dependencies and devDependencies alike).
//
// Berry entries resolved by the workspace:, link: and portal: protocols are
// the project's own code and are skipped. A patch: entry (a package with
// yarn's or the project's patch applied) is reported as the package and
// version it patches, which merges it with that package's own entry; the
// patch may fix flaws, which the lock file cannot tell. Aliases
// ("npm:real@1.2.3") are reported under the real name.
//
// DependsOn holds the entries an entry's dependencies (and, in yarn 1,
// optionalDependencies) resolve to: for name and range, the entry whose
// key lists name@range, under the name and version that entry is reported
// as. Dependencies on the project's own code (workspaces, links) are left
// out.
type YarnLock struct{}

var _ extract.Extractor = (*YarnLock)(nil)

// NewYarnLock returns the yarn lock file extractor.
func NewYarnLock() *YarnLock { return &YarnLock{} }

// Name implements extract.Extractor.
func (*YarnLock) Name() string { return YarnLockName }

// Version implements extract.Extractor. 2: DependsOn.
func (*YarnLock) Version() int { return 2 }

// Required implements extract.Extractor: yarn.lock outside node_modules.
func (*YarnLock) Required(p string, _ fs.FileInfo) bool {
	return baseName(p) == "yarn.lock" && !underNodeModules(p)
}

// Extract implements extract.Extractor.
func (*YarnLock) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	if n := in.Reader.Size(); n > MaxLockFileSize {
		return nil, fmt.Errorf("%s: %w: %d bytes, over %d", in.Path, errTooLarge, n, MaxLockFileSize)
	}
	res, err := ParseYarnLock(ctx, in.Reader)
	if err != nil {
		return nil, fmt.Errorf("parsing yarn.lock %s: %w", in.Path, err)
	}
	for i := range res.Packages {
		res.Packages[i].Locations = []model.Location{{Path: in.Path}}
	}
	return res, nil
}

// ParseYarnLock reads a yarn.lock of yarn 1 or yarn berry (recognised by
// its __metadata entry).
func ParseYarnLock(ctx context.Context, r io.Reader) (*extract.Result, error) {
	data, err := readAll(r, MaxLockFileSize)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(data, []byte("__metadata:")) || bytes.Contains(data, []byte("\n__metadata:")) {
		return parseBerry(ctx, data)
	}
	return parseYarnV1(ctx, data)
}

// yarnEntry is one entry of a yarn 1 lock file.
type yarnEntry struct {
	line    int
	keys    []string
	version string
	// deps is where the entry's dependencies start in the parse's list.
	deps int
}

// yarnDep is a dependency line of a yarn 1 entry ("name range"), as
// offsets in the file, which is at most MaxLockFileSize long.
type yarnDep struct {
	from       int32 // the collector index of the entry
	start, end int32
}

// parseYarnV1 reads yarn 1's format: entries whose header lists the
// descriptors they satisfy ("lodash@^4.17.4, lodash@^4.2.0:"), with
// two-space indented fields ("version \"4.17.4\"") and four-space indented
// dependency lists ("dependencies:" and "optionalDependencies:", each line
// "name range"). A dependency is the entry whose header lists name@range.
func parseYarnV1(ctx context.Context, data []byte) (*extract.Result, error) {
	c := newCollector()
	var (
		cur      *yarnEntry
		entries  int
		firstBad string
		inDeps   bool
		deps     []yarnDep
		byDesc   = map[string]int{} // descriptor → collector index
	)
	bad := func(line int, format string, args ...any) {
		msg := fmt.Sprintf("line %d: ", line) + fmt.Sprintf(format, args...)
		if firstBad == "" {
			firstBad = msg
		}
		c.warnf("%s", msg)
	}
	flush := func() {
		if cur == nil {
			return
		}
		entries++
		i := yarnV1Entry(c, cur, bad)
		if i < 0 {
			deps = deps[:cur.deps]
		} else {
			for _, k := range cur.keys {
				byDesc[k] = i
			}
			for j := cur.deps; j < len(deps); j++ {
				deps[j].from = int32(i)
			}
		}
		cur = nil
	}
	for n, rest := 1, data; len(rest) > 0; n++ {
		if n%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		var line []byte
		at := len(data) - len(rest)
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			line, rest = rest, nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		trimmed := bytes.TrimLeft(line, " ")
		if len(trimmed) == 0 || trimmed[0] == '#' {
			continue
		}
		indent := len(line) - len(trimmed)
		switch {
		case indent == 0:
			flush()
			s := string(bytes.TrimRight(line, " "))
			if !strings.HasSuffix(s, ":") {
				bad(n, "expected an entry header ending in ':', got %q", clip(s))
				continue
			}
			keys, ok := splitYarnKeys(s[:len(s)-1])
			if !ok {
				bad(n, "unreadable entry header %q", clip(s))
				continue
			}
			cur = &yarnEntry{line: n, keys: keys, deps: len(deps)}
			inDeps = false
		case cur == nil:
			// Part of an entry whose header was unreadable.
		case indent <= 2:
			field, value, _ := bytes.Cut(trimmed, []byte(" "))
			inDeps = string(field) == "dependencies:" || string(field) == "optionalDependencies:"
			if string(field) == "version" {
				cur.version = unquoteYarn(strings.TrimSpace(string(value)))
			}
		case inDeps:
			deps = append(deps, yarnDep{start: int32(at + indent), end: int32(at + len(line))})
		}
	}
	flush()
	if entries == 0 && firstBad != "" {
		return nil, fmt.Errorf("not a yarn lock file: %s", firstBad)
	}
	yarnV1Graph(c, data, deps, byDesc)
	return &extract.Result{Packages: c.packages(), Warnings: c.allWarnings()}, nil
}

// yarnV1Graph records the dependencies of yarn 1 entries: each resolves to
// the entry whose header lists name@range (byDesc maps those descriptors
// to collector indexes). Lines that are not "name range" are ignored.
func yarnV1Graph(c *collector, data []byte, deps []yarnDep, byDesc map[string]int) {
	var desc []byte
	for _, d := range deps {
		name, rng, ok := splitYarnDep(data[d.start:d.end])
		if !ok {
			continue
		}
		desc = appendYarnValue(desc[:0], name)
		desc = append(desc, '@')
		desc = appendYarnValue(desc, rng)
		if i, ok := byDesc[string(desc)]; ok {
			c.dependsOn(int(d.from), i)
		}
	}
}

// splitYarnDep splits a dependency line of yarn 1 ("name range", either
// maybe quoted) into its name and range, still quoted.
func splitYarnDep(line []byte) (name, rng []byte, ok bool) {
	end := bytes.IndexByte(line, ' ')
	if len(line) > 0 && line[0] == '"' {
		end = closingQuote(line) + 1
	}
	if end <= 0 || end >= len(line) || line[end] != ' ' {
		return nil, nil, false
	}
	rng = bytes.Trim(line[end:], " ")
	return line[:end], rng, len(rng) > 0
}

// appendYarnValue appends the yarn 1 value v, unquoted.
func appendYarnValue(dst, v []byte) []byte {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return append(dst, v...)
	}
	if bytes.IndexByte(v, '\\') < 0 {
		return append(dst, v[1:len(v)-1]...)
	}
	return append(dst, unquoteYarn(string(v))...)
}

// yarnV1Entry adds the package of one yarn 1 entry and returns its index
// in c, or -1 when it is not reported.
func yarnV1Entry(c *collector, e *yarnEntry, bad func(int, string, ...any)) int {
	name, rng, ok := splitNameAt(e.keys[0])
	if !ok {
		bad(e.line, "entry %q has no name@range descriptor; skipped", clip(e.keys[0]))
		return -1
	}
	if localProtocol(rng) {
		return -1
	}
	if real, ok := strings.CutPrefix(rng, "npm:"); ok {
		if n, _, ok := splitNameAt(real); ok {
			name = n
		} else if !strings.HasPrefix(real, "@") && validName(real) {
			name = real // "alias@npm:real" with no range
		}
	}
	if !validName(name) || !validVersion(e.version) {
		bad(e.line, "entry %q has no valid name and version (%q, %q); skipped", clip(e.keys[0]), clip(name), clip(e.version))
		return -1
	}
	return c.add(name, e.version, false, false, nil)
}

// splitYarnKeys splits an entry header into its descriptors: comma
// separated, each maybe double-quoted.
func splitYarnKeys(s string) ([]string, bool) {
	var keys []string
	for s != "" {
		s = strings.TrimLeft(s, " ")
		var key string
		if strings.HasPrefix(s, `"`) {
			end := closingQuote(s)
			if end < 0 {
				return nil, false
			}
			k, err := strconv.Unquote(s[:end+1])
			if err != nil {
				return nil, false
			}
			key, s = k, s[end+1:]
		} else {
			i := strings.IndexByte(s, ',')
			if i < 0 {
				i = len(s)
			}
			key, s = strings.TrimRight(s[:i], " "), s[i:]
		}
		if key == "" {
			return nil, false
		}
		keys = append(keys, key)
		s = strings.TrimLeft(s, " ")
		if s != "" {
			if s[0] != ',' {
				return nil, false
			}
			s = s[1:]
		}
	}
	return keys, len(keys) > 0
}

// closingQuote returns the index of the quote that ends the string s
// starts, or -1.
func closingQuote[S string | []byte](s S) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// unquoteYarn returns a yarn 1 value without its quotes.
func unquoteYarn(s string) string {
	if strings.HasPrefix(s, `"`) {
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
		return strings.Trim(s, `"`)
	}
	return s
}

// clip shortens s for a message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// berryEntry is one entry of a berry lock file.
type berryEntry struct {
	Version      string            `yaml:"version"`
	Resolution   string            `yaml:"resolution"`
	Dependencies map[string]string `yaml:"dependencies"`
}

// parseBerry reads the lock file of yarn 2 and later: YAML whose keys are
// comma-separated descriptors ("lodash@npm:^4.17.4") and whose values have
// the version, the resolution ("lodash@npm:4.17.4") and the dependencies
// (name → range, optional ones included). A dependency is the entry whose
// key lists name@range. Peer dependencies are left out: yarn resolves them
// per dependent (virtual packages), which the lock file does not record.
func parseBerry(ctx context.Context, data []byte) (*extract.Result, error) {
	root, err := decodeYAML(data)
	if err != nil {
		return nil, err
	}
	c := newCollector()
	type resolved struct {
		name, version string
		line          int
		deps          map[string]string
	}
	var (
		pkgs       []resolved
		byDesc     = map[string]int{} // descriptor → index in pkgs
		workspaces []berryEntry
	)
	for i, doc := range root {
		if doc.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("document %d: not a mapping of entries", i+1)
		}
		for j := 0; j+1 < len(doc.Content); j += 2 {
			if j/2%ctxEvery == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			k, v := doc.Content[j], doc.Content[j+1]
			if k.Value == "__metadata" {
				continue
			}
			var e berryEntry
			if err := v.Decode(&e); err != nil {
				c.warnf("line %d: entry %q: %v; skipped", k.Line, clip(k.Value), err)
				continue
			}
			name, res, ok := splitNameAt(e.Resolution)
			if !ok {
				c.warnf("line %d: entry %q has no resolution; skipped", k.Line, clip(k.Value))
				continue
			}
			proto, ref, _ := strings.Cut(res, ":")
			switch proto {
			case "workspace":
				workspaces = append(workspaces, e)
				continue
			case "link", "portal":
				continue
			}
			// A patch: entry is the package it patches, which has its
			// own entry too; they merge into one package.
			version := e.Version
			if version == "" && proto == "npm" {
				version = ref
			}
			if !validName(name) || !validVersion(version) || version == "0.0.0-use.local" {
				c.warnf("line %d: entry %q has no valid name and version (%q, %q); skipped", k.Line, clip(k.Value), clip(name), clip(version))
				continue
			}
			for _, desc := range strings.Split(k.Value, ",") {
				byDesc[strings.TrimSpace(desc)] = len(pkgs)
			}
			pkgs = append(pkgs, resolved{name: name, version: version, line: k.Line, deps: e.Dependencies})
		}
	}
	direct := make([]bool, len(pkgs))
	for _, w := range workspaces {
		c.relations = true
		for dep, rng := range w.Dependencies {
			if i, ok := berryLookup(byDesc, dep, rng); ok {
				direct[i] = true
			}
		}
	}
	c.reserve(len(pkgs))
	index := make([]int, len(pkgs)) // collector index of pkgs[i]
	for i, p := range pkgs {
		index[i] = c.add(p.name, p.version, false, direct[i], nil)
	}
	for i, p := range pkgs {
		for dep, rng := range p.deps {
			if j, ok := berryLookup(byDesc, dep, rng); ok {
				c.dependsOn(index[i], index[j])
			}
		}
	}
	return &extract.Result{Packages: c.packages(), Warnings: c.allWarnings()}, nil
}

// berryLookup returns the entry (its index in the resolved packages) whose
// key lists the descriptor dep@rng. A dependency on a workspace, link or
// portal has no such entry: it is the project's own code.
func berryLookup(byDesc map[string]int, dep, rng string) (int, bool) {
	i, ok := byDesc[dep+"@"+rng]
	if !ok && !strings.Contains(rng, ":") {
		// yarn 2 and 3 write "^1.0.0" for the key's "npm:^1.0.0".
		i, ok = byDesc[dep+"@npm:"+rng]
	}
	return i, ok
}
