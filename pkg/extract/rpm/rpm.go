// Package rpm extracts installed packages from the rpm database in its three
// on-disk formats: Berkeley DB (Packages), ndb (Packages.db) and SQLite
// (rpmdb.sqlite), under var/lib/rpm or usr/lib/sysimage/rpm.
//
// The readers are drydock's own rather than github.com/knqyf263/go-rpmdb:
// that library parses in goroutines of its own, where a hostile database
// can hang it (knqyf263/go-rpmdb#37) or make it allocate tens of gigabytes,
// and neither can be recovered from by the caller. Here every read is
// bounded by the file size and runs on the caller's goroutine.
package rpm

import (
	"context"
	"encoding/binary"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

// Name is the extractor's name.
const Name = "os/rpm"

// Extractor reads rpm databases.
type Extractor struct{}

var _ extract.Extractor = (*Extractor)(nil)

// New returns the extractor.
func New() *Extractor { return &Extractor{} }

// Name implements extract.Extractor.
func (*Extractor) Name() string { return Name }

// Version implements extract.Extractor.
func (*Extractor) Version() int { return 2 }

// Required implements extract.Extractor: the package database of each
// backend, in the classic and the newer (Fedora 36+, SUSE) directory.
func (*Extractor) Required(p string, _ fs.FileInfo) bool {
	dir, base, ok := strings.Cut(p, "/rpm/")
	if !ok || (dir != "var/lib" && dir != "usr/lib/sysimage") {
		return false
	}
	switch base {
	case "Packages", "Packages.db", "rpmdb.sqlite":
		return true
	}
	return false
}

// Extract implements extract.Extractor. The format is told by the file's
// magic number, not its name.
func (*Extractor) Extract(ctx context.Context, in *extract.Input) (res *extract.Result, err error) {
	defer func() {
		if r := recover(); r != nil { // a bug here must cost one file, not the scan
			res, err = nil, fmt.Errorf("reading rpmdb %s: panic: %v", in.Path, r)
		}
	}()
	var (
		pkgs []model.Package
		caps []Capabilities // per package of pkgs
	)
	add := func(blob []byte) error {
		h, err := parseHeader(blob)
		if err != nil {
			return err
		}
		if h.name != "gpg-pubkey" { // imported signing keys, not packages
			pkgs = append(pkgs, h.toPackage(in.Path))
			caps = append(caps, Capabilities{Provides: h.provides, Requires: h.requires})
		}
		return nil
	}
	var magic [16]byte
	n, _ := in.Reader.ReadAt(magic[:], 0)
	switch {
	case n == len(magic) && string(magic[:]) == sqliteMagic:
		err = readSQLite(ctx, in, add)
	case n >= 4 && binary.LittleEndian.Uint32(magic[:]) == ndbMagic:
		err = readNDB(ctx, in.Reader, in.Reader.Size(), add)
	case n == len(magic) && isBDB(binary.LittleEndian.Uint32(magic[12:])):
		err = readBDB(ctx, in.Reader, in.Reader.Size(), add)
	default:
		err = fmt.Errorf("unknown database format: %w", extract.ErrNotSupported)
	}
	if err != nil {
		return nil, fmt.Errorf("reading rpmdb %s: %w", in.Path, err)
	}
	// Sorted first, so that a capability several packages provide
	// resolves to the same one (the first in this order) whatever the
	// database's order.
	order := make([]int, len(pkgs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool { return lessPackage(&pkgs[order[x]], &pkgs[order[y]]) })
	sorted, sortedCaps := make([]model.Package, len(pkgs)), make([]Capabilities, len(pkgs))
	for k, i := range order {
		sorted[k], sortedCaps[k] = pkgs[i], caps[i]
	}
	ResolveRequires(sorted, sortedCaps)
	return &extract.Result{Packages: sorted}, nil
}

// lessPackage orders packages by name, version and architecture.
func lessPackage(a, b *model.Package) bool {
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	if a.Version != b.Version {
		return a.Version < b.Version
	}
	return a.Arch < b.Arch
}

// Capabilities are a package's PROVIDENAME and REQUIRENAME.
type Capabilities struct {
	Provides, Requires []string
}

// ResolveRequires sets each package's DependsOn to the installed packages
// that provide what it requires (a package provides its own name).
// rpmlib() requirements, which rpm itself satisfies, and requirements on
// files that no package lists in its provides are left out: the file
// lists are not read. Versions are not checked: rpm installed a
// consistent set.
//
// Where several packages provide a capability, the first of pkgs wins.
func ResolveRequires(pkgs []model.Package, caps []Capabilities) {
	provider := map[string]int{}
	for i := range pkgs {
		if _, taken := provider[pkgs[i].Name]; !taken {
			provider[pkgs[i].Name] = i
		}
	}
	for i, c := range caps {
		for _, p := range c.Provides {
			if _, taken := provider[p]; !taken {
				provider[p] = i
			}
		}
	}
	targets := make([][]int, len(pkgs))
	for i, c := range caps {
		for _, r := range c.Requires {
			if j, ok := provider[r]; ok && !strings.HasPrefix(r, "rpmlib(") {
				targets[i] = append(targets[i], j)
			}
		}
	}
	extract.LinkPackages(pkgs, targets)
}

func (h *header) toPackage(file string) model.Package {
	p := model.Package{
		Name:      h.name,
		Version:   evr(h.epoch, h.version, h.release),
		Type:      model.TypeRPM,
		Arch:      h.arch,
		Locations: []model.Location{{Path: file}},
	}
	if h.license != "" {
		p.Licenses = []string{h.license}
	}
	if name, ver, rel, ok := ParseSourceRPM(h.sourceRPM); ok {
		// The source RPM's name carries no epoch; the binary package's
		// epoch is the source's too.
		p.Source = &model.SourcePackage{Name: name, Version: evr(h.epoch, ver, rel)}
	}
	return p
}

// evr renders "[epoch:]version-release", the form of OSV's RPM-based
// ecosystems (AlmaLinux, Rocky Linux, Red Hat): the epoch is written only
// when it is not zero ("1:3.0.7-27.el9", "2.34-100.el9").
func evr(epoch uint32, version, release string) string {
	s := version + "-" + release
	if epoch != 0 {
		s = strconv.FormatUint(uint64(epoch), 10) + ":" + s
	}
	return s
}

// ParseSourceRPM splits a SOURCERPM file name ("openssl-3.0.7-27.el9.src.rpm")
// into name, version and release. ok is false for names of another shape.
func ParseSourceRPM(s string) (name, version, release string, ok bool) {
	s, ok = strings.CutSuffix(s, ".rpm")
	if !ok {
		return "", "", "", false
	}
	i := strings.LastIndexByte(s, '.') // the arch: "src" or "nosrc"
	if i < 0 {
		return "", "", "", false
	}
	s = s[:i]
	r := strings.LastIndexByte(s, '-')
	if r <= 0 || r == len(s)-1 {
		return "", "", "", false
	}
	v := strings.LastIndexByte(s[:r], '-')
	if v <= 0 || v == r-1 {
		return "", "", "", false
	}
	return s[:v], s[v+1 : r], s[r+1:], true
}

func isBDB(magic uint32) bool {
	switch magic {
	case bdbHashMagic, swap32(bdbHashMagic), bdbBtreeMagic, swap32(bdbBtreeMagic):
		return true
	}
	return false
}
