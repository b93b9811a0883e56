package ignore

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/package-url/packageurl-go"
	"go.yaml.in/yaml/v3"
)

// maxFileSize bounds what Parse and ParseTrivy read: an ignore file is
// written by hand.
const maxFileSize = 16 << 20

// ParseError is a problem at one line of an ignore file. Parse returns all
// the problems it finds, joined (errors.Join); each is a *ParseError.
type ParseError struct {
	Path string // "" when parsed from a reader
	Line int    // 1-based; 0 when unknown
	Msg  string
}

func (e *ParseError) Error() string {
	switch {
	case e.Path != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	case e.Path != "":
		return e.Path + ": " + e.Msg
	case e.Line > 0:
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

// Load reads the ignore file at path. A file named ".trivyignore" is read
// in Trivy's plain-text format (ParseTrivy), any other as YAML (Parse).
// When the file does not exist the error wraps fs.ErrNotExist, so that a
// caller can treat a missing default file as empty.
func Load(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading ignore file: %w", err)
	}
	defer fh.Close()
	parse := Parse
	if filepath.Base(path) == ".trivyignore" {
		parse = ParseTrivy
	}
	f, err := parse(fh)
	if err != nil {
		return nil, withPath(err, path)
	}
	f.Path = path
	return f, nil
}

// withPath sets the path of the ParseErrors in err.
func withPath(err error, path string) error {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = slices.Clone(j.Unwrap())
	} else {
		errs = []error{err}
	}
	for i, e := range errs {
		var pe *ParseError
		if errors.As(e, &pe) {
			c := *pe
			c.Path = path
			errs[i] = &c
		} else {
			errs[i] = fmt.Errorf("%s: %w", path, e)
		}
	}
	return errors.Join(errs...)
}

// Keys of an entry.
var entryKeys = []string{"id", "package", "version", "reason", "expires"}

// Parse reads an ignore file in drydock's YAML format (see the package
// documentation). It reports every problem it finds with its line: YAML
// syntax, unknown keys (a misspelt "pakage" would otherwise widen the entry
// to every package), duplicate keys, a missing id or reason, a version
// without a package, a package URL or date that does not parse. An empty
// file has no entries.
func Parse(r io.Reader) (*File, error) {
	b, err := readAll(r)
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &File{}, nil
		}
		return nil, yamlError(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &ParseError{Line: extra.Line, Msg: "more than one YAML document"}
	} else if !errors.Is(err, io.EOF) {
		return nil, yamlError(err)
	}

	p := &parser{}
	f := &File{}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return f, nil
		}
		root = root.Content[0]
	}
	if isNull(root) {
		return f, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, &ParseError{Line: root.Line, Msg: `want a mapping with the key "ignore"`}
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if seen[k.Value] {
			p.errorf(k.Line, "duplicate key %q", k.Value)
			continue
		}
		seen[k.Value] = true
		if k.Value != "ignore" {
			p.errorf(k.Line, "unknown key %q (want \"ignore\")", k.Value)
			continue
		}
		v = resolve(v)
		if isNull(v) {
			continue
		}
		if v.Kind != yaml.SequenceNode {
			p.errorf(v.Line, `"ignore" must be a list of entries`)
			continue
		}
		for _, item := range v.Content {
			if e, ok := p.entry(resolve(item)); ok {
				f.Entries = append(f.Entries, e)
			}
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return f, nil
}

func readAll(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading ignore file: %w", err)
	}
	if len(b) > maxFileSize {
		return nil, &ParseError{Msg: fmt.Sprintf("file larger than %d bytes", maxFileSize)}
	}
	return b, nil
}

// yamlError turns a yaml.v3 error ("yaml: line 3: mapping values are not
// allowed in this context") into a ParseError.
func yamlError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, after, ok := strings.Cut(rest, ": "); ok {
			if _, err := fmt.Sscanf(n, "%d", &line); err == nil {
				msg = after
			}
		}
	}
	return &ParseError{Line: line, Msg: "invalid YAML: " + msg}
}

type parser struct {
	errs []error
}

func (p *parser) errorf(line int, format string, args ...any) {
	p.errs = append(p.errs, &ParseError{Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) err() error {
	return errors.Join(p.errs...)
}

// resolve follows an alias (*anchor) to its node.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 8; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// entry reads one list item; ok is false when it has errors.
func (p *parser) entry(n *yaml.Node) (e Entry, ok bool) {
	nerr := len(p.errs)
	e.Line = n.Line
	if n.Kind != yaml.MappingNode {
		p.errorf(n.Line, "ignore entry must be a mapping with the keys %s", strings.Join(entryKeys, ", "))
		return e, false
	}
	var expires string
	expiresLine := n.Line
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		if !slices.Contains(entryKeys, k.Value) {
			p.errorf(k.Line, "unknown key %q in ignore entry (want %s)", k.Value, strings.Join(entryKeys, ", "))
			continue
		}
		if seen[k.Value] {
			p.errorf(k.Line, "duplicate key %q in ignore entry", k.Value)
			continue
		}
		seen[k.Value] = true
		if v.Kind != yaml.ScalarNode {
			p.errorf(v.Line, "%s must be a string", k.Value)
			continue
		}
		val := strings.TrimSpace(v.Value)
		if isNull(v) {
			val = ""
		}
		switch k.Value {
		case "id":
			e.ID = val
			if strings.ContainsAny(val, " \t\n") {
				p.errorf(v.Line, "id %q contains spaces", val)
			}
		case "package":
			e.Package = val
			if strings.HasPrefix(val, "pkg:") {
				u, err := packageurl.FromString(val)
				if err != nil {
					p.errorf(v.Line, "package: invalid package URL %q: %v", val, err)
				} else {
					e.pkgURL = &u
				}
			}
		case "version":
			e.Version = val
		case "reason":
			e.Reason = val
		case "expires":
			expires, expiresLine = val, v.Line
		}
	}
	if e.ID == "" {
		p.errorf(n.Line, "ignore entry without id")
	}
	if e.Reason == "" {
		p.errorf(n.Line, "ignore entry for %s without reason: say why the finding is accepted", cmp.Or(e.ID, "?"))
	}
	if e.Version != "" {
		switch {
		case e.Package == "":
			p.errorf(n.Line, "ignore entry for %s has a version but no package", cmp.Or(e.ID, "?"))
		case e.pkgURL != nil:
			p.errorf(n.Line, "ignore entry for %s has a version and a package URL: put the version in the URL (@version)", cmp.Or(e.ID, "?"))
		}
	}
	if expires != "" {
		t, err := parseExpiry(expires)
		if err != nil {
			p.errorf(expiresLine, "expires %q: want a date (YYYY-MM-DD) or an RFC 3339 time", expires)
		}
		e.Expires = t
	}
	return e, len(p.errs) == nerr
}

// parseExpiry reads "2026-12-31" (00:00 UTC that day) or an RFC 3339 time.
func parseExpiry(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, s)
}

// ParseTrivy reads Trivy's plain-text ignore file (.trivyignore), to ease
// migrations: one vulnerability ID a line; blank lines and lines starting
// with "#" are skipped; a field "exp:YYYY-MM-DD" on the line sets the
// expiry (the entry stops applying at 00:00 UTC that day, as in Trivy); a
// "#" after the ID starts a comment, which becomes the entry's reason
// ("listed in .trivyignore" when there is none). Other fields are skipped,
// as Trivy does.
//
// Unlike Trivy, which skips a line whose date does not parse (so that the
// finding is no longer ignored, silently), ParseTrivy reports the line.
// The entries name no package: Trivy's format cannot. Its YAML form
// (.trivyignore.yaml, with paths and purls) is not read.
func ParseTrivy(r io.Reader) (*File, error) {
	b, err := readAll(r)
	if err != nil {
		return nil, err
	}
	f := &File{}
	p := &parser{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), maxFileSize+1)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if line == 1 {
			text = strings.TrimPrefix(text, "\uFEFF")
		}
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		e := Entry{Line: line, Reason: "listed in .trivyignore"}
		if code, comment, ok := strings.Cut(text, "#"); ok {
			text = code
			if c := strings.TrimSpace(comment); c != "" {
				e.Reason = c
			}
		}
		fields := strings.Fields(text)
		e.ID = fields[0]
		bad := false
		for _, fl := range fields[1:] {
			d, ok := strings.CutPrefix(fl, "exp:")
			if !ok {
				continue
			}
			t, err := time.Parse(time.DateOnly, d)
			if err != nil {
				p.errorf(line, "%s: expiry %q: want exp:YYYY-MM-DD", e.ID, fl)
				bad = true
				continue
			}
			e.Expires = t
		}
		if !bad {
			f.Entries = append(f.Entries, e)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading ignore file: %w", err)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return f, nil
}
