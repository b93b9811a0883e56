package javascript

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/model"
)

// Yarn does not dedupe as npm does: for the same project it resolves
// glob's "minimatch@^3.0.4" to 3.1.5 next to mocha's pinned 3.0.4. The
// oracles are yarn's own listings, written by testdata/make.sh.

// berryInfo reads `yarn info --all --recursive --json` of yarn 4: the
// resolved packages, as direct those the workspaces depend on, and what
// each package depends on (the locators its descriptors resolved to).
func berryInfo(t *testing.T) (ids []string, direct map[string]bool, graph map[string][]string) {
	t.Helper()
	direct = map[string]bool{}
	graph = map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(readFile(t, "testdata/yarn/berry/info.json")))
	for sc.Scan() {
		var line struct {
			Value    string `json:"value"`
			Children struct {
				Dependencies []struct {
					Locator string `json:"locator"`
				} `json:"Dependencies"`
			} `json:"children"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		name, ref, _ := splitNameAt(line.Value)
		if strings.HasPrefix(ref, "workspace:") {
			for _, d := range line.Children.Dependencies {
				n, r, _ := splitNameAt(d.Locator)
				direct[n+"@"+strings.TrimPrefix(r, "npm:")] = true
			}
			continue
		}
		id := name + "@" + strings.TrimPrefix(ref, "npm:")
		ids = append(ids, id)
		for _, d := range line.Children.Dependencies {
			n, r, _ := splitNameAt(d.Locator)
			// A package with peer dependencies (debug, given one by
			// yarn's compat extensions) is resolved as a virtual
			// instance of it per dependent: "virtual:HASH#npm:3.1.0".
			if _, inner, ok := strings.Cut(r, "#"); ok && strings.HasPrefix(r, "virtual:") {
				r = inner
			}
			graph[id] = append(graph[id], n+"@"+strings.TrimPrefix(r, "npm:"))
		}
	}
	return ids, direct, graph
}

// yarn1List reads `yarn list --json` of yarn 1: every node that is not a
// "shadow" (a range pointing elsewhere) is a resolved name@version. yarn 1
// lists the alias under its alias name; the project has one.
func yarn1List(t *testing.T) []string {
	t.Helper()
	type node struct {
		Name     string  `json:"name"`
		Shadow   bool    `json:"shadow"`
		Children []*node `json:"children"`
	}
	var list struct {
		Data struct {
			Trees []*node `json:"trees"`
		} `json:"data"`
	}
	if err := json.Unmarshal(readFile(t, "testdata/yarn/v1/list.json"), &list); err != nil {
		t.Fatal(err)
	}
	var ids []string
	var walk func([]*node)
	walk = func(ns []*node) {
		for _, n := range ns {
			if n.Shadow {
				continue
			}
			id, alias := strings.CutPrefix(n.Name, "old-minimist@")
			switch {
			case alias:
				ids = append(ids, "minimist@"+id)
			case !strings.HasPrefix(n.Name, "@drydock-fixture/"): // the workspace
				ids = append(ids, n.Name)
			}
			walk(n.Children)
		}
	}
	walk(list.Data.Trees)
	return ids
}

// yarnExpected makes the expected packages from name@version IDs, with
// the dependencies graph gives them.
func yarnExpected(t *testing.T, ids []string, direct map[string]bool, graph map[string][]string) []model.Package {
	c := newCollector()
	c.relations = direct != nil
	for _, id := range ids {
		name, version, _ := splitNameAt(id)
		c.add(name, version, false, direct[id], nil)
	}
	pkgs := c.packages()
	for i, p := range pkgs {
		pkgs[i].DependsOn = purlsOf(t, graph[p.Name+"@"+p.Version])
	}
	return pkgs
}

func TestYarnLockAgainstYarn(t *testing.T) {
	ids, direct, graph := berryInfo(t)
	if len(ids) < 30 || len(direct) != 8 {
		t.Fatalf("berry info: %d packages, %d direct", len(ids), len(direct))
	}
	tests := []struct {
		file string
		want []model.Package
	}{
		// yarn 1 records neither dev nor direct dependencies. Its
		// `yarn list` shows a hoisting tree, not what each package
		// requires: the graph is yarn 4's, for the same tree (below),
		// whose ranges yarn 1 resolved alike (TestDependsOnArtefacts
		// checks a few entries of yarn 1's file by hand).
		{"testdata/yarn/v1/yarn.lock", yarnExpected(t, yarn1List(t), nil, graph)},
		// berry records direct dependencies in the workspace entries.
		{"testdata/yarn/berry/yarn.lock", yarnExpected(t, ids, direct, graph)},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res, err := ParseYarnLock(context.Background(), bytes.NewReader(readFile(t, tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Warnings) > 0 {
				t.Errorf("warnings: %q", res.Warnings)
			}
			if diff := cmp.Diff(tt.want, res.Packages); diff != "" {
				t.Errorf("packages (-yarn +parsed):\n%s", diff)
			}
		})
	}
	// The two yarns resolved the same tree.
	if diff := cmp.Diff(names(yarnExpected(t, ids, nil, nil)), names(yarnExpected(t, yarn1List(t), nil, nil))); diff != "" {
		t.Errorf("yarn 1 and yarn 4 trees differ:\n%s", diff)
	}
}
