// Package license validates and normalises SPDX license expressions for the
// SBOM encoders, which must never write an invalid one.
//
// The ID tables (table.go) are generated from the SPDX license list:
//
//go:generate go run gen.go -schema ../../../../../shared/data/schemas/cyclonedx-spdx.schema.json
package license

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// RefPrefix starts the identifiers of licenses that are not on the SPDX list.
const RefPrefix = "LicenseRef-"

// maxDepth bounds the nesting of parentheses, so that hostile input cannot
// exhaust the stack.
const maxDepth = 64

// ErrInvalid is returned (wrapped) for strings that are not SPDX license
// expressions.
var ErrInvalid = errors.New("invalid SPDX license expression")

// ID returns the canonical spelling of an SPDX license ID, matched
// case-insensitively ("mit" → "MIT"), and whether it is on the list.
func ID(s string) (string, bool) {
	id := licenseID(strings.ToLower(s))
	return id, id != ""
}

// Expression is a parsed SPDX license expression.
type Expression struct {
	root *node
}

// Parse parses an SPDX license expression. Operators are accepted in any
// case; license and exception IDs must be on the SPDX list (matched
// case-insensitively), or be LicenseRef-/DocumentRef- references.
func Parse(s string) (Expression, error) {
	p := parser{toks: tokenize(s)}
	if len(p.toks) == 0 {
		return Expression{}, fmt.Errorf("%w: empty", ErrInvalid)
	}
	n, err := p.or(0)
	if err != nil {
		return Expression{}, fmt.Errorf("%w %q: %v", ErrInvalid, s, err)
	}
	if p.pos != len(p.toks) {
		return Expression{}, fmt.Errorf("%w %q: unexpected %q", ErrInvalid, s, p.toks[p.pos])
	}
	return Expression{root: n}, nil
}

// String renders the expression canonically: IDs in their SPDX spelling,
// upper-case operators, single spaces, and only the parentheses needed.
func (e Expression) String() string {
	if e.root == nil {
		return ""
	}
	var b strings.Builder
	e.root.write(&b, opOr)
	return b.String()
}

// Simple reports whether the expression is one license ID from the SPDX list,
// without "+", exception or operator.
func (e Expression) Simple() bool {
	r := e.root
	return r != nil && r.op == opNone && !r.plus && r.exception == "" && !strings.Contains(r.id, RefPrefix)
}

// Ref returns the LicenseRef- identifier when the expression is exactly one
// (not DocumentRef-qualified) LicenseRef, else "".
func (e Expression) Ref() string {
	r := e.root
	if r == nil || r.op != opNone || r.plus || r.exception != "" || !strings.HasPrefix(r.id, RefPrefix) {
		return ""
	}
	return e.root.id
}

// Refs returns the LicenseRef- identifiers the expression uses (not the
// DocumentRef-qualified ones, which other documents define), in order of
// first use.
func (e Expression) Refs() []string {
	var out []string
	var walk func(n *node)
	walk = func(n *node) {
		if n == nil {
			return
		}
		if n.op == opNone {
			if strings.HasPrefix(n.id, RefPrefix) && !slices.Contains(out, n.id) {
				out = append(out, n.id)
			}
			return
		}
		for _, k := range n.kids {
			walk(k)
		}
	}
	walk(e.root)
	return out
}

// Conjuncts splits the expression at its top-level ANDs:
// "MIT AND (BSD-3-Clause OR GPL-2.0-only)" → ["MIT", "BSD-3-Clause OR GPL-2.0-only"].
func (e Expression) Conjuncts() []Expression {
	if e.root == nil {
		return nil
	}
	if e.root.op != opAnd {
		return []Expression{e}
	}
	out := make([]Expression, len(e.root.kids))
	for i, k := range e.root.kids {
		out[i] = Expression{root: k}
	}
	return out
}

// And joins expressions with AND (nil for none).
func And(es ...Expression) Expression {
	var kids []*node
	for _, e := range es {
		if e.root == nil {
			continue
		}
		if e.root.op == opAnd {
			kids = append(kids, e.root.kids...)
		} else {
			kids = append(kids, e.root)
		}
	}
	switch len(kids) {
	case 0:
		return Expression{}
	case 1:
		return Expression{root: kids[0]}
	}
	return Expression{root: &node{op: opAnd, kids: kids}}
}

// Ref returns a LicenseRef- expression for free text. The idstring keeps the
// letters, digits, '.' and '-' of the text, spells '+' as "-plus" and turns
// every other run of characters into one '-': "GPL-2+" → "LicenseRef-GPL-2-plus".
func Ref(text string) Expression {
	return Expression{root: &node{id: RefPrefix + RefIDString(text)}}
}

// RefIDString is the idstring part of Ref(text).
func RefIDString(text string) string {
	var b strings.Builder
	dash := false
	for _, r := range text {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.':
			b.WriteRune(r)
			dash = false
		case r == '+':
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteString("plus")
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	s := strings.TrimRight(b.String(), "-")
	if s == "" {
		return "unknown"
	}
	return s
}

type op int

const (
	opNone op = iota // a leaf: id (+), optionally WITH exception
	opAnd
	opOr
)

type node struct {
	op   op
	kids []*node
	// leaf fields
	id        string
	plus      bool
	exception string
}

func (n *node) write(b *strings.Builder, parent op) {
	if n.op == opNone {
		b.WriteString(n.id)
		if n.plus {
			b.WriteByte('+')
		}
		if n.exception != "" {
			b.WriteString(" WITH ")
			b.WriteString(n.exception)
		}
		return
	}
	// AND binds tighter than OR: an OR inside an AND needs parentheses.
	paren := n.op == opOr && parent == opAnd
	if paren {
		b.WriteByte('(')
	}
	sep := " AND "
	if n.op == opOr {
		sep = " OR "
	}
	for i, k := range n.kids {
		if i > 0 {
			b.WriteString(sep)
		}
		k.write(b, n.op)
	}
	if paren {
		b.WriteByte(')')
	}
}

func tokenize(s string) []string {
	var toks []string
	start := -1
	flush := func(i int) {
		if start >= 0 {
			toks = append(toks, s[start:i])
			start = -1
		}
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\n', '\r':
			flush(i)
		case '(', ')':
			flush(i)
			toks = append(toks, s[i:i+1])
		default:
			if start < 0 {
				start = i
			}
		}
	}
	flush(len(s))
	return toks
}

type parser struct {
	toks []string
	pos  int
}

func (p *parser) peekOp(name string) bool {
	return p.pos < len(p.toks) && strings.EqualFold(p.toks[p.pos], name)
}

func (p *parser) or(depth int) (*node, error) {
	return p.binary(depth, opOr, "OR", p.and)
}

func (p *parser) and(depth int) (*node, error) {
	return p.binary(depth, opAnd, "AND", p.with)
}

func (p *parser) binary(depth int, o op, name string, next func(int) (*node, error)) (*node, error) {
	first, err := next(depth)
	if err != nil {
		return nil, err
	}
	kids := []*node{first}
	for p.peekOp(name) {
		p.pos++
		k, err := next(depth)
		if err != nil {
			return nil, err
		}
		if k.op == o { // flatten (A AND B) AND C
			kids = append(kids, k.kids...)
		} else {
			kids = append(kids, k)
		}
	}
	if len(kids) == 1 {
		return first, nil
	}
	return &node{op: o, kids: kids}, nil
}

func (p *parser) with(depth int) (*node, error) {
	n, err := p.primary(depth)
	if err != nil {
		return nil, err
	}
	if !p.peekOp("WITH") {
		return n, nil
	}
	if n.op != opNone || n.exception != "" {
		return nil, errors.New("WITH must follow a single license")
	}
	p.pos++
	if p.pos >= len(p.toks) {
		return nil, errors.New("missing exception after WITH")
	}
	tok := p.toks[p.pos]
	exc := exceptionID(strings.ToLower(tok))
	if exc == "" {
		return nil, fmt.Errorf("unknown license exception %q", tok)
	}
	p.pos++
	leaf := *n
	leaf.exception = exc
	return &leaf, nil
}

func (p *parser) primary(depth int) (*node, error) {
	if p.pos >= len(p.toks) {
		return nil, errors.New("unexpected end")
	}
	tok := p.toks[p.pos]
	p.pos++
	switch {
	case tok == "(":
		if depth >= maxDepth {
			return nil, errors.New("too deeply nested")
		}
		n, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.pos >= len(p.toks) || p.toks[p.pos] != ")" {
			return nil, errors.New("missing ')'")
		}
		p.pos++
		return n, nil
	case tok == ")":
		return nil, errors.New("unexpected ')'")
	case strings.EqualFold(tok, "AND"), strings.EqualFold(tok, "OR"), strings.EqualFold(tok, "WITH"):
		return nil, fmt.Errorf("unexpected operator %q", tok)
	}
	return leaf(tok)
}

func leaf(tok string) (*node, error) {
	if ref, ok := licenseRef(tok); ok {
		return &node{id: ref}, nil
	}
	lower := strings.ToLower(tok)
	if id := licenseID(lower); id != "" { // "GPL-2.0+" is itself on the list
		return &node{id: id}, nil
	}
	if base, ok := strings.CutSuffix(lower, "+"); ok {
		if id := licenseID(base); id != "" {
			return &node{id: id, plus: true}, nil
		}
	}
	return nil, fmt.Errorf("unknown license %q", tok)
}

// licenseRef recognises ["DocumentRef-"idstring":"]"LicenseRef-"idstring.
func licenseRef(tok string) (string, bool) {
	doc := ""
	if strings.HasPrefix(tok, "DocumentRef-") {
		d, rest, ok := strings.Cut(tok, ":")
		if !ok || !validIDString(strings.TrimPrefix(d, "DocumentRef-")) {
			return "", false
		}
		doc, tok = d+":", rest
	}
	idstr, ok := strings.CutPrefix(tok, RefPrefix)
	if !ok || !validIDString(idstr) {
		return "", false
	}
	return doc + RefPrefix + idstr, true
}

func validIDString(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}
