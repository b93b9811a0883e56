package vulndb

// SetCacheEntries replaces the decoded-advisory cache of d, for benchmarks
// of the uncached path.
func SetCacheEntries(d *DB, n int) { d.cache = newLRU(n) }
