package ingest

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/drydockhq/drydock/pkg/lazyre"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
	"go.yaml.in/yaml/v3"
)

// FriendsOfPHP security-advisories (github.com/FriendsOfPHP/security-advisories):
// one YAML document per advisory, <vendor>/<package>/<id>.yaml:
//
//	title: ...
//	link: https://...
//	cve: CVE-2019-11458 (or ~)
//	branches:
//	  2.7.x:
//	    time: 2015-08-06 22:08:00
//	    versions: ['>=2.7.0', '<2.7.2']
//	reference: composer://cakephp/cakephp
//
// Each branch's constraints all hold at once (an interval); the branches
// are united and written as one ECOSYSTEM range in the Packagist
// ecosystem. The package is the reference's vendor/name. As for rubysec, an
// exclusive lower bound (">1.2") is approximated and marked.
type phpAdvisory struct {
	Title     string               `yaml:"title"`
	Link      string               `yaml:"link"`
	CVE       string               `yaml:"cve"`
	Reference string               `yaml:"reference"`
	Branches  map[string]phpBranch `yaml:"branches"`
}

type phpBranch struct {
	Time     string   `yaml:"time"`
	Versions []string `yaml:"versions"`
}

var (
	phpConstraint = lazyre.New(`^(>=|<=|==|!=|>|<|=)?\s*v?([0-9][0-9A-Za-z.+_-]*)$`)
	phpPackage    = lazyre.New(`^[a-z0-9]([_.-]?[a-z0-9]+)*/[a-z0-9](([_.]|-{1,2})?[a-z0-9]+)*$`)
)

func parsePackagist(in *input) (*result, error) {
	var a phpAdvisory
	if err := yaml.Unmarshal(in.data, &a); err != nil {
		return nil, fmt.Errorf("decoding FriendsOfPHP YAML: %w", err)
	}
	name := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(a.Reference), "composer://"))
	if !strings.HasPrefix(a.Reference, "composer://") || !phpPackage().MatchString(name) {
		return nil, fmt.Errorf("FriendsOfPHP: bad reference %q", a.Reference)
	}
	if len(a.Branches) == 0 {
		return nil, fmt.Errorf("FriendsOfPHP: no branches")
	}
	var affected []interval
	var raw [][]string
	var published time.Time
	for _, bname := range sortedKeys(a.Branches) {
		b := a.Branches[bname]
		set := []interval{all()}
		if len(b.Versions) == 0 {
			return nil, fmt.Errorf("FriendsOfPHP: branch %q has no versions", bname)
		}
		for _, c := range b.Versions {
			for _, part := range strings.Split(c, ",") {
				m := phpConstraint().FindStringSubmatch(strings.TrimSpace(part))
				if m == nil {
					return nil, fmt.Errorf("FriendsOfPHP: branch %q: bad constraint %q", bname, c)
				}
				cs, _ := opInterval(m[1], m[2])
				set = intersectSets(set, cs, compareComposer)
			}
		}
		affected = append(affected, set...)
		raw = append(raw, b.Versions)
		if t, err := time.Parse(time.DateTime, strings.TrimSpace(b.Time)); err == nil && (published.IsZero() || t.Before(published)) {
			published = t
		}
	}
	affected = union(affected, compareComposer)
	res := &result{}
	if len(affected) == 0 {
		res.note("FriendsOfPHP advisory with no affected versions, not imported")
		return res, nil
	}
	evs, approx := events(affected)
	dbs := map[string]any{"branches": raw}
	if approx {
		dbs["approximate"] = true
		res.note("exclusive lower bound approximated as introduced (marked approximate)")
	}
	stem := strings.TrimSuffix(path.Base(in.path), path.Ext(in.path))
	e := &osv.Entry{
		ID:        "FRIENDSOFPHP-" + stem + "-" + strings.ReplaceAll(name, "/", "-"),
		Modified:  in.modTime,
		Published: published,
		Summary:   strings.TrimSpace(a.Title),
		Affected: []osv.Affected{{
			Package:          osv.Package{Ecosystem: "Packagist", Name: name, PURL: "pkg:composer/" + name},
			Ranges:           []osv.Range{{Type: osv.RangeEcosystem, Events: evs}},
			DatabaseSpecific: rawJSON(dbs),
		}},
	}
	if cve := strings.TrimSpace(a.CVE); cveID().MatchString(cve) {
		e.Aliases = []string{cve}
	}
	if a.Link != "" {
		e.References = []osv.Reference{{Type: "ADVISORY", URL: a.Link}}
	}
	res.entries = append(res.entries, e)
	return res, nil
}
