package ingest

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/drydockhq/drydock/pkg/lazyre"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
	"go.yaml.in/yaml/v3"
)

// rubysec (github.com/rubysec/ruby-advisory-db): one YAML document per
// advisory, gems/<gem>/<id>.yml. A version is affected unless it satisfies
// one of patched_versions or unaffected_versions, each a Gem requirement
// ("~> 5.2.4, >= 5.2.4.3"). The affected set is computed as the complement
// of their union and written as ECOSYSTEM events; the raw requirements are
// kept in affected[].database_specific. An exclusive lower bound
// ("unaffected_versions: <= 1.13.7" makes 1.13.7 safe and what follows
// affected) has no exact OSV form: it is written as introduced at that
// version and marked "approximate": true, so only that one version is
// over-reported. rubies/ (interpreter advisories) are not imported.
type rubyAdvisory struct {
	Gem                string   `yaml:"gem"`
	CVE                string   `yaml:"cve"`
	GHSA               string   `yaml:"ghsa"`
	OSVDB              string   `yaml:"osvdb"`
	URL                string   `yaml:"url"`
	Title              string   `yaml:"title"`
	Date               string   `yaml:"date"`
	Description        string   `yaml:"description"`
	CVSSv2             string   `yaml:"cvss_v2"`
	CVSSv3             string   `yaml:"cvss_v3"`
	CVSSv4             string   `yaml:"cvss_v4"`
	PatchedVersions    []string `yaml:"patched_versions"`
	UnaffectedVersions []string `yaml:"unaffected_versions"`
	Related            struct {
		URL []string `yaml:"url"`
	} `yaml:"related"`
}

var gemName = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

var gemVersion = lazyre.New(`^[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)

func parseRubysec(in *input) (*result, error) {
	var a rubyAdvisory
	if err := yaml.Unmarshal(in.data, &a); err != nil {
		return nil, fmt.Errorf("decoding rubysec YAML: %w", err)
	}
	stem := strings.TrimSuffix(path.Base(in.path), path.Ext(in.path))
	if !gemName().MatchString(a.Gem) {
		return nil, fmt.Errorf("rubysec: bad gem name %q", a.Gem)
	}
	var safe []interval
	for _, req := range append(append([]string(nil), a.PatchedVersions...), a.UnaffectedVersions...) {
		set, err := gemRequirement(req)
		if err != nil {
			return nil, fmt.Errorf("rubysec: %w", err)
		}
		safe = append(safe, set...)
	}
	affected := complement(union(safe, compareGem), compareGem)
	res := &result{}
	if len(affected) == 0 {
		res.note("rubysec advisory with no affected versions, not imported")
		return res, nil
	}
	evs, approx := events(affected)
	dbs := map[string]any{}
	if len(a.PatchedVersions) > 0 {
		dbs["patched_versions"] = a.PatchedVersions
	}
	if len(a.UnaffectedVersions) > 0 {
		dbs["unaffected_versions"] = a.UnaffectedVersions
	}
	if approx {
		dbs["approximate"] = true
		res.note("exclusive lower bound approximated as introduced (marked approximate)")
	}
	e := &osv.Entry{
		ID:       "RUBYSEC-" + stem + "-" + a.Gem,
		Modified: in.modTime,
		Summary:  strings.TrimSpace(a.Title),
		Details:  strings.TrimSpace(a.Description),
		Affected: []osv.Affected{{
			Package:          osv.Package{Ecosystem: "RubyGems", Name: a.Gem, PURL: "pkg:gem/" + a.Gem},
			Ranges:           []osv.Range{{Type: osv.RangeEcosystem, Events: evs}},
			DatabaseSpecific: rawJSON(dbs),
		}},
	}
	if t, err := time.Parse(time.DateOnly, strings.TrimSpace(a.Date)); err == nil {
		e.Published = t
	}
	if a.CVE != "" {
		e.Aliases = append(e.Aliases, "CVE-"+strings.TrimPrefix(a.CVE, "CVE-"))
	}
	if a.GHSA != "" {
		e.Aliases = append(e.Aliases, "GHSA-"+strings.TrimPrefix(a.GHSA, "GHSA-"))
	}
	if a.OSVDB != "" {
		e.Aliases = append(e.Aliases, "OSVDB-"+strings.TrimPrefix(a.OSVDB, "OSVDB-"))
	}
	if a.URL != "" {
		e.References = append(e.References, osv.Reference{Type: "ADVISORY", URL: a.URL})
	}
	for _, u := range a.Related.URL {
		if u != a.URL {
			e.References = append(e.References, osv.Reference{Type: "WEB", URL: u})
		}
	}
	scores := map[string]any{}
	for k, v := range map[string]string{"cvss_v2": a.CVSSv2, "cvss_v3": a.CVSSv3, "cvss_v4": a.CVSSv4} {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			scores[k] = f
		}
	}
	e.DatabaseSpecific = rawJSON(scores)
	res.entries = append(res.entries, e)
	return res, nil
}

// gemRequirement parses a Gem requirement, comma-separated comparisons that
// must all hold, into the set of versions satisfying it.
func gemRequirement(req string) ([]interval, error) {
	set := []interval{all()}
	for _, part := range strings.Split(req, ",") {
		part = strings.TrimSpace(part)
		op := ""
		for _, o := range []string{"~>", ">=", "<=", "!=", ">", "<", "="} {
			if strings.HasPrefix(part, o) {
				op = o
				break
			}
		}
		ver := strings.TrimSpace(part[len(op):])
		if !gemVersion().MatchString(ver) {
			return nil, fmt.Errorf("bad Gem requirement %q", req)
		}
		var cs []interval
		if op == "~>" {
			cs = []interval{{bound{v: ver, incl: true}, bound{v: gemBump(ver)}}}
		} else {
			cs, _ = opInterval(op, ver)
		}
		set = intersectSets(set, cs, compareGem)
	}
	return set, nil
}
