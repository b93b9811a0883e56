package rust

import (
	"bytes"
	"compress/zlib"
	"context"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

// AuditableName is the name of the cargo-auditable extractor.
const AuditableName = "lang/cargo-auditable"

// SectionName is the section in which cargo-auditable embeds the
// zlib-compressed JSON audit data (in the __DATA segment on Mach-O).
const SectionName = ".dep-v0"

// Bounds of the files asked for and of the data read from them. The audit
// data limit is the one cargo-auditable's PARSING.md recommends against
// decompression bombs.
const (
	MinBinarySize  = 4 << 10
	MaxBinarySize  = extract.DefaultMaxFileSize
	MaxSectionSize = 8 << 20
	MaxAuditSize   = 8 << 20
)

// AuditableExtractor reads the dependency list that cargo-auditable
// (github.com/rust-secure-code/cargo-auditable) embeds in Rust executables:
// ELF, PE and Mach-O. The audit data lists every crate compiled in, with its
// source, and marks the root crate (the binary's own) and build-time-only
// crates (proc macros, build scripts and their dependencies), which are not
// in the binary and are not reported, as Trivy does not.
type AuditableExtractor struct{}

var _ extract.Extractor = (*AuditableExtractor)(nil)

// NewAuditable returns the cargo-auditable extractor.
func NewAuditable() *AuditableExtractor { return &AuditableExtractor{} }

// Name implements extract.Extractor.
func (*AuditableExtractor) Name() string { return AuditableName }

// Version implements extract.Extractor.
func (*AuditableExtractor) Version() int { return 2 }

// Required implements extract.Extractor: the same rule as the Go binary
// extractor's (regular files with an execute bit or named *.exe, not named
// like scripts, sources or shared libraries), with a smaller minimum size.
func (*AuditableExtractor) Required(p string, info fs.FileInfo) bool {
	return extract.IsExecutable(p, info, MinBinarySize, MaxBinarySize)
}

// Extract implements extract.Extractor.
func (*AuditableExtractor) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	res, err := ParseAuditableBinary(ctx, in.Reader)
	if err != nil {
		return nil, fmt.Errorf("reading cargo-auditable data of %s: %w", in.Path, err)
	}
	for i := range res.Packages {
		res.Packages[i].Locations = []model.Location{{Path: in.Path}}
	}
	return res, nil
}

// ParseAuditableBinary finds the .dep-v0 section of the executable r (ELF, PE
// or Mach-O) and reads its audit data. A file that is no executable, or has
// no such section, yields no packages and no error; a damaged executable or
// section is an error.
func ParseAuditableBinary(ctx context.Context, r io.ReaderAt) (*extract.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sec, err := findSection(r)
	if err != nil {
		return nil, err
	}
	if sec == nil {
		return &extract.Result{}, nil
	}
	data, err := io.ReadAll(io.LimitReader(sec, MaxSectionSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading section %s: %w", SectionName, err)
	}
	if len(data) > MaxSectionSize {
		return nil, fmt.Errorf("section %s is over the %d-byte limit", SectionName, MaxSectionSize)
	}
	return ParseAuditData(ctx, bytes.NewReader(data))
}

// findSection returns a reader of the .dep-v0 section of r, nil if r is no
// executable or has no such section.
func findSection(r io.ReaderAt) (io.Reader, error) {
	var magic [4]byte
	if n, _ := r.ReadAt(magic[:], 0); n < len(magic) {
		return nil, nil
	}
	switch {
	case string(magic[:]) == elf.ELFMAG:
		f, err := elf.NewFile(r)
		if err != nil {
			return nil, fmt.Errorf("damaged or truncated ELF file: %w", err)
		}
		if s := f.Section(SectionName); s != nil {
			if s.Type == elf.SHT_NOBITS {
				return nil, fmt.Errorf("section %s holds no data", SectionName)
			}
			return s.Open(), nil
		}
	case magic[0] == 'M' && magic[1] == 'Z':
		if !hasPESignature(r) {
			return nil, nil
		}
		f, err := pe.NewFile(r)
		if err != nil {
			return nil, fmt.Errorf("damaged or truncated PE file: %w", err)
		}
		if s := f.Section(SectionName); s != nil {
			return s.Open(), nil
		}
	case bytes.Equal(magic[:3], []byte{0xfe, 0xed, 0xfa}) && (magic[3] == 0xce || magic[3] == 0xcf),
		bytes.Equal(magic[1:], []byte{0xfa, 0xed, 0xfe}) && (magic[0] == 0xce || magic[0] == 0xcf):
		f, err := macho.NewFile(r)
		if err != nil {
			return nil, fmt.Errorf("damaged or truncated Mach-O file: %w", err)
		}
		for _, s := range f.Sections {
			if s.Name == SectionName && s.Seg == "__DATA" {
				return s.Open(), nil
			}
		}
	}
	return nil, nil
}

// hasPESignature reports whether the DOS header of r points at a PE
// signature ("PE\0\0" at the offset stored at 0x3c).
func hasPESignature(r io.ReaderAt) bool {
	var off, sig [4]byte
	if n, _ := r.ReadAt(off[:], 0x3c); n < len(off) {
		return false
	}
	n, _ := r.ReadAt(sig[:], int64(binary.LittleEndian.Uint32(off[:])))
	return n == len(sig) && string(sig[:]) == "PE\x00\x00"
}

// ParseAuditData decompresses zlib-compressed audit data (the content of a
// .dep-v0 section) and reads it with ParseAuditJSON.
func ParseAuditData(ctx context.Context, r io.Reader) (*extract.Result, error) {
	zr, err := zlib.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("decompressing audit data: %w", err)
	}
	defer zr.Close()
	data, err := io.ReadAll(io.LimitReader(zr, MaxAuditSize+1))
	if err != nil {
		return nil, fmt.Errorf("decompressing audit data: %w", err)
	}
	if len(data) > MaxAuditSize {
		return nil, fmt.Errorf("audit data is over the %d-byte limit", MaxAuditSize)
	}
	return ParseAuditJSON(ctx, data)
}

// auditPackage is one entry of the audit data's "packages" array.
type auditPackage struct {
	Name         string          `json:"name"`
	Version      string          `json:"version"`
	Source       json.RawMessage `json:"source"`
	Kind         string          `json:"kind"`
	Dependencies []int           `json:"dependencies"`
	Root         bool            `json:"root"`
}

// sourceKind returns the kind of a package source: "crates.io", "git",
// "local", "registry" or another string; cargo-auditable writes a string, or
// an object with a "kind" when the source carries details.
func sourceKind(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var obj struct {
		Kind string `json:"kind"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil || obj.Kind == "" {
		return "", errors.New("source is neither a string nor an object with a kind")
	}
	return obj.Kind, nil
}

// ParseAuditJSON reads cargo-auditable's JSON audit data
// (cargo-auditable.schema.json): {"format": N, "packages": [{"name",
// "version", "source", "kind", "dependencies": [indices], "root"}]}. It
// reports runtime crates that are not local (see the package
// documentation); the crates that the root package (the binary's own crate)
// or a local package depends on are RelationDirect, and each crate's
// DependsOn holds the reported crates its dependency indices point at.
// Malformed entries are skipped with a warning.
func ParseAuditJSON(ctx context.Context, data []byte) (*extract.Result, error) {
	var doc struct {
		Packages []json.RawMessage `json:"packages"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parsing audit data: %w", err)
	}
	if doc.Packages == nil {
		return nil, errors.New("parsing audit data: no \"packages\" array")
	}
	res := &extract.Result{}
	pkgs := make([]auditPackage, len(doc.Packages))
	sources := make([]string, len(doc.Packages))
	valid := make([]bool, len(doc.Packages))
	for i, raw := range doc.Packages {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		p := &pkgs[i]
		err := json.Unmarshal(raw, p)
		if err == nil && (p.Name == "" || p.Version == "") {
			err = errors.New("no name or version")
		}
		if err == nil {
			sources[i], err = sourceKind(p.Source)
		}
		if err != nil {
			res.Warnings = append(res.Warnings, fmt.Sprintf("package #%d: %v; skipped", i, err))
			continue
		}
		valid[i] = true
	}

	// The roots are the root package (the binary's crate) and the local
	// packages, as in Cargo.lock.
	var roots []int
	for i := range pkgs {
		if valid[i] && (pkgs[i].Root || sources[i] == "local") {
			roots = append(roots, i)
		}
	}
	direct := map[int]bool{}
	for _, i := range roots {
		for _, d := range pkgs[i].Dependencies {
			if d >= 0 && d < len(pkgs) {
				direct[d] = true
			}
		}
	}
	if badIndex(pkgs, valid) {
		res.Warnings = append(res.Warnings, "dependency index out of range; ignored")
	}
	isRoot := map[int]bool{}
	for _, i := range roots {
		isRoot[i] = true
	}

	purls := make([]string, len(pkgs)) // "" for packages not reported
	for i := range pkgs {
		p := &pkgs[i]
		if !valid[i] || sources[i] == "local" || p.Kind == "build" {
			continue
		}
		pkg := newPackage(p.Name, p.Version)
		purls[i] = pkg.PURL
		if len(roots) > 0 && !isRoot[i] {
			pkg.Relation = model.RelationIndirect
			if direct[i] {
				pkg.Relation = model.RelationDirect
			}
		}
		res.Packages = append(res.Packages, pkg)
	}
	n := 0
	for i := range pkgs {
		if purls[i] != "" {
			res.Packages[n].DependsOn = auditDependsOn(pkgs[i].Dependencies, purls, purls[i])
			n++
		}
	}
	return res, nil
}

// badIndex reports whether a valid package has a dependency index out of
// range.
func badIndex(pkgs []auditPackage, valid []bool) bool {
	for i := range pkgs {
		for _, d := range pkgs[i].Dependencies {
			if valid[i] && (d < 0 || d >= len(pkgs)) {
				return true
			}
		}
	}
	return false
}

// auditDependsOn maps the dependency indices of a reported package to the
// purls of the reported packages they point at; purls[j] is "" for a
// package not reported (local, build-only or malformed). Indices out of
// range (warned about by the caller) and edges to the package's own purl
// are left out.
func auditDependsOn(deps []int, purls []string, self string) []string {
	var out []string
	for _, d := range deps {
		if d >= 0 && d < len(purls) && purls[d] != "" && purls[d] != self {
			out = append(out, purls[d])
		}
	}
	return extract.DependsOn(out)
}
