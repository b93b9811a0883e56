// Package apk extracts installed Alpine packages from the apk database
// (lib/apk/db/installed).
package apk

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

// Name is the extractor's name.
const Name = "os/apk"

// DBPath is the apk installed database.
const DBPath = "lib/apk/db/installed"

// Extractor reads the apk installed database.
type Extractor struct{}

var _ extract.Extractor = (*Extractor)(nil)

// New returns the extractor.
func New() *Extractor { return &Extractor{} }

// Name implements extract.Extractor.
func (*Extractor) Name() string { return Name }

// Version implements extract.Extractor.
func (*Extractor) Version() int { return 2 }

// Required implements extract.Extractor.
func (*Extractor) Required(p string, _ fs.FileInfo) bool { return p == DBPath }

// Extract implements extract.Extractor.
func (*Extractor) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	pkgs, err := Parse(ctx, in.Reader)
	if err != nil {
		return nil, fmt.Errorf("parsing apk database %s: %w", in.Path, err)
	}
	for i := range pkgs {
		pkgs[i].Locations = []model.Location{{Path: in.Path}}
	}
	return &extract.Result{Packages: pkgs}, nil
}

// Parse reads the apk installed database: blank-line separated records of
// "X:value" lines (P name, V version, A arch, o origin, L license, D
// dependencies, p provides).
func Parse(ctx context.Context, r io.Reader) ([]model.Package, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var (
		out   []model.Package
		cur   model.Package
		lines int
		// D: and p: of each package of out, and of the current record.
		deps, provides       []string
		curDeps, curProvides string
	)
	flush := func() {
		if cur.Name != "" && cur.Version != "" {
			cur.Type = model.TypeAPK
			origin := cur.Name
			if cur.Source != nil {
				origin = cur.Source.Name
			}
			cur.Source = &model.SourcePackage{Name: origin, Version: cur.Version}
			out = append(out, cur)
			deps, provides = append(deps, curDeps), append(provides, curProvides)
		}
		cur, curDeps, curProvides = model.Package{}, "", ""
	}
	for sc.Scan() {
		lines++
		if lines%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		line := sc.Text()
		if line == "" {
			flush()
			continue
		}
		if len(line) < 2 || line[1] != ':' {
			return nil, fmt.Errorf("line %d: not a \"X:value\" line: %q", lines, line[:min(len(line), 60)])
		}
		v := line[2:]
		switch line[0] {
		case 'P':
			cur.Name = v
		case 'V':
			cur.Version = v
		case 'A':
			cur.Arch = v
		case 'o':
			cur.Source = &model.SourcePackage{Name: v}
		case 'L':
			if v != "" {
				cur.Licenses = []string{v}
			}
		case 'D':
			curDeps = v
		case 'p':
			curProvides = v
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", lines+1, err)
	}
	flush()
	resolveDepends(out, deps, provides)
	return out, nil
}

// resolveDepends sets each package's DependsOn from its "D:" line: each
// token names a package ("musl", "musl>=1.1") or something a package
// provides on its "p:" line ("so:libc.musl-x86_64.so.1", "cmd:sh",
// "/bin/sh"). Conflicts ("!name") and names nothing installed provides are
// left out; version constraints are not checked (apk installed a
// consistent set).
func resolveDepends(pkgs []model.Package, deps, provides []string) {
	byName := map[string]int{}
	for i := range pkgs {
		byName[pkgs[i].Name] = i
	}
	for i, p := range provides {
		for _, tok := range strings.Fields(p) {
			if name := depName(tok); name != "" {
				if _, taken := byName[name]; !taken {
					byName[name] = i
				}
			}
		}
	}
	targets := make([][]int, len(pkgs))
	for i, d := range deps {
		for _, tok := range strings.Fields(d) {
			if j, ok := byName[depName(tok)]; ok && !strings.HasPrefix(tok, "!") {
				targets[i] = append(targets[i], j)
			}
		}
	}
	extract.LinkPackages(pkgs, targets)
}

// depName strips a version constraint ("musl>=1.1", "so:libz.so.1=1.2.11")
// from a dependency or provides token.
func depName(tok string) string {
	if i := strings.IndexAny(tok, "<>=~"); i >= 0 {
		tok = tok[:i]
	}
	return tok
}
