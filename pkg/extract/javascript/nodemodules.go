package javascript

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

// NodeModulesName is the name of the installed npm package extractor.
const NodeModulesName = "lang/node-modules"

// NodeModules reads the package.json of each package installed under a
// node_modules directory: name, version and license ("license" as a string
// or a {"type"} object, or the legacy "licenses" list). It does not know
// dev from prod dependencies, nor direct from indirect: an installed tree
// does not record either.
//
// A file is read only where a package manager installs a package:
// node_modules/NAME/package.json or node_modules/@SCOPE/NAME/package.json,
// nested below other installed packages (…/node_modules/a/node_modules/b/),
// or in pnpm's store (node_modules/.pnpm/ID/node_modules/NAME/). The
// package.json files inside a package (lib/package.json, test fixtures such
// as test/node_modules/x/package.json) and under dot folders (.bin, .cache,
// yarn's .store) are left alone. The name is the one package.json gives, so
// an alias folder (node_modules/old-minimist) reports the real package.
type NodeModules struct{}

var _ extract.Extractor = (*NodeModules)(nil)

// NewNodeModules returns the installed npm package extractor.
func NewNodeModules() *NodeModules { return &NodeModules{} }

// Name implements extract.Extractor.
func (*NodeModules) Name() string { return NodeModulesName }

// Version implements extract.Extractor. DependsOn is not set: each
// package.json is one package, and its dependencies are in other files
// (where Node finds them from the folder), which an extractor does not
// see; the graph of an installed tree spans files.
func (*NodeModules) Version() int { return 1 }

// Required implements extract.Extractor.
func (*NodeModules) Required(p string, _ fs.FileInfo) bool {
	return InstalledPackageJSON(p)
}

// InstalledPackageJSON reports whether p (slash-separated, relative) is
// the package.json of a package installed in a node_modules tree.
func InstalledPackageJSON(p string) bool {
	const nm = "node_modules/"
	dir, ok := strings.CutSuffix(p, "/package.json")
	if !ok {
		return false
	}
	// The first node_modules folder of the path.
	i := strings.Index(dir, nm)
	for i > 0 && dir[i-1] != '/' {
		j := strings.Index(dir[i+1:], nm)
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	if i < 0 {
		return false
	}
	rest := dir[i+len(nm):]
	for {
		if id, ok := strings.CutPrefix(rest, ".pnpm/"); ok {
			// pnpm's store: .pnpm/<id>/node_modules/<package>.
			slash := strings.IndexByte(id, '/')
			if slash <= 0 || !strings.HasPrefix(id[slash+1:], nm) {
				return false
			}
			rest = id[slash+1+len(nm):]
			continue
		}
		seg, after, more := strings.Cut(rest, "/")
		if seg == "" || seg[0] == '.' {
			return false
		}
		if seg[0] == '@' {
			seg, after, more = strings.Cut(after, "/")
			if seg == "" || seg[0] == '.' {
				return false
			}
		}
		if !more {
			return true
		}
		if rest, ok = strings.CutPrefix(after, nm); !ok {
			return false
		}
	}
}

// Extract implements extract.Extractor.
func (*NodeModules) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	if n := in.Reader.Size(); n > MaxPackageJSONSize {
		return nil, fmt.Errorf("%s: %w: %d bytes, over %d", in.Path, errTooLarge, n, MaxPackageJSONSize)
	}
	res, err := ParsePackageJSON(ctx, in.Reader)
	if err != nil {
		return nil, fmt.Errorf("parsing package.json %s: %w", in.Path, err)
	}
	for i := range res.Packages {
		res.Packages[i].Locations = []model.Location{{Path: in.Path}}
	}
	return res, nil
}

type packageJSON struct {
	Name     json.RawMessage `json:"name"`
	Version  json.RawMessage `json:"version"`
	License  json.RawMessage `json:"license"`
	Licenses json.RawMessage `json:"licenses"`
}

// ParsePackageJSON reads an installed package's package.json into one
// package. A file without a valid name and version gives no package and a
// warning; a file that is not a JSON object is an error.
func ParsePackageJSON(ctx context.Context, r io.Reader) (*extract.Result, error) {
	data, err := readAll(r, MaxPackageJSONSize)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var pj packageJSON
	if err := json.Unmarshal(data, &pj); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, errors.New("not a JSON object")
		}
		return nil, err
	}
	var name, version string
	_ = json.Unmarshal(pj.Name, &name)
	_ = json.Unmarshal(pj.Version, &version)
	name, version = strings.TrimSpace(name), strings.TrimSpace(version)
	if !validName(name) || !validVersion(version) {
		return &extract.Result{Warnings: []string{fmt.Sprintf("no valid name and version (%q, %q); not a package", clip(name), clip(version))}}, nil
	}
	c := newCollector()
	c.add(name, version, false, false, licenses(pj.License, pj.Licenses))
	return &extract.Result{Packages: c.packages()}, nil
}
