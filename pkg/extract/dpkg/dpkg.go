// Package dpkg extracts installed Debian packages from the dpkg status
// database (var/lib/dpkg/status) and from the one-file-per-package status.d
// directory of distroless images.
package dpkg

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
const Name = "os/dpkg"

// Extractor reads dpkg status files.
type Extractor struct{}

var _ extract.Extractor = (*Extractor)(nil)

// New returns the extractor.
func New() *Extractor { return &Extractor{} }

// Name implements extract.Extractor.
func (*Extractor) Name() string { return Name }

// Version implements extract.Extractor.
func (*Extractor) Version() int { return 2 }

// StatusDir is the distroless per-package status directory.
const StatusDir = "var/lib/dpkg/status.d/"

// Required implements extract.Extractor.
func (*Extractor) Required(p string, _ fs.FileInfo) bool {
	if p == "var/lib/dpkg/status" {
		return true
	}
	if rest, ok := strings.CutPrefix(p, StatusDir); ok {
		return rest != "" && !strings.Contains(rest, "/") && !strings.HasSuffix(rest, ".md5sums")
	}
	return false
}

// Extract implements extract.Extractor.
func (*Extractor) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	pkgs, err := Parse(ctx, in.Reader)
	if err != nil {
		return nil, fmt.Errorf("parsing dpkg status %s: %w", in.Path, err)
	}
	for i := range pkgs {
		pkgs[i].Locations = []model.Location{{Path: in.Path}}
	}
	return &extract.Result{Packages: pkgs}, nil
}

// maxLine bounds one line of a status file; real ones stay far below.
const maxLine = 1 << 20

// Parse reads a dpkg status file (RFC 822-style paragraphs) and returns the
// installed packages, in file order. Paragraphs whose Status is not
// "installed" (removed packages with config files left, half-installed ones)
// are skipped; status.d files carry no Status and count as installed.
func Parse(ctx context.Context, r io.Reader) ([]model.Package, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	var (
		out   []model.Package
		para  = map[string]string{}
		last  string
		lines int
	)
	var rels []relations // per package of out
	flush := func() {
		if p, ok := fromParagraph(para); ok {
			out = append(out, p)
			rels = append(rels, relations{
				depends:  para["Pre-Depends"] + "," + para["Depends"],
				provides: para["Provides"],
			})
		}
		clear(para)
		last = ""
	}
	for sc.Scan() {
		lines++
		if lines%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			// Continuation of a multi-line field (Description, Conffiles):
			// not needed, but keep the field name so we don't misparse.
			if last == "" {
				return nil, fmt.Errorf("line %d: continuation line outside a field", lines)
			}
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("line %d: no field name: %q", lines, truncate(line))
		}
		last = k
		para[k] = strings.TrimSpace(v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", lines+1, err)
	}
	flush()
	resolveDepends(out, rels)
	return out, nil
}

// relations are the raw relationship fields of a package's paragraph.
type relations struct {
	depends  string // Pre-Depends and Depends, comma-separated
	provides string
}

// resolveDepends sets each package's DependsOn from its Pre-Depends and
// Depends: each item ("a (>= 1) | b, c:any") names the installed packages
// of its first alternative that is installed or provided (Provides) by an
// installed package. Version constraints are not checked: dpkg installed
// the set consistent. Architecture qualifiers (":any", ":amd64") pick the
// package of that architecture when several are installed.
func resolveDepends(pkgs []model.Package, rels []relations) {
	byName := map[string][]int{}
	for i := range pkgs {
		byName[pkgs[i].Name] = append(byName[pkgs[i].Name], i)
	}
	provided := map[string][]int{}
	for i, r := range rels {
		for _, item := range strings.Split(r.provides, ",") {
			if name, _, _ := parseRelation(item); name != "" {
				provided[name] = append(provided[name], i)
			}
		}
	}
	targets := make([][]int, len(pkgs))
	for i, r := range rels {
		for _, item := range strings.Split(r.depends, ",") {
			for _, alt := range strings.Split(item, "|") {
				name, arch, ok := parseRelation(alt)
				if !ok {
					continue
				}
				found := pick(pkgs, byName[name], arch, pkgs[i].Arch)
				if len(found) == 0 {
					found = provided[name]
				}
				if len(found) > 0 {
					targets[i] = append(targets[i], found...)
					break
				}
			}
		}
	}
	extract.LinkPackages(pkgs, targets)
}

// parseRelation reads "name[:arch] [(op version)] [[archs]]" and returns
// the name and the architecture qualifier.
func parseRelation(s string) (name, arch string, ok bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, " (["); i >= 0 {
		s = s[:i]
	}
	name, arch, _ = strings.Cut(s, ":")
	return name, arch, name != ""
}

// pick returns the candidates to depend on: the one of the qualified
// architecture, else of the depender's architecture or "all", else all of
// them.
func pick(pkgs []model.Package, cands []int, arch, own string) []int {
	if len(cands) <= 1 {
		return cands
	}
	want := arch
	if want == "" || want == "any" || want == "native" {
		want = own
	}
	for _, j := range cands {
		if pkgs[j].Arch == want || pkgs[j].Arch == "all" {
			return []int{j}
		}
	}
	return cands
}

func truncate(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

func fromParagraph(f map[string]string) (model.Package, bool) {
	name, version := f["Package"], f["Version"]
	if name == "" || version == "" {
		return model.Package{}, false
	}
	if st, ok := f["Status"]; ok && !installed(st) {
		return model.Package{}, false
	}
	p := model.Package{
		Name:    name,
		Version: version,
		Type:    model.TypeDeb,
		Arch:    f["Architecture"],
	}
	srcName, srcVersion := name, version
	if s := f["Source"]; s != "" {
		n, v, hasV := strings.Cut(s, " ")
		srcName = n
		if hasV {
			srcVersion = strings.Trim(strings.TrimSpace(v), "()")
		}
	}
	p.Source = &model.SourcePackage{Name: srcName, Version: srcVersion}
	return p, true
}

// installed reports whether a Status value ("want flag status") means the
// package is on disk: "install ok installed", also "hold ok installed".
func installed(status string) bool {
	fields := strings.Fields(status)
	return len(fields) == 3 && fields[2] == "installed"
}
