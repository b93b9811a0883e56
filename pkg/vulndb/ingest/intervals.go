package ingest

import (
	"slices"

	"github.com/drydockhq/drydock/pkg/vulndb/osv"
)

// Native advisory formats state affected or unaffected versions as
// requirement sets (">= 1.2, < 1.4 || ~> 2.0"). They are turned into OSV
// events through version intervals: each requirement is an interval, sets
// are unions, "affected = not patched" is a complement, and the resulting
// sorted, disjoint intervals become introduced / fixed / last_affected
// events.

// bound is one end of an interval.
type bound struct {
	v    string
	inf  bool // unbounded (−∞ for a lower bound, +∞ for an upper one)
	incl bool
}

type interval struct{ lo, hi bound }

type cmpFunc func(a, b string) int

var unbounded = bound{inf: true}

// all is the interval of every version.
func all() interval { return interval{unbounded, unbounded} }

func point(v string) interval {
	return interval{bound{v: v, incl: true}, bound{v: v, incl: true}}
}

func (iv interval) empty(cmp cmpFunc) bool {
	if iv.lo.inf || iv.hi.inf {
		return false
	}
	c := cmp(iv.lo.v, iv.hi.v)
	return c > 0 || (c == 0 && !(iv.lo.incl && iv.hi.incl))
}

// maxLower returns the tighter (higher) of two lower bounds.
func maxLower(x, y bound, cmp cmpFunc) bound {
	switch {
	case x.inf:
		return y
	case y.inf:
		return x
	}
	switch c := cmp(x.v, y.v); {
	case c > 0:
		return x
	case c < 0:
		return y
	}
	return bound{v: x.v, incl: x.incl && y.incl}
}

// minUpper returns the tighter (lower) of two upper bounds.
func minUpper(x, y bound, cmp cmpFunc) bound {
	switch {
	case x.inf:
		return y
	case y.inf:
		return x
	}
	switch c := cmp(x.v, y.v); {
	case c < 0:
		return x
	case c > 0:
		return y
	}
	return bound{v: x.v, incl: x.incl && y.incl}
}

// maxUpper returns the looser (higher) of two upper bounds.
func maxUpper(x, y bound, cmp cmpFunc) bound {
	if x.inf || y.inf {
		return unbounded
	}
	switch c := cmp(x.v, y.v); {
	case c > 0:
		return x
	case c < 0:
		return y
	}
	return bound{v: x.v, incl: x.incl || y.incl}
}

func intersect(a, b interval, cmp cmpFunc) interval {
	return interval{maxLower(a.lo, b.lo, cmp), minUpper(a.hi, b.hi, cmp)}
}

// compareLower orders lower bounds: −∞ first, then by version, inclusive
// before exclusive.
func compareLower(x, y bound, cmp cmpFunc) int {
	switch {
	case x.inf && y.inf:
		return 0
	case x.inf:
		return -1
	case y.inf:
		return 1
	}
	if c := cmp(x.v, y.v); c != 0 {
		return c
	}
	switch {
	case x.incl == y.incl:
		return 0
	case x.incl:
		return -1
	}
	return 1
}

// union returns the sorted, disjoint intervals covering ivs.
func union(ivs []interval, cmp cmpFunc) []interval {
	var in []interval
	for _, iv := range ivs {
		if !iv.empty(cmp) {
			in = append(in, iv)
		}
	}
	slices.SortStableFunc(in, func(a, b interval) int { return compareLower(a.lo, b.lo, cmp) })
	var out []interval
	for _, iv := range in {
		if len(out) > 0 {
			cur := &out[len(out)-1]
			if touches(cur.hi, iv.lo, cmp) {
				cur.hi = maxUpper(cur.hi, iv.hi, cmp)
				continue
			}
		}
		out = append(out, iv)
	}
	return out
}

// touches reports whether an interval starting at lo overlaps or adjoins one
// ending at hi (lo is not above hi).
func touches(hi, lo bound, cmp cmpFunc) bool {
	if hi.inf || lo.inf {
		return true
	}
	c := cmp(lo.v, hi.v)
	return c < 0 || (c == 0 && (lo.incl || hi.incl))
}

// complement returns the versions not in the sorted, disjoint intervals ivs.
func complement(ivs []interval, cmp cmpFunc) []interval {
	var out []interval
	lo := unbounded
	for _, iv := range ivs {
		if !iv.lo.inf {
			gap := interval{lo, bound{v: iv.lo.v, incl: !iv.lo.incl}}
			if !gap.empty(cmp) {
				out = append(out, gap)
			}
		}
		if iv.hi.inf {
			return out
		}
		lo = bound{v: iv.hi.v, incl: !iv.hi.incl}
	}
	return append(out, interval{lo, unbounded})
}

// events turns sorted, disjoint intervals into OSV events. An exclusive
// lower bound (“> 1.2”) cannot be said with OSV's inclusive "introduced";
// it becomes introduced at that version and approximate is set, so the
// bound version itself is reported as affected.
func events(ivs []interval) (evs []osv.Event, approximate bool) {
	for _, iv := range ivs {
		switch {
		case iv.lo.inf:
			evs = append(evs, osv.Event{Introduced: "0"})
		default:
			evs = append(evs, osv.Event{Introduced: iv.lo.v})
			if !iv.lo.incl {
				approximate = true
			}
		}
		switch {
		case iv.hi.inf:
		case iv.hi.incl:
			evs = append(evs, osv.Event{LastAffected: iv.hi.v})
		default:
			evs = append(evs, osv.Event{Fixed: iv.hi.v})
		}
	}
	return evs, approximate
}

// intersectSets returns the versions in both a and b.
func intersectSets(a, b []interval, cmp cmpFunc) []interval {
	var out []interval
	for _, x := range a {
		for _, y := range b {
			if iv := intersect(x, y, cmp); !iv.empty(cmp) {
				out = append(out, iv)
			}
		}
	}
	return union(out, cmp)
}

// opInterval is the set of versions v with "v op ver".
func opInterval(op, ver string) ([]interval, bool) {
	switch op {
	case "=", "==", "":
		return []interval{point(ver)}, true
	case "!=":
		return []interval{{unbounded, bound{v: ver}}, {bound{v: ver}, unbounded}}, true
	case ">":
		return []interval{{bound{v: ver}, unbounded}}, true
	case ">=":
		return []interval{{bound{v: ver, incl: true}, unbounded}}, true
	case "<":
		return []interval{{unbounded, bound{v: ver}}}, true
	case "<=":
		return []interval{{unbounded, bound{v: ver, incl: true}}}, true
	}
	return nil, false
}
