package php_test

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/internal/extracttest"
	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/extract/php"
)

// composerGraph is the graph of testdata/composer, as read in the
// "require" maps of composer.lock and installed.json (the same in both):
// guzzle requires guzzlehttp/psr7 and psr/http-client (and php), psr7 and
// http-client require psr/http-message, http-kernel requires psr/log,
// phpunit (dev) requires sebastian/diff; the others require only php.
var composerGraph = map[string][]string{
	"pkg:composer/guzzlehttp/guzzle@7.4.4":     {"pkg:composer/guzzlehttp/psr7@2.4.0", "pkg:composer/psr/http-client@1.0.1"},
	"pkg:composer/guzzlehttp/psr7@2.4.0":       {"pkg:composer/psr/http-message@1.0.1"},
	"pkg:composer/psr/http-client@1.0.1":       {"pkg:composer/psr/http-message@1.0.1"},
	"pkg:composer/psr/http-message@1.0.1":      nil,
	"pkg:composer/psr/log@1.1.4":               nil,
	"pkg:composer/symfony/http-kernel@v5.4.19": {"pkg:composer/psr/log@1.1.4"},
	"pkg:composer/twig/twig@v3.4.2":            nil,
	"pkg:composer/phpunit/phpunit@8.5.40":      {"pkg:composer/sebastian/diff@3.0.6"},
	"pkg:composer/sebastian/diff@3.0.6":        nil,
}

func TestDependsOnReal(t *testing.T) {
	tests := []struct {
		file  string
		parse func(context.Context, io.Reader) (*extract.Result, error)
		want  map[string][]string
	}{
		{"composer/composer.lock", php.ParseComposerLock, composerGraph},
		{"composer/installed.json", php.ParseInstalledJSON, composerGraph},
		// Composer 1's installed.json: guzzle 6.5.5 requires
		// guzzlehttp/promises, guzzlehttp/psr7 and
		// symfony/polyfill-intl-idn, none installed, and ext-json and php.
		{"composer1/installed.json", php.ParseInstalledJSON, map[string][]string{
			"pkg:composer/guzzlehttp/guzzle@6.5.5":        nil,
			"pkg:composer/symfony/http-foundation@v4.4.7": nil,
		}},
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

// TestDependsOnRules covers what the real files do not show: platform
// packages, names in another case, virtual packages that one package
// provides (or two, which is ambiguous), replaced packages, requires of
// dev packages, and link maps PHP wrote as [].
func TestDependsOnRules(t *testing.T) {
	const lock = `{
	"packages": [
		{"name": "app/core", "version": "1.0.0", "require": {
			"php": ">=8.1", "php-64bit": "*", "ext-json": "*", "lib-pcre": "*", "composer-plugin-api": "^2.0",
			"composer-runtime-api": "^2.2", "hhvm": "*",
			"Monolog/Monolog": "^3.0", "psr/log-implementation": "^3.0", "psr/cache-implementation": "^1.0",
			"symfony/console": "^6.0", "app/core": "*", "missing/pkg": "^1.0"
		}},
		{"name": "monolog/monolog", "version": "3.4.0", "require": [], "provide": {"psr/log-implementation": "3.0.0"}},
		{"name": "cache/a", "version": "1.0.0", "provide": {"psr/cache-implementation": "1.0"}},
		{"name": "cache/b", "version": "1.0.0", "provide": {"psr/cache-implementation": "1.0"}},
		{"name": "symfony/symfony", "version": "v6.3.0", "replace": {"symfony/console": "self.version"}}
	],
	"packages-dev": [
		{"name": "phpunit/phpunit", "version": "10.0.0", "require": {"php": ">=8.1", "monolog/monolog": "*", "ext-dom": "*"}}
	]
}`
	res, err := php.ParseComposerLock(context.Background(), strings.NewReader(lock))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"pkg:composer/app/core@1.0.0":         {"pkg:composer/monolog/monolog@3.4.0", "pkg:composer/symfony/symfony@v6.3.0"},
		"pkg:composer/monolog/monolog@3.4.0":  nil,
		"pkg:composer/cache/a@1.0.0":          nil,
		"pkg:composer/cache/b@1.0.0":          nil,
		"pkg:composer/symfony/symfony@v6.3.0": nil,
		"pkg:composer/phpunit/phpunit@10.0.0": {"pkg:composer/monolog/monolog@3.4.0"},
	}
	if diff := cmp.Diff(want, extracttest.Graph(res.Packages)); diff != "" {
		t.Errorf("DependsOn (-want +got):\n%s", diff)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings %q", res.Warnings)
	}
}

// TestDependsOnClosed reads every composer.lock and installed.json of
// testdata, and checks that each DependsOn purl is the purl of another
// package of the same result and that the lists are sorted and without
// duplicates.
func TestDependsOnClosed(t *testing.T) {
	parsers := map[string]func(context.Context, io.Reader) (*extract.Result, error){
		"composer.lock":  php.ParseComposerLock,
		"installed.json": php.ParseInstalledJSON,
	}
	files, edges := 0, 0
	err := filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		parse := parsers[d.Name()]
		if parse == nil {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		res, err := parse(context.Background(), bytes.NewReader(data))
		if err != nil {
			t.Errorf("%s: %v", p, err)
			return nil
		}
		files++
		edges += extracttest.CheckDependsOn(t, p, res.Packages)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d files, %d edges", files, edges)
	if files < 3 || edges == 0 {
		t.Errorf("%d files with %d edges read", files, edges)
	}
}
