package cli_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/drydockhq/drydock/internal/imagetest"
	"github.com/drydockhq/drydock/pkg/model"
)

// copyTree copies src (a file, or every file below a directory) to dst,
// keeping modes.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// appParts are the application components of the test app, each a real
// artefact committed by its extractor's tests (see their testdata/make.sh):
// a Spring Boot-layout fat jar with log4j-core 2.14.1 nested in BOOT-INF/lib,
// Debian's age-keygen (a Go binary built with go1.19.8), an npm-installed
// node_modules tree (lodash 4.17.4, minimist 1.2.0, ...) and Debian's
// installed Python packages (requests 2.28.1, urllib3 1.26.12).
var appParts = []struct{ src, dst string }{
	{"../../pkg/extract/java/testdata/demo-app-0.0.1-SNAPSHOT.jar", "srv/shop/app.jar"},
	{"../../pkg/extract/golang/testdata/age-keygen", "usr/bin/age-keygen"},
	{"../../pkg/extract/javascript/testdata/nodemodules", "srv/web"},
	{"../../pkg/extract/python/testdata/installed/dist-packages", "usr/lib/python3/dist-packages"},
	// log4j-core 2.14.1 with JndiLookup.class deleted, the CVE-2021-44228
	// workaround.
	{"../../pkg/extract/java/testdata/mitigated/log4j-core-2.14.1.jar", "srv/legacy/lib/log4j-core-2.14.1.jar"},
}

// makeApp lays the parts out as a root file system, one directory per part.
func makeApp(t *testing.T) (root string, parts []string) {
	t.Helper()
	root = t.TempDir()
	for _, p := range appParts {
		part := filepath.Join(root, "part-"+strings.ReplaceAll(p.dst, "/", "_"))
		copyTree(t, p.src, filepath.Join(part, p.dst))
		parts = append(parts, part)
	}
	return root, parts
}

// wantLang are findings the app must produce from the bundled real
// advisories: Log4Shell in the nested jar, an old Go standard library in a
// static binary, lodash and minimist installed by npm, urllib3 from Debian.
var wantLang = []struct{ id, pkg, version, path string }{
	{"CVE-2021-44228", "org.apache.logging.log4j:log4j-core", "2.14.1", "srv/shop/app.jar"},
	{"CVE-2019-10744", "lodash", "4.17.4", "srv/web/node_modules/lodash/package.json"},
	{"CVE-2021-44906", "minimist", "1.2.0", "srv/web/node_modules/minimist/package.json"},
	{"GO-2023-1878", "stdlib", "go1.19.8", "usr/bin/age-keygen"},
	{"CVE-2023-43804", "urllib3", "1.26.12", "usr/lib/python3/dist-packages/urllib3-1.26.12.egg-info/PKG-INFO"},
}

func checkLang(t *testing.T, r model.Report, layered bool) {
	t.Helper()
	for _, w := range wantLang {
		i := slices.IndexFunc(r.Vulnerabilities, func(v model.Vulnerability) bool {
			return (v.ID == w.id || slices.Contains(v.Aliases, w.id)) && v.Package.Name == w.pkg && v.Package.Version == w.version &&
				strings.HasPrefix(v.Package.Locations[0].Path, w.path)
		})
		if i < 0 {
			t.Errorf("%s in %s %s: not found", w.id, w.pkg, w.version)
			continue
		}
		v := r.Vulnerabilities[i]
		loc := v.Package.Locations[0]
		// The Go vulnerability database gives no severities: UNKNOWN is the
		// truth there; the other sources carry CVSS vectors or levels.
		noSeverity := v.Severity == model.SeverityUnknown && v.Package.Name != "stdlib"
		if !strings.HasPrefix(loc.Path, w.path) || len(v.Advisories) == 0 || v.FixedVersion == "" || noSeverity {
			t.Errorf("%s in %s: location %+v, advisories %v, fixed %q, severity %s", w.id, w.pkg, loc, v.Advisories, v.FixedVersion, v.Severity)
		}
		if layered && loc.Layer == "" {
			t.Errorf("%s in %s: no layer", w.id, w.pkg)
		}
	}
	// The mitigated jar: Log4Shell reported, with the mitigation noted;
	// CVE-2021-44832 (JDBC appender) is not mitigated by the removal.
	for id, note := range map[string]bool{"CVE-2021-44228": true, "CVE-2021-44832": false} {
		i := slices.IndexFunc(r.Vulnerabilities, func(v model.Vulnerability) bool {
			return (v.ID == id || slices.Contains(v.Aliases, id)) && v.Package.Locations[0].Path == "srv/legacy/lib/log4j-core-2.14.1.jar"
		})
		if i < 0 {
			t.Errorf("%s in the mitigated jar: not reported", id)
			continue
		}
		if got := strings.Contains(r.Vulnerabilities[i].Note, "mitigated: JndiLookup.class"); got != note {
			t.Errorf("%s in the mitigated jar: note %q", id, r.Vulnerabilities[i].Note)
		}
	}
}

// TestLanguageFindings: `drydock fs` on the app's tree and `drydock image`
// on an image made of it find the real flaws of its application packages.
func TestLanguageFindings(t *testing.T) {
	root, parts := makeApp(t)
	cache := t.TempDir()
	// fs: one tree with every part.
	tree := filepath.Join(root, "rootfs")
	for _, p := range parts {
		copyTree(t, p, tree)
	}
	checkLang(t, scanJSON(t, "fs", "--cache-dir", cache, tree), false)

	// image: one layer per part.
	var layers []v1.Layer
	for _, p := range parts {
		l, err := imagetest.LayerFromDir(p)
		if err != nil {
			t.Fatal(err)
		}
		layers = append(layers, l)
	}
	img, err := imagetest.Image(layers, nil)
	if err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(root, "app.tar")
	if err := imagetest.WriteArchive(archive, "drydock-test/app:1", img); err != nil {
		t.Fatal(err)
	}
	checkLang(t, scanJSON(t, "image", "-q", "--cache-dir", cache, archive), true)
}
