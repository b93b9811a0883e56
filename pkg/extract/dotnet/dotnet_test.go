package dotnet_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/internal/extracttest"
	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/extract/dotnet"
	"github.com/drydockhq/drydock/pkg/model"
)

// The fixtures are written by hand in the exact formats the .NET SDK
// writes (deps.json: Microsoft.Extensions.DependencyModel's schema, as
// dotnet publish emits it for a self-contained linux-x64 app and a
// framework-dependent one; packages.lock.json: NuGet's lock file version 1
// with central package management), because no .NET SDK can be installed
// here. The versions are vulnerable per osv-ghsa-curated: Newtonsoft.Json
// 12.0.1 (GHSA-5crp-9r3c-p9vr), System.IdentityModel.Tokens.Jwt and
// Microsoft.IdentityModel.JsonWebTokens 6.10.0 (GHSA-59j7-ghrg-fj52),
// Microsoft.Data.SqlClient 5.1.1 and System.Data.SqlClient 4.8.5
// (GHSA-98g6-xh36-x2p7), System.Text.Json 8.0.0 (GHSA-hh2w-p6rv-4g7w),
// Microsoft.AspNetCore.App.Runtime.linux-x64 6.0.16 (GHSA-25c8-p796-jg6r).

func readFile(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

type entry struct {
	Name, Version string
	Relation      model.Relation
}

func entries(pkgs []model.Package) []entry {
	out := make([]entry, 0, len(pkgs))
	for _, p := range pkgs {
		out = append(out, entry{p.Name, p.Version, p.Relation})
	}
	return out
}

func TestDeps(t *testing.T) {
	d, i := model.RelationDirect, model.RelationIndirect
	for _, tt := range []struct {
		file string
		want []entry
	}{
		{"ShopApi.deps.json", []entry{
			{"Microsoft.AspNetCore.App.Runtime.linux-x64", "6.0.16", d},
			{"Microsoft.Data.SqlClient", "5.1.1", d},
			{"Microsoft.Data.SqlClient.SNI.runtime", "5.1.0", i},
			{"Microsoft.IdentityModel.JsonWebTokens", "6.10.0", i},
			{"Microsoft.IdentityModel.Logging", "6.10.0", i},
			{"Microsoft.IdentityModel.Tokens", "6.10.0", i},
			// Microsoft.NETCore.Platforms 1.1.0: no asset deployed.
			{"Microsoft.NETCore.App.Runtime.linux-x64", "6.0.16", d},
			{"Newtonsoft.Json", "12.0.1", d},
			{"System.IdentityModel.Tokens.Jwt", "6.10.0", d},
			{"System.Security.Cryptography.Cng", "4.5.0", i},
			{"System.Text.Json", "8.0.0", i},
		}},
		{"Worker.deps.json", []entry{
			// Not in the target at all: kept, as nothing says it is not deployed.
			{"Microsoft.CodeAnalysis.NetAnalyzers", "6.0.0", i},
			{"System.Data.SqlClient", "4.8.5", d},
		}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			e := dotnet.NewDeps()
			p := "app/" + tt.file
			if !e.Required(p, nil) {
				t.Errorf("Required(%q) = false", p)
			}
			res, err := e.Extract(context.Background(), extract.NewInput(p, nil, bytes.NewReader(readFile(t, tt.file)), nil))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, entries(res.Packages)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if len(res.Warnings) != 0 {
				t.Errorf("warnings %q", res.Warnings)
			}
			got := res.Packages[len(res.Packages)-1]
			if got.Type != model.TypeNuGet || got.Ecosystem != model.EcoNuGet || got.Locations[0].Path != p ||
				got.PURL != "pkg:nuget/"+got.Name+"@"+got.Version {
				t.Errorf("package %+v", got)
			}
		})
	}
}

func TestDepsEdgeCases(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     []entry
		warnings int
	}{
		{"no runtime target: every package, no relation",
			`{"libraries": {"A/1.0": {"type": "package"}, "B/2.0": {"type": "project"}, "C/3.0": {"type": "reference"}}}`,
			[]entry{{"A", "1.0", ""}}, 0},
		{"two root projects: no relation",
			`{"runtimeTarget": {"name": "t"}, "targets": {"t": {"P/1": {"dependencies": {"A": "1.0"}}, "Q/1": {"dependencies": {"A": "1.0"}}, "A/1.0": {"runtime": {"a.dll": {}}}}},
			  "libraries": {"A/1.0": {"type": "package"}, "P/1": {"type": "project"}, "Q/1": {"type": "project"}}}`,
			[]entry{{"A", "1.0", ""}}, 0},
		{"bad entries",
			`{"runtimeTarget": {"name": "t"}, "targets": {"t": {"X/1": 5}}, "libraries": {"A": {"type": "package"}, "B/1": [], "C/1": {"type": "PACKAGE"}}}`,
			[]entry{{"C", "1", ""}}, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := dotnet.ParseDeps(context.Background(), strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, entries(res.Packages)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if len(res.Warnings) != tt.warnings {
				t.Errorf("warnings %q, want %d", res.Warnings, tt.warnings)
			}
		})
	}
	for _, in := range []string{"", "[]", "{}", "null", `{"libraries": 1}`, `{"targets": {"t": []}}`, "garbage"} {
		if _, err := dotnet.ParseDeps(context.Background(), strings.NewReader(in)); err == nil {
			t.Errorf("ParseDeps(%q): no error", in)
		}
	}
}

func TestNuGetLock(t *testing.T) {
	e := dotnet.NewNuGetLock()
	res, err := e.Extract(context.Background(), extract.NewInput("src/Shop/packages.lock.json", nil, bytes.NewReader(readFile(t, "packages.lock.json")), nil))
	if err != nil {
		t.Fatal(err)
	}
	d, i := model.RelationDirect, model.RelationIndirect
	want := []entry{
		// net48
		{"Newtonsoft.Json", "12.0.1", d},
		{"System.Text.Encodings.Web", "4.5.0", i},
		// net6.0
		{"Microsoft.Data.SqlClient", "5.1.1", d},
		{"Microsoft.Data.SqlClient.SNI.runtime", "5.1.0", i},
		{"Microsoft.IdentityModel.JsonWebTokens", "6.10.0", i},
		{"Microsoft.IdentityModel.Logging", "6.10.0", i},
		{"Microsoft.IdentityModel.Tokens", "6.10.0", i},
		{"System.IdentityModel.Tokens.Jwt", "6.10.0", d},
		{"System.Security.Cryptography.Cng", "4.5.0", i},
		{"System.Text.Json", "8.0.0", i},
	}
	if diff := cmp.Diff(want, entries(res.Packages)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	wantWarn := []string{
		`net48: package "Broken.Entry": json: cannot unmarshal string into Go value of type struct { Type string "json:\"type\""; Resolved string "json:\"resolved\"" }; skipped`,
		`net48: package "No.Version" has no resolved version; skipped`,
	}
	if diff := cmp.Diff(wantWarn, res.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	// A package transitive in one framework and direct in another is direct.
	res, err = dotnet.ParseNuGetLock(context.Background(), strings.NewReader(
		`{"version": 2, "dependencies": {"a": {"X": {"type": "Transitive", "resolved": "1.0"}}, "b": {"x": {"type": "Direct", "resolved": "1.0"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]entry{{"X", "1.0", d}}, entries(res.Packages)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, in := range []string{"", "[]", "{}", `{"version": 1}`, `{"version": 1, "dependencies": []}`, `{"version": "1", "dependencies": {}}`, "garbage"} {
		if _, err := dotnet.ParseNuGetLock(context.Background(), strings.NewReader(in)); err == nil {
			t.Errorf("ParseNuGetLock(%q): no error", in)
		}
	}
}

func TestRequired(t *testing.T) {
	deps, lock := dotnet.NewDeps(), dotnet.NewNuGetLock()
	if deps.Name() != "lang/dotnet-deps" || lock.Name() != "lang/nuget-lock" || deps.Version() != 2 || lock.Version() != 2 {
		t.Error("names or versions")
	}
	for p, want := range map[string]bool{
		"app/ShopApi.deps.json": true, "ShopApi.deps.json": true, "app/.deps.json": false,
		"app/ShopApi.runtimeconfig.json": false, "app/deps.json": false,
	} {
		if deps.Required(p, nil) != want {
			t.Errorf("dotnet-deps Required(%q) != %v", p, want)
		}
	}
	for p, want := range map[string]bool{
		"src/packages.lock.json": true, "packages.lock.json": true, "src/packages.config": false, "src/package-lock.json": false,
	} {
		if lock.Required(p, nil) != want {
			t.Errorf("nuget-lock Required(%q) != %v", p, want)
		}
	}
}

func FuzzParseDeps(f *testing.F) {
	f.Add(readFile(f, "ShopApi.deps.json"))
	f.Add(readFile(f, "Worker.deps.json"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := dotnet.ParseDeps(context.Background(), bytes.NewReader(data))
		if err == nil {
			check(t, res.Packages)
		}
	})
}

func FuzzParseNuGetLock(f *testing.F) {
	f.Add(readFile(f, "packages.lock.json"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := dotnet.ParseNuGetLock(context.Background(), bytes.NewReader(data))
		if err == nil {
			check(t, res.Packages)
		}
	})
}

func check(t *testing.T, pkgs []model.Package) {
	t.Helper()
	extracttest.CheckDependsOn(t, "fuzz", pkgs)
	for _, p := range pkgs {
		if p.Name == "" || p.Version == "" || p.Type != model.TypeNuGet || p.Ecosystem != model.EcoNuGet || p.PURL == "" {
			t.Fatalf("bad package %+v", p)
		}
	}
}
