package extract

import (
	"path"

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
// optionalDependency. All versions of a name the manifest lists count as
// its roots: without the manifest's ranges, that can only leave a
// development package unmarked, never hide a production one.
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
			applyManifest(pkgs, idx, m)
		}
	}
}

func applyManifest(pkgs []model.Package, idx []int, m *model.Manifest) {
	hasRelation, hasDev := false, false
	for _, i := range idx {
		hasRelation = hasRelation || pkgs[i].Relation != ""
		hasDev = hasDev || pkgs[i].Dev
	}
	prod, dev := nameSet(m.Prod), nameSet(m.Dev)
	if !hasRelation {
		for _, i := range idx {
			if n := pkgs[i].Name; prod[n] || dev[n] {
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
			if roots[pkgs[i].Name] {
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
