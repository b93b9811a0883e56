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
func (*GemfileLock) Version() int { return 1 }

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
// spec's own dependencies. The DEPENDENCIES section names the Gemfile's
// gems: those are RelationDirect, the others RelationIndirect. A spec line
// that does not parse is skipped with a warning; a file with no section
// header is an error.
func ParseGemfileLock(ctx context.Context, r io.Reader) (*extract.Result, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	var (
		res      = &extract.Result{}
		section  string
		inSpecs  bool
		direct   = map[string]bool{}
		hasDeps  bool
		seen     = map[[2]string]bool{}
		lineNo   int
		sections int
	)
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
		if strings.TrimSpace(line) == "" {
			continue
		}
		if line[0] != ' ' {
			section = line
			inSpecs = false
			switch section {
			case "GEM", "GIT", "PATH", "PLUGIN SOURCE", "PLATFORMS", "DEPENDENCIES", "RUBY VERSION", "BUNDLED WITH", "CHECKSUMS":
				sections++
			default:
				if sections == 0 {
					return nil, fmt.Errorf("line %d: %q is not a Gemfile.lock section", lineNo, clip(line))
				}
				res.Warnings = append(res.Warnings, fmt.Sprintf("line %d: unknown section %q skipped", lineNo, clip(line)))
			}
			hasDeps = hasDeps || section == "DEPENDENCIES"
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		body := line[indent:]
		switch section {
		case "GEM", "GIT", "PATH", "PLUGIN SOURCE":
			if indent == 2 {
				inSpecs = body == "specs:"
				continue
			}
			if !inSpecs || indent != 4 {
				continue // source options, or a spec's dependency
			}
			name, version, _, ok := nameVersion(body)
			if !ok || version == "" {
				res.Warnings = append(res.Warnings, fmt.Sprintf("line %d: not a \"name (version)\" spec: %q", lineNo, clip(body)))
				continue
			}
			key := [2]string{name, version}
			if seen[key] {
				continue
			}
			if len(res.Packages) >= maxPackages {
				res.Warnings = append(res.Warnings, fmt.Sprintf("more than %d gems; the rest skipped", maxPackages))
				return res, nil
			}
			seen[key] = true
			res.Packages = append(res.Packages, newPackage(name, version))
		case "DEPENDENCIES":
			if indent != 2 {
				continue
			}
			name := body
			if i := strings.IndexAny(name, " !"); i >= 0 {
				name = name[:i]
			}
			if validName(name) {
				direct[name] = true
			}
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("line %d: longer than %d bytes", lineNo+1, maxLine)
		}
		return nil, fmt.Errorf("line %d: %w", lineNo+1, err)
	}
	if sections == 0 && lineNo > 0 {
		return nil, errors.New("no section: not a Gemfile.lock")
	}
	if hasDeps {
		for i := range res.Packages {
			p := &res.Packages[i]
			p.Relation = model.RelationIndirect
			if direct[p.Name] {
				p.Relation = model.RelationDirect
			}
		}
	}
	return res, nil
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
