package match

import (
	"hash/maphash"
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
// concurrent use: the map is split in shards, each under its own RWMutex,
// so that Match's workers rarely wait for each other. Parsed versions are
// immutable.
type versionCache struct {
	seed   maphash.Seed
	shards [cacheShards]cacheShard
}

const cacheShards = 32

type cacheShard struct {
	mu sync.RWMutex
	m  map[cacheKey]cacheVal
	_  [32]byte // one 64-byte cache line per shard
}

type cacheKey struct {
	sch version.Scheme
	s   string
}

type cacheVal struct {
	v   version.Version
	err error
}

func newVersionCache() *versionCache {
	return &versionCache{seed: maphash.MakeSeed()}
}

func (c *versionCache) parse(sch version.Scheme, s string) (version.Version, error) {
	k := cacheKey{sch, s}
	sh := &c.shards[maphash.String(c.seed, s)%cacheShards]
	sh.mu.RLock()
	cv, ok := sh.m[k]
	sh.mu.RUnlock()
	if ok {
		return cv.v, cv.err
	}
	v, err := sch.Parse(s)
	sh.mu.Lock()
	if sh.m == nil {
		sh.m = make(map[cacheKey]cacheVal)
	}
	if len(sh.m) < maxCached/cacheShards {
		sh.m[k] = cacheVal{v, err}
	}
	sh.mu.Unlock()
	return v, err
}
