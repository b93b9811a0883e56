package match

import (
	"sync"

	"github.com/drydockhq/drydock/pkg/version"
)

// parser parses version strings of a scheme.
type parser interface {
	parse(sch version.Scheme, s string) (version.Version, error)
}

// direct parses every time.
type direct struct{}

func (direct) parse(sch version.Scheme, s string) (version.Version, error) { return sch.Parse(s) }

// maxCached bounds the versions a Matcher keeps parsed: a DB holds about
// one distinct event version per advisory and package, so this is enough
// for the whole of today's data and caps memory at a few tens of MB.
const maxCached = 1 << 18

// versionCache keeps the versions parsed from advisory events, which
// repeat across packages and across Match calls; parsing them (big
// integers, regexps) is a large part of the cost of matching. Safe for
// concurrent use; parsed versions are immutable. (A plain map under a
// RWMutex: sync.Map boxes the struct key on every lookup.)
type versionCache struct {
	mu sync.RWMutex
	m  map[cacheKey]cacheVal
}

type cacheKey struct {
	sch version.Scheme
	s   string
}

type cacheVal struct {
	v   version.Version
	err error
}

func (c *versionCache) parse(sch version.Scheme, s string) (version.Version, error) {
	k := cacheKey{sch, s}
	c.mu.RLock()
	cv, ok := c.m[k]
	c.mu.RUnlock()
	if ok {
		return cv.v, cv.err
	}
	v, err := sch.Parse(s)
	c.mu.Lock()
	if c.m == nil {
		c.m = make(map[cacheKey]cacheVal)
	}
	if len(c.m) < maxCached {
		c.m[k] = cacheVal{v, err}
	}
	c.mu.Unlock()
	return v, err
}
