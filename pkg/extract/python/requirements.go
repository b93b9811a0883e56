package python

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/drydockhq/drydock/pkg/extract"
)

// Requirements reads pip requirement files (requirements*.txt, e.g.
// requirements.txt, requirements-dev.txt, dev-requirements.txt). Only
// requirements pinned to one version ("name==1.2.3", "name===1.2.3") name a
// package; ranges, URLs and editable installs do not.
type Requirements struct{}

var _ extract.Extractor = (*Requirements)(nil)

// NewRequirements returns the requirements-file extractor.
func NewRequirements() *Requirements { return &Requirements{} }

// Name implements extract.Extractor.
func (*Requirements) Name() string { return NameRequirements }

// Version implements extract.Extractor.
func (*Requirements) Version() int { return 1 }

// Required implements extract.Extractor.
func (*Requirements) Required(p string, _ fs.FileInfo) bool {
	base := path.Base(p)
	return strings.HasSuffix(base, ".txt") && strings.Contains(base, "requirements")
}

// Extract implements extract.Extractor.
func (*Requirements) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	res, err := ParseRequirements(ctx, in.Reader)
	if err != nil {
		return nil, fmt.Errorf("parsing pip requirements file %s: %w", in.Path, err)
	}
	return locate(res, in.Path), nil
}

// maxLogicalLine bounds one requirement after joining continuation lines.
const maxLogicalLine = 1 << 20

// ParseRequirements reads a pip requirements file. It follows pip's rules:
// a line ending in a backslash continues on the next; "#" after whitespace
// (or at the start) begins a comment; a requirement is
// "name[extras] specifier ; markers --option..." with per-requirement
// options such as --hash after it. Lines of options ("-i URL",
// "--hash=...") are skipped; "-r" and "-c" name other files, which are not
// read: each gives a warning. A line that is no requirement gives a
// warning; a file with nothing but such lines is an error. A requirements
// file lists packages without saying which requires which, so DependsOn is
// left empty.
func ParseRequirements(ctx context.Context, r io.Reader) (*extract.Result, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLogicalLine)
	var (
		res     = &extract.Result{}
		seen    = map[[2]string]bool{}
		lineNo  int
		start   int // first physical line of the logical line
		logical strings.Builder
		good    int // lines that were requirements or options
		bad     int
	)
	handle := func(line string, at int) {
		if i := commentStart(line); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			return
		}
		if line[0] == '-' {
			good++
			if w := optionWarning(line); w != "" {
				res.Warnings = append(res.Warnings, fmt.Sprintf("line %d: %s", at, w))
			}
			return
		}
		name, version, kind := parseRequirement(line)
		switch kind {
		case reqInvalid:
			bad++
			res.Warnings = append(res.Warnings, fmt.Sprintf("line %d: not a requirement: %q", at, clip(line)))
			return
		case reqUnpinned:
			good++
			return
		}
		good++
		key := [2]string{name, version}
		if seen[key] || len(res.Packages) >= maxPackages {
			return
		}
		seen[key] = true
		res.Packages = append(res.Packages, newPackage(name, version))
	}
	for sc.Scan() {
		lineNo++
		if lineNo%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		line := sc.Text()
		if lineNo == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		if strings.IndexByte(line, 0) >= 0 {
			return nil, fmt.Errorf("line %d: NUL byte: not a text file", lineNo)
		}
		if logical.Len() == 0 {
			start = lineNo
		}
		line = strings.TrimRight(line, "\r")
		if cont, ok := strings.CutSuffix(line, `\`); ok {
			if logical.Len()+len(cont) > maxLogicalLine {
				return nil, fmt.Errorf("line %d: continued line longer than %d bytes", lineNo, maxLogicalLine)
			}
			logical.WriteString(cont)
			continue
		}
		logical.WriteString(line)
		handle(logical.String(), start)
		logical.Reset()
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("line %d: longer than %d bytes", lineNo+1, maxLogicalLine)
		}
		return nil, fmt.Errorf("line %d: %w", lineNo+1, err)
	}
	if logical.Len() > 0 {
		handle(logical.String(), start)
	}
	if good == 0 && bad > 0 {
		return nil, fmt.Errorf("no requirement in %d lines: %s", lineNo, res.Warnings[0])
	}
	return res, nil
}

// commentStart returns where a comment begins in a requirements line: a
// "#" at the start of the line or after whitespace, as pip's COMMENT_RE.
func commentStart(line string) int {
	for i := 0; i < len(line); i++ {
		if line[i] == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
			return i
		}
	}
	return -1
}

// optionWarning returns a warning for option lines that leave packages
// unread: nested requirement and constraint files.
func optionWarning(line string) string {
	opt, arg, _ := strings.Cut(strings.ReplaceAll(line, "=", " "), " ")
	arg = strings.TrimSpace(arg)
	switch {
	case opt == "-r" || opt == "--requirement":
		return fmt.Sprintf("requirements file %q is not read", clip(arg))
	case opt == "-c" || opt == "--constraint":
		return fmt.Sprintf("constraints file %q is not read", clip(arg))
	case strings.HasPrefix(opt, "-r") && len(opt) > 2 && opt[1] == 'r':
		return fmt.Sprintf("requirements file %q is not read", clip(opt[2:]))
	case strings.HasPrefix(opt, "-c") && len(opt) > 2 && opt[1] == 'c':
		return fmt.Sprintf("constraints file %q is not read", clip(opt[2:]))
	}
	return ""
}

type reqKind int

const (
	reqPinned reqKind = iota
	reqUnpinned
	reqInvalid
)

// parseRequirement reads one requirement line (PEP 508 with pip's
// per-requirement options after it). It returns the name and the pinned
// version of "name[extras]==version ; markers --hash=...".
func parseRequirement(line string) (name, version string, kind reqKind) {
	// Per-requirement options start at the first token beginning with "-"
	// (pip's break_args_options).
	fields := strings.Fields(line)
	for i, f := range fields {
		if i > 0 && strings.HasPrefix(f, "-") {
			fields = fields[:i]
			break
		}
	}
	line = strings.Join(fields, " ")
	if spec, _, ok := strings.Cut(line, ";"); ok {
		line = spec
	}
	line = strings.TrimSpace(line)
	if line == "" {
		return "", "", reqInvalid
	}
	n := nameLen(line)
	name, rest := line[:n], strings.TrimSpace(line[n:])
	if n > 0 && strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return "", "", reqInvalid
		}
		rest = strings.TrimSpace(rest[end+1:])
	}
	switch {
	case n > 0 && strings.HasPrefix(rest, "@"):
		return name, "", reqUnpinned // direct reference: "name @ URL"
	case strings.Contains(line, "://") || strings.ContainsAny(line[:1], "./~\\") || strings.HasSuffix(line, ".whl"):
		// A URL or a path: "git+https://...", "./pkg", "/wheels/x.whl".
		return "", "", reqUnpinned
	case n == 0:
		return "", "", reqInvalid
	case rest == "":
		return name, "", reqUnpinned
	case strings.HasPrefix(rest, "("):
		rest = strings.TrimSuffix(strings.TrimPrefix(rest, "("), ")")
	}
	var op string
	for _, o := range []string{"===", "==", "~=", "!=", "<=", ">=", "<", ">"} {
		if strings.HasPrefix(rest, o) {
			op = o
			break
		}
	}
	if op == "" {
		return "", "", reqInvalid
	}
	if strings.Contains(rest, ",") {
		return name, "", reqUnpinned // several clauses: a range
	}
	version = strings.TrimSpace(rest[len(op):])
	if version == "" || !validVersionChars(version) {
		return "", "", reqInvalid
	}
	if op != "==" && op != "===" || strings.HasSuffix(version, ".*") {
		return name, "", reqUnpinned
	}
	return name, version, reqPinned
}

// nameLen returns the length of the PEP 508 distribution name at the start
// of s: letters and digits, with ".", "-" and "_" inside.
func nameLen(s string) int {
	n := 0
	for n < len(s) && (isAlnum(s[n]) || n > 0 && (s[n] == '.' || s[n] == '-' || s[n] == '_')) {
		n++
	}
	for n > 0 && !isAlnum(s[n-1]) {
		n--
	}
	return n
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// validVersionChars reports whether v holds only characters a version
// (PEP 440, or a legacy one pinned with ===) can have.
func validVersionChars(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !isAlnum(c) && !strings.ContainsRune(".-_+!*", rune(c)) {
			return false
		}
	}
	return true
}
