package ingest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/drydockhq/drydock/pkg/lazyre"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
)

// Node.js Security WG (github.com/nodejs/security-wg, vuln/npm/<n>.json):
// the legacy npm advisory format of the Node Security Project:
//
//	{"id": 410, "module_name": "merge-options", "cves": [],
//	 "vulnerable_versions": "<=1.0.0", "patched_versions": null,
//	 "title": ..., "overview": ..., "cvss_vector": "CVSS:3.0/...", ...}
//
// vulnerable_versions is a node-semver range ("<=4.17.4", ">=1.0.0 <1.2.3
// || >=2.0.0 <2.0.1", "^1.2.0", "1.x") and becomes OSV SEMVER events in
// the npm ecosystem; when it is empty, the complement of patched_versions
// is used. Both raw ranges are kept in affected[].database_specific. The ID
// is the WG's own "NSWG-ECO-<id>". vuln/core (advisories against Node.js
// itself) is not imported: OSV has no ecosystem for the runtime.
type nodeAdvisory struct {
	ID                 json.Number `json:"id"`
	Title              string      `json:"title"`
	Overview           string      `json:"overview"`
	Recommendation     string      `json:"recommendation"`
	CreatedAt          string      `json:"created_at"`
	UpdatedAt          string      `json:"updated_at"`
	PublishDate        string      `json:"publish_date"`
	ModuleName         string      `json:"module_name"`
	CVEs               []string    `json:"cves"`
	VulnerableVersions *string     `json:"vulnerable_versions"`
	PatchedVersions    *string     `json:"patched_versions"`
	References         []string    `json:"references"`
	CVSSVector         *string     `json:"cvss_vector"`
}

// npmName accepts legacy names with capitals ("Morris.js").
var npmName = lazyre.New(`^(@[a-z0-9][a-z0-9._~-]*/)?[a-zA-Z0-9._~-][a-zA-Z0-9._~-]*$`)

func parseNodesec(in *input) (*result, error) {
	var a nodeAdvisory
	if err := json.Unmarshal(in.data, &a); err != nil {
		return nil, fmt.Errorf("decoding Node.js security WG JSON: %w", err)
	}
	id, err := strconv.ParseUint(a.ID.String(), 10, 32)
	if err != nil {
		return nil, fmt.Errorf("Node.js security WG: bad id %q", a.ID)
	}
	if !npmName().MatchString(a.ModuleName) {
		return nil, fmt.Errorf("Node.js security WG: bad module name %q", a.ModuleName)
	}
	vuln, patched := deref(a.VulnerableVersions), deref(a.PatchedVersions)
	var affected []interval
	switch {
	case strings.TrimSpace(vuln) != "":
		if affected, err = npmRange(vuln); err != nil {
			return nil, fmt.Errorf("Node.js security WG: vulnerable_versions: %w", err)
		}
	case strings.TrimSpace(patched) != "":
		safe, err := npmRange(patched)
		if err != nil {
			return nil, fmt.Errorf("Node.js security WG: patched_versions: %w", err)
		}
		affected = complement(safe, compareSemver)
	default:
		affected = []interval{all()}
	}
	res := &result{}
	if len(affected) == 0 {
		res.note("Node.js security WG advisory with no affected versions, not imported")
		return res, nil
	}
	evs, approx := events(affected)
	dbs := map[string]any{}
	if vuln != "" {
		dbs["vulnerable_versions"] = vuln
	}
	if patched != "" {
		dbs["patched_versions"] = patched
	}
	if approx {
		dbs["approximate"] = true
		res.note("exclusive lower bound approximated as introduced (marked approximate)")
	}
	e := &osv.Entry{
		ID:      fmt.Sprintf("NSWG-ECO-%d", id),
		Summary: strings.TrimSpace(a.Title),
		Details: strings.TrimSpace(strings.TrimSpace(a.Overview) + "\n\n" + strings.TrimSpace(a.Recommendation)),
		Affected: []osv.Affected{{
			Package:          osv.Package{Ecosystem: "npm", Name: a.ModuleName, PURL: "pkg:npm/" + strings.Replace(a.ModuleName, "@", "%40", 1)},
			Ranges:           []osv.Range{{Type: osv.RangeSemver, Events: evs}},
			DatabaseSpecific: rawJSON(dbs),
		}},
	}
	e.Modified = in.modTime
	if t, err := time.Parse(time.DateOnly, a.UpdatedAt); err == nil {
		e.Modified = t
	}
	if t, err := time.Parse(time.DateOnly, a.PublishDate); err == nil {
		e.Published = t
	}
	for _, c := range a.CVEs {
		if c = strings.TrimSpace(c); cveID().MatchString(c) {
			e.Aliases = append(e.Aliases, c)
		}
	}
	if v := deref(a.CVSSVector); strings.HasPrefix(v, "CVSS:3.") {
		e.Severity = []osv.Severity{{Type: osv.SeverityCVSSv3, Score: v}}
	}
	for _, r := range a.References {
		if r = strings.TrimSpace(r); strings.HasPrefix(r, "http") {
			e.References = append(e.References, osv.Reference{Type: "WEB", URL: r})
		}
	}
	res.entries = append(res.entries, e)
	return res, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// npmRange parses a node-semver range into the versions it matches.
// Supported: comparators (<, <=, >, >=, =), bare and partial versions with
// x/* wildcards, ~ and ^ ranges, hyphen ranges, "*", and || unions.
func npmRange(rng string) ([]interval, error) {
	var out []interval
	for _, alt := range strings.Split(rng, "||") {
		set, err := npmComparatorSet(alt)
		if err != nil {
			return nil, fmt.Errorf("range %q: %w", rng, err)
		}
		out = append(out, set...)
	}
	return union(out, compareSemver), nil
}

func npmComparatorSet(s string) ([]interval, error) {
	toks := strings.Fields(s)
	// Hyphen range: "1.2.3 - 2.3.4".
	if len(toks) == 3 && toks[1] == "-" {
		lo, ok1 := parseSemver(toks[0])
		hi, ok2 := parseSemver(toks[2])
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("bad hyphen range %q", s)
		}
		lower := interval{bound{v: lo.String(), incl: true}, unbounded}
		if lo.n == 0 {
			lower = all()
		}
		upper := npmAtMost(hi)
		return intersectSets([]interval{lower}, upper, compareSemver), nil
	}
	// Join an operator written apart from its version ("< 1.2.3").
	var comps []string
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if strings.Trim(t, "<>=~^") == "" && i+1 < len(toks) {
			t += toks[i+1]
			i++
		}
		comps = append(comps, t)
	}
	set := []interval{all()}
	for _, c := range comps {
		cs, err := npmComparator(c)
		if err != nil {
			return nil, err
		}
		set = intersectSets(set, cs, compareSemver)
	}
	return set, nil
}

// npmAtMost is "<= v" with node-semver's partial-version rule: "<=1.2"
// means "<1.3.0".
func npmAtMost(v semver) []interval {
	switch v.n {
	case 0:
		return []interval{all()}
	case 3:
		return []interval{{unbounded, bound{v: v.String(), incl: true}}}
	}
	return []interval{{unbounded, bound{v: bumpSemver(v, v.n-1)}}}
}

// bumpSemver increments part i of v and zeroes the rest: the exclusive
// upper bound of a partial version or a tilde/caret range.
func bumpSemver(v semver, i int) string {
	var p semver
	for j := 0; j < i; j++ {
		p.parts[j] = v.parts[j]
	}
	x := v.parts[i]
	if x == "" {
		x = "0"
	}
	p.parts[i] = incDigits(x)
	return p.String()
}

func npmComparator(c string) ([]interval, error) {
	op := ""
	for _, o := range []string{">=", "<=", ">", "<", "=", "~", "^"} {
		if strings.HasPrefix(c, o) {
			op = o
			break
		}
	}
	v, ok := parseSemver(c[len(op):])
	if !ok {
		return nil, fmt.Errorf("bad comparator %q", c)
	}
	lo := bound{v: v.String(), incl: true}
	switch op {
	case "", "=":
		if v.n == 3 {
			return []interval{point(v.String())}, nil
		}
		if v.n == 0 {
			return []interval{all()}, nil
		}
		return []interval{{lo, bound{v: bumpSemver(v, v.n-1)}}}, nil
	case ">=":
		if v.n == 0 {
			return []interval{all()}, nil
		}
		return []interval{{lo, unbounded}}, nil
	case ">":
		switch v.n {
		case 0:
			return nil, nil
		case 3:
			return []interval{{bound{v: v.String()}, unbounded}}, nil
		}
		return []interval{{bound{v: bumpSemver(v, v.n-1), incl: true}, unbounded}}, nil
	case "<":
		if v.n == 0 {
			return nil, nil
		}
		return []interval{{unbounded, bound{v: v.String()}}}, nil
	case "<=":
		return npmAtMost(v), nil
	case "~":
		switch v.n {
		case 0:
			return []interval{all()}, nil
		case 1:
			return []interval{{lo, bound{v: bumpSemver(v, 0)}}}, nil
		}
		return []interval{{lo, bound{v: bumpSemver(v, 1)}}}, nil
	case "^":
		if v.n == 0 {
			return []interval{all()}, nil
		}
		// The first non-zero part given is the one that may not change.
		i := 0
		for i < v.n-1 && strings.Trim(v.parts[i], "0") == "" {
			i++
		}
		return []interval{{lo, bound{v: bumpSemver(v, i)}}}, nil
	}
	return nil, fmt.Errorf("bad comparator %q", c)
}
