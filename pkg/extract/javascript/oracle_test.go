package javascript

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/purl"
)

// lsNode is a node of `npm ls --all --json --long` (testdata/npm/ls.json),
// the oracle for the packages of the test project.
type lsNode struct {
	Name         string             `json:"name"`
	Version      string             `json:"version"`
	Path         string             `json:"path"`
	Resolved     string             `json:"resolved"`
	Dev          bool               `json:"dev"`
	License      json.RawMessage    `json:"license"`
	Dependencies map[string]*lsNode `json:"dependencies"`
}

// installed is one installed copy of a package, as npm ls tells it.
type installed struct {
	name, version string
	dev, direct   bool
	licenses      []string
	// deps are the name@version of the packages this copy requires, as
	// npm resolved them (workspaces left out).
	deps []string
}

// npmTree returns the installed packages of the test project by path
// ("./node_modules/mocha"), from npm's own listing. The workspace package
// (resolved "file:") is the project's own code and is left out; its
// dependencies, like the root's, are direct.
func npmTree(t *testing.T) map[string]installed {
	t.Helper()
	var root lsNode
	if err := json.Unmarshal(readFile(t, "testdata/npm/ls.json"), &root); err != nil {
		t.Fatal(err)
	}
	out := map[string]installed{}
	var walk func(n *lsNode, directParent bool)
	workspace := func(n *lsNode) bool { return strings.HasPrefix(n.Resolved, "file:") }
	walk = func(n *lsNode, directParent bool) {
		for _, c := range n.Dependencies {
			if !workspace(c) {
				in := out[c.Path]
				in.name, in.version, in.dev = c.Name, c.Version, c.Dev
				in.direct = in.direct || directParent
				in.licenses = licenses(c.License, nil)
				// npm ls lists the dependencies of a path once, at
				// its first place in the tree, and the path without
				// them elsewhere.
				for _, d := range c.Dependencies {
					if !workspace(d) {
						in.deps = append(in.deps, d.Name+"@"+d.Version)
					}
				}
				out[c.Path] = in
			}
			walk(c, workspace(c))
		}
	}
	walk(&root, true)
	if len(out) < 30 {
		t.Fatalf("npm ls lists %d packages; want the whole tree", len(out))
	}
	return out
}

// want describes what a format can tell.
type want struct {
	dev, relation, licenses, graph bool
}

// expected turns the installed tree into the packages a lock file of the
// project must give: one per name@version, dev if every copy is, direct if
// any copy is, depending on what any copy depends on, with only the fields
// the format records.
func expected(t *testing.T, tree map[string]installed, w want) []model.Package {
	t.Helper()
	c := newCollector()
	c.relations = w.relation
	graph := map[string][]string{}
	for _, p := range sortedKeys(tree) {
		in := tree[p]
		var lic []string
		if w.licenses {
			lic = in.licenses
		}
		c.add(in.name, in.version, w.dev && in.dev, in.direct, lic)
		graph[in.name+"@"+in.version] = append(graph[in.name+"@"+in.version], in.deps...)
	}
	pkgs := c.packages()
	for i, p := range pkgs {
		if p.PURL != purl.For(p, nil) || p.Ecosystem != model.EcoNPM {
			t.Fatalf("bad package %+v", p)
		}
		if w.graph {
			pkgs[i].DependsOn = purlsOf(t, graph[p.Name+"@"+p.Version])
		}
	}
	return pkgs
}

// purlsOf returns the purls of the name@version ids, sorted and unique,
// nil for none: the DependsOn of a package requiring them.
func purlsOf(t testing.TB, ids []string) []string {
	t.Helper()
	var out []string
	for _, id := range ids {
		name, version, ok := splitNameAt(id)
		if !ok {
			t.Fatalf("bad id %q", id)
		}
		out = append(out, extract.LanguagePackage(model.TypeNPM, name, version).PURL)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.FromSlash(name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// fileInfo is a minimal fs.FileInfo for Extract inputs.
type fileInfo struct {
	name string
	size int64
}

func (f fileInfo) Name() string       { return f.name }
func (f fileInfo) Size() int64        { return f.size }
func (f fileInfo) Mode() os.FileMode  { return 0o644 }
func (f fileInfo) ModTime() time.Time { return time.Time{} }
func (f fileInfo) IsDir() bool        { return false }
func (f fileInfo) Sys() any           { return nil }

// input makes an extract.Input holding data at path p.
func input(p string, data []byte) *extract.Input {
	return extract.NewInput(p, fileInfo{name: filepath.Base(p), size: int64(len(data))}, bytes.NewReader(data), nil)
}

// parser is the shape of the exported Parse functions.
type parser func(context.Context, io.Reader) (*extract.Result, error)

// names lists name@version of pkgs, sorted.
func names(pkgs []model.Package) []string {
	out := make([]string, 0, len(pkgs))
	for _, p := range pkgs {
		out = append(out, p.Name+"@"+p.Version)
	}
	sort.Strings(out)
	return out
}
