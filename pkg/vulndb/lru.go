package vulndb

import (
	"sync"

	"github.com/drydockhq/drydock/pkg/vulndb/osv"
)

// lru is a fixed-size, least-recently-used cache of decoded advisories.
type lru struct {
	mu    sync.Mutex
	max   int
	items map[string]*lruItem
	head  lruItem // sentinel: head.next is the most recent, head.prev the least
}

type lruItem struct {
	key        string
	val        *osv.Entry
	prev, next *lruItem
}

// newLRU returns an empty cache of at most max entries. The map grows as
// entries come: sized for max up front it was 8,192 slots (~300 KB) cleared
// on every DB open, most of them never used by a scan.
func newLRU(max int) *lru {
	c := &lru{max: max, items: map[string]*lruItem{}}
	c.head.next, c.head.prev = &c.head, &c.head
	return c
}

func (c *lru) get(key string) *osv.Entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	it := c.items[key]
	if it == nil {
		return nil
	}
	c.unlink(it)
	c.pushFront(it)
	return it.val
}

// getAll looks up every key under one lock: out[i] is the entry of keys[i],
// or nil. It returns the number of misses.
func (c *lru) getAll(keys []string, out []*osv.Entry) (misses int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, k := range keys {
		it := c.items[k]
		if it == nil {
			out[i] = nil
			misses++
			continue
		}
		c.unlink(it)
		c.pushFront(it)
		out[i] = it.val
	}
	return misses
}

func (c *lru) add(key string, val *osv.Entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if it := c.items[key]; it != nil {
		it.val = val
		c.unlink(it)
		c.pushFront(it)
		return
	}
	if len(c.items) >= c.max {
		old := c.head.prev
		c.unlink(old)
		delete(c.items, old.key)
	}
	it := &lruItem{key: key, val: val}
	c.items[key] = it
	c.pushFront(it)
}

func (c *lru) unlink(it *lruItem) {
	it.prev.next = it.next
	it.next.prev = it.prev
}

func (c *lru) pushFront(it *lruItem) {
	it.prev = &c.head
	it.next = c.head.next
	c.head.next.prev = it
	c.head.next = it
}
