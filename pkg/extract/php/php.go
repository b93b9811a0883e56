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
func (*ComposerLock) Version() int { return 1 }

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
func (*ComposerInstalled) Version() int { return 1 }

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
// without a name or version are skipped with a warning.
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
	res := &extract.Result{}
	if err := addPackages(ctx, res, "packages", *doc.Packages, func(string) bool { return false }); err != nil {
		return nil, err
	}
	if err := addPackages(ctx, res, "packages-dev", doc.PackagesDev, func(string) bool { return true }); err != nil {
		return nil, err
	}
	return res, nil
}

// ParseInstalledJSON reads vendor/composer/installed.json in either of
// Composer's formats: Composer 1's array of packages, or Composer 2's
// {"packages": [...], "dev-package-names": [...]}, where the packages
// named in dev-package-names are development ones (Dev).
func ParseInstalledJSON(ctx context.Context, r io.Reader) (*extract.Result, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	res := &extract.Result{}
	switch t := bytes.TrimLeft(data, " \t\r\n\ufeff"); {
	case len(t) > 0 && t[0] == '[':
		var list []json.RawMessage
		if err := json.Unmarshal(t, &list); err != nil {
			return nil, fmt.Errorf("decoding JSON: %w", err)
		}
		err = addPackages(ctx, res, "packages", list, func(string) bool { return false })
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
		err = addPackages(ctx, res, "packages", *doc.Packages, func(n string) bool { return dev[n] })
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// composerPackage is the part of a package entry drydock reads.
type composerPackage struct {
	Name    string          `json:"name"`
	Version string          `json:"version"`
	License json.RawMessage `json:"license"`
}

func addPackages(ctx context.Context, res *extract.Result, key string, list []json.RawMessage, isDev func(string) bool) error {
	for i, raw := range list {
		if i%1024 == 1023 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		var cp composerPackage
		if err := json.Unmarshal(raw, &cp); err != nil {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s[%d]: %v; skipped", key, i, err))
			continue
		}
		if cp.Name == "" || cp.Version == "" {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s[%d]: no name or version; skipped", key, i))
			continue
		}
		if len(res.Packages) >= maxPackages {
			res.Warnings = append(res.Warnings, fmt.Sprintf("more than %d packages; the rest skipped", maxPackages))
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
		res.Packages = append(res.Packages, p)
	}
	return nil
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
