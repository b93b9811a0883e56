package python

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"

	"github.com/BurntSushi/toml"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

// Poetry reads Poetry lock files (poetry.lock).
type Poetry struct{}

var _ extract.Extractor = (*Poetry)(nil)

// NewPoetry returns the poetry.lock extractor.
func NewPoetry() *Poetry { return &Poetry{} }

// Name implements extract.Extractor.
func (*Poetry) Name() string { return NamePoetry }

// Version implements extract.Extractor.
func (*Poetry) Version() int { return 2 }

// Required implements extract.Extractor.
func (*Poetry) Required(p string, _ fs.FileInfo) bool { return path.Base(p) == "poetry.lock" }

// Extract implements extract.Extractor.
func (*Poetry) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	res, err := ParsePoetryLock(ctx, in.Reader)
	if err != nil {
		return nil, fmt.Errorf("parsing poetry.lock %s: %w", in.Path, err)
	}
	return locate(res, in.Path), nil
}

// ParsePoetryLock reads a poetry.lock: a TOML file with one [[package]]
// table per locked distribution. A package is a development dependency when
// Poetry 1.x marks it category = "dev", or when Poetry 2.x lists groups
// for it none of which is "main". Local directory packages (source type
// "directory") are the project's own code and are skipped; a [[package]]
// without a name or version is skipped with a warning.
//
// DependsOn comes from each package's [package.dependencies] (see
// poetryDependsOn).
func ParsePoetryLock(ctx context.Context, r io.Reader) (*extract.Result, error) {
	var doc struct {
		Package []map[string]any `toml:"package"`
	}
	if _, err := toml.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("decoding TOML: %w", err)
	}
	res := &extract.Result{}
	var (
		tables []map[string]any   // the [[package]] tables of res.Packages
		names  = map[string]int{} // normalised name → [[package]] tables with a name and version
	)
	for i, t := range doc.Package {
		if i%1024 == 1023 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		name, _ := t["name"].(string)
		version, _ := t["version"].(string)
		if name == "" || version == "" {
			res.Warnings = append(res.Warnings, fmt.Sprintf("package %d: no name or version; skipped", i+1))
			continue
		}
		names[normName(name)]++
		if src, ok := t["source"].(map[string]any); ok && src["type"] == "directory" {
			continue
		}
		if len(res.Packages) >= maxPackages {
			res.Warnings = append(res.Warnings, fmt.Sprintf("more than %d packages; the rest skipped", maxPackages))
			break
		}
		p := newPackage(name, version)
		if groups, ok := t["groups"].([]any); ok {
			p.Dev = !slices.Contains(groups, any("main"))
		} else {
			p.Dev = t["category"] == "dev"
		}
		res.Packages = append(res.Packages, p)
		tables = append(tables, t)
	}
	poetryDependsOn(res.Packages, tables, names)
	return res, nil
}

// poetryDependsOn sets the DependsOn of pkgs[i] from the
// [package.dependencies] of tables[i]: a map from a name to a constraint
// string, a table ({version, markers, optional, extras, ...}) or an array
// of tables (one per marker). A lock holds one version per name unless
// markers split it, so a dependency is resolved by normalised name alone.
// Names held by several [[package]] tables (counted in names) are left
// out, as are names that match no reported package (a local directory, a
// package not in the file) and the package's own. Optional dependencies
// are kept when their package is locked: the file does not say which
// extras the project asks for.
func poetryDependsOn(pkgs []model.Package, tables []map[string]any, names map[string]int) {
	byName := make(map[string]string, len(pkgs)) // normalised name → purl
	for _, p := range pkgs {
		byName[normName(p.Name)] = p.PURL
	}
	for i, t := range tables {
		deps, _ := t["dependencies"].(map[string]any)
		var purls []string
		for name := range deps {
			n := normName(name)
			if u, ok := byName[n]; ok && names[n] == 1 && u != pkgs[i].PURL {
				purls = append(purls, u)
			}
		}
		pkgs[i].DependsOn = extract.DependsOn(purls)
	}
}
