package javascript

import (
	"bytes"
	"context"
	"slices"
	"testing"
)

// fuzzParse checks what every parser promises on any input: no panic, an
// error or a result, and only valid packages in a result, depending only
// on each other.
func fuzzParse(f *testing.F, parse parser, seeds ...string) {
	for _, s := range seeds {
		f.Add(readFile(f, s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := parse(context.Background(), bytes.NewReader(data))
		if err != nil {
			return
		}
		if res == nil {
			t.Fatal("nil result and nil error")
		}
		purls := map[string]bool{}
		for _, p := range res.Packages {
			if !validName(p.Name) || !validVersion(p.Version) || p.PURL == "" {
				t.Fatalf("bad package %+v", p)
			}
			purls[p.PURL] = true
		}
		// Dependencies are packages of the same result.
		for _, p := range res.Packages {
			for _, d := range p.DependsOn {
				if !purls[d] || d == p.PURL {
					t.Fatalf("%s depends on %s, no other package of the result", p.PURL, d)
				}
			}
		}
		if len(res.Warnings) > maxWarnings+1 {
			t.Fatalf("%d warnings", len(res.Warnings))
		}
	})
}

func FuzzNPMLock(f *testing.F) {
	f.Add([]byte(`{"lockfileVersion":1,"dependencies":{"a":{"version":"npm:b@1","dependencies":{"c":{"version":"1"}}}}}`))
	f.Add([]byte(`{"lockfileVersion":1,"dependencies":{"a":{"version":"1","requires":{"a":"1","c":"1"},"dependencies":{"c":{"version":"1"}}},"c":{"version":"2","requires":{"a":"1"}}}}`))
	f.Add([]byte(`{"packages":{"":{"dependencies":{"a":""}},"node_modules/a":{"version":"1","dependencies":{"b":""}},"node_modules/a/node_modules/b":{"version":"1","peerDependencies":{"a":""}},"../x/node_modules/b":{"version":"2","dependencies":{"a":""}}}}`))
	fuzzParse(f, ParseNPMLock, "testdata/npm/v1/package-lock.json", "testdata/npm/v2/package-lock.json", "testdata/npm/v3/package-lock.json")
}

func FuzzYarnLock(f *testing.F) {
	f.Add([]byte("a@^1, \"b@npm:c@2\":\n  version \"1\"\n"))
	f.Add([]byte("a@^1:\n  version \"1\"\n  dependencies:\n    \"b\" \"^2\"\n    a ^1\nb@^2:\n  version \"2\"\n  optionalDependencies:\n    a \"^1\"\n"))
	fuzzParse(f, ParseYarnLock, "testdata/yarn/v1/yarn.lock", "testdata/yarn/berry/yarn.lock")
}

func FuzzPNPMLock(f *testing.F) {
	f.Add([]byte("lockfileVersion: 5.4\ndependencies:\n  a: /b/1.0.0_c@2\npackages:\n  /b/1.0.0_c@2:\n    dev: true\n"))
	f.Add([]byte("lockfileVersion: '9.0'\npackages:\n  a@1.0.0: {}\n  b@2.0.0: {}\nsnapshots:\n  a@1.0.0(b@2.0.0):\n    dependencies:\n      b: 2.0.0\n      c: link:../c\n    optionalDependencies:\n      a: 1.0.0(b@2.0.0)\n"))
	fuzzParse(f, ParsePNPMLock, "testdata/pnpm/v5/pnpm-lock.yaml", "testdata/pnpm/v6/pnpm-lock.yaml", "testdata/pnpm/v9/pnpm-lock.yaml", "testdata/pnpm/v6-single/pnpm-lock.yaml")
}

func FuzzPackageJSON(f *testing.F) {
	f.Add([]byte(`{"name":"a","version":"1.0.0","license":{"type":"MIT"},"licenses":[{"type":"ISC"},"BSD"]}`))
	fuzzParse(f, ParsePackageJSON, "testdata/nodemodules/node_modules/mocha/package.json", "testdata/nodemodules/node_modules/@sindresorhus/slugify/package.json")
}

// FuzzInstalledPackageJSON checks the path filter of lang/node-modules: no
// panic, and only package.json files inside node_modules are wanted.
func FuzzInstalledPackageJSON(f *testing.F) {
	for _, s := range []string{
		"node_modules/a/package.json",
		"app/node_modules/@s/a/node_modules/b/package.json",
		"app/node_modules/.pnpm/a@1.0.0/node_modules/a/package.json",
		"app/node_modules/a/lib/package.json",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if InstalledPackageJSON(p) && (!underNodeModules(p) || baseName(p) != "package.json") {
			t.Fatalf("wanted %q", p)
		}
	})
}

func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`{"dependencies": {"a": "1.0.0", "b": "npm:c@2.0.0"}, "devDependencies": {"d": "^1"}, "workspaces": ["packages/*"]}`))
	f.Add([]byte(`{"workspaces": {"packages": ["./x/"]}, "optionalDependencies": {"@s/n": "1.2.3-rc.1"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest(data)
		if err != nil || m == nil {
			return
		}
		if !slices.IsSorted(m.Prod) || !slices.IsSorted(m.Dev) {
			t.Errorf("unsorted: %+v", m)
		}
		for _, n := range m.Dev {
			if _, found := slices.BinarySearch(m.Prod, n); found {
				t.Errorf("%q both prod and dev", n)
			}
		}
	})
}
