package ruby

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
	"github.com/drydockhq/drydock/pkg/lazyre"
	"github.com/drydockhq/drydock/pkg/model"
)

// Gemspec reads the specifications RubyGems writes for installed gems
// (GEM_HOME/specifications/NAME-VERSION.gemspec, and
// specifications/default/ for the gems bundled with Ruby).
type Gemspec struct{}

var _ extract.Extractor = (*Gemspec)(nil)

// NewGemspec returns the installed-gem extractor.
func NewGemspec() *Gemspec { return &Gemspec{} }

// Name implements extract.Extractor.
func (*Gemspec) Name() string { return NameGemspec }

// Version implements extract.Extractor.
func (*Gemspec) Version() int { return 1 }

// Required implements extract.Extractor.
func (*Gemspec) Required(p string, _ fs.FileInfo) bool {
	if !strings.HasSuffix(p, ".gemspec") {
		return false
	}
	dir := path.Dir(p)
	return path.Base(dir) == "specifications" || strings.HasSuffix(dir, "specifications/default")
}

// Extract implements extract.Extractor.
func (*Gemspec) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	p, err := ParseGemspec(ctx, in.Reader)
	if err != nil {
		return nil, fmt.Errorf("parsing gemspec %s: %w", in.Path, err)
	}
	return locate(&extract.Result{Packages: []model.Package{p}}, in.Path), nil
}

// maxGemspec bounds how much of a gemspec is read; installed ones are a
// few kilobytes (s.files lists are the long part).
const maxGemspec = 4 << 20

// ErrNoGemspec is returned (wrapped) for a file without name and version
// assignments.
var ErrNoGemspec = errors.New("no name and version assignment")

// attrRe matches an attribute assignment of a Gem::Specification block:
// `  s.name = "rack".freeze`, `spec.version = Gem::Version.new("1.0")`.
var attrRe = lazyre.New(`^\s*[A-Za-z_]\w*\.(name|version|licenses?)\s*=\s*(.+?)\s*$`)

// ParseGemspec reads a gemspec as RubyGems writes it for installed gems
// (Gem::Specification#to_ruby), without running Ruby: it reads the
// `s.name`, `s.version`, `s.license` and `s.licenses` assignments, with
// string literals in double or single quotes or %q delimiters, an optional
// .freeze, and Gem::Version.new("...") for the version, as Trivy and Syft
// do. The first assignment of each attribute counts. DependsOn is left
// empty: a gemspec describes one gem, and its add_dependency lines name
// version ranges of gems in other files, not resolved packages.
func ParseGemspec(ctx context.Context, r io.Reader) (model.Package, error) {
	sc := bufio.NewScanner(io.LimitReader(r, maxGemspec))
	sc.Buffer(make([]byte, 64<<10), maxGemspec)
	var (
		name, version string
		licenses      []string
		haveLicenses  bool
		lineNo        int
	)
	for sc.Scan() {
		lineNo++
		if lineNo%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return model.Package{}, err
			}
		}
		m := attrRe().FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		val := stripModifier(m[2])
		switch m[1] {
		case "name":
			if name == "" {
				name, _ = rubyString(val)
			}
		case "version":
			if version == "" {
				version = gemVersion(val)
			}
		case "license":
			if !haveLicenses {
				if l, ok := rubyString(val); ok && l != "" {
					licenses, haveLicenses = []string{l}, true
				}
			}
		case "licenses":
			if !haveLicenses {
				licenses, haveLicenses = rubyStringArray(val), true
			}
		}
	}
	if err := sc.Err(); err != nil {
		return model.Package{}, fmt.Errorf("line %d: %w", lineNo+1, err)
	}
	if name == "" || version == "" {
		return model.Package{}, ErrNoGemspec
	}
	if !validName(name) || !validVersion(version) {
		return model.Package{}, fmt.Errorf("invalid gem name or version %q %q", clip(name), clip(version))
	}
	p := newPackage(name, version)
	if len(licenses) > 0 {
		p.Licenses = licenses
	}
	return p, nil
}

// stripModifier removes a trailing statement modifier
// (` if s.respond_to? :x=`) and comment from an assigned value.
func stripModifier(v string) string {
	for _, kw := range []string{" if ", " unless ", " # "} {
		if i := strings.LastIndex(v, kw); i >= 0 && !inString(v, i) {
			v = strings.TrimSpace(v[:i])
		}
	}
	return v
}

// inString reports whether byte i of s is inside a quoted string.
func inString(s string, i int) bool {
	var quote byte
	for j := 0; j < i; j++ {
		switch c := s[j]; {
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		case quote != 0 && c == '\\':
			j++
		case quote != 0 && c == quote:
			quote = 0
		}
	}
	return quote != 0
}

// gemVersion reads a version value: a string, or Gem::Version.new(string).
func gemVersion(v string) string {
	v = strings.TrimSuffix(v, ".freeze")
	if inner, ok := strings.CutPrefix(v, "Gem::Version.new"); ok {
		inner = strings.TrimSpace(inner)
		if strings.HasPrefix(inner, "(") && strings.HasSuffix(inner, ")") {
			inner = strings.TrimSpace(inner[1 : len(inner)-1])
		}
		v = inner
	}
	s, _ := rubyString(v)
	return s
}

// rubyString reads one Ruby string literal, optionally followed by
// .freeze: "x", 'x', %q<x>, %q{x}, %q(x), %q[x], %Q..., %<x>. It returns
// false for anything else.
func rubyString(v string) (string, bool) {
	v = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), ".freeze"))
	if len(v) < 2 {
		return "", false
	}
	switch v[0] {
	case '"', '\'':
		if v[len(v)-1] != v[0] {
			return "", false
		}
		return unescape(v[1 : len(v)-1]), true
	case '%':
		rest := v[1:]
		if len(rest) > 0 && (rest[0] == 'q' || rest[0] == 'Q') {
			rest = rest[1:]
		}
		if len(rest) < 2 {
			return "", false
		}
		closer := map[byte]byte{'<': '>', '{': '}', '(': ')', '[': ']', '|': '|', '!': '!', '/': '/'}[rest[0]]
		if closer == 0 || rest[len(rest)-1] != closer {
			return "", false
		}
		return rest[1 : len(rest)-1], true
	}
	return "", false
}

func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// rubyStringArray reads ["a".freeze, "b".freeze]; elements that are not
// string literals are dropped.
func rubyStringArray(v string) []string {
	v = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), ".freeze"))
	if !strings.HasPrefix(v, "[") || !strings.HasSuffix(v, "]") {
		if s, ok := rubyString(v); ok && s != "" {
			return []string{s}
		}
		return nil
	}
	var out []string
	for _, el := range splitArray(v[1 : len(v)-1]) {
		if s, ok := rubyString(el); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}

// splitArray splits array elements at commas outside quotes.
func splitArray(s string) []string {
	var (
		out   []string
		start int
		quote byte
	)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		case quote != 0 && c == '\\':
			i++
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && c == ',':
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
