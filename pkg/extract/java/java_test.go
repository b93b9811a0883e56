package java_test

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/internal/imagetest"
	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/extract/java"
	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/purl"
)

func TestRequired(t *testing.T) {
	e := java.New()
	for p, want := range map[string]bool{
		"app/app.jar":                  true,
		"opt/tomcat/webapps/ROOT.war":  true,
		"srv/shop.EAR":                 true,
		"x.Jar":                        true,
		"plugins/git.jpi":              true,
		"var/jenkins/plugins/ant.hpi":  true,
		"opt/eclipse/plugin.par":       true,
		"a.jar.sha1":                   false,
		"usr/share/java":               false,
		"jar":                          false,
		".jar":                         false,
		"usr/lib/jvm/lib/modules":      false,
		"app/app.zip":                  false,
		"app/lib/commons-io-2.11.0.ja": false,
	} {
		if got := e.Required(p, nil); got != want {
			t.Errorf("Required(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestParseFileName(t *testing.T) {
	for _, tc := range []struct{ in, artifact, version string }{
		{"log4j-core-2.14.1.jar", "log4j-core", "2.14.1"},
		{"BOOT-INF/lib/spring-core-5.3.4.RELEASE.jar", "spring-core", "5.3.4.RELEASE"},
		{"demo-0.0.1-SNAPSHOT.jar", "demo", "0.0.1-SNAPSHOT"},
		{"netty-codec-http2-4.1.100.Final.jar", "netty-codec-http2", "4.1.100.Final"},
		{"mylib-2.0.0-alpha1.jar", "mylib", "2.0.0-alpha1"},
		{"guava-31.1-jre.jar", "guava", "31.1-jre"},
		{"commons-lang3-3.12.0-RC2.jar", "commons-lang3", "3.12.0-RC2"},
		{"log4j-1.2-api-2.19.0.jar", "log4j-1.2-api", "2.19.0"},
		{"foo-1.0-shaded.jar", "foo", "1.0-shaded"},
		{"jackson-databind-2.9.10.8.jar", "jackson-databind", "2.9.10.8"},
		{"app-1.0-20211210.120000-3.war", "app", "1.0-20211210.120000-3"},
		{"log4j-core.jar", "log4j-core", ""},
		{"app.jar", "app", ""},
		{"-1.0.jar", "-1.0", ""},
		{"a-1", "a", "1"},
	} {
		a, v := java.ParseFileName(tc.in)
		if a != tc.artifact || v != tc.version {
			t.Errorf("ParseFileName(%q) = %q, %q; want %q, %q", tc.in, a, v, tc.artifact, tc.version)
		}
	}
}

func TestParseProperties(t *testing.T) {
	in := "#Created by Apache Maven 3.6.3\r\n" +
		"! also a comment\n" +
		"   version = 2.14.1\n" +
		"groupId:org.apache.logging.log4j\r" +
		"artifactId log4j-\\\n   core\n" +
		"\n" +
		"key\\ with\\ spaces=a\\tb\\u00e9\\\\\n" +
		"caf\xe9=latin1\n" +
		"empty=\n" +
		"justkey\n" +
		"comment.cont=x # not a comment \\\n" +
		"# comment \\\n" +
		"next=y\n" +
		"eof=z\\"
	got, err := java.ParseProperties(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	// What java.util.Properties.load (OpenJDK 17) reads from the same bytes.
	// What java.util.Properties.load (OpenJDK 17) reads from the same bytes.
	want := map[string]string{
		"version":         "2.14.1",
		"groupId":         "org.apache.logging.log4j",
		"artifactId":      "log4j-core",
		"key with spaces": "a\tbé\\",
		"café":            "latin1",
		"empty":           "",
		"justkey":         "",
		"comment.cont":    "x # not a comment # comment next=y",
		"eof":             "z",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []string{"a=\\u12", "a=\\uzzzz"} {
		if _, err := java.ParseProperties(strings.NewReader(bad)); err == nil {
			t.Errorf("ParseProperties(%q): no error", bad)
		}
	}
	if _, err := java.ParseProperties(bytes.NewReader(make([]byte, java.MaxMetaBytes+1))); err == nil {
		t.Error("oversized properties: no error")
	}
	pp, err := java.ParsePomProperties(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if want := (java.Coordinates{GroupID: "org.apache.logging.log4j", ArtifactID: "log4j-core", Version: "2.14.1"}); pp != want {
		t.Errorf("ParsePomProperties = %+v, want %+v", pp, want)
	}
}

func TestParseManifest(t *testing.T) {
	in := "Manifest-Version: 1.0\r\n" +
		"Bundle-SymbolicName: org.apache.logging.log4j.co\r\n" +
		" re;singleton:=true\r\n" +
		"IMPLEMENTATION-TITLE:log4j-core\n" +
		"not an attribute\n" +
		"Bundle-License: \"Apache License, Version 2.0\";link=\"https://www.apache.org/licenses/LICENSE-2.0\",MIT\r" +
		": no name\n" +
		"\n" +
		"Name: org/apache/Foo.class\n" +
		"Implementation-Version: 9.9\n"
	got, err := java.ParseManifest(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := java.Manifest{
		"manifest-version":     "1.0",
		"bundle-symbolicname":  "org.apache.logging.log4j.core;singleton:=true",
		"implementation-title": "log4j-core",
		"bundle-license":       `"Apache License, Version 2.0";link="https://www.apache.org/licenses/LICENSE-2.0",MIT`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got.Get("Implementation-Title") != "log4j-core" {
		t.Error("Get is not case-insensitive")
	}
}

// mvn is an expected package; opts adjust it.
func mvn(loc, name, version string, opts ...func(*model.Package)) model.Package {
	p := model.Package{Name: name, Version: version, Type: model.TypeMaven, Ecosystem: model.EcoMaven,
		Locations: []model.Location{{Path: loc}}}
	for _, o := range opts {
		o(&p)
	}
	p.PURL = purl.For(p, nil)
	return p
}

func apache(p *model.Package) { p.Licenses = []string{"Apache-2.0"} }

func mitigated(p *model.Package) {
	p.Mitigations = []model.Mitigation{{
		IDs:  []string{"CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q", "CVE-2021-45046", "GHSA-7rjr-3q55-vv33"},
		Note: java.JndiLookupNote,
	}}
}

const log4j = java.Log4jCore

// fixtures are the expected packages of every archive made by
// testdata/make.sh. The debian/ jars are Debian's own (log4j-core trimmed
// with zip -d); the rest were built there with javac and jar because Maven
// Central cannot be reached from the build machine (see make.sh).
func fixtures() map[string][]model.Package {
	return map[string][]model.Package{
		// Own pom.properties absent: the OSGi manifest names the jar (with a
		// groupId, so it is added next to the carried pom.properties);
		// log4j-core's pom.properties without its classes: no mitigation.
		"bundle.jar": {
			mvn("bundle.jar", "com.example:bundle", "3.1.0", apache),
			mvn("bundle.jar", log4j, "2.14.1"),
			mvn("bundle.jar", "org.slf4j:slf4j-nop", "1.7.32"),
		},
		// Manifest only (Implementation-*), no version in the name.
		"commons-text.jar": {mvn("commons-text.jar", "org.apache.commons:commons-text", "1.9", apache)},
		// Debian's manifest-only jars: heuristic groupIds from
		// Bundle-SymbolicName (the Maven coordinates are javax.inject:javax.inject
		// and com.google.inject.extensions:guice-jmx; see the package doc).
		"debian/atinject-jsr330-api-1.0.jar": {mvn("debian/atinject-jsr330-api-1.0.jar", "javax:atinject-jsr330-api", "1.0.0")},
		"debian/guice-jmx-4.2.3.jar":         {mvn("debian/guice-jmx-4.2.3.jar", "com.google.inject.tools:guice-jmx", "4.2.3", apache)},
		"debian/log4j-core.jar":              {mvn("debian/log4j-core.jar", log4j, "2.19.0")},
		"debian/slf4j-nop-1.7.32.jar":        {mvn("debian/slf4j-nop-1.7.32.jar", "org.slf4j:slf4j-nop", "1.7.32")},
		"demo-app-0.0.1-SNAPSHOT.jar": {
			mvn("demo-app-0.0.1-SNAPSHOT.jar", "com.example:demo-app", "0.0.1-SNAPSHOT"),
			mvn("demo-app-0.0.1-SNAPSHOT.jar!/BOOT-INF/lib/guice-jmx-4.2.3.jar", "com.google.inject.tools:guice-jmx", "4.2.3", apache),
			mvn("demo-app-0.0.1-SNAPSHOT.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar", log4j, "2.14.1", apache),
			mvn("demo-app-0.0.1-SNAPSHOT.jar!/BOOT-INF/lib/slf4j-nop-1.7.32.jar", "org.slf4j:slf4j-nop", "1.7.32"),
		},
		"log4j-core-2.14.1.jar":           {mvn("log4j-core-2.14.1.jar", log4j, "2.14.1", apache)},
		"mitigated/log4j-core-2.14.1.jar": {mvn("mitigated/log4j-core-2.14.1.jar", log4j, "2.14.1", apache, mitigated)},
		"mitigated/log4j-core.jar":        {mvn("mitigated/log4j-core.jar", log4j, "2.19.0", mitigated)},
		// Relocated log4j-core classes without JndiLookup: mitigated.
		"relocated-app-2.0.jar": {
			mvn("relocated-app-2.0.jar", "com.example:relocated-app", "2.0"),
			mvn("relocated-app-2.0.jar", log4j, "2.14.1", mitigated),
		},
		"shaded-app-1.0.jar": {
			mvn("shaded-app-1.0.jar", "com.example:shaded-app", "1.0"),
			mvn("shaded-app-1.0.jar", log4j, "2.14.1"),
			mvn("shaded-app-1.0.jar", "org.slf4j:slf4j-nop", "1.7.32"),
		},
		"shop-ear-1.0.ear": {
			mvn("shop-ear-1.0.ear", "com.example:shop-ear", "1.0"),
			mvn("shop-ear-1.0.ear!/lib/slf4j-nop-1.7.32.jar", "org.slf4j:slf4j-nop", "1.7.32"),
			mvn("shop-ear-1.0.ear!/shop-web-1.0.war", "com.example:shop-web", "1.0"),
			mvn("shop-ear-1.0.ear!/shop-web-1.0.war!/WEB-INF/lib/atinject-jsr330-api-1.0.jar", "javax:atinject-jsr330-api", "1.0.0"),
			mvn("shop-ear-1.0.ear!/shop-web-1.0.war!/WEB-INF/lib/log4j-core-2.14.1.jar", log4j, "2.14.1", apache, mitigated),
		},
		"shop-web-1.0.war": {
			mvn("shop-web-1.0.war", "com.example:shop-web", "1.0"),
			mvn("shop-web-1.0.war!/WEB-INF/lib/atinject-jsr330-api-1.0.jar", "javax:atinject-jsr330-api", "1.0.0"),
			mvn("shop-web-1.0.war!/WEB-INF/lib/log4j-core-2.14.1.jar", log4j, "2.14.1", apache, mitigated),
		},
		// File name only: no groupId.
		"snakeyaml-1.33.jar": {mvn("snakeyaml-1.33.jar", "snakeyaml", "1.33")},
	}
}

func sortPackages(p []model.Package) {
	slices.SortFunc(p, func(a, b model.Package) int {
		if c := strings.Compare(a.Locations[0].Path, b.Locations[0].Path); c != 0 {
			return c
		}
		return extract.ComparePackages(a, b)
	})
}

func extractFile(t testing.TB, rel string) *extract.Result {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	res, err := java.New().Extract(context.Background(), extract.NewInput(rel, nil, bytes.NewReader(data), nil))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestFixtures(t *testing.T) {
	for rel, want := range fixtures() {
		t.Run(rel, func(t *testing.T) {
			res := extractFile(t, rel)
			if len(res.Warnings) > 0 {
				t.Errorf("warnings: %q", res.Warnings)
			}
			sortPackages(res.Packages)
			sortPackages(want)
			if diff := cmp.Diff(want, res.Packages); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestExpectedPoms checks the pom.properties packages against
// testdata/expected-poms.txt, which make.sh wrote from unzip's view of the
// fixtures, and that every fixture is covered by TestFixtures.
func TestExpectedPoms(t *testing.T) {
	f, err := os.Open("testdata/expected-poms.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fx := fixtures()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 3 {
			t.Fatalf("bad line %q", line)
		}
		loc, name, version := fields[0], fields[1], fields[2]
		top, _, _ := strings.Cut(loc, "!/")
		want, ok := fx[top]
		if !ok {
			t.Errorf("%s: fixture not in TestFixtures", top)
			continue
		}
		if !slices.ContainsFunc(want, func(p model.Package) bool {
			return p.Locations[0].Path == loc && p.Name == name && p.Version == version
		}) {
			t.Errorf("unzip sees %s %s %s; TestFixtures does not expect it", loc, name, version)
		}
		n++
	}
	if n < 20 {
		t.Errorf("only %d pom.properties listed", n)
	}
	var files []string
	err = filepath.WalkDir("testdata", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && java.New().Required(filepath.ToSlash(p), nil) {
			files = append(files, strings.TrimPrefix(filepath.ToSlash(p), "testdata/"))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if _, ok := fx[f]; !ok {
			t.Errorf("testdata/%s not in TestFixtures", f)
		}
	}
}

func TestPURL(t *testing.T) {
	res := extractFile(t, "log4j-core-2.14.1.jar")
	if got, want := res.Packages[0].PURL, "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"; got != want {
		t.Errorf("PURL = %q, want %q", got, want)
	}
}

// TestDebianSystemJars reads the jars Debian's maven package installs, when
// present: wagon-http-shaded.jar is a real shaded jar whose pom.properties
// do not match its file name.
func TestDebianSystemJars(t *testing.T) {
	const p = "/usr/share/java/wagon-http-shaded.jar"
	data, err := os.ReadFile(p)
	if err != nil {
		t.Skip(err)
	}
	res, err := java.Parse(context.Background(), bytes.NewReader(data), int64(len(data)), strings.TrimPrefix(p, "/"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range res.Packages {
		got = append(got, p.Name+"@"+p.Version)
	}
	slices.Sort(got)
	// As `unzip -p wagon-http-shaded.jar 'META-INF/maven/*/pom.properties'` lists them.
	want := []string{
		"commons-codec:commons-codec@1.15",
		"org.apache.httpcomponents:httpclient@4.5.14",
		"org.apache.httpcomponents:httpcore@4.4.16",
		"org.apache.maven.wagon:wagon-http-shared@3.5.3",
		"org.apache.maven.wagon:wagon-http@3.5.3",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestWalk runs the extractor through the layer walker on a tar of the
// fixtures plus files it must skip or survive, and squashes the layer.
func TestWalk(t *testing.T) {
	var entries []imagetest.Entry
	add := func(name string, data []byte) {
		entries = append(entries, imagetest.Entry{Name: name, Body: string(data)})
	}
	fx := fixtures()
	want := 0
	for rel, pkgs := range fx {
		data, err := os.ReadFile(filepath.Join("testdata", rel))
		if err != nil {
			t.Fatal(err)
		}
		add("opt/fixtures/"+rel, data)
		want += len(pkgs)
	}
	add("opt/fixtures/README.txt", []byte("not read"))
	add("opt/broken/app.jar", []byte("<html>404</html>"))
	layer, err := imagetest.TarBytes(entries)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := extract.Walk(context.Background(), bytes.NewReader(layer), "sha256:layer", extract.Set{java.New()}, extract.WalkOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Status) != 1 || inv.Status[0].Path != "opt/broken/app.jar" ||
		!strings.HasPrefix(inv.Status[0].Message, "parsing java archive opt/broken/app.jar: reading zip directory: zip: not a valid zip file") {
		t.Errorf("statuses: %+v", inv.Status)
	}
	squashed := extract.Squash([]*model.LayerInventory{inv})
	if len(squashed.Packages) != want {
		t.Errorf("%d packages, want %d", len(squashed.Packages), want)
	}
	for _, p := range squashed.Packages {
		if p.FoundBy != java.Name || p.Locations[0].Layer != "sha256:layer" || !strings.HasPrefix(p.Locations[0].Path, "opt/fixtures/") {
			t.Errorf("package %s: foundBy %q, location %+v", p.Name, p.FoundBy, p.Locations)
		}
	}
}
