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
// resolved packages, and as direct those the workspaces depend on.
func berryInfo(t *testing.T) (ids []string, direct map[string]bool) {
	t.Helper()
	direct = map[string]bool{}
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
		ids = append(ids, name+"@"+strings.TrimPrefix(ref, "npm:"))
	}
	return ids, direct
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

// yarnExpected makes the expected packages from name@version IDs.
func yarnExpected(ids []string, direct map[string]bool) []model.Package {
	c := newCollector()
	c.relations = direct != nil
	for _, id := range ids {
		name, version, _ := splitNameAt(id)
		c.add(name, version, false, direct[id], nil)
	}
	return c.packages()
}

func TestYarnLockAgainstYarn(t *testing.T) {
	ids, direct := berryInfo(t)
	if len(ids) < 30 || len(direct) != 8 {
		t.Fatalf("berry info: %d packages, %d direct", len(ids), len(direct))
	}
	tests := []struct {
		file string
		want []model.Package
	}{
		// yarn 1 records neither dev nor direct dependencies.
		{"testdata/yarn/v1/yarn.lock", yarnExpected(yarn1List(t), nil)},
		// berry records direct dependencies in the workspace entries.
		{"testdata/yarn/berry/yarn.lock", yarnExpected(ids, direct)},
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
	if diff := cmp.Diff(names(yarnExpected(ids, nil)), names(yarnExpected(yarn1List(t), nil))); diff != "" {
		t.Errorf("yarn 1 and yarn 4 trees differ:\n%s", diff)
	}
}
