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
	"github.com/drydockhq/drydock/pkg/model"
)

// GemfileLock reads Bundler lock files.
type GemfileLock struct{}

var _ extract.Extractor = (*GemfileLock)(nil)

// NewGemfileLock returns the Gemfile.lock extractor.
func NewGemfileLock() *GemfileLock { return &GemfileLock{} }

// Name implements extract.Extractor.
func (*GemfileLock) Name() string { return NameGemfileLock }

// Version implements extract.Extractor.
func (*GemfileLock) Version() int { return 2 }

// Required implements extract.Extractor. Besides Gemfile.lock it takes
// gems.locked, the lock of a gems.rb.
func (*GemfileLock) Required(p string, _ fs.FileInfo) bool {
	b := path.Base(p)
	return b == "Gemfile.lock" || b == "gems.locked"
}

// Extract implements extract.Extractor.
func (*GemfileLock) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	res, err := ParseGemfileLock(ctx, in.Reader)
	if err != nil {
		return nil, fmt.Errorf("parsing Gemfile.lock %s: %w", in.Path, err)
	}
	return locate(res, in.Path), nil
}

// maxLine bounds one line of a lock file.
const maxLine = 1 << 20

// ParseGemfileLock reads a Gemfile.lock the way Bundler's LockfileParser
// does. The gems are the specs of the source sections (GEM, GIT, PATH,
// PLUGIN SOURCE): "    name (version)" at four spaces of indentation,
// "    name (version-platform)" for platform gems, whose platform is
// dropped (one package per name and version). Lines at six spaces are the
// spec's own dependencies, "name" or "name (constraints)": they become
// DependsOn, resolved by name among the specs of all source sections (a
// lock resolves one version per name; the variants of a platform gem are
// one package, with the dependencies of all of them). The DEPENDENCIES
// section names the Gemfile's gems: those are RelationDirect, the others
// RelationIndirect. A spec line that does not parse is skipped with a
// warning, with its dependencies; a file with no section header is an
// error.
func ParseGemfileLock(ctx context.Context, r io.Reader) (*extract.Result, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	lp := &lockParser{res: &extract.Result{}, direct: map[string]bool{}, index: map[[2]string]int{}, cur: -1}
	lineNo := 0
	for sc.Scan() {
		lineNo++
		if lineNo%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		line := strings.TrimRight(sc.Text(), "\r")
		if lineNo == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		done, err := lp.line(lineNo, line)
		if err != nil {
			return nil, err
		}
		if done {
			return lp.finish(), nil
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("line %d: longer than %d bytes", lineNo+1, maxLine)
		}
		return nil, fmt.Errorf("line %d: %w", lineNo+1, err)
	}
	if lp.sections == 0 && lineNo > 0 {
		return nil, errors.New("no section: not a Gemfile.lock")
	}
	return lp.finish(), nil
}

// lockParser holds the state of ParseGemfileLock between lines.
type lockParser struct {
	res      *extract.Result
	section  string
	inSpecs  bool
	direct   map[string]bool // gems of the DEPENDENCIES section
	hasDeps  bool            // whether there is a DEPENDENCIES section
	index    map[[2]string]int
	deps     [][]string // dependency names, per package of res
	cur      int        // package of the last spec line, -1 after a bad one
	sections int
}

// line reads one line. It returns done when no more gems can be taken.
func (lp *lockParser) line(lineNo int, line string) (done bool, err error) {
	if strings.TrimSpace(line) == "" {
		return false, nil
	}
	if line[0] != ' ' {
		return false, lp.header(lineNo, line)
	}
	indent := len(line) - len(strings.TrimLeft(line, " "))
	body := line[indent:]
	switch lp.section {
	case "GEM", "GIT", "PATH", "PLUGIN SOURCE":
		switch {
		case indent == 2:
			lp.inSpecs = body == "specs:"
			lp.cur = -1
		case lp.inSpecs && indent == 4:
			return lp.spec(lineNo, body), nil
		case lp.inSpecs && indent == 6:
			lp.dependency(body)
		}
	case "DEPENDENCIES":
		if indent != 2 {
			return false, nil
		}
		name := body
		if i := strings.IndexAny(name, " !"); i >= 0 {
			name = name[:i]
		}
		if validName(name) {
			lp.direct[name] = true
		}
	}
	return false, nil
}

// header reads a section header.
func (lp *lockParser) header(lineNo int, line string) error {
	lp.section = line
	lp.inSpecs = false
	lp.cur = -1
	switch line {
	case "GEM", "GIT", "PATH", "PLUGIN SOURCE", "PLATFORMS", "DEPENDENCIES", "RUBY VERSION", "BUNDLED WITH", "CHECKSUMS":
		lp.sections++
	default:
		if lp.sections == 0 {
			return fmt.Errorf("line %d: %q is not a Gemfile.lock section", lineNo, clip(line))
		}
		lp.res.Warnings = append(lp.res.Warnings, fmt.Sprintf("line %d: unknown section %q skipped", lineNo, clip(line)))
	}
	lp.hasDeps = lp.hasDeps || line == "DEPENDENCIES"
	return nil
}

// spec reads a "name (version[-platform])" spec line. It returns true when
// the package limit is reached.
func (lp *lockParser) spec(lineNo int, body string) bool {
	lp.cur = -1
	name, version, _, ok := nameVersion(body)
	if !ok || version == "" {
		lp.res.Warnings = append(lp.res.Warnings, fmt.Sprintf("line %d: not a \"name (version)\" spec: %q", lineNo, clip(body)))
		return false
	}
	key := [2]string{name, version}
	if i, ok := lp.index[key]; ok {
		lp.cur = i // another platform of the same gem
		return false
	}
	if len(lp.res.Packages) >= maxPackages {
		lp.res.Warnings = append(lp.res.Warnings, fmt.Sprintf("more than %d gems; the rest skipped", maxPackages))
		return true
	}
	lp.cur = len(lp.res.Packages)
	lp.index[key] = lp.cur
	lp.res.Packages = append(lp.res.Packages, newPackage(name, version))
	lp.deps = append(lp.deps, nil)
	return false
}

// dependency reads a "name (constraints)" line of the current spec.
func (lp *lockParser) dependency(body string) {
	if lp.cur < 0 {
		return
	}
	name, _, _ := strings.Cut(body, " ")
	if validName(name) {
		lp.deps[lp.cur] = append(lp.deps[lp.cur], name)
	}
}

// finish sets relations and DependsOn, and returns the result.
func (lp *lockParser) finish() *extract.Result {
	pkgs := lp.res.Packages
	if lp.hasDeps {
		for i := range pkgs {
			p := &pkgs[i]
			p.Relation = model.RelationIndirect
			if lp.direct[p.Name] {
				p.Relation = model.RelationDirect
			}
		}
	}
	byName := make(map[string]int, len(pkgs)) // name → package, -1 when several versions
	for i := range pkgs {
		if _, ok := byName[pkgs[i].Name]; ok {
			byName[pkgs[i].Name] = -1
		} else {
			byName[pkgs[i].Name] = i
		}
	}
	for i := range pkgs {
		var purls []string
		for _, name := range lp.deps[i] {
			if j, ok := byName[name]; ok && j >= 0 && pkgs[j].PURL != pkgs[i].PURL {
				purls = append(purls, pkgs[j].PURL)
			}
		}
		pkgs[i].DependsOn = extract.DependsOn(purls)
	}
	return lp.res
}

// nameVersion reads "name (version-platform)" or "name", as Bundler's
// NAME_VERSION pattern: the version stops at the first "-", the platform
// is the rest.
func nameVersion(s string) (name, version, platform string, ok bool) {
	s = strings.TrimSuffix(s, "!")
	name, rest, hasVersion := strings.Cut(s, " ")
	if !validName(name) {
		return "", "", "", false
	}
	if !hasVersion {
		return name, "", "", true
	}
	if !strings.HasPrefix(rest, "(") || !strings.HasSuffix(rest, ")") {
		return "", "", "", false
	}
	version, platform, _ = strings.Cut(rest[1:len(rest)-1], "-")
	if !validVersion(version) {
		return "", "", "", false
	}
	return name, version, platform, true
}
