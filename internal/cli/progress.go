package cli

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/drydockhq/drydock/pkg/model"
)

// progress draws one line per layer on a terminal and redraws them in place.
// It is a few lines of ANSI, not a dependency.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	lines []string
	drawn int
	last  time.Time
}

func newProgress(w io.Writer, layers int) *progress {
	p := &progress{w: w, lines: make([]string, layers)}
	for i := range p.lines {
		p.lines[i] = fmt.Sprintf("layer %d/%d  waiting", i+1, layers)
	}
	return p
}

func (p *progress) update(ev model.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ev.Layer < 0 || ev.Layer >= len(p.lines) {
		return
	}
	state := fmt.Sprintf("%s read", human(ev.Bytes))
	switch {
	case ev.Err != nil:
		state = "failed"
	case ev.Cached:
		state = "cached"
	case ev.Done:
		state = fmt.Sprintf("%s done", human(ev.Bytes))
	}
	p.lines[ev.Layer] = fmt.Sprintf("layer %d/%d %s  %s", ev.Layer+1, ev.Layers, ev.DiffID.Short(), state)
	if ev.Done || time.Since(p.last) > 100*time.Millisecond {
		p.draw()
	}
}

func (p *progress) draw() {
	if p.drawn > 0 {
		fmt.Fprintf(p.w, "\x1b[%dA", p.drawn)
	}
	for _, l := range p.lines {
		fmt.Fprintf(p.w, "\x1b[2K%s\n", l)
	}
	p.drawn = len(p.lines)
	p.last = time.Now()
}

func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.draw()
}

func human(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
