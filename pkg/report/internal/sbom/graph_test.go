package sbom

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/model"
)

func TestEdges(t *testing.T) {
	at := func(path string) []model.Location { return []model.Location{{Path: path}} }
	pkgs := []model.Package{
		{Name: "app", PURL: "pkg:npm/app@1.0.0", Locations: at("a/package-lock.json"),
			DependsOn: []string{"pkg:npm/lodash@4.17.21", "pkg:npm/left-pad@1.0.0", "pkg:npm/missing@1.0.0", "pkg:npm/app@1.0.0"}},
		// lodash twice: the edge goes to the copy in the same lock file.
		{Name: "lodash", PURL: "pkg:npm/lodash@4.17.21", Locations: at("b/package-lock.json")},
		{Name: "lodash", PURL: "pkg:npm/lodash@4.17.21", Locations: at("a/package-lock.json")},
		// left-pad only elsewhere, once: the only candidate.
		{Name: "left-pad", PURL: "pkg:npm/left-pad@1.0.0", Locations: at("c/yarn.lock")},
		// chalk in two other files: ambiguous, left out.
		{Name: "x", PURL: "pkg:npm/x@1.0.0", Locations: at("a/package-lock.json"), DependsOn: []string{"pkg:npm/chalk@5.0.0", "pkg:npm/lodash@4.17.21", "pkg:npm/lodash@4.17.21"}},
		{Name: "chalk", PURL: "pkg:npm/chalk@5.0.0", Locations: at("b/package-lock.json")},
		{Name: "chalk", PURL: "pkg:npm/chalk@5.0.0", Locations: at("c/yarn.lock")},
	}
	want := [][]int{{2, 3}, nil, nil, nil, {2}, nil, nil}
	if diff := cmp.Diff(want, Edges(pkgs)); diff != "" {
		t.Errorf("Edges (-want +got):\n%s", diff)
	}
	if Edges(pkgs[1:4]) != nil {
		t.Error("no DependsOn anywhere: want nil")
	}
}
