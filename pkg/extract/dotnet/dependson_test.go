package dotnet_test

import (
	"bytes"
	"context"
	"io"
	"maps"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/internal/extracttest"
	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/extract/dotnet"
)

// identityGraph is the graph of the Microsoft.IdentityModel and SqlClient
// packages in ShopApi.deps.json and packages.lock.json, as read in both
// files: SqlClient depends on SNI.runtime (and, in deps.json, on
// Microsoft.NETCore.Platforms, which deploys nothing and is not reported),
// Jwt on JsonWebTokens and Tokens, JsonWebTokens on Tokens, Tokens on
// Logging and Cryptography.Cng.
var identityGraph = map[string][]string{
	"pkg:nuget/Microsoft.Data.SqlClient@5.1.1":               {"pkg:nuget/Microsoft.Data.SqlClient.SNI.runtime@5.1.0"},
	"pkg:nuget/Microsoft.Data.SqlClient.SNI.runtime@5.1.0":   nil,
	"pkg:nuget/Microsoft.IdentityModel.JsonWebTokens@6.10.0": {"pkg:nuget/Microsoft.IdentityModel.Tokens@6.10.0"},
	"pkg:nuget/Microsoft.IdentityModel.Logging@6.10.0":       nil,
	"pkg:nuget/Microsoft.IdentityModel.Tokens@6.10.0": {
		"pkg:nuget/Microsoft.IdentityModel.Logging@6.10.0", "pkg:nuget/System.Security.Cryptography.Cng@4.5.0",
	},
	"pkg:nuget/System.IdentityModel.Tokens.Jwt@6.10.0": {
		"pkg:nuget/Microsoft.IdentityModel.JsonWebTokens@6.10.0", "pkg:nuget/Microsoft.IdentityModel.Tokens@6.10.0",
	},
	"pkg:nuget/System.Security.Cryptography.Cng@4.5.0": nil,
	"pkg:nuget/System.Text.Json@8.0.0":                 nil,
	"pkg:nuget/Newtonsoft.Json@12.0.1":                 nil,
}

// with returns m with the entries of more added.
func with(m, more map[string][]string) map[string][]string {
	out := maps.Clone(m)
	maps.Copy(out, more)
	return out
}

func TestDependsOnFixtures(t *testing.T) {
	tests := []struct {
		file  string
		parse func(context.Context, io.Reader) (*extract.Result, error)
		want  map[string][]string
	}{
		// Plus the runtime packs, which list no dependencies. The
		// project ShopApi.Core (System.Text.Json) is not reported.
		{"ShopApi.deps.json", dotnet.ParseDeps, with(identityGraph, map[string][]string{
			"pkg:nuget/Microsoft.AspNetCore.App.Runtime.linux-x64@6.0.16": nil,
			"pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@6.0.16":    nil,
		})},
		// System.Data.SqlClient depends on
		// runtime.native.System.Data.SqlClient.sni, which deploys nothing
		// and is not reported.
		{"Worker.deps.json", dotnet.ParseDeps, map[string][]string{
			"pkg:nuget/Microsoft.CodeAnalysis.NetAnalyzers@6.0.0": nil,
			"pkg:nuget/System.Data.SqlClient@4.8.5":               nil,
		}},
		// net6.0 as above; net48's packages list no dependencies.
		{"packages.lock.json", dotnet.ParseNuGetLock, with(identityGraph, map[string][]string{
			"pkg:nuget/System.Text.Encodings.Web@4.5.0": nil,
		})},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res, err := tt.parse(context.Background(), bytes.NewReader(readFile(t, tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, extracttest.Graph(res.Packages)); diff != "" {
				t.Errorf("DependsOn (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDependsOnRules covers what the fixtures do not show.
func TestDependsOnRules(t *testing.T) {
	tests := []struct {
		name  string
		parse func(context.Context, io.Reader) (*extract.Result, error)
		in    string
		want  map[string][]string
	}{
		{
			name:  "deps.json: runtime pack and case",
			parse: dotnet.ParseDeps,
			in: `{"runtimeTarget": {"name": "t"}, "targets": {"t": {
				"App/1.0": {"dependencies": {"A": "1.0"}},
				"A/1.0": {"dependencies": {"runtimepack.R": "6.0.0", "b": "2.0", "A": "1.0", "C": "9.9"}, "runtime": {"a.dll": {}}},
				"runtimepack.R/6.0.0": {"native": {"r.so": {}}},
				"B/2.0": {"runtime": {"b.dll": {}}},
				"C/3.0": {"runtime": {"c.dll": {}}}
			}}, "libraries": {"App/1.0": {"type": "project"}, "A/1.0": {"type": "package"},
				"runtimepack.R/6.0.0": {"type": "runtimepack"}, "B/2.0": {"type": "package"}, "C/3.0": {"type": "package"}}}`,
			want: map[string][]string{
				// Itself and C 9.9 (C is locked at 3.0) give no edge.
				"pkg:nuget/A@1.0":   {"pkg:nuget/B@2.0", "pkg:nuget/R@6.0.0"},
				"pkg:nuget/B@2.0":   nil,
				"pkg:nuget/C@3.0":   nil,
				"pkg:nuget/R@6.0.0": nil,
			},
		},
		{
			name:  "deps.json without a runtime target: no graph",
			parse: dotnet.ParseDeps,
			in: `{"targets": {"t": {"A/1.0": {"dependencies": {"B": "2.0"}}}},
				"libraries": {"A/1.0": {"type": "package"}, "B/2.0": {"type": "package"}}}`,
			want: map[string][]string{"pkg:nuget/A@1.0": nil, "pkg:nuget/B@2.0": nil},
		},
		{
			name:  "packages.lock.json: runtime section, projects, case, frameworks",
			parse: dotnet.ParseNuGetLock,
			in: `{"version": 1, "dependencies": {
				"net6.0": {
					"A": {"type": "Direct", "resolved": "1.0.0", "dependencies": {"b": "[2.0.0, )", "Lib": "[1.0.0, )", "Missing": "1.0.0"}},
					"B": {"type": "Transitive", "resolved": "2.0.0"},
					"C": {"type": "Transitive", "resolved": "3.0.0"},
					"lib": {"type": "Project", "dependencies": {"C": "[3.0.0, )"}}
				},
				"net6.0/linux-x64": {
					"B": {"type": "Transitive", "resolved": "2.0.0", "dependencies": {"runtime.linux-x64.B": "2.0.0", "C": "3.0.0"}},
					"runtime.linux-x64.B": {"type": "Transitive", "resolved": "2.0.0"}
				},
				"net8.0": {
					"A": {"type": "Direct", "resolved": "1.0.0", "dependencies": {"C": "[3.0.0, )"}},
					"C": {"type": "Transitive", "resolved": "3.1.0"}
				}
			}}`,
			want: map[string][]string{
				// b is B (net6.0); Lib is a project; Missing is not
				// locked; in net8.0 C resolves to 3.1.0.
				"pkg:nuget/A@1.0.0": {"pkg:nuget/B@2.0.0", "pkg:nuget/C@3.1.0"},
				// In linux-x64, its own runtime package, and C of net6.0.
				"pkg:nuget/B@2.0.0":                   {"pkg:nuget/C@3.0.0", "pkg:nuget/runtime.linux-x64.B@2.0.0"},
				"pkg:nuget/C@3.0.0":                   nil,
				"pkg:nuget/C@3.1.0":                   nil,
				"pkg:nuget/runtime.linux-x64.B@2.0.0": nil,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tt.parse(context.Background(), strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, extracttest.Graph(res.Packages)); diff != "" {
				t.Errorf("DependsOn (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDependsOnClosed runs both extractors on every file of testdata they
// ask for, and checks that each DependsOn purl is the purl of another
// package of the same result and that the lists are sorted and without
// duplicates.
func TestDependsOnClosed(t *testing.T) {
	extracttest.CheckTestdataDependsOn(t, "testdata", extract.Set{dotnet.NewDeps(), dotnet.NewNuGetLock()}, 3)
}
