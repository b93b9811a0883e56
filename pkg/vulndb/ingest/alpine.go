package ingest

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/drydockhq/drydock/pkg/lazyre"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
	"go.yaml.in/yaml/v3"
)

// Alpine secdb (secdb.alpinelinux.org, formerly the alpine-secdb repo): one
// document per release and repository, listing for each origin package the
// versions that fixed security issues:
//
//	distroversion: v3.10
//	reponame: main
//	packages:
//	  - pkg:
//	      name: musl
//	      secfixes:
//	        1.1.22-r3:
//	          - CVE-2019-14697
//
// The JSON form (secdb.alpinelinux.org/v3.x/main.json) has the same shape.
// Each (issue, package) becomes one advisory "ALPINE-<issue>-<package>"
// whose affected[] has one entry per release, range introduced 0, fixed
// <version>. The fixed version "0" is Alpine's way of saying the package
// was never affected (APKBUILD secfixes convention): no entry is made.
type alpineSecdb struct {
	DistroVersion string `yaml:"distroversion"`
	RepoName      string `yaml:"reponame"`
	Packages      []struct {
		Pkg struct {
			Name     string              `yaml:"name"`
			Secfixes map[string][]string `yaml:"secfixes"`
		} `yaml:"pkg"`
	} `yaml:"packages"`
}

var (
	alpineRelease = lazyre.New(`^v\d+\.\d+$`)
	advisoryID    = lazyre.New(`^[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9][A-Za-z0-9._:-]*$`)
	apkName       = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9._+-]*$`)
	apkVersion    = lazyre.New(`^[0-9][A-Za-z0-9._+~-]*$`)
	cveID         = lazyre.New(`^CVE-\d{4}-\d{4,}$`)
)

func parseAlpine(in *input) (*result, error) {
	var db alpineSecdb
	res := &result{}
	if err := yaml.Unmarshal(in.data, &db); err != nil {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, fmt.Errorf("decoding Alpine secdb: %w", err)
		}
		for _, msg := range te.Errors {
			res.skipped = append(res.skipped, "Alpine secdb: "+msg)
		}
	}
	rel := db.DistroVersion
	if rel == "" {
		rel = path.Base(path.Dir(in.path))
	}
	if !alpineRelease().MatchString(rel) && rel != "edge" {
		return nil, fmt.Errorf("Alpine secdb: bad release %q", rel)
	}
	eco := "Alpine:" + rel
	for _, p := range db.Packages {
		name := p.Pkg.Name
		if !apkName().MatchString(name) {
			res.skipped = append(res.skipped, fmt.Sprintf("Alpine secdb: bad package name %q", name))
			continue
		}
		for _, fixed := range sortedKeys(p.Pkg.Secfixes) {
			items := p.Pkg.Secfixes[fixed]
			if fixed == "0" {
				for range items {
					res.note("Alpine fix version 0: package not affected, not imported")
				}
				continue
			}
			if !apkVersion().MatchString(fixed) {
				res.skipped = append(res.skipped, fmt.Sprintf("Alpine secdb: %s: bad fixed version %q", name, fixed))
				continue
			}
			for _, item := range items {
				ids, aliases := alpineIDs(item)
				if len(ids) == 0 {
					res.skipped = append(res.skipped, fmt.Sprintf("Alpine secdb: %s %s: no advisory ID in %q", name, fixed, item))
					continue
				}
				for _, id := range ids {
					res.entries = append(res.entries, alpineEntry(in, eco, name, fixed, id, aliases))
				}
			}
		}
	}
	return res, nil
}

func alpineEntry(in *input, eco, name, fixed, id string, aliases []string) *osv.Entry {
	e := &osv.Entry{
		ID:       "ALPINE-" + id + "-" + name,
		Modified: in.modTime,
		Aliases:  append([]string{id}, aliases...),
		Affected: []osv.Affected{{
			Package: osv.Package{Ecosystem: eco, Name: name},
			Ranges: []osv.Range{{
				Type:   osv.RangeEcosystem,
				Events: []osv.Event{{Introduced: "0"}, {Fixed: fixed}},
			}},
		}},
	}
	if cveID().MatchString(id) {
		e.References = []osv.Reference{{Type: "ADVISORY", URL: "https://security.alpinelinux.org/vuln/" + id}}
	}
	return e
}

// alpineIDs reads one secfixes item: "CVE-2019-14697", "CVE-2019-5060
// TALOS-2019-0844", "CVE-2018-10103 (SMB - partially fixed)", "CVE
// 2018-16859". Every CVE in it is an advisory; the other IDs are aliases
// (or the advisory, when there is no CVE).
func alpineIDs(item string) (ids, aliases []string) {
	if i := strings.IndexByte(item, '('); i >= 0 {
		item = item[:i]
	}
	fields := strings.Fields(item)
	var others []string
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if strings.HasPrefix(f, "CVE_") { // typo seen in the data: "CVE_2019-2426"
			f = "CVE-" + f[4:]
		}
		if f == "CVE" && i+1 < len(fields) && cveID().MatchString("CVE-"+fields[i+1]) {
			f = "CVE-" + fields[i+1]
			i++
		}
		switch {
		case cveID().MatchString(f):
			if !slices.Contains(ids, f) {
				ids = append(ids, f)
			}
		case advisoryID().MatchString(f):
			others = append(others, f)
		}
	}
	if len(ids) == 0 && len(others) > 0 {
		return others[:1], others[1:]
	}
	return ids, others
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
