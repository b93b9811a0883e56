package extract

import (
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/drydockhq/drydock/pkg/model"
)

// manifestLocks are the lock files a package.json governs, in its directory.
var manifestLocks = []string{"yarn.lock", "package-lock.json", "npm-shrinkwrap.json"}

// applyManifests completes, from the project manifests (package.json)
// visible in the image, what lock files beside them do not record: which
// packages the project names directly (Relation), for lock files without
// any Relation, and which serve development only (Dev), for lock files
// without any Dev mark (yarn v1 records neither; npm lockfile v1 has dev
// flags but not direct ones).
//
// A package is development-only when the lock file's graph (DependsOn)
// reaches it from a devDependency and not from a dependency or
// optionalDependency, of the project or of its workspace members. A name
// the manifest pins to an exact version has that version as its root;
// otherwise all versions of the name in the lock count as roots: without
// evaluating ranges, that can only leave a development package unmarked,
// never hide a production one.
func applyManifests(pkgs []model.Package, manifests map[string]*model.Manifest) {
	if len(manifests) == 0 {
		return
	}
	byFile := map[string][]int{}
	for i := range pkgs {
		if len(pkgs[i].Locations) > 0 {
			p := pkgs[i].Locations[0].Path
			byFile[p] = append(byFile[p], i)
		}
	}
	for mpath, m := range manifests {
		dir := path.Dir(mpath)
		for _, lock := range manifestLocks {
			idx := byFile[path.Join(dir, lock)]
			if len(idx) == 0 || pkgs[idx[0]].Type != m.Type {
				continue
			}
			applyManifest(pkgs, idx, withWorkspaces(dir, m, manifests))
		}
	}
}

// withWorkspaces returns m with the dependencies of its workspace members
// (the manifests at dir/<pattern>/package.json) added: the lock file at the
// root resolves theirs too, and does not list the members themselves.
func withWorkspaces(dir string, m *model.Manifest, manifests map[string]*model.Manifest) *model.Manifest {
	if len(m.Workspaces) == 0 {
		return m
	}
	all := *m
	all.Prod, all.Dev = slices.Clone(m.Prod), slices.Clone(m.Dev)
	all.Pinned = maps.Clone(m.Pinned)
	for mpath, member := range manifests {
		rel, ok := strings.CutPrefix(path.Dir(mpath), dir+"/")
		if dir == "." {
			rel, ok = path.Dir(mpath), mpath != "package.json"
		}
		if !ok || member.Type != m.Type || !slices.ContainsFunc(m.Workspaces, func(w string) bool {
			matched, _ := path.Match(w, rel)
			return matched
		}) {
			continue
		}
		all.Prod = append(all.Prod, member.Prod...)
		all.Dev = append(all.Dev, member.Dev...)
		for name, vs := range member.Pinned {
			if all.Pinned == nil {
				all.Pinned = map[string][]string{}
			}
			all.Pinned[name] = append(all.Pinned[name], vs...)
		}
	}
	return &all
}

func applyManifest(pkgs []model.Package, idx []int, m *model.Manifest) {
	hasRelation, hasDev := false, false
	for _, i := range idx {
		hasRelation = hasRelation || pkgs[i].Relation != ""
		hasDev = hasDev || pkgs[i].Dev
	}
	prod, dev := nameSet(m.Prod), nameSet(m.Dev)
	// A name's roots are the versions the manifest pins, when the lock has
	// them; else every version of the name.
	isRoot := func(roots map[string]bool, p *model.Package) bool {
		if !roots[p.Name] {
			return false
		}
		pins := m.Pinned[p.Name]
		if len(pins) == 0 || !slices.ContainsFunc(idx, func(j int) bool {
			return pkgs[j].Name == p.Name && slices.Contains(pins, pkgs[j].Version)
		}) {
			return true
		}
		return slices.Contains(pins, p.Version)
	}
	if !hasRelation {
		for _, i := range idx {
			if isRoot(prod, &pkgs[i]) || isRoot(dev, &pkgs[i]) {
				pkgs[i].Relation = model.RelationDirect
			} else {
				pkgs[i].Relation = model.RelationIndirect
			}
		}
	}
	if hasDev || len(dev) == 0 {
		return
	}
	byPURL := map[string]int{}
	for _, i := range idx {
		if pu := pkgs[i].PURL; pu != "" {
			byPURL[pu] = i
		}
	}
	reach := func(roots map[string]bool) map[int]bool {
		seen := map[int]bool{}
		var stack []int
		for _, i := range idx {
			if isRoot(roots, &pkgs[i]) {
				seen[i] = true
				stack = append(stack, i)
			}
		}
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, d := range pkgs[i].DependsOn {
				if j, ok := byPURL[d]; ok && !seen[j] {
					seen[j] = true
					stack = append(stack, j)
				}
			}
		}
		return seen
	}
	fromProd, fromDev := reach(prod), reach(dev)
	for i := range fromDev {
		if !fromProd[i] {
			pkgs[i].Dev = true
		}
	}
}

func nameSet(names []string) map[string]bool {
	s := make(map[string]bool, len(names))
	for _, n := range names {
		s[n] = true
	}
	return s
}
