package java

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestIdentify covers the identification rules on small synthetic archives
// (written with archive/zip in the layout Maven and the jar tool use).
func TestIdentify(t *testing.T) {
	mf := func(lines ...string) entry {
		return deflated("META-INF/MANIFEST.MF", []byte("Manifest-Version: 1.0\r\n"+strings.Join(lines, "\r\n")+"\r\n\r\n"))
	}
	class := func(name string) entry { return deflated(name, []byte{0xca, 0xfe, 0xba, 0xbe}) }
	const (
		core = "org/apache/logging/log4j/core/Logger.class"
		jndi = "org/apache/logging/log4j/core/lookup/JndiLookup.class"
	)
	l4j := pom("org.apache.logging.log4j", "log4j-core", "2.14.1")
	for _, tc := range []struct {
		name    string
		file    string
		entries []entry
		want    []string // "location name@version [licenses] mitigated"
	}{{
		name: "renamed fat jar: its only pom.properties is its own, and gets the manifest's license",
		file: "app.jar",
		entries: []entry{pom("com.example", "demo", "0.0.1-SNAPSHOT"),
			mf("Implementation-Title: demo", "Implementation-Version: 0.0.1-SNAPSHOT", "Bundle-License: MIT")},
		want: []string{"app.jar com.example:demo@0.0.1-SNAPSHOT [MIT]"},
	}, {
		name:    "content wins over the file name",
		file:    "log4j-core-2.17.1.jar",
		entries: []entry{l4j, class(core), class(jndi)},
		want:    []string{"log4j-core-2.17.1.jar org.apache.logging.log4j:log4j-core@2.14.1 []"},
	}, {
		name: "Debian renames _ to -: still its own pom.properties, no manifest package",
		file: "geronimo-annotation-1.3-spec.jar",
		entries: []entry{pom("org.apache.geronimo.specs", "geronimo-annotation_1.3_spec", "1.0"),
			mf("Bundle-SymbolicName: org.apache.geronimo.specs.geronimo-annotation_1.3_spec", "Bundle-Version: 1.3.0", "Bundle-License: http://www.apache.org/licenses/LICENSE-2.0.txt")},
		want: []string{"geronimo-annotation-1.3-spec.jar org.apache.geronimo.specs:geronimo-annotation_1.3_spec@1.0 [Apache-2.0]"},
	}, {
		name: "pom.properties not the jar's, manifest artifactId only from the file name: no extra package",
		file: "log4j-1.2-api.jar",
		entries: []entry{pom("org.apache.logging.log4j", "log4j-1.2-api-x", "2.19.0"), pom("org.example", "other", "1"),
			mf("Implementation-Title: Apache Log4j 1.x Compatibility API", "Implementation-Vendor-Id: org.apache", "Implementation-Version: 2.19.0")},
		want: []string{
			"log4j-1.2-api.jar org.apache.logging.log4j:log4j-1.2-api-x@2.19.0 []",
			"log4j-1.2-api.jar org.example:other@1 []",
		},
	}, {
		name: "pom.properties not the jar's, manifest names it with a group: added, with the license",
		file: "uber.jar",
		entries: []entry{pom("org.example", "a", "1"), pom("org.example", "b", "2"),
			mf("Implementation-Title: uber-app", "Implementation-Vendor-Id: com.example", "Implementation-Version: 5.0",
				`Bundle-License: "Apache License, Version 2.0";link="http://www.apache.org/licenses/LICENSE-2.0", <<EXTERNAL>>, Some Custom License`)},
		want: []string{
			"uber.jar com.example:uber-app@5.0 [Apache-2.0 Some Custom License]",
			"uber.jar org.example:a@1 []",
			"uber.jar org.example:b@2 []",
		},
	}, {
		name:    "manifest with localized names: artifact from the file name",
		file:    "thing-2.0.jar",
		entries: []entry{mf("Bundle-Name: %bundleName", "Bundle-SymbolicName: org.example.thing", "Bundle-Version: 2.0.0.v2020")},
		want:    []string{"thing-2.0.jar org.example:thing@2.0.0.v2020 []"},
	}, {
		name:    "no metadata, no version in the name: nothing",
		file:    "classes.jar",
		entries: []entry{class("a/B.class")},
	}, {
		name:    "pom.properties without groupId/artifactId: taken from the path",
		file:    "x.jar",
		entries: []entry{deflated("META-INF/maven/org.example/x/pom.properties", []byte("version=3\n"))},
		want:    []string{"x.jar org.example:x@3 []"},
	}, {
		name: "JndiLookup in a nested jar does not count for the outer log4j-core, and the reverse",
		file: "outer.jar",
		entries: []entry{l4j, class(core),
			stored("lib/inner.jar", mkzip(t, class(jndi))),
			stored("lib/log4j-core-2.14.1.jar", mkzip(t, l4j, class(core))),
			stored("lib/with-jndi.jar", mkzip(t, l4j, class(core), class("shaded/"+jndi))),
		},
		want: []string{
			"outer.jar org.apache.logging.log4j:log4j-core@2.14.1 [] mitigated",
			"outer.jar!/lib/log4j-core-2.14.1.jar org.apache.logging.log4j:log4j-core@2.14.1 [] mitigated",
			"outer.jar!/lib/with-jndi.jar org.apache.logging.log4j:log4j-core@2.14.1 []",
		},
	}, {
		name:    "log4j-core identified by its manifest only, JndiLookup removed",
		file:    "log4j-core.jar",
		entries: []entry{mf("Implementation-Title: Apache Log4j Core", "Bundle-SymbolicName: org.apache.logging.log4j.core", "Implementation-Version: 2.14.1", "Implementation-Vendor-Id: org.apache"), class(core)},
		want:    []string{"log4j-core.jar org.apache.logging.log4j:log4j-core@2.14.1 [] mitigated"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := run(t, mkzip(t, tc.entries...), tc.file, defaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Warnings) > 0 {
				t.Errorf("warnings %q", res.Warnings)
			}
			var got []string
			for _, p := range res.Packages {
				s := p.Locations[0].Path + " " + p.Name + "@" + p.Version + " [" + strings.Join(p.Licenses, " ") + "]"
				if len(p.Mitigations) > 0 {
					s += " mitigated"
				}
				got = append(got, s)
			}
			slices.Sort(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestBundleLicenses(t *testing.T) {
	for in, want := range map[string][]string{
		"":           nil,
		"Apache-2.0": {"Apache-2.0"},
		"http://www.apache.org/licenses/LICENSE-2.0.txt":                                {"Apache-2.0"},
		"https://opensource.org/licenses/MIT;description=MIT, EPL-2.0":                  {"MIT", "EPL-2.0"},
		`"Eclipse Public License 1.0";link="http://www.eclipse.org/legal/epl-v10.html"`: {"EPL-1.0"},
		`"A, B";link=x, "C \" D"`:                                                       {"A, B", `C \" D`},
		"<<EXTERNAL>>":                                                                  nil,
		"MIT, MIT":                                                                      {"MIT"},
	} {
		if diff := cmp.Diff(want, bundleLicenses(in)); diff != "" {
			t.Errorf("bundleLicenses(%q) (-want +got):\n%s", in, diff)
		}
	}
}
