package main

import (
	"os"
	"runtime"
	"runtime/debug"
)

// startupGCPercent delays the first collection: the runtime starts a cycle
// once the heap reaches 4 MB × GOGC/100, and at the default that first cycle
// lands in the middle of every short run. A warm scan (all layers cached)
// allocates about 5 MB; its one collection costs more in page faults and
// span bookkeeping than it frees (bench/scan.sh: 48.9 → 44.8 ms, 1635 →
// 1490 page faults on a 2-core VM).
const startupGCPercent = 400

// tuneGC lets the heap reach 16 MB before the first collection, then returns
// to the default pacing (or whatever GOGC says) so that long scans keep the
// usual memory bound. A GOGC set by the user is left alone.
func tuneGC() {
	if os.Getenv("GOGC") != "" {
		return
	}
	old := debug.SetGCPercent(startupGCPercent)
	// The finalizer runs after the first collection has found the sentinel
	// unreachable.
	// (Big enough not to share a tiny-allocator block with live data.)
	sentinel := new([64]byte)
	runtime.SetFinalizer(sentinel, func(*[64]byte) { debug.SetGCPercent(old) })
}
