package main

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestTuneGCRestoresDefault(t *testing.T) {
	t.Setenv("GOGC", "")
	prev := debug.SetGCPercent(100)
	defer debug.SetGCPercent(prev)

	tuneGC()
	if got := debug.SetGCPercent(startupGCPercent); got != startupGCPercent {
		t.Fatalf("after tuneGC: GC percent %d, want %d", got, startupGCPercent)
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		runtime.GC() // the sentinel's finalizer is queued by the first cycle
		time.Sleep(10 * time.Millisecond)
		p := debug.SetGCPercent(-1)
		debug.SetGCPercent(p)
		if p == 100 {
			return
		}
	}
	t.Fatal("GC percent not restored after the first collection")
}

func TestTuneGCKeepsUserGOGC(t *testing.T) {
	t.Setenv("GOGC", "50")
	prev := debug.SetGCPercent(50)
	defer debug.SetGCPercent(prev)
	tuneGC()
	if got := debug.SetGCPercent(50); got != 50 {
		t.Fatalf("GOGC=50 overridden: %d", got)
	}
}
