// Package php extracts Composer (Packagist) packages from composer.lock
// and from the vendor/composer/installed.json that Composer writes for the
// packages it installed.
//
// Versions are kept as Composer writes them, "v5.4.19" included: Composer,
// Packagist and the vulnerability matcher all ignore the leading "v" when
// comparing, and keeping it leaves the package URL as other tools write it.
package php

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/purl"
)

// Extractor names.
const (
	NameComposerLock      = "lang/composer-lock"
	NameComposerInstalled = "lang/composer-installed"
)

// maxPackages bounds the packages one file may declare.
const maxPackages = 1 << 17

// ComposerLock reads composer.lock files.
type ComposerLock struct{}

var _ extract.Extractor = (*ComposerLock)(nil)

// NewComposerLock returns the composer.lock extractor.
func NewComposerLock() *ComposerLock { return &ComposerLock{} }

// Name implements extract.Extractor.
func (*ComposerLock) Name() string { return NameComposerLock }

// Version implements extract.Extractor.
func (*ComposerLock) Version() int { return 2 }

// Required implements extract.Extractor.
func (*ComposerLock) Required(p string, _ fs.FileInfo) bool { return path.Base(p) == "composer.lock" }

// Extract implements extract.Extractor.
func (*ComposerLock) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	res, err := ParseComposerLock(ctx, in.Reader)
	if err != nil {
		return nil, fmt.Errorf("parsing composer.lock %s: %w", in.Path, err)
	}
	return locate(res, in.Path), nil
}

// ComposerInstalled reads the installed.json Composer keeps in
// vendor/composer/ (vendor-dir may be renamed, so any .../composer/installed.json).
type ComposerInstalled struct{}

var _ extract.Extractor = (*ComposerInstalled)(nil)

// NewComposerInstalled returns the installed.json extractor.
func NewComposerInstalled() *ComposerInstalled { return &ComposerInstalled{} }

// Name implements extract.Extractor.
func (*ComposerInstalled) Name() string { return NameComposerInstalled }

// Version implements extract.Extractor.
func (*ComposerInstalled) Version() int { return 2 }

// Required implements extract.Extractor.
func (*ComposerInstalled) Required(p string, _ fs.FileInfo) bool {
	return p == "composer/installed.json" || strings.HasSuffix(p, "/composer/installed.json")
}

// Extract implements extract.Extractor.
func (*ComposerInstalled) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	res, err := ParseInstalledJSON(ctx, in.Reader)
	if err != nil {
		return nil, fmt.Errorf("parsing Composer installed.json %s: %w", in.Path, err)
	}
	return locate(res, in.Path), nil
}

// ParseComposerLock reads a composer.lock: the "packages" array holds the
// production packages, "packages-dev" the development ones (Dev). Entries
// without a name or version are skipped with a warning. DependsOn comes
// from each entry's "require" (see dependsOn).
func ParseComposerLock(ctx context.Context, r io.Reader) (*extract.Result, error) {
	var doc struct {
		Packages    *[]json.RawMessage `json:"packages"`
		PackagesDev []json.RawMessage  `json:"packages-dev"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("decoding JSON: %w", err)
	}
	if doc.Packages == nil {
		return nil, errors.New(`no "packages" array: not a composer.lock`)
	}
	c := newCollector()
	if err := c.add(ctx, "packages", *doc.Packages, func(string) bool { return false }); err != nil {
		return nil, err
	}
	if err := c.add(ctx, "packages-dev", doc.PackagesDev, func(string) bool { return true }); err != nil {
		return nil, err
	}
	return c.finish(), nil
}

// ParseInstalledJSON reads vendor/composer/installed.json in either of
// Composer's formats: Composer 1's array of packages, or Composer 2's
// {"packages": [...], "dev-package-names": [...]}, where the packages
// named in dev-package-names are development ones (Dev). DependsOn comes
// from each entry's "require", as in composer.lock.
func ParseInstalledJSON(ctx context.Context, r io.Reader) (*extract.Result, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	c := newCollector()
	switch t := bytes.TrimLeft(data, " \t\r\n\ufeff"); {
	case len(t) > 0 && t[0] == '[':
		var list []json.RawMessage
		if err := json.Unmarshal(t, &list); err != nil {
			return nil, fmt.Errorf("decoding JSON: %w", err)
		}
		err = c.add(ctx, "packages", list, func(string) bool { return false })
	default:
		var doc struct {
			Packages *[]json.RawMessage `json:"packages"`
			DevNames []string           `json:"dev-package-names"`
		}
		if err := json.Unmarshal(t, &doc); err != nil {
			return nil, fmt.Errorf("decoding JSON: %w", err)
		}
		if doc.Packages == nil {
			return nil, errors.New(`no "packages" array: not a Composer installed.json`)
		}
		dev := make(map[string]bool, len(doc.DevNames))
		for _, n := range doc.DevNames {
			dev[n] = true
		}
		err = c.add(ctx, "packages", *doc.Packages, func(n string) bool { return dev[n] })
	}
	if err != nil {
		return nil, err
	}
	return c.finish(), nil
}

// composerPackage is the part of a package entry drydock reads. The link
// maps are decoded on their own, leniently: PHP writes an empty one as [].
type composerPackage struct {
	Name    string          `json:"name"`
	Version string          `json:"version"`
	License json.RawMessage `json:"license"`
	Require json.RawMessage `json:"require"`
	Provide json.RawMessage `json:"provide"`
	Replace json.RawMessage `json:"replace"`
}

// collector gathers the packages of a file with what their entries link to.
type collector struct {
	res      *extract.Result
	requires [][]string          // per package of res: the names it requires
	provides map[string][]string // lower-case name → purls of the packages providing or replacing it
}

func newCollector() *collector {
	return &collector{res: &extract.Result{}, provides: map[string][]string{}}
}

// add appends the packages of list, the entries of the array key.
func (c *collector) add(ctx context.Context, key string, list []json.RawMessage, isDev func(string) bool) error {
	for i, raw := range list {
		if i%1024 == 1023 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		var cp composerPackage
		if err := json.Unmarshal(raw, &cp); err != nil {
			c.res.Warnings = append(c.res.Warnings, fmt.Sprintf("%s[%d]: %v; skipped", key, i, err))
			continue
		}
		if cp.Name == "" || cp.Version == "" {
			c.res.Warnings = append(c.res.Warnings, fmt.Sprintf("%s[%d]: no name or version; skipped", key, i))
			continue
		}
		if len(c.res.Packages) >= maxPackages {
			c.res.Warnings = append(c.res.Warnings, fmt.Sprintf("more than %d packages; the rest skipped", maxPackages))
			return nil
		}
		p := model.Package{
			Name:      cp.Name,
			Version:   cp.Version,
			Type:      model.TypeComposer,
			Ecosystem: model.LanguageEcosystem(model.TypeComposer),
			Licenses:  licenses(cp.License),
			Dev:       isDev(cp.Name),
		}
		p.PURL = purl.For(p, nil)
		c.res.Packages = append(c.res.Packages, p)
		c.requires = append(c.requires, linkNames(cp.Require))
		for _, n := range append(linkNames(cp.Provide), linkNames(cp.Replace)...) {
			n = strings.ToLower(n)
			c.provides[n] = append(c.provides[n], p.PURL)
		}
	}
	return nil
}

// finish sets the DependsOn of the packages and returns the result.
func (c *collector) finish() *extract.Result {
	pkgs := c.res.Packages
	byName := make(map[string][]string, len(pkgs)) // lower-case name → purls
	for _, p := range pkgs {
		n := strings.ToLower(p.Name)
		byName[n] = append(byName[n], p.PURL)
	}
	for i := range pkgs {
		pkgs[i].DependsOn = dependsOn(c.requires[i], byName, c.provides, pkgs[i].PURL)
	}
	return c.res
}

// dependsOn resolves the names a package requires to the purls of
// packages of the file: the package of that name (Composer compares names
// case-insensitively), or else the package that provides or replaces it
// (a virtual package such as psr/log-implementation, or a component of a
// replacing bundle). Platform packages (php, ext-*, lib-*,
// composer-plugin-api, ...) are not packages of the file and are left out,
// as are names that resolve to no package, to several, or to self.
func dependsOn(requires []string, byName, provides map[string][]string, self string) []string {
	var out []string
	for _, n := range requires {
		if isPlatform(n) {
			continue
		}
		n = strings.ToLower(n)
		purls, ok := byName[n]
		if !ok {
			purls = provides[n]
		}
		if len(purls) == 1 && purls[0] != self {
			out = append(out, purls[0])
		}
	}
	return extract.DependsOn(out)
}

// isPlatform reports whether a required name is one of Composer's platform
// packages (PlatformRepository::isPlatformPackage): php and its variants,
// hhvm, ext-* and lib-* (extensions and system libraries), and composer,
// composer-plugin-api and composer-runtime-api. Their names have no
// vendor: "vendor/name" is never one.
func isPlatform(name string) bool {
	n := strings.ToLower(name)
	if strings.Contains(n, "/") {
		return false
	}
	switch n {
	case "php", "php-64bit", "php-ipv6", "php-zts", "php-debug", "hhvm",
		"composer", "composer-plugin-api", "composer-runtime-api":
		return true
	}
	return strings.HasPrefix(n, "ext-") || strings.HasPrefix(n, "lib-")
}

// linkNames returns the package names of a link map ("require",
// "provide", "replace": name → constraint); nil when it is not an object
// (PHP writes an empty map as []).
func linkNames(raw json.RawMessage) []string {
	var m map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &m) != nil {
		return nil
	}
	names := make([]string, 0, len(m))
	for n := range m {
		if n != "" {
			names = append(names, n)
		}
	}
	return names
}

// licenses reads "license": an array of SPDX identifiers, or one string in
// old packages.
func licenses(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var list []string
	if json.Unmarshal(raw, &list) != nil {
		var one string
		if json.Unmarshal(raw, &one) != nil || one == "" {
			return nil
		}
		return []string{one}
	}
	var out []string
	for _, l := range list {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

func locate(res *extract.Result, p string) *extract.Result {
	for i := range res.Packages {
		res.Packages[i].Locations = []model.Location{{Path: p}}
	}
	return res
}
