package golang

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/version"
	"io"
	"io/fs"
	"path"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/purl"
)

// ModName is the name of the go.mod extractor.
const ModName = "lang/go-mod"

// MaxModSize bounds the go.mod files read; real ones are a few kB.
const MaxModSize = 8 << 20

// maxBadModLines bounds how many invalid lines of a go.mod are skipped (with
// a warning) before the file is given up as unreadable.
const maxBadModLines = 64

// ModExtractor reads the requirements of go.mod files.
//
// It reads go.mod alone. Since Go 1.17 ("go 1.17" or later in the file), go.mod
// lists every module the build needs (module graph pruning), the indirect
// ones marked "// indirect". Older go.mod files may miss indirect
// dependencies; for them Trivy adds the modules of go.sum. drydock does not,
// and says so in a warning: an extractor is handed one file, and go.sum lists
// every version the module graph ever mentioned, not the selected ones, so it
// would report versions that are not built.
//
// The main module itself is not reported (go.mod gives it no version), nor
// the go and toolchain directives (a minimum, not the toolchain that built
// anything). Exclude and retract directives do not change the reported
// requirements. go.mod files inside the module cache (".../pkg/mod/x@v1/")
// and vendor directories describe dependencies, not a project, and are not
// read.
type ModExtractor struct{}

var _ extract.Extractor = (*ModExtractor)(nil)

// NewMod returns the go.mod extractor.
func NewMod() *ModExtractor { return &ModExtractor{} }

// Name implements extract.Extractor.
func (*ModExtractor) Name() string { return ModName }

// Version implements extract.Extractor.
func (*ModExtractor) Version() int { return 1 }

// Required implements extract.Extractor.
func (*ModExtractor) Required(p string, _ fs.FileInfo) bool {
	if path.Base(p) != "go.mod" {
		return false
	}
	if strings.Contains(p, "@") && (strings.HasPrefix(p, "pkg/mod/") || strings.Contains(p, "/pkg/mod/")) {
		return false
	}
	return !strings.HasPrefix(p, "vendor/") && !strings.Contains(p, "/vendor/")
}

// Extract implements extract.Extractor.
func (*ModExtractor) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	res, err := ParseMod(ctx, in.Reader)
	if err != nil {
		return nil, fmt.Errorf("parsing go.mod %s: %w", in.Path, err)
	}
	for i := range res.Packages {
		res.Packages[i].Locations = []model.Location{{Path: in.Path}}
	}
	return res, nil
}

// ParseMod reads a go.mod file and returns its requirements, with
// replacements applied: a module replaced by another module is reported as
// the replacement; one replaced by a local directory under its own path
// with an empty version. Requirements marked "// indirect" are
// RelationIndirect, the others RelationDirect. Lines the go command would
// reject are skipped with a warning; a file with no valid structure is an
// error.
func ParseMod(ctx context.Context, r io.Reader) (*extract.Result, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxModSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxModSize {
		return nil, fmt.Errorf("file is over the %d-byte limit", MaxModSize)
	}
	res := &extract.Result{}
	f, err := parseModSkipping(data, res)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	// Version-specific replacements win over path-wide ones.
	type key struct{ path, version string }
	repl := make(map[key]*modfile.Replace, len(f.Replace))
	for _, rp := range f.Replace {
		repl[key{rp.Old.Path, rp.Old.Version}] = rp
	}
	for i, req := range f.Require {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		name, v := req.Mod.Path, req.Mod.Version
		rp := repl[key{name, v}]
		if rp == nil {
			rp = repl[key{name, ""}]
		}
		if rp != nil {
			if rp.New.Version == "" {
				v = "" // a local directory
			} else {
				name, v = rp.New.Path, rp.New.Version
			}
		}
		p := model.Package{
			Name:      name,
			Version:   v,
			Type:      model.TypeGolang,
			Ecosystem: model.LanguageEcosystem(model.TypeGolang),
			Relation:  model.RelationDirect,
		}
		if req.Indirect {
			p.Relation = model.RelationIndirect
		}
		p.PURL = purl.For(p, nil)
		res.Packages = append(res.Packages, p)
	}

	goVersion := "1.16" // what the go command assumes without a go directive
	if f.Go != nil {
		goVersion = f.Go.Version
	}
	if version.Compare("go"+goVersion, "go1.17") < 0 && len(f.Require) > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("go.mod is for go %s (before 1.17): it may not list every indirect dependency, and go.sum is not read", goVersion))
	}
	return res, nil
}

// parseModSkipping parses data strictly. When the go command would reject
// some lines (an unknown directive, an invalid version), it blanks those
// lines, notes each in res.Warnings and parses again.
func parseModSkipping(data []byte, res *extract.Result) (*modfile.File, error) {
	skipped := 0
	var first error
	for {
		f, err := modfile.Parse("go.mod", data, nil)
		if err == nil {
			if f.Module == nil {
				if first != nil {
					return nil, fmt.Errorf("no module directive left after skipping invalid lines: %w", first)
				}
				return nil, errors.New("no module directive")
			}
			return f, nil
		}
		if first == nil {
			first = err
		}
		var list modfile.ErrorList
		if !errors.As(err, &list) || len(list) == 0 {
			return nil, err
		}
		lines := bytes.SplitAfter(data, []byte("\n"))
		blanked := false
		for _, e := range list {
			n := e.Pos.Line
			if n < 1 || n > len(lines) || len(bytes.TrimSpace(lines[n-1])) == 0 {
				continue
			}
			if skipped++; skipped > maxBadModLines {
				return nil, fmt.Errorf("over %d invalid lines: %w", maxBadModLines, err)
			}
			res.Warnings = append(res.Warnings, "skipped "+e.Error())
			lines[n-1] = []byte("\n")
			blanked = true
		}
		if !blanked {
			return nil, err
		}
		data = bytes.Join(lines, nil)
	}
}
