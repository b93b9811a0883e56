package secret

import (
	"errors"
	"fmt"
)

// automaton is an ASCII case-insensitive Aho-Corasick automaton compiled to
// a dense DFA over byte classes, with a bigram skip loop in front of it.
//
// Bytes that occur in no keyword share class 0, so the transition table is
// states × (distinct keyword bytes + 1) entries. A byte-at-a-time DFA is
// bound by the latency of its table loads (one dependent load per byte),
// so the scan spends most of the input in a skip loop instead: while the
// DFA is at depth ≤ 1 (it has matched at most one byte of any keyword), the
// next position where it can get deeper is one where two bytes start a
// keyword; a table of those class pairs finds it with independent loads.
// Keywords must be at least two bytes long for the skip loop to be used.
//
// It is built once by newAutomaton and read-only afterwards, so one
// automaton may be used by any number of goroutines.
type automaton struct {
	class  [256]uint8 // byte → class; upper-case ASCII maps like lower-case
	nclass int
	// delta[s+class] is the next state for a state s given as its offset in
	// delta (state number × nclass: no multiplication per byte), with
	// hasOut set when the next state has outputs. States are numbered
	// breadth-first, so those at depth ≤ 1 have offsets ≤ shallow.
	delta    []int32
	shallow  int32
	outStart []int32 // outputs of state number n: outs[outStart[n]:outStart[n+1]]
	outs     []int32 // keyword indexes
	lens     []int   // keyword lengths, by index
	// pairs[a] has bit b set when some keyword starts with the bytes a, b
	// (in any case); nil when a keyword is one byte long.
	pairs *[256][4]uint64
}

// hasOut marks, in delta, states with outputs.
const hasOut = 1 << 30

// maxAutomatonStates bounds the automaton (and so the rules' keywords): the
// table is states × classes int32s.
const maxAutomatonStates = 1 << 16

// lower folds ASCII upper case; other bytes are returned unchanged.
func lower(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// cases returns b and, for an ASCII letter, its other case.
func cases(b byte) []byte {
	switch {
	case 'a' <= b && b <= 'z':
		return []byte{b, b - 'a' + 'A'}
	case 'A' <= b && b <= 'Z':
		return []byte{b, b - 'A' + 'a'}
	}
	return []byte{b}
}

// newAutomaton compiles keywords (matched ASCII case-insensitively). A
// keyword's index in the slice is what scan reports.
func newAutomaton(keywords []string) (*automaton, error) {
	a := &automaton{lens: make([]int, len(keywords))}
	// Byte classes: one per distinct (folded) keyword byte, 0 for the rest.
	var seen [256]uint8
	n := 1
	skip := true
	for i, kw := range keywords {
		if kw == "" {
			return nil, errors.New("empty keyword")
		}
		a.lens[i] = len(kw)
		skip = skip && len(kw) >= 2
		for j := 0; j < len(kw); j++ {
			b := lower(kw[j])
			if seen[b] == 0 {
				if n == 256 {
					return nil, errors.New("keywords use too many distinct bytes")
				}
				seen[b] = uint8(n)
				n++
			}
		}
	}
	for b := 0; b < 256; b++ {
		a.class[b] = seen[lower(byte(b))]
	}
	a.nclass = n
	if skip {
		a.pairs = new([256][4]uint64)
		for _, kw := range keywords {
			for _, b0 := range cases(kw[0]) {
				for _, b1 := range cases(kw[1]) {
					a.pairs[b0][b1/64] |= 1 << (b1 % 64)
				}
			}
		}
	}

	// Trie (goto function), with -1 for "no edge".
	type node struct {
		next  []int32
		out   []int32
		depth int
	}
	newNode := func(depth int) node {
		nx := make([]int32, n)
		for i := range nx {
			nx[i] = -1
		}
		return node{next: nx, depth: depth}
	}
	nodes := []node{newNode(0)}
	for i, kw := range keywords {
		s := int32(0)
		for j := 0; j < len(kw); j++ {
			c := a.class[kw[j]]
			if nodes[s].next[c] < 0 {
				if len(nodes) >= maxAutomatonStates {
					return nil, fmt.Errorf("keywords need more than %d automaton states", maxAutomatonStates)
				}
				nodes[s].next[c] = int32(len(nodes))
				nodes = append(nodes, newNode(j+1))
			}
			s = nodes[s].next[c]
		}
		nodes[s].out = append(nodes[s].out, int32(i))
	}

	// Breadth-first: failure links, then complete the goto function into a
	// DFA and merge each state's outputs with its failure state's. The
	// order of the queue is the new state numbering.
	fail := make([]int32, len(nodes))
	order := make([]int32, 1, len(nodes))
	for c := 0; c < n; c++ {
		if t := nodes[0].next[c]; t >= 0 {
			fail[t] = 0
			order = append(order, t)
		} else {
			nodes[0].next[c] = 0
		}
	}
	for qi := 1; qi < len(order); qi++ {
		s := order[qi]
		for c := 0; c < n; c++ {
			t := nodes[s].next[c]
			if t < 0 {
				nodes[s].next[c] = nodes[fail[s]].next[c]
				continue
			}
			f := nodes[fail[s]].next[c]
			fail[t] = f
			nodes[t].out = append(nodes[t].out, nodes[f].out...)
			order = append(order, t)
		}
	}
	number := make([]int32, len(nodes))
	for i, s := range order {
		number[s] = int32(i)
		if nodes[s].depth <= 1 {
			a.shallow = int32(i * n)
		}
	}

	a.delta = make([]int32, len(nodes)*n)
	a.outStart = make([]int32, len(nodes)+1)
	for i, s := range order {
		for c, t := range nodes[s].next {
			v := number[t] * int32(n)
			if len(nodes[t].out) > 0 {
				v |= hasOut
			}
			a.delta[i*n+c] = v
		}
		a.outStart[i] = int32(len(a.outs))
		a.outs = append(a.outs, nodes[s].out...)
	}
	a.outStart[len(nodes)] = int32(len(a.outs))
	return a, nil
}

// scan runs the automaton over data from state s (0 to start; otherwise
// what the previous call returned, to scan a long input in chunks) and
// returns the state it ends in. It calls hit for every occurrence of every
// keyword, in order of the occurrence's end, with the keyword's index and
// its start offset plus base (before base for an occurrence that began in
// an earlier chunk). Overlapping occurrences are all reported.
func (a *automaton) scan(s int32, data []byte, base int, hit func(kw, start int)) int32 {
	var (
		delta  = a.delta
		class  = &a.class
		nclass = int32(a.nclass)
		pairs  = a.pairs
		n      = len(data)
	)
	i, runStart := 0, 0
	for {
		// DFA: one byte at a time, until it falls back to depth ≤ 1 having
		// read at least two bytes (so that the skip loop cannot stall).
		for i < n {
			s = delta[s&^hasOut+int32(class[data[i]])]
			i++
			if s&hasOut != 0 {
				st := (s &^ hasOut) / nclass
				for _, kw := range a.outs[a.outStart[st]:a.outStart[st+1]] {
					hit(int(kw), base+i-a.lens[kw])
				}
			}
			if pairs != nil && s&^hasOut <= a.shallow && i-runStart >= 2 {
				break
			}
		}
		if i >= n {
			return s
		}
		// At depth ≤ 1 the state is what state 0 reaches on data[i-1]
		// alone, so the scan may restart from state 0 at i-1; it skips to
		// the next pair of bytes that starts a keyword. Without one, only
		// the last byte matters for the state handed to the next chunk.
		j := i - 1
		for ; j+4 < n; j += 4 {
			// Four positions per test: independent loads, one branch.
			d := data[j : j+5 : j+5]
			if (pairs[d[0]][d[1]/64]>>(d[1]%64)|pairs[d[1]][d[2]/64]>>(d[2]%64)|
				pairs[d[2]][d[3]/64]>>(d[3]%64)|pairs[d[3]][d[4]/64]>>(d[4]%64))&1 != 0 {
				break
			}
		}
		for ; j+1 < n; j++ {
			b := data[j+1]
			if pairs[data[j]][b/64]&(1<<(b%64)) != 0 {
				break
			}
		}
		s, i, runStart = 0, j, j
	}
}
