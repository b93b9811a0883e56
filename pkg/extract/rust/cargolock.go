// Package rust extracts Rust crates: the ones a project locks in Cargo.lock
// ("lang/cargo-lock") and the ones cargo-auditable recorded in an
// executable's .dep-v0 section ("lang/cargo-auditable").
//
// Decisions, shared by both extractors:
//
//   - Crates from a registry (crates.io or another) and from git are
//     reported; their type is cargo and their ecosystem crates.io, which is
//     also where advisories for crates of other registries would be matched
//     (OSV has no ecosystem for private registries).
//   - Local crates (workspace members and path dependencies: no source in
//     Cargo.lock, "local" in audit data) are not reported: they are the
//     project's own code, not a release, and a local crate named like a
//     crates.io crate would match that crate's advisories. They are the
//     roots for relations: a reported crate that a local crate depends on is
//     RelationDirect, any other RelationIndirect.
//   - Neither format tells dev-dependencies apart (Cargo.lock mixes them in;
//     cargo-auditable leaves them out), so Dev is never set.
//   - Both record the resolved graph, which becomes DependsOn: the purls of
//     the reported crates a crate depends on. Edges to crates that are not
//     reported (local crates; build-only crates of audit data) are left out.
package rust

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/purl"
)

// LockName is the name of the Cargo.lock extractor.
const LockName = "lang/cargo-lock"

// MaxLockSize bounds the Cargo.lock files read; large workspaces lock a few
// thousand crates in under 1 MiB.
const MaxLockSize = 32 << 20

// maxLockVersion is the newest Cargo.lock format known (cargo 1.78+).
const maxLockVersion = 4

// LockExtractor reads Cargo.lock files, in every format cargo has written:
// v1 (dependencies as "name version (source)", checksums in [metadata], and
// before 2017 the root crate in a [root] table), v2 (dependencies as short as
// unambiguous: "name" or "name version"), v3 ("version = 3") and v4.
//
// Cargo.lock files under ~/.cargo/registry and ~/.cargo/git belong to
// downloaded crates, not to a project, and are not read.
type LockExtractor struct{}

var _ extract.Extractor = (*LockExtractor)(nil)

// NewLock returns the Cargo.lock extractor.
func NewLock() *LockExtractor { return &LockExtractor{} }

// Name implements extract.Extractor.
func (*LockExtractor) Name() string { return LockName }

// Version implements extract.Extractor.
func (*LockExtractor) Version() int { return 2 }

// Required implements extract.Extractor.
func (*LockExtractor) Required(p string, _ fs.FileInfo) bool {
	if path.Base(p) != "Cargo.lock" {
		return false
	}
	return !strings.Contains(p, ".cargo/registry/") && !strings.Contains(p, ".cargo/git/")
}

// Extract implements extract.Extractor.
func (*LockExtractor) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	res, err := ParseLock(ctx, in.Reader)
	if err != nil {
		return nil, fmt.Errorf("parsing Cargo.lock %s: %w", in.Path, err)
	}
	for i := range res.Packages {
		res.Packages[i].Locations = []model.Location{{Path: in.Path}}
	}
	return res, nil
}

// lockFile is a Cargo.lock. Packages are decoded loosely so that one bad
// entry costs that entry, not the file.
type lockFile struct {
	Version  any              `toml:"version"`
	Packages []map[string]any `toml:"package"`
	Root     map[string]any   `toml:"root"`
}

// crate is one [[package]] entry.
type crate struct {
	name, version, source string
	deps                  []string
}

// local reports whether the crate is part of the project: a workspace member
// or a path dependency.
func (c *crate) local() bool { return c.source == "" }

// ParseLock reads a Cargo.lock and returns its non-local crates (see the
// package documentation). Entries without a name or version are skipped with
// a warning; a file that is not TOML, or not shaped like a Cargo.lock, is an
// error.
func ParseLock(ctx context.Context, r io.Reader) (*extract.Result, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxLockSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxLockSize {
		return nil, fmt.Errorf("file is over the %d-byte limit", MaxLockSize)
	}
	var lf lockFile
	if _, err := toml.Decode(string(data), &lf); err != nil {
		return nil, err
	}
	res := &extract.Result{}
	switch v := lf.Version.(type) {
	case nil:
		// v1 or v2.
	case int64:
		if v < 1 || v > maxLockVersion {
			res.Warnings = append(res.Warnings, fmt.Sprintf("unknown Cargo.lock version %d; read as version %d", v, maxLockVersion))
		}
	default:
		return nil, fmt.Errorf("version is %T, not an integer", v)
	}

	crates := make([]crate, 0, len(lf.Packages)+1)
	if lf.Root != nil {
		if c, ok := crateOf(lf.Root); ok {
			c.source = "" // the [root] table of old lock files is the project
			crates = append(crates, c)
		} else {
			res.Warnings = append(res.Warnings, "[root]: no name or version; skipped")
		}
	}
	for i, m := range lf.Packages {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		c, ok := crateOf(m)
		if !ok {
			res.Warnings = append(res.Warnings, fmt.Sprintf("[[package]] #%d: no name or version, or a value of the wrong type; skipped", i+1))
			continue
		}
		crates = append(crates, c)
	}

	res.Packages = lockPackages(crates)
	return res, nil
}

// lockPackages returns the non-local crates as packages, with their
// relations and dependencies.
func lockPackages(crates []crate) []model.Package {
	var pkgs []model.Package
	byName := crateIndex(crates)
	direct := directDeps(crates, byName)
	roots := hasLocal(crates)
	purls := make([]string, len(crates)) // "" for local crates
	for i := range crates {
		c := &crates[i]
		if c.local() {
			continue
		}
		p := newPackage(c.name, c.version)
		purls[i] = p.PURL
		if roots {
			p.Relation = model.RelationIndirect
			if direct[i] {
				p.Relation = model.RelationDirect
			}
		}
		pkgs = append(pkgs, p)
	}
	n := 0
	for i := range crates {
		if !crates[i].local() {
			pkgs[n].DependsOn = lockDependsOn(crates, byName, purls, i)
			n++
		}
	}
	return pkgs
}

// crateOf reads a [[package]] table.
func crateOf(m map[string]any) (crate, bool) {
	name, _ := m["name"].(string)
	version, _ := m["version"].(string)
	if name == "" || version == "" {
		return crate{}, false
	}
	c := crate{name: name, version: version}
	if s, ok := m["source"]; ok {
		if c.source, ok = s.(string); !ok {
			return crate{}, false
		}
	}
	if d, ok := m["dependencies"]; ok {
		list, ok := d.([]any)
		if !ok {
			return crate{}, false
		}
		for _, x := range list {
			s, ok := x.(string)
			if !ok {
				return crate{}, false
			}
			c.deps = append(c.deps, s)
		}
	}
	return c, true
}

func hasLocal(crates []crate) bool {
	for i := range crates {
		if crates[i].local() {
			return true
		}
	}
	return false
}

// crateIndex maps crate names to their indices in crates.
func crateIndex(crates []crate) map[string][]int {
	byName := map[string][]int{}
	for i := range crates {
		byName[crates[i].name] = append(byName[crates[i].name], i)
	}
	return byName
}

// directDeps returns the indices of the crates that a local crate depends on.
func directDeps(crates []crate, byName map[string][]int) map[int]bool {
	direct := map[int]bool{}
	for i := range crates {
		if !crates[i].local() {
			continue
		}
		for _, d := range crates[i].deps {
			if j, ok := resolve(crates, byName, d); ok {
				direct[j] = true
			}
		}
	}
	return direct
}

// resolve finds the crate a dependency entry names: "name", "name version"
// or "name version (source)". It returns false when none or several match.
func resolve(crates []crate, byName map[string][]int, dep string) (int, bool) {
	f := strings.Fields(dep)
	if len(f) == 0 {
		return 0, false
	}
	var version, source string
	if len(f) > 1 {
		version = f[1]
	}
	if len(f) > 2 {
		source = strings.TrimSuffix(strings.TrimPrefix(f[2], "("), ")")
	}
	found, n := 0, 0
	for _, j := range byName[f[0]] {
		c := &crates[j]
		if version != "" && c.version != version || source != "" && c.source != source {
			continue
		}
		found = j
		n++
	}
	return found, n == 1
}

// lockDependsOn returns the purls of the reported (non-local) crates that
// the dependency entries of crates[i] resolve to; purls[j] is the purl of
// crates[j], "" when it is local. An entry that resolves to no crate, or to
// several, or to a crate of the same purl (the same name and version from
// another source) is left out.
func lockDependsOn(crates []crate, byName map[string][]int, purls []string, i int) []string {
	var out []string
	for _, d := range crates[i].deps {
		if j, ok := resolve(crates, byName, d); ok && purls[j] != "" && purls[j] != purls[i] {
			out = append(out, purls[j])
		}
	}
	return extract.DependsOn(out)
}

// newPackage returns a crate as a package.
func newPackage(name, version string) model.Package {
	p := model.Package{
		Name:      name,
		Version:   version,
		Type:      model.TypeCargo,
		Ecosystem: model.LanguageEcosystem(model.TypeCargo),
	}
	p.PURL = purl.For(p, nil)
	return p
}
