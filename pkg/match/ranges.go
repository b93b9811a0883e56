package match

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/drydockhq/drydock/pkg/version"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
)

// Event kinds, in the order OSV lists them.
const (
	evIntroduced = iota
	evFixed
	evLastAffected
	evLimit
)

type event struct {
	kind int
	raw  string
	v    version.Version // zero for introduced "0"
}

// inRange evaluates one ECOSYSTEM or SEMVER range for the version v, which
// must be of scheme sch. It returns whether v is affected and, if so, the
// fixed version that closes the interval holding v ("" when the interval is
// open or closed by last_affected).
//
// The semantics are those of the OSV schema: events are sorted by version
// ("0" lowest; events of equal version keep their order in the data), v is
// affected when the last event at or below it is an introduced one (a fixed
// event applies from its version on, a last_affected event from the version
// after it), and limit events, if any, cap the range: v must be below one
// of them. An event version that does not parse in sch is an error; the
// caller skips the range.
func inRange(p parser, sch version.Scheme, v version.Version, r *osv.Range) (affected bool, fixed string, err error) {
	// The common shape, "introduced 0, fixed X": v < X.
	if evs := r.Events; len(evs) == 2 && evs[0].Introduced == "0" && evs[1].Fixed != "" &&
		evs[0].Fixed == "" && evs[0].LastAffected == "" && evs[0].Limit == "" &&
		evs[1].Introduced == "" && evs[1].LastAffected == "" && evs[1].Limit == "" {
		f, err := p.parse(sch, evs[1].Fixed)
		if err != nil {
			return false, "", fmt.Errorf("range event %q: %w", evs[1].Fixed, err)
		}
		if v.Compare(f) < 0 {
			return true, evs[1].Fixed, nil
		}
		return false, "", nil
	}
	var buf [8]event // most other ranges have few events: no allocation
	events := buf[:0]
	for _, e := range r.Events {
		ev := event{kind: -1}
		switch {
		case e.Introduced != "":
			ev.kind, ev.raw = evIntroduced, e.Introduced
		case e.Fixed != "":
			ev.kind, ev.raw = evFixed, e.Fixed
		case e.LastAffected != "":
			ev.kind, ev.raw = evLastAffected, e.LastAffected
		case e.Limit != "":
			ev.kind, ev.raw = evLimit, e.Limit
		default:
			continue // an empty event says nothing
		}
		switch {
		case ev.kind == evIntroduced && ev.raw == "0":
			// the lowest version: leave ev.v zero
		case ev.kind == evLimit && ev.raw == "*":
			continue // no limit
		default:
			if ev.v, err = p.parse(sch, ev.raw); err != nil {
				return false, "", fmt.Errorf("range event %q: %w", ev.raw, err)
			}
		}
		events = append(events, ev)
	}
	slices.SortStableFunc(events, func(a, b event) int { return a.v.Compare(b.v) })

	last := -1 // index of the last event that applies to v
	hasLimit, underLimit := false, false
	for i, ev := range events {
		c := v.Compare(ev.v) // v against the event: zero events sort lowest
		switch ev.kind {
		case evIntroduced:
			if c >= 0 {
				affected, last = true, i
			}
		case evFixed:
			if c >= 0 {
				affected, last = false, i
			}
		case evLastAffected:
			if c > 0 {
				affected, last = false, i
			}
		case evLimit:
			hasLimit = true
			underLimit = underLimit || c < 0
		}
	}
	if !affected || (hasLimit && !underLimit) {
		return false, "", nil
	}
	for _, ev := range events[last+1:] {
		switch ev.kind {
		case evFixed:
			return true, ev.raw, nil
		case evLastAffected:
			return true, "", nil
		}
	}
	return true, "", nil
}

// inVersions reports whether v is one of the versions listed. The list
// holds version strings as the ecosystem publishes them, so membership is
// by text, as in osv-scanner: exact, or equal ignoring case and a leading
// "v". (Parsing every entry to compare versions semantically made matching
// ten times slower on PyPI data, whose lists have hundreds of entries, for
// no case seen in the data.)
func inVersions(v string, list []string) bool {
	norm := strings.TrimPrefix(strings.ToLower(v), "v")
	for _, s := range list {
		if s == v || len(s) >= len(norm) && len(s) <= len(norm)+1 && strings.TrimPrefix(strings.ToLower(s), "v") == norm {
			return true
		}
	}
	return false
}

// maxVersion returns the greater of two versions of scheme sch given as
// text; a version that does not parse loses.
func maxVersion(p parser, sch version.Scheme, a, b string) string {
	va, errA := p.parse(sch, a)
	vb, errB := p.parse(sch, b)
	switch {
	case errA != nil:
		return b
	case errB != nil:
		return a
	}
	if cmp.Or(va.Compare(vb), cmp.Compare(a, b)) >= 0 {
		return a
	}
	return b
}
