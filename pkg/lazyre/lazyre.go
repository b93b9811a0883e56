// Package lazyre holds regular expressions compiled on first use. A
// package-level regexp.MustCompile runs at the start of every drydock
// process, whether or not the command needs the expression; compiling
// dozens of them showed up in the start-up time of a cached scan.
package lazyre

import (
	"regexp"
	"sync"
)

// New returns a function that compiles expr the first time it is called and
// returns the same *regexp.Regexp ever after. It panics, like
// regexp.MustCompile, if expr does not compile: a test that calls it once
// catches that.
func New(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
