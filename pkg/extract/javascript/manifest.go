package javascript

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

// ManifestName is the name of the project manifest extractor.
const ManifestName = "lang/npm-manifest"

// Manifest reads a project's own package.json — not an installed package's
// — for the dependencies it names: "dependencies" and
// "optionalDependencies" (prod), "devDependencies" (dev), the exact
// versions among them, and "workspaces". It reports no packages. extract.Squash uses the result for the lock files in the same
// folder that do not record direct or development-only dependencies
// (yarn v1's yarn.lock; npm's lockfileVersion 1 for direct ones).
//
// An alias ("old": "npm:minimist@0.0.10") counts under the real name, as
// lock files list it. A name in both dependencies and devDependencies is
// prod, as npm installs it. package.json files under node_modules, and
// Debian's packaged modules (usr/share/nodejs, usr/lib/nodejs), are not
// projects and are skipped.
type Manifest struct{}

var _ extract.Extractor = (*Manifest)(nil)

// NewManifest returns the project manifest extractor.
func NewManifest() *Manifest { return &Manifest{} }

// Name implements extract.Extractor.
func (*Manifest) Name() string { return ManifestName }

// Version implements extract.Extractor.
func (*Manifest) Version() int { return 1 }

// Required implements extract.Extractor.
func (*Manifest) Required(p string, info fs.FileInfo) bool {
	if p != "package.json" && !strings.HasSuffix(p, "/package.json") {
		return false
	}
	if strings.HasPrefix(p, "node_modules/") || strings.Contains(p, "/node_modules/") ||
		strings.HasPrefix(p, "usr/share/nodejs/") || strings.HasPrefix(p, "usr/lib/nodejs/") {
		return false
	}
	return info == nil || info.Size() <= MaxPackageJSONSize
}

// Extract implements extract.Extractor.
func (*Manifest) Extract(_ context.Context, in *extract.Input) (*extract.Result, error) {
	data, err := readAll(in.Reader, MaxPackageJSONSize)
	if err != nil {
		return nil, fmt.Errorf("reading package.json: %w", err)
	}
	m, err := ParseManifest(data)
	if err != nil {
		return nil, err
	}
	return &extract.Result{Manifest: m}, nil
}

// ParseManifest reads the dependency names of a package.json, the exact
// versions it pins and its workspaces; nil when it names none of these.
func ParseManifest(data []byte) (*model.Manifest, error) {
	var doc struct {
		Dependencies         map[string]any `json:"dependencies"`
		OptionalDependencies map[string]any `json:"optionalDependencies"`
		DevDependencies      map[string]any `json:"devDependencies"`
		Workspaces           any            `json:"workspaces"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parsing package.json: %w", err)
	}
	m := &model.Manifest{Type: model.TypeNPM}
	m.Prod = addDeps(m, doc.Dependencies, doc.OptionalDependencies)
	for _, n := range addDeps(m, doc.DevDependencies) {
		if _, found := slices.BinarySearch(m.Prod, n); !found {
			m.Dev = append(m.Dev, n)
		}
	}
	m.Workspaces = workspaces(doc.Workspaces)
	if len(m.Prod) == 0 && len(m.Dev) == 0 && len(m.Workspaces) == 0 {
		return nil, nil
	}
	return m, nil
}

// addDeps returns the package names of dependency maps, sorted and unique,
// aliases resolved to the real name, and records the exact versions asked
// for in m.Pinned.
func addDeps(m *model.Manifest, maps ...map[string]any) []string {
	var out []string
	for _, deps := range maps {
		for name, v := range deps {
			spec, _ := v.(string)
			if target, ok := strings.CutPrefix(spec, "npm:"); ok {
				// An alias: "npm:minimist@0.0.10", or "npm:minimist" alone.
				spec = ""
				if real, rng, ok := splitNameAt(target); ok {
					target, spec = real, rng
				}
				name = target
			}
			if !validName(name) {
				continue
			}
			out = append(out, name)
			if exactVersion(spec) {
				if m.Pinned == nil {
					m.Pinned = map[string][]string{}
				}
				if !slices.Contains(m.Pinned[name], spec) {
					m.Pinned[name] = append(m.Pinned[name], spec)
					slices.Sort(m.Pinned[name])
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// exactVersion reports whether a dependency spec is one exact version
// ("1.2.0", "1.0.0-beta.1"), not a range, tag, URL or path.
func exactVersion(s string) bool {
	core, _, _ := strings.Cut(s, "-")
	parts := strings.Split(core, ".")
	if len(parts) != 3 || len(s) > maxVersionLen {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return !strings.ContainsAny(s, " <>=^~*|+:/")
}

// workspaces reads "workspaces": a list of path patterns, or yarn's
// {"packages": [...]} form.
func workspaces(v any) []string {
	if obj, ok := v.(map[string]any); ok {
		v = obj["packages"]
	}
	list, _ := v.([]any)
	var out []string
	for _, w := range list {
		if s, ok := w.(string); ok && s != "" && len(s) <= maxNameLen {
			out = append(out, strings.TrimSuffix(strings.TrimPrefix(s, "./"), "/"))
		}
	}
	return out
}
