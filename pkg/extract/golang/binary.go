// Package golang extracts Go modules: the ones compiled into Go executables
// ("lang/go-binary", from the build information the linker embeds, which
// survives stripping) and the ones a source tree requires ("lang/go-mod",
// from go.mod).
//
// Decisions, following Trivy and osv-scalibr where they agree:
//
//   - The toolchain is reported as the package "stdlib" with the version the
//     binary records, e.g. "go1.19.8" (the matcher strips the "go"). Extra
//     words are dropped ("go1.22.3 X:boringcrypto" → "go1.22.3"); a
//     development toolchain ("devel go1.23-abc...") gives no stdlib package
//     and a warning.
//   - The main module is reported. Its version is the recorded one, or, when
//     that is "(devel)" (built in a source tree, not by "go install
//     m@v1.2.3") or a v0.0.0 pseudo-version, the semantic version stamped
//     with -ldflags "-X ...version=..." when the binary recorded its -ldflags
//     (it does not when built with -trimpath), as Trivy does; otherwise it is
//     reported with an empty version (Trivy's choice; osv-scalibr keeps
//     "(devel)", which is no version either).
//   - A dependency replaced by another module ("=>") is reported as the
//     replacement. One replaced by a local directory ("=> ./fork", no
//     version) is reported under its own path with an empty version: its code
//     is no published version of anything.
//   - Relations are left empty: build info does not say which modules the
//     main module requires directly.
//   - Executables are ELF, PE and thin Mach-O files; universal (fat) Mach-O
//     files are not read (their magic is that of Java class files), nor
//     shared libraries (see Required).
package golang

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"runtime/debug"
	"strings"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/purl"
)

// BinaryName is the name of the Go binary extractor.
const BinaryName = "lang/go-binary"

// Size bounds of the files the binary extractor asks for. The smallest
// executable the Go toolchain links (an empty main, stripped) is about 1 MiB;
// the upper bound is the walker's own limit.
const (
	MinBinarySize = 256 << 10
	MaxBinarySize = extract.DefaultMaxFileSize
)

// StdlibName is the package name of the Go standard library, as in the Go
// vulnerability database.
const StdlibName = "stdlib"

// BinaryExtractor reads the build information of Go executables.
type BinaryExtractor struct{}

var _ extract.Extractor = (*BinaryExtractor)(nil)

// NewBinary returns the Go binary extractor.
func NewBinary() *BinaryExtractor { return &BinaryExtractor{} }

// Name implements extract.Extractor.
func (*BinaryExtractor) Name() string { return BinaryName }

// Version implements extract.Extractor.
func (*BinaryExtractor) Version() int { return 1 }

// Required implements extract.Extractor: regular files with an execute bit,
// or named *.exe, within the size bounds, that are not obviously something
// else (scripts, sources, shared libraries).
func (*BinaryExtractor) Required(p string, info fs.FileInfo) bool {
	return extract.IsExecutable(p, info, MinBinarySize, MaxBinarySize)
}

// Extract implements extract.Extractor.
func (*BinaryExtractor) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	res, err := ParseBinary(ctx, in.Reader)
	if err != nil {
		return nil, fmt.Errorf("reading Go binary %s: %w", in.Path, err)
	}
	for i := range res.Packages {
		res.Packages[i].Locations = []model.Location{{Path: in.Path}}
	}
	return res, nil
}

// Executable formats, told apart by their first bytes.
const (
	formatNone = iota
	formatELF
	formatPE
	formatMachO
)

// sniff returns the executable format of r from its magic number.
func sniff(r io.ReaderAt) int {
	var b [4]byte
	if n, _ := r.ReadAt(b[:], 0); n < len(b) {
		return formatNone
	}
	switch {
	case string(b[:]) == elf.ELFMAG:
		return formatELF
	case b[0] == 'M' && b[1] == 'Z':
		return formatPE
	case bytes.Equal(b[:3], []byte{0xfe, 0xed, 0xfa}) && (b[3] == 0xce || b[3] == 0xcf),
		bytes.Equal(b[1:], []byte{0xfa, 0xed, 0xfe}) && (b[0] == 0xce || b[0] == 0xcf):
		return formatMachO
	}
	return formatNone
}

// checkHeaders parses the headers of an executable of format f, so that a
// damaged one is reported as such (debug/buildinfo would only say
// "unrecognized file format"). A file that merely starts with "MZ" but has no
// PE header is no error: it is not an executable.
func checkHeaders(r io.ReaderAt, f int) (ok bool, err error) {
	switch f {
	case formatELF:
		if _, err := elf.NewFile(r); err != nil {
			return false, fmt.Errorf("damaged or truncated ELF file: %w", err)
		}
	case formatPE:
		if !hasPESignature(r) {
			return false, nil // "MZ" and no PE header: a DOS program or no executable
		}
		if _, err := pe.NewFile(r); err != nil {
			return false, fmt.Errorf("damaged or truncated PE file: %w", err)
		}
	case formatMachO:
		if _, err := macho.NewFile(r); err != nil {
			return false, fmt.Errorf("damaged or truncated Mach-O file: %w", err)
		}
	default:
		return false, nil
	}
	return true, nil
}

// hasPESignature reports whether the DOS header of r points at a PE
// signature ("PE\0\0" at the offset stored at 0x3c).
func hasPESignature(r io.ReaderAt) bool {
	var off [4]byte
	if n, _ := r.ReadAt(off[:], 0x3c); n < len(off) {
		return false
	}
	var sig [4]byte
	n, _ := r.ReadAt(sig[:], int64(binary.LittleEndian.Uint32(off[:])))
	return n == len(sig) && string(sig[:]) == "PE\x00\x00"
}

// ParseBinary reads the build information of the executable r (ELF, PE or
// Mach-O) and returns its modules and toolchain. A file that is no
// executable, or an executable that Go did not build, yields no packages and
// no error; a damaged or truncated executable is an error.
func ParseBinary(ctx context.Context, r io.ReaderAt) (*extract.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ok, err := checkHeaders(r, sniff(r))
	if err != nil {
		return nil, err
	}
	if !ok {
		return &extract.Result{}, nil
	}
	bi, err := buildinfo.Read(r)
	if err != nil {
		// debug/buildinfo does not export its sentinel errors.
		msg := err.Error()
		if strings.HasSuffix(msg, "not a Go executable") || strings.HasSuffix(msg, "unrecognized file format") {
			return &extract.Result{}, nil
		}
		return nil, fmt.Errorf("reading Go build info: %w", err)
	}
	return fromBuildInfo(bi), nil
}

// fromBuildInfo turns build information into packages.
func fromBuildInfo(bi *buildinfo.BuildInfo) *extract.Result {
	res := &extract.Result{}
	add := func(name, version string) {
		p := model.Package{
			Name:      name,
			Version:   version,
			Type:      model.TypeGolang,
			Ecosystem: model.LanguageEcosystem(model.TypeGolang),
		}
		p.PURL = purl.For(p, nil)
		res.Packages = append(res.Packages, p)
	}
	if m := bi.Main; m.Path != "" && m.Path != "command-line-arguments" {
		v := m.Version
		if v == "(devel)" || v == "" || strings.HasPrefix(v, "v0.0.0-") {
			if lv := ldflagsVersion(m.Path, setting(bi.Settings, "-ldflags")); lv != "" {
				v = lv
			}
		}
		if v == "(devel)" {
			v = ""
		}
		add(m.Path, v)
	}
	for _, d := range bi.Deps {
		name, version := dependency(d)
		if name == "" {
			// Old toolchains recorded a bogus entry with no path.
			continue
		}
		add(name, version)
	}
	if v, ok := toolchainVersion(bi.GoVersion); ok {
		add(StdlibName, v)
	} else {
		res.Warnings = append(res.Warnings, fmt.Sprintf("toolchain version %q is no Go release; standard library not reported", bi.GoVersion))
	}
	return res
}

// dependency returns the module path and version a dependency is built from,
// following replacements.
func dependency(d *debug.Module) (name, version string) {
	name, version = d.Path, d.Version
	if r := d.Replace; r != nil {
		if r.Version == "" || r.Version == "(devel)" {
			// Replaced by a local directory.
			return d.Path, ""
		}
		name, version = r.Path, r.Version
	}
	if version == "(devel)" {
		version = ""
	}
	return name, version
}

// toolchainVersion returns the release a binary was built with
// ("go1.22.3 X:boringcrypto" → "go1.22.3"), and false for development
// toolchains ("devel go1.23-e8ee1dc4 ...") and garbage.
func toolchainVersion(s string) (string, bool) {
	v, _, _ := strings.Cut(s, " ")
	rest, ok := strings.CutPrefix(v, "go1")
	if !ok || len(v) > 64 {
		return "", false
	}
	for _, c := range rest {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c == '.' || c == '-') {
			return "", false
		}
	}
	return v, true
}

// setting returns the value of the build setting key, or "".
func setting(settings []debug.BuildSetting, key string) string {
	for _, s := range settings {
		if s.Key == key {
			return s.Value
		}
	}
	return ""
}
