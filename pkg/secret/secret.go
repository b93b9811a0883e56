// Package secret finds credentials in the files of image layers: private
// keys, cloud provider keys, API tokens, JWTs and passwords in configuration
// files.
//
// Rules are data (rules.yaml, embedded; users extend or disable them with
// their own file, see LoadRules). A scan of one file runs one combined
// Aho-Corasick automaton over the rules' keywords, case-insensitively, and
// runs a rule's regular expression only on windows (whole lines, widened by
// the rule's Before/After) around the keyword occurrences of that rule.
// Files are skipped by name (binaries, media, archives), size (MaxFileSize)
// and content (a NUL byte in the first extract.SniffSize bytes).
//
// Findings never hold a secret: Secret.Match is the line with every secret
// found on it replaced by '*' (a rule may leave up to 4 leading characters
// readable, e.g. the "eyJ" of a JWT).
package secret

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

// Name is the extractor's name.
const Name = "secret"

// MaxSecretsPerFile bounds the findings reported for one file; the rest
// are counted in a warning. A file with more is a dump or a test corpus.
const MaxSecretsPerFile = 100

// maxLineExtend bounds how far a window is widened to the keyword's line
// start and end: minified files have megabyte lines. A match that touches
// such a cut is dropped, since its boundary is unknown.
const maxLineExtend = 4 << 10

// scanChunk is how many bytes the prefilter scans between context checks.
const scanChunk = 1 << 20

// Match rendering: context kept before the secret, and the length limits
// of Secret.Match and of one redacted run.
const (
	matchContext = 48
	maxMatchLen  = 200
	maxStars     = 64
)

// Extractor finds secrets. It is safe for concurrent use.
type Extractor struct {
	c      *compiled
	digest string
}

var _ extract.Extractor = (*Extractor)(nil)

// New returns the extractor with the built-in rules. The built-in rules are
// tested to compile; New panics only if the embedded file is broken.
func New() *Extractor {
	r, err := Builtin()
	if err != nil {
		panic(err)
	}
	e, err := NewWithRules(r)
	if err != nil {
		panic(err)
	}
	return e
}

// NewWithRules returns the extractor for rules (nil means the built-in
// rules), compiling them once.
func NewWithRules(rules *Rules) (*Extractor, error) {
	if rules == nil {
		var err error
		if rules, err = Builtin(); err != nil {
			return nil, err
		}
	}
	c, err := rules.compile()
	if err != nil {
		return nil, err
	}
	canon, err := yaml.Marshal(rules)
	if err != nil {
		return nil, fmt.Errorf("encoding secret rules: %w", err)
	}
	sum := sha256.Sum256(canon)
	return &Extractor{c: c, digest: hex.EncodeToString(sum[:])}, nil
}

// Name implements extract.Extractor.
func (*Extractor) Name() string { return Name }

// Version implements extract.Extractor.
func (*Extractor) Version() int { return 1 }

// RulesDigest identifies the rules the extractor runs (sha256 of their
// canonical YAML). Findings depend on the rules, so a layer cache key must
// include it when users can bring their own rules.
func (e *Extractor) RulesDigest() string { return e.digest }

// ConfigKey implements extract.Configured: the rules digest.
func (e *Extractor) ConfigKey() string { return e.digest }

var _ extract.Configured = (*Extractor)(nil)

// Required implements extract.Extractor: every file that is not too small
// or too large, not binary or media by its name, and not in a path an
// allow entry skips.
func (e *Extractor) Required(p string, info fs.FileInfo) bool {
	if info != nil && (info.Size() < minFileSize || info.Size() > MaxFileSize) {
		return false
	}
	if extract.BinaryName(p) {
		return false
	}
	return !matchAny(e.c.skipPaths, p, strings.ToLower(p))
}

// Extract implements extract.Extractor.
func (e *Extractor) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	size := in.Reader.Size()
	if size > MaxFileSize {
		return &extract.Result{}, nil
	}
	data := make([]byte, size)
	if _, err := in.Reader.ReadAt(data, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("reading %s: %w", in.Path, err)
	}
	return e.Scan(ctx, in.Path, data)
}

// window is a range of the file a rule's regex runs on. cutStart/cutEnd
// say the range was cut inside a line (not at a line or file boundary).
type window struct {
	start, end       int
	cutStart, cutEnd bool
}

// candidate is one regex match that passed the rule's checks.
type candidate struct {
	rule                     int
	matchStart, sStart, sEnd int
	line                     int
}

// span is a secret's byte range, redacted in every Match.
type span struct {
	start, end, reveal int
}

// Scan finds the secrets in data, the content of the file at p (slash
// separated, relative to the root; used for path-restricted rules and allow
// entries). A binary file (NUL in the first extract.SniffSize bytes) yields nothing.
func (e *Extractor) Scan(ctx context.Context, p string, data []byte) (*extract.Result, error) {
	res := &extract.Result{}
	if len(data) < minFileSize || extract.IsBinary(data) {
		return res, nil
	}
	c := e.c
	applies := make([]bool, len(c.rules))
	anyRule, lower := false, strings.ToLower(p)
	for i := range c.rules {
		applies[i] = c.rules[i].appliesTo(p, lower)
		anyRule = anyRule || applies[i]
	}
	if !anyRule {
		return res, nil
	}

	// Prefilter: keyword occurrences → windows per rule.
	windows := make([][]window, len(c.rules))
	hit := func(kw, start int) {
		for _, ri := range c.kwRules[kw] {
			if applies[ri] {
				r := &c.rules[ri]
				windows[ri] = addWindow(windows[ri], data, start-r.Before, start+c.ac.lens[kw]+r.After)
			}
		}
	}
	var state int32
	for off := 0; off < len(data); off += scanChunk {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		state = c.ac.scan(state, data[off:min(off+scanChunk, len(data))], off, hit)
	}

	// Regexes on the windows.
	var (
		cands []candidate
		spans []span
		work  int
	)
	for ri := range c.rules {
		ws := windows[ri]
		if len(ws) == 0 {
			continue
		}
		ws = mergeWindows(ws)
		r := &c.rules[ri]
		for _, w := range ws {
			if work += w.end - w.start; work >= scanChunk {
				work = 0
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			text := data[w.start:w.end]
			for _, m := range r.re.FindAllSubmatchIndex(text, -1) {
				ss, se := -1, -1
				for _, g := range r.secretGroups {
					if m[2*g] >= 0 && m[2*g+1] > m[2*g] {
						ss, se = m[2*g], m[2*g+1]
						break
					}
				}
				if ss < 0 {
					continue
				}
				secret := string(text[ss:se])
				reveal := min(r.Reveal, len(secret)/4)
				spans = append(spans, span{w.start + ss, w.start + se, reveal})
				if (w.cutStart && m[0] == 0) || (w.cutEnd && m[1] == len(text)) {
					continue // boundary unknown
				}
				if !e.accept(r, p, secret) {
					continue
				}
				cands = append(cands, candidate{rule: ri, matchStart: w.start + m[0], sStart: w.start + ss, sEnd: w.start + se})
			}
		}
	}
	if len(cands) == 0 {
		return res, nil
	}

	// Two rules finding the same secret (a service-account key is also a
	// private key): the rule listed first wins.
	slices.SortFunc(cands, func(a, b candidate) int {
		if a.rule != b.rule {
			return a.rule - b.rule
		}
		return a.sStart - b.sStart
	})
	kept := cands
	if cands[0].rule != cands[len(cands)-1].rule {
		// Spans of one rule never overlap (one regex pass per merged
		// window), so a bitmap of the bytes taken costs at most the rules'
		// total span length.
		taken := make([]uint64, len(data)/64+1)
		kept = nil
		for _, cd := range cands {
			free := true
			for i := cd.sStart; i < cd.sEnd && free; i++ {
				free = taken[i/64]&(1<<(i%64)) == 0
			}
			if !free {
				continue
			}
			for i := cd.sStart; i < cd.sEnd; i++ {
				taken[i/64] |= 1 << (i % 64)
			}
			kept = append(kept, cd)
		}
	}
	runs := mergeSpans(spans)

	// Lines: a finding is reported on the line where its secret starts, or,
	// for a secret spanning lines (a PEM block), where its match starts.
	for i := range kept {
		k := &kept[i]
		k.line = k.sStart
		if bytes.IndexByte(data[k.sStart:k.sEnd], '\n') >= 0 {
			k.line = k.matchStart
			for k.line < k.sStart && (data[k.line] == '\n' || data[k.line] == '\r') {
				k.line++
			}
		}
	}
	slices.SortFunc(kept, func(a, b candidate) int {
		if a.line != b.line {
			return a.line - b.line
		}
		if a.sStart != b.sStart {
			return a.sStart - b.sStart
		}
		return strings.Compare(c.rules[a.rule].ID, c.rules[b.rule].ID)
	})
	if len(kept) > MaxSecretsPerFile {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d secrets found; only the first %d are reported", len(kept), MaxSecretsPerFile))
		kept = kept[:MaxSecretsPerFile]
	}
	lineNo, pos := 1, 0
	for _, k := range kept {
		lineNo += bytes.Count(data[pos:k.line], []byte{'\n'})
		pos = k.line
		r := &c.rules[k.rule]
		res.Secrets = append(res.Secrets, model.Secret{
			RuleID:   r.ID,
			Category: r.Category,
			Title:    r.Title,
			Severity: r.Severity,
			Match:    render(data, k.line, runs),
			Line:     lineNo,
			Location: model.Location{Path: p},
		})
	}
	return res, nil
}

// accept applies a rule's entropy, allow and validation checks to a secret.
func (e *Extractor) accept(r *compiledRule, p, secret string) bool {
	if r.Entropy > 0 && entropy(secret) < r.Entropy {
		return false
	}
	for _, re := range r.allowRegexes {
		if re.MatchString(secret) {
			return false
		}
	}
	for _, a := range e.c.allows {
		if a.regex.MatchString(secret) && (a.path == nil || a.path.match(p, strings.ToLower(p))) {
			return false
		}
	}
	return r.validate == nil || r.validate(secret)
}

// addWindow adds the window [start, end), clamped to data and widened to
// whole lines (at most maxLineExtend bytes each way), to ws, joining it
// with the last window when they overlap or touch. Hits arrive roughly in
// file order, and each newline search starts where the last window ends,
// so a file costs linear time even with a keyword hit on every byte of a
// megabyte line.
func addWindow(ws []window, data []byte, start, end int) []window {
	start, end = max(0, start), min(len(data), end)
	var last *window
	if n := len(ws); n > 0 {
		last = &ws[n-1]
	}
	if last != nil && start >= last.start && start <= last.end {
		if end > last.end {
			from := max(end, last.end)
			hi := min(len(data), end+maxLineExtend)
			if i := bytes.IndexByte(data[from:hi], '\n'); i >= 0 {
				last.end, last.cutEnd = from+i, false
			} else {
				last.end, last.cutEnd = hi, hi < len(data)
			}
		}
		return ws
	}
	w := window{start: start, end: end}
	lo := max(0, start-maxLineExtend)
	if last != nil && last.end < start {
		lo = max(lo, last.end)
	}
	if i := bytes.LastIndexByte(data[lo:start], '\n'); i >= 0 {
		w.start = lo + i + 1
	} else {
		w.start, w.cutStart = lo, lo > 0
	}
	if last != nil && w.start <= last.end+1 && w.start >= last.start {
		// Touches the last window: extend it instead.
		w.start, w.cutStart = last.start, last.cutStart
		ws = ws[:len(ws)-1]
		w.end = max(w.end, last.end)
	}
	hi := min(len(data), w.end+maxLineExtend)
	if i := bytes.IndexByte(data[w.end:hi], '\n'); i >= 0 {
		w.end += i
	} else {
		w.end, w.cutEnd = hi, hi < len(data)
	}
	return append(ws, w)
}

// mergeWindows sorts windows and joins overlapping or adjacent ones. The
// prefilter already joins consecutive hits; this catches the rest (hits of
// keywords of different lengths arrive in order of their end).
func mergeWindows(ws []window) []window {
	if len(ws) < 2 {
		return ws
	}
	slices.SortFunc(ws, func(a, b window) int { return a.start - b.start })
	out := ws[:1]
	for _, w := range ws[1:] {
		last := &out[len(out)-1]
		if w.start <= last.end+1 {
			if w.end > last.end {
				last.end, last.cutEnd = w.end, w.cutEnd
			}
			continue
		}
		out = append(out, w)
	}
	return out
}

// mergeSpans sorts spans and merges overlapping or touching ones into
// disjoint runs; a run keeps the reveal of its first span.
func mergeSpans(spans []span) []span {
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	var runs []span
	for _, s := range spans {
		if n := len(runs); n > 0 && s.start <= runs[n-1].end {
			runs[n-1].end = max(runs[n-1].end, s.end)
			continue
		}
		runs = append(runs, s)
	}
	return runs
}

// render returns the line at pos with every secret on it redacted: each
// run of secret bytes becomes its reveal characters and '*'s (at most
// maxStars). runs are disjoint and sorted (mergeSpans). The text starts
// matchContext bytes before pos (or at the line start, or at the start of
// a run that covers that point) and is cut after about maxMatchLen bytes;
// cuts are marked "…". The work is bounded by the output, not the line.
func render(data []byte, pos int, runs []span) string {
	start := max(0, pos-matchContext)
	if i := bytes.LastIndexByte(data[start:pos], '\n'); i >= 0 {
		start += i + 1
	}
	ri, _ := slices.BinarySearchFunc(runs, start, func(r span, t int) int {
		if r.end <= t {
			return -1
		}
		return 1
	})
	if ri < len(runs) && runs[ri].start < start {
		s := runs[ri].start
		if i := bytes.LastIndexByte(data[s:start], '\n'); i >= 0 {
			s += i + 1
		}
		start = s
	}
	var b []byte
	if start > 0 && data[start-1] != '\n' {
		b = append(b, "…"...)
	}
	i, lineDone := start, false
	for len(b) < maxMatchLen && !lineDone && i < len(data) {
		if ri < len(runs) && runs[ri].start <= i {
			r := runs[ri]
			end := r.end
			if nl := bytes.IndexByte(data[i:end], '\n'); nl >= 0 {
				end, lineDone = i+nl, true
			}
			reveal := 0
			if i == r.start {
				reveal = min(r.reveal, end-i)
			}
			b = appendPrintable(b, data[i:i+reveal])
			b = append(b, strings.Repeat("*", min(end-i-reveal, maxStars))...)
			i = end
			ri++
			continue
		}
		lim := len(data)
		if ri < len(runs) {
			lim = runs[ri].start
		}
		seg := data[i:min(lim, i+maxMatchLen-len(b))]
		if nl := bytes.IndexByte(seg, '\n'); nl >= 0 {
			seg, lineDone = seg[:nl], true
		}
		b = appendPrintable(b, seg)
		i += len(seg)
	}
	if !lineDone && i < len(data) && data[i] != '\n' && !(data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n') {
		b = append(b, "…"...)
	}
	return strings.TrimSpace(strings.ToValidUTF8(string(b), "\uFFFD"))
}

// appendPrintable appends p to b with control characters (except tab)
// replaced by spaces, so that a Match is one clean line of text.
func appendPrintable(b, p []byte) []byte {
	for _, c := range p {
		if c < 0x20 && c != '\t' || c == 0x7f {
			c = ' '
		}
		b = append(b, c)
	}
	return b
}
