// Package dockerfile parses Dockerfiles and runs drydock's DD-DF checks on them.
//
// The parser is drydock's own (about 400 lines) rather than BuildKit's
// frontend/dockerfile/parser: the checks need instructions, their flags and
// arguments and line numbers, which a small parser gives, while BuildKit's
// module would pull its whole dependency tree into drydock's go.mod (see
// pkg/config/README.md). It handles parser directives (escape), line
// continuations, comments inside continuations, JSON (exec) and shell forms,
// flags (--from=, --chown=, --mount=...) and heredocs (<<EOF ... EOF, whose
// bodies are kept as text but not parsed as instructions). Of variables it
// expands only what a FROM line may use: the ARGs declared before the first
// FROM, with their defaults.
package dockerfile

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/drydockhq/drydock/pkg/lazyre"
)

// Limits on the input.
const (
	// MaxSize is the largest Dockerfile parsed.
	MaxSize = 4 << 20
	// MaxLineLen is the longest physical line.
	MaxLineLen = 1 << 20
	// MaxInstructions is the most instructions parsed from one file.
	MaxInstructions = 100_000
)

// ErrNotDockerfile is returned for input that is not a Dockerfile: binary,
// or without any instruction.
var ErrNotDockerfile = errors.New("not a Dockerfile")

// Dockerfile is a parsed Dockerfile.
type Dockerfile struct {
	// MetaArgs are the ARG instructions before the first FROM.
	MetaArgs []Instruction
	Stages   []Stage
	// Warnings are the parts that were skipped ("line 12: unknown
	// instruction FORM").
	Warnings []string
}

// Stage is a FROM instruction and the instructions up to the next FROM.
type Stage struct {
	// Index is the stage's position, from 0.
	Index int
	// Name is the AS name, lower-cased ("" when unnamed).
	Name string
	// Base is the image (or earlier stage) the stage is built FROM.
	Base     string
	Platform string
	// From is the FROM instruction itself.
	From         Instruction
	Instructions []Instruction
}

// Instruction is one Dockerfile instruction.
type Instruction struct {
	// Cmd is the instruction keyword, upper-case ("RUN").
	Cmd string
	// Flags are the leading --name[=value] options ("--from=build").
	Flags []string
	// Args are the arguments: the JSON array's elements for the exec form;
	// for the shell form of RUN, CMD, ENTRYPOINT and SHELL a single string
	// (the command line); for other instructions the shell-quoted words.
	Args []string
	// JSON is true for the exec form (["a", "b"]).
	JSON bool
	// Raw is everything after the keyword (and flags), continuations joined.
	Raw string
	// Heredocs are the bodies of <<EOF documents that follow the instruction.
	Heredocs []Heredoc
	// Line and EndLine are the first and last physical lines (1-based),
	// heredoc bodies included.
	Line, EndLine int
}

// Heredoc is one here-document.
type Heredoc struct {
	Name string
	Body string
}

// Flag returns the value of flag --name ("" and false when absent).
func (in Instruction) Flag(name string) (string, bool) {
	for _, f := range in.Flags {
		k, v, _ := strings.Cut(strings.TrimPrefix(f, "--"), "=")
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

// known instructions; anything else is skipped with a warning.
var known = map[string]bool{
	"ADD": true, "ARG": true, "CMD": true, "COPY": true, "ENTRYPOINT": true, "ENV": true,
	"EXPOSE": true, "FROM": true, "HEALTHCHECK": true, "LABEL": true, "MAINTAINER": true,
	"ONBUILD": true, "RUN": true, "SHELL": true, "STOPSIGNAL": true, "USER": true,
	"VOLUME": true, "WORKDIR": true,
}

var (
	directiveRe = lazyre.New(`^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`)
	heredocRe   = lazyre.New(`<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)(["']?)`)
)

// Parse reads a Dockerfile. A file that cannot be a Dockerfile (binary, too
// large, no instruction at all) is an error; instructions that cannot be read
// are skipped with a warning.
func Parse(ctx context.Context, r io.Reader) (*Dockerfile, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading Dockerfile: %w", err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("parsing Dockerfile: larger than %d bytes", MaxSize)
	}
	if bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) {
		return nil, fmt.Errorf("parsing Dockerfile: %w (binary content)", ErrNotDockerfile)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))

	p := &parser{escape: '\\', df: &Dockerfile{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), MaxLineLen)
	for sc.Scan() {
		p.lines = append(p.lines, strings.TrimSuffix(sc.Text(), "\r"))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("parsing Dockerfile: %w", err)
	}
	if err := p.run(ctx); err != nil {
		return nil, err
	}
	if len(p.df.Stages) == 0 {
		if p.count == 0 {
			return nil, fmt.Errorf("parsing Dockerfile: %w (no instructions)", ErrNotDockerfile)
		}
		return nil, fmt.Errorf("parsing Dockerfile: %w (no FROM instruction)", ErrNotDockerfile)
	}
	return p.df, nil
}

type parser struct {
	lines  []string
	escape byte
	df     *Dockerfile
	count  int // instructions seen
}

func (p *parser) warn(line int, format string, args ...any) {
	p.df.Warnings = append(p.df.Warnings, fmt.Sprintf("line %d: ", line)+fmt.Sprintf(format, args...))
}

func (p *parser) run(ctx context.Context) error {
	i := 0
	// Parser directives: only at the very top, before any other line.
	for ; i < len(p.lines); i++ {
		m := directiveRe().FindStringSubmatch(p.lines[i])
		if m == nil {
			break
		}
		if strings.EqualFold(m[1], "escape") {
			switch m[2] {
			case "`":
				p.escape = '`'
			case `\`:
				p.escape = '\\'
			default:
				p.warn(i+1, "invalid escape directive %q", m[2])
			}
		}
	}
	for i < len(p.lines) {
		if p.count%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if p.count >= MaxInstructions {
			p.warn(i+1, "more than %d instructions, rest skipped", MaxInstructions)
			return nil
		}
		line := strings.TrimSpace(p.lines[i])
		if line == "" || strings.HasPrefix(line, "#") {
			i++
			continue
		}
		start := i
		logical, next := p.join(i)
		i = next
		in, ok := p.instruction(logical, start+1, i)
		if !ok {
			continue
		}
		// Heredoc bodies follow the instruction's last line.
		if !in.JSON && (in.Cmd == "RUN" || in.Cmd == "COPY" || in.Cmd == "ADD") {
			for _, m := range heredocRe().FindAllStringSubmatch(logical, -1) {
				if m[2] != m[4] {
					continue // unbalanced quote: not a heredoc
				}
				body, end, found := p.heredoc(i, m[3], m[1] == "-")
				if !found {
					p.warn(start+1, "heredoc %s not terminated", m[3])
				}
				in.Heredocs = append(in.Heredocs, Heredoc{Name: m[3], Body: body})
				i = end
			}
			in.EndLine = i
		}
		p.add(in)
	}
	return nil
}

// join returns the logical line starting at physical line i, with line
// continuations resolved and comment lines inside them dropped, and the index
// of the line after it.
func (p *parser) join(i int) (string, int) {
	var b strings.Builder
	for i < len(p.lines) {
		l := p.lines[i]
		i++
		t := strings.TrimSpace(l)
		if b.Len() > 0 && (t == "" || strings.HasPrefix(t, "#")) {
			continue // comment or empty line inside a continuation
		}
		trimmed := strings.TrimRight(l, " \t")
		if strings.HasSuffix(trimmed, string(p.escape)) {
			b.WriteString(trimmed[:len(trimmed)-1])
			continue
		}
		b.WriteString(l)
		return b.String(), i
	}
	return b.String(), i
}

// heredoc reads a here-document body starting at line i, up to the line
// holding only name, and returns it with the index of the line after it.
func (p *parser) heredoc(i int, name string, stripTabs bool) (string, int, bool) {
	var b strings.Builder
	for ; i < len(p.lines); i++ {
		l := p.lines[i]
		cmp := l
		if stripTabs {
			cmp = strings.TrimLeft(l, "\t")
		}
		if cmp == name {
			return b.String(), i + 1, true
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String(), i, false
}

func (p *parser) add(in Instruction) {
	p.count++
	df := p.df
	if in.Cmd == "FROM" {
		st := Stage{Index: len(df.Stages), From: in}
		if v, ok := in.Flag("platform"); ok {
			st.Platform = v
		}
		words := in.Args
		if len(words) > 0 {
			st.Base = words[0]
		}
		if len(words) >= 3 && strings.EqualFold(words[1], "AS") {
			st.Name = strings.ToLower(words[2])
		}
		if len(words) == 0 {
			p.warn(in.Line, "FROM without an image")
		}
		df.Stages = append(df.Stages, st)
		return
	}
	if len(df.Stages) == 0 {
		if in.Cmd == "ARG" {
			df.MetaArgs = append(df.MetaArgs, in)
		} else {
			p.warn(in.Line, "%s before the first FROM", in.Cmd)
		}
		return
	}
	st := &df.Stages[len(df.Stages)-1]
	st.Instructions = append(st.Instructions, in)
}

// instruction parses one logical line.
func (p *parser) instruction(logical string, line, end int) (Instruction, bool) {
	logical = strings.TrimSpace(logical)
	kw, rest, _ := strings.Cut(logical, " ")
	if i := strings.IndexAny(kw, "\t"); i >= 0 { // "RUN\tmake"
		kw, rest = kw[:i], kw[i+1:]+" "+rest
	}
	cmd := strings.ToUpper(kw)
	if !known[cmd] {
		p.warn(line, "unknown instruction %q", truncate(kw, 40))
		return Instruction{}, false
	}
	in := Instruction{Cmd: cmd, Line: line, EndLine: end}
	rest = strings.TrimSpace(rest)
	// Leading flags.
	for strings.HasPrefix(rest, "--") {
		f, r := cutWord(rest)
		in.Flags = append(in.Flags, f)
		rest = strings.TrimSpace(r)
	}
	in.Raw = rest
	switch cmd {
	case "RUN", "CMD", "ENTRYPOINT", "SHELL":
		if args, ok := jsonArray(rest); ok {
			in.Args, in.JSON = args, true
		} else if rest != "" {
			in.Args = []string{rest}
		}
	case "COPY", "ADD", "VOLUME":
		if args, ok := jsonArray(rest); ok {
			in.Args, in.JSON = args, true
		} else {
			in.Args = p.words(rest)
		}
	case "HEALTHCHECK", "ONBUILD":
		in.Args = []string{rest}
	default:
		in.Args = p.words(rest)
	}
	return in, true
}

func jsonArray(s string) ([]string, bool) {
	if !strings.HasPrefix(s, "[") {
		return nil, false
	}
	var out []string
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, false
	}
	return out, true
}

// cutWord returns the first whitespace-separated word of s and the rest.
func cutWord(s string) (string, string) {
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

// words splits s into shell-quoted words: '...' is literal, "..." allows the
// escape character, and the escape character quotes the next character.
// Quotes are removed.
func (p *parser) words(s string) []string {
	var out []string
	var b strings.Builder
	in := false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			} else {
				b.WriteByte(c)
			}
		case c == p.escape && i+1 < len(s) && (quote == 0 || s[i+1] == '"' || s[i+1] == p.escape):
			i++
			b.WriteByte(s[i])
			in = true
		case quote == '"':
			if c == '"' {
				quote = 0
			} else {
				b.WriteByte(c)
			}
		case c == '\'' || c == '"':
			quote = c
			in = true
		case c == ' ' || c == '\t':
			if in {
				out = append(out, b.String())
				b.Reset()
				in = false
			}
		default:
			b.WriteByte(c)
			in = true
		}
	}
	if in {
		out = append(out, b.String())
	}
	return out
}

// KeyValue is one pair of an ENV, ARG or LABEL instruction.
type KeyValue struct {
	Key, Value string
	// HasValue is false for "ARG NAME" without a default.
	HasValue bool
}

// Pairs returns the key=value pairs of an ENV, LABEL or ARG instruction,
// including the legacy "ENV KEY value with spaces" form.
func (in Instruction) Pairs() []KeyValue {
	if len(in.Args) == 0 {
		return nil
	}
	if in.Cmd == "ENV" && !strings.Contains(in.Args[0], "=") {
		// Legacy form: the rest of the line, words re-joined, is the value.
		return []KeyValue{{Key: in.Args[0], Value: strings.Join(in.Args[1:], " "), HasValue: len(in.Args) > 1}}
	}
	var out []KeyValue
	for _, w := range in.Args {
		k, v, ok := strings.Cut(w, "=")
		out = append(out, KeyValue{Key: k, Value: v, HasValue: ok})
	}
	return out
}

// Script returns the shell text an instruction runs: the shell-form command
// line, or the exec-form words joined by spaces, plus heredoc bodies.
func (in Instruction) Script() string {
	s := strings.Join(in.Args, " ")
	for _, h := range in.Heredocs {
		s += "\n" + h.Body
	}
	return s
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
