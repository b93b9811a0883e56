package extract

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/model"
)

func TestApplyManifests(t *testing.T) {
	lock := func(file, name, version string, deps ...string) model.Package {
		p := LanguagePackage(model.TypeNPM, name, version)
		p.Locations = []model.Location{{Path: file}}
		for _, d := range deps {
			p.DependsOn = append(p.DependsOn, "pkg:npm/"+d)
		}
		return p
	}
	const yarn = "app/yarn.lock"
	pkgs := []model.Package{
		lock(yarn, "express", "4.18.2", "debug@2.6.9", "accepts@1.3.8"),
		lock(yarn, "accepts", "1.3.8", "ms@2.0.0"),
		lock(yarn, "debug", "2.6.9", "ms@2.0.0"),
		lock(yarn, "ms", "2.0.0"),
		lock(yarn, "mocha", "10.2.0", "debug@4.3.4", "ms@2.1.3"),
		lock(yarn, "debug", "4.3.4", "ms@2.1.2"),
		lock(yarn, "ms", "2.1.2"),
		lock(yarn, "ms", "2.1.3"),
		lock(yarn, "orphan", "1.0.0"), // reached from nothing: left as is
		// Another project's lock that records relations: they are kept,
		// dev is still derived.
		func() model.Package {
			p := lock("other/yarn.lock", "mocha", "10.2.0")
			p.Relation = model.RelationDirect
			return p
		}(),
		// A lock of the same project, but npm's, that already marks dev.
		func() model.Package {
			p := lock("app/package-lock.json", "mocha", "10.2.0")
			p.Dev = true
			return p
		}(),
		lock("app/package-lock.json", "express", "4.18.2"),
	}
	applyManifests(pkgs, map[string]*model.Manifest{
		"app/package.json":   {Type: model.TypeNPM, Prod: []string{"express"}, Dev: []string{"mocha"}},
		"other/package.json": {Type: model.TypeNPM, Dev: []string{"mocha"}},
	})
	type row struct {
		File, Name, Version string
		Relation            model.Relation
		Dev                 bool
	}
	var got []row
	for _, p := range pkgs {
		got = append(got, row{p.Locations[0].Path, p.Name, p.Version, p.Relation, p.Dev})
	}
	want := []row{
		{yarn, "express", "4.18.2", "direct", false},
		{yarn, "accepts", "1.3.8", "indirect", false},
		{yarn, "debug", "2.6.9", "indirect", false},
		{yarn, "ms", "2.0.0", "indirect", false},
		{yarn, "mocha", "10.2.0", "direct", true},
		{yarn, "debug", "4.3.4", "indirect", true},
		{yarn, "ms", "2.1.2", "indirect", true},
		{yarn, "ms", "2.1.3", "indirect", true},
		{yarn, "orphan", "1.0.0", "indirect", false},
		{"other/yarn.lock", "mocha", "10.2.0", "direct", true},
		{"app/package-lock.json", "mocha", "10.2.0", "direct", true},
		{"app/package-lock.json", "express", "4.18.2", "direct", false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
