package pii

import (
	"path"
	"strings"

	"github.com/drydockhq/drydock/pkg/extract"
)

// MaxFileSize is the largest file the extractor reads. Personal data sits
// in data files (CSV and SQL dumps, exports, logs), which can be large, so
// the cap is higher than the secret extractor's; it still bounds the time
// and memory spent on one file (the scan runs at several hundred MB/s).
const MaxFileSize = 64 << 20

// minFileSize is the smallest file worth scanning.
const minFileSize = 8

// pathFilter holds the path rules of Required, built once in New.
type pathFilter struct {
	// prefixes (lower case) of distribution- and runtime-owned trees:
	// package databases list maintainers' addresses, documentation and
	// licences list authors', libraries ship test data. None is the
	// personal data of an application's users.
	prefixes []string
	// parts (lower case) of third-party code, caches and test suites
	// anywhere in the tree.
	parts []string
	// names (lower case, without a .md/.txt/.rst extension) of files that
	// list a project's authors or history; namePrefixes likewise
	// ("license-mit", "copying.lib").
	names        map[string]bool
	namePrefixes []string
}

func newPathFilter() *pathFilter {
	f := &pathFilter{
		prefixes: []string{
			"usr/share/", "usr/lib/", "usr/lib32/", "usr/lib64/", "usr/libexec/", "usr/include/", "usr/src/",
			"usr/bin/", "usr/sbin/", "bin/", "sbin/", "lib/", "lib32/", "lib64/", "boot/",
			"var/lib/dpkg/", "var/lib/apt/", "var/lib/rpm/", "var/lib/apk/", "var/cache/", "etc/ssl/",
			"usr/local/go/", "usr/local/lib/", "usr/local/share/", "opt/yarn-", "proc/", "sys/", "dev/",
		},
		parts: []string{
			"/node_modules/", "/site-packages/", "/dist-packages/", "/vendor/", "/go/pkg/mod/", "/.m2/repository/",
			"/.cargo/registry/", "/gems/", "/.git/", "/test/", "/tests/", "/testdata/", "/__tests__/", "/spec/",
			"/fixtures/", "/locale/", "/locales/",
		},
		names:        map[string]bool{},
		namePrefixes: []string{"license", "licence", "copying"},
	}
	for _, n := range []string{
		"authors", "contributors", "maintainers", "credits", "thanks", "changelog", "changes", "news",
		"history", "notice", "copyright", "pkg-info", "metadata", "owners", "codeowners",
	} {
		f.names[n] = true
	}
	return f
}

// skip reports whether the file at p is never scanned: by name (see
// skipByName), or because it is in a tree or is a kind of file the filter
// names, or is a test or documentation file.
func (f *pathFilter) skip(p string) bool {
	if extract.BinaryName(p) {
		return true
	}
	lp := strings.ToLower(p)
	for _, pre := range f.prefixes {
		if strings.HasPrefix(lp, pre) {
			return true
		}
	}
	slashed := "/" + lp
	for _, part := range f.parts {
		if strings.Contains(slashed, part) {
			return true
		}
	}
	base := path.Base(lp)
	name := base
	switch ext := path.Ext(base); ext {
	case ".md", ".markdown", ".rst", ".adoc", ".gemspec", ".pom":
		return true // documentation, package metadata
	case ".txt":
		name = strings.TrimSuffix(base, ext)
	}
	if f.names[name] {
		return true
	}
	for _, pre := range f.namePrefixes {
		if strings.HasPrefix(name, pre) {
			return true
		}
	}
	return strings.HasSuffix(base, "_test.go") || strings.Contains(base, ".test.") || strings.Contains(base, ".spec.")
}
