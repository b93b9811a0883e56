package match

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/version"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
)

// fold turns the records affecting one package into findings: records
// whose ID sets (ID ∪ aliases) intersect, directly or through a chain, are
// one flaw and make one finding. The findings are sorted by ID.
func fold(p parser, q query, hits []hit) []model.Vulnerability {
	byID := func(a, b hit) int { return cmp.Compare(a.entry.ID, b.entry.ID) }
	if !slices.IsSortedFunc(hits, byID) { // Stores return them sorted
		slices.SortFunc(hits, byID)
	}
	parent := make([]int, len(hits))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	owner := make(map[string]int, 2*len(hits))
	merged := false
	for i, h := range hits {
		for _, id := range recordIDs(h.entry) {
			j, ok := owner[id]
			if !ok {
				owner[id] = i
				continue
			}
			if ri, rj := find(i), find(j); ri != rj {
				parent[max(ri, rj)] = min(ri, rj)
				merged = true
			}
		}
	}
	matchedBy := q.by + " " + q.name + " " + q.version
	out := make([]model.Vulnerability, 0, len(hits))
	if !merged {
		for i := range hits {
			out = append(out, merge(p, q, matchedBy, hits[i:i+1]))
		}
	} else {
		groups := make(map[int][]hit)
		var roots []int
		for i, h := range hits {
			r := find(i)
			if _, ok := groups[r]; !ok {
				roots = append(roots, r)
			}
			groups[r] = append(groups[r], h)
		}
		for _, r := range roots {
			out = append(out, merge(p, q, matchedBy, groups[r]))
		}
	}
	slices.SortFunc(out, func(a, b model.Vulnerability) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// recordIDs returns the IDs of a record: its ID, then its aliases.
func recordIDs(e *osv.Entry) []string {
	ids := make([]string, 0, 1+len(e.Aliases))
	return append(append(ids, e.ID), e.Aliases...)
}

// merge makes one finding of the records of one flaw (sorted by ID):
//   - ID is the lowest CVE ID among all IDs, else the lowest record ID;
//     Aliases are all other IDs, sorted; Advisories the record IDs.
//   - the highest severity wins, with its source; CVSS lists every vector.
//   - FixedVersion is the smallest version that fixes every record, the
//     greatest of their fixed versions, or "" if one record has no fix.
//   - Summary is the first non-empty one; References the union of URLs;
//     Published the earliest, Modified the latest.
func merge(p parser, q query, matchedBy string, hs []hit) model.Vulnerability {
	sch, _ := version.SchemeFor(q.eco) // known: the records were evaluated
	v := model.Vulnerability{
		MatchedBy:  matchedBy,
		DataSource: string(q.eco.Base()),
		Severity:   model.SeverityUnknown,
	}
	all := make([]string, 0, 2*len(hs))
	fixed, unfixed := "", false
	var published, modified time.Time
	var notes []string
	for _, h := range hs {
		e := h.entry
		v.Advisories = append(v.Advisories, e.ID)
		all = append(append(all, e.ID), e.Aliases...)
		if v.Summary == "" {
			v.Summary = strings.TrimSpace(e.Summary)
		}
		sev := recordSeverity(e, h.affected, q.eco)
		if sev.level.Rank() > v.Severity.Rank() {
			v.Severity, v.SeveritySource = sev.level, sev.source
		}
		for _, c := range sev.cvss {
			if !slices.ContainsFunc(v.CVSS, func(d model.CVSS) bool { return d.Version == c.Version && d.Vector == c.Vector }) {
				v.CVSS = append(v.CVSS, c)
			}
		}
		if h.fixed == "" {
			unfixed = true
		} else {
			fixed = maxOrFirst(p, sch, fixed, h.fixed)
		}
		for _, r := range e.References {
			// Linear: records have tens of references at most.
			if r.URL != "" && !slices.Contains(v.References, r.URL) {
				v.References = append(v.References, r.URL)
			}
		}
		if !e.Published.IsZero() && (published.IsZero() || e.Published.Before(published)) {
			published = e.Published
		}
		if !e.Modified.IsZero() && e.Modified.After(modified) {
			modified = e.Modified
		}
		for _, n := range h.notes {
			if !slices.Contains(notes, n) {
				notes = append(notes, n)
			}
		}
	}
	if !unfixed {
		v.FixedVersion = fixed
	}
	slices.Sort(all)
	all = slices.Compact(all)
	v.ID = v.Advisories[0]
	for _, id := range all {
		if isCVE(id) && (!isCVE(v.ID) || compareCVE(id, v.ID) < 0) {
			v.ID = id
		}
	}
	if len(all) > 1 {
		v.Aliases = make([]string, 0, len(all)-1)
		for _, id := range all {
			if id != v.ID {
				v.Aliases = append(v.Aliases, id)
			}
		}
	}
	// Findings of packages from one source share these slices: clip them
	// so that an append by a consumer copies instead of writing into
	// another finding's array.
	v.Advisories = slices.Clip(v.Advisories)
	v.References = slices.Clip(v.References)
	v.CVSS = slices.Clip(v.CVSS)
	if !published.IsZero() || !modified.IsZero() {
		times := &[2]time.Time{published, modified} // one allocation for both
		if !published.IsZero() {
			v.Published = &times[0]
		}
		if !modified.IsZero() {
			v.Modified = &times[1]
		}
	}
	v.Note = strings.Join(notes, "; ")
	return v
}

func isCVE(id string) bool { return strings.HasPrefix(id, "CVE-") }

// compareCVE orders CVE IDs by year, then number ("CVE-2021-4104" before
// "CVE-2021-44228").
func compareCVE(a, b string) int {
	ya, na := cveParts(a)
	yb, nb := cveParts(b)
	return cmp.Or(cmp.Compare(ya, yb), cmp.Compare(na, nb), cmp.Compare(a, b))
}

func cveParts(id string) (year, num int) {
	parts := strings.SplitN(id, "-", 3)
	if len(parts) != 3 {
		return 0, 0
	}
	year, _ = strconv.Atoi(parts[1])
	num, _ = strconv.Atoi(parts[2])
	return year, num
}

// statusNotes reports distribution statuses that mean "not assessed yet":
// Ubuntu's needs-triage and the Debian tracker's undetermined.
func statusNotes(a *osv.Affected) []string {
	switch st, _ := stringField(a.EcosystemSpecific, "status"); st {
	case "needs-triage", "undetermined":
		return []string{a.Package.Ecosystem + " status " + st + ": the distribution has not assessed this package yet"}
	}
	return nil
}
