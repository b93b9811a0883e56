// Package apk extracts installed Alpine packages from the apk database
// (lib/apk/db/installed).
package apk

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"

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
func (*Extractor) Version() int { return 1 }

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
// "X:value" lines (P name, V version, A arch, o origin, L license).
func Parse(ctx context.Context, r io.Reader) ([]model.Package, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var (
		out   []model.Package
		cur   model.Package
		lines int
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
		}
		cur = model.Package{}
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
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", lines+1, err)
	}
	flush()
	return out, nil
}
