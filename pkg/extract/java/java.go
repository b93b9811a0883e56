// Package java extracts Maven packages from Java archives: .jar, .war, .ear,
// .par and Jenkins plugins (.jpi, .hpi), and from the archives nested in them
// at any depth (Spring Boot BOOT-INF/lib, WEB-INF/lib, ear modules and lib/).
//
// Everything happens in memory: the walker hands over the whole file, a
// nested archive stored without compression (as Spring Boot stores its
// libraries) is read in place through a section of its parent, and a
// compressed one is inflated into a buffer (bounded) and opened again.
// Nothing is written to disk.
//
// # Identification, per archive
//
//  1. Every .../META-INF/maven/<groupId>/<artifactId>/pom.properties gives
//     one package "groupId:artifactId" at its version (groupId and
//     artifactId from the path when the file lacks them). A shaded (uber)
//     jar reports every library it carries this way.
//  2. When the archive has no pom.properties, its MANIFEST.MF names it:
//     version from Implementation-Version, Specification-Version or
//     Bundle-Version (Trivy's order), then the file name's; artifactId from
//     Implementation-Title, Specification-Title or Bundle-Name when they are
//     valid Maven ids (not "Apache Log4j Core"), else the file name's, else
//     the last part of Bundle-SymbolicName; groupId from Bundle-SymbolicName
//     when it is "<groupId>.<artifactId>" or, for an artifactId "<a>-<b>",
//     "<groupId ending in .a>.<b>" (org.apache.logging.log4j.core is
//     org.apache.logging.log4j:log4j-core), else Implementation-Vendor-Id,
//     else Bundle-SymbolicName minus its last part (Trivy's guess). Vendor
//     display names are not used. These are heuristics: Debian's guice-jmx
//     comes out as com.google.inject.tools:guice-jmx, not Maven's
//     com.google.inject.extensions:guice-jmx.
//  3. Without either, the file name alone: "artifact-1.2.3.jar", with
//     qualifiers (-SNAPSHOT, .RELEASE, -alpha1, -jre; see ParseFileName).
//     Such a package has no groupId: its Name is the bare artifactId and
//     it will not match Maven advisories, which name group:artifact.
//
// The archive's own pom.properties is the one whose artifactId starts the
// file name ("log4j-core-2.14.1.jar", "log4j-core.jar"; '_' read as '-',
// since Debian renames) or equals the manifest's artifactId. When none is
// (a shaded jar such as Debian's wagon-http-shaded.jar, or a renamed one),
// the pom.properties packages are reported, and the jar itself only if its
// manifest names it with an artifactId taken from the manifest (not from the
// file name) and a groupId; a bare file-name guess would be a group-less
// duplicate of what the jar repackages. Content always wins over the file
// name: a log4j-core-2.17.1.jar holding pom.properties of 2.14.1 is 2.14.1.
//
// Licenses come from MANIFEST.MF Bundle-License (well-known license URLs
// mapped to SPDX ids, other names kept as written) and go to the archive's
// own package only: the own pom.properties one, the manifest-named one, or
// the only pom.properties package.
//
// # Location paths
//
// A package found in a nested archive is located at the outer file's path,
// then "!/" and the entry name, per level, as Java's jar: URLs write them:
// "app/app.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar",
// "srv/shop.ear!/shop-web.war!/WEB-INF/lib/x.jar". Packages from the top
// archive are located at its path.
//
// # Log4Shell mitigation
//
// A log4j-core package whose archive (the same archive as its pom.properties
// or manifest; not an outer or inner one) holds log4j-core classes (an entry
// .../org/apache/logging/log4j/core/....class, relocated prefixes included)
// but no JndiLookup.class under any path gets a Mitigation for
// CVE-2021-44228 and CVE-2021-45046 (and their GHSA ids). Shaded jars follow
// from this: an uber jar that keeps log4j-core's pom.properties and classes
// is judged on its own entries; a relocated copy
// (shaded/org/apache/logging/...) counts, and a JndiLookup.class anywhere in
// the archive, relocated or not, voids the mitigation. An archive with
// log4j-core's pom.properties but no log4j-core classes at all (relocated
// beyond recognition, or stripped) gets no mitigation: absence there proves
// nothing. log4j-core classes without a pom.properties or manifest naming
// them are not identified at all.
//
// # Limits and hostile input
//
// The constants below bound one top-level archive and everything in it.
// Each limit hit is a Result warning naming the nested path, and the rest
// is still read; only a top-level file that is not a readable zip is an
// error. Peak memory beyond the file itself is bounded by MaxTotalBytes
// (inflated nested archives held along the current nesting chain) plus one
// central directory (MaxCentralDirectory). Entry names that leave the
// archive root ("../x.jar", "/x.jar", "C:x.jar") are ignored with one
// warning per archive. A zip that has lost its end record (truncated) is
// not read as the last archive stored inside it, which is where a zip
// reader would otherwise find an end record. Encrypted entries, unknown
// compression methods, bad CRCs and entries shorter or longer than
// declared are warnings.
package java

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

// Name is the extractor's name.
const Name = "lang/java-archive"

// Limits applied to one top-level archive and everything nested in it.
const (
	// MaxDepth is how deep archives nest: the file itself is depth 0, a
	// BOOT-INF/lib jar depth 1, a jar in a war in an ear depth 2.
	MaxDepth = 16
	// MaxTotalBytes caps the bytes inflated for one top-level archive:
	// nested archives and metadata files together. Nested archives stored
	// without compression are read in place and do not count.
	MaxTotalBytes = 2 << 30
	// MaxEntryBytes caps the inflated size of one nested archive.
	MaxEntryBytes = 512 << 20
	// MaxMetaBytes caps a pom.properties or MANIFEST.MF.
	MaxMetaBytes = 1 << 20
	// MaxRatio is the highest uncompressed:compressed ratio accepted for an
	// entry larger than RatioFloor; jars inside jars are already compressed
	// (ratio ≈ 1), zip bombs reach 1000.
	MaxRatio = 100
	// RatioFloor is the size below which the ratio is not checked.
	RatioFloor = 1 << 20
	// MaxEntries caps the entries of one archive.
	MaxEntries = 1 << 19
	// MaxTotalEntries caps the entries of all archives of one top-level
	// archive, nested ones included (each time one is opened).
	MaxTotalEntries = 1 << 21
	// MaxCentralDirectory caps the bytes of one archive's central directory
	// read when opening it, which bounds the memory of its file list.
	MaxCentralDirectory = 64 << 20
	// MaxWarnings caps the warnings of one top-level archive; the rest are
	// counted in a last warning.
	MaxWarnings = 100
)

// Extractor reads Java archives.
type Extractor struct{}

var _ extract.Extractor = (*Extractor)(nil)

// New returns the extractor.
func New() *Extractor { return &Extractor{} }

// Name implements extract.Extractor.
func (*Extractor) Name() string { return Name }

// Version implements extract.Extractor.
func (*Extractor) Version() int { return 1 }

// Required implements extract.Extractor: files named *.jar, *.war, *.ear,
// *.par, *.jpi or *.hpi, in any case, in any directory.
func (*Extractor) Required(p string, _ fs.FileInfo) bool { return isArchiveName(p) }

// Extract implements extract.Extractor.
func (*Extractor) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	res, err := Parse(ctx, in.Reader, in.Reader.Size(), in.Path)
	if err != nil {
		return nil, fmt.Errorf("parsing java archive %s: %w", in.Path, err)
	}
	return res, nil
}

// isArchiveName reports whether p names an archive read top-level and
// nested: *.jar, *.war, *.ear, *.par, *.jpi, *.hpi in any case.
func isArchiveName(p string) bool {
	if len(p) < 5 || p[len(p)-4] != '.' {
		return false
	}
	var ext [3]byte
	for i := range ext {
		c := p[len(p)-3+i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		ext[i] = c
	}
	switch string(ext[:]) {
	case "jar", "war", "ear", "par", "jpi", "hpi":
		return true
	}
	return false
}

// Parse reads the Java archive r of size bytes, named p (its path, used for
// the file-name fallback and as the root of location paths), and the
// archives nested in it. It returns an error only when r itself is not a
// readable zip archive or ctx ends; problems further in are warnings.
func Parse(ctx context.Context, r io.ReaderAt, size int64, p string) (*extract.Result, error) {
	return parse(ctx, r, size, p, defaultLimits())
}

type limits struct {
	depth        int
	totalBytes   int64
	entryBytes   int64
	metaBytes    int64
	ratio        uint64
	ratioFloor   uint64
	entries      int
	totalEntries int
	centralDir   int64
	warnings     int
}

func defaultLimits() limits {
	return limits{
		depth:        MaxDepth,
		totalBytes:   MaxTotalBytes,
		entryBytes:   MaxEntryBytes,
		metaBytes:    MaxMetaBytes,
		ratio:        MaxRatio,
		ratioFloor:   RatioFloor,
		entries:      MaxEntries,
		totalEntries: MaxTotalEntries,
		centralDir:   MaxCentralDirectory,
		warnings:     MaxWarnings,
	}
}

func parse(ctx context.Context, r io.ReaderAt, size int64, p string, lim limits) (*extract.Result, error) {
	s := &scan{ctx: ctx, lim: lim, bytesLeft: lim.totalBytes, entriesLeft: lim.totalEntries}
	if err := s.archive(r, size, p, 0); err != nil {
		return nil, err
	}
	if s.suppressed > 0 {
		s.warnings = append(s.warnings, fmt.Sprintf("%d further warnings suppressed", s.suppressed))
	}
	return &extract.Result{Packages: s.pkgs, Warnings: s.warnings}, nil
}

// scan is the state of one top-level archive.
type scan struct {
	ctx         context.Context
	lim         limits
	bytesLeft   int64 // inflated bytes still allowed
	entriesLeft int   // archive entries still allowed
	pkgs        []model.Package
	warnings    []string
	suppressed  int
}

func (s *scan) warn(format string, args ...any) {
	if len(s.warnings) >= s.lim.warnings {
		s.suppressed++
		return
	}
	s.warnings = append(s.warnings, fmt.Sprintf(format, args...))
}

var errCentralDir = errors.New("central directory over the size limit")

// dirLimit counts the bytes zip.NewReader reads while on, and fails past the
// limit, so that a huge central directory is refused before it is in memory.
type dirLimit struct {
	r    io.ReaderAt
	left int64
	on   bool
}

func (d *dirLimit) ReadAt(p []byte, off int64) (int, error) {
	if d.on {
		d.left -= int64(len(p))
		if d.left < 0 {
			return 0, errCentralDir
		}
	}
	return d.r.ReadAt(p, off)
}

// contents is what identification needs from one archive's entry list.
type contents struct {
	poms        []*zip.File
	manifest    *zip.File
	nested      []*zip.File
	jndiLookup  bool // a JndiLookup.class anywhere
	log4jCore   bool // log4j-core classes (possibly relocated)
	escaping    int  // entries whose names leave the archive root
	escapeFirst string
}

const log4jCorePkg = "org/apache/logging/log4j/core/"

// flagEncrypted is bit 0 of a zip entry's general purpose flags.
const flagEncrypted = 0x1

// archive reads one archive at loc (its location path) and depth, and the
// archives nested in it.
func (s *scan) archive(r io.ReaderAt, size int64, loc string, depth int) error {
	if off, ok := innerEnd(r, size); ok {
		return fmt.Errorf("truncated zip: no end-of-central-directory record of its own; the last one belongs to the archive stored at offset %d", off)
	}
	dl := &dirLimit{r: r, left: s.lim.centralDir + 128<<10, on: true}
	zr, err := zip.NewReader(dl, size)
	dl.on = false
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		if errors.Is(err, errCentralDir) {
			return fmt.Errorf("central directory over %d bytes", s.lim.centralDir)
		}
		return fmt.Errorf("reading zip directory: %w", err)
	}
	if n := len(zr.File); n > s.lim.entries {
		return fmt.Errorf("%d entries, over the limit of %d", n, s.lim.entries)
	} else if n > s.entriesLeft {
		return fmt.Errorf("%d entries, over the %d left of the limit of %d for the whole file", n, s.entriesLeft, s.lim.totalEntries)
	}
	s.entriesLeft -= len(zr.File)

	var c contents
	for i, f := range zr.File {
		if i&1023 == 1023 {
			if err := s.ctx.Err(); err != nil {
				return err
			}
		}
		name := f.Name
		if name == "" {
			continue
		}
		if !localName(name) {
			if c.escaping == 0 {
				c.escapeFirst = name
			}
			c.escaping++
			continue
		}
		if strings.HasSuffix(name, "/") {
			continue
		}
		switch {
		case strings.HasSuffix(name, ".class"):
			if path.Base(name) == "JndiLookup.class" {
				c.jndiLookup = true
			}
			if !c.log4jCore && strings.Contains(name, log4jCorePkg) {
				c.log4jCore = true
			}
		case strings.HasSuffix(name, "/pom.properties"):
			if _, _, ok := pomCoordinates(name); ok {
				c.poms = append(c.poms, f)
			}
		case isArchiveName(name):
			c.nested = append(c.nested, f)
		case strings.EqualFold(name, "META-INF/MANIFEST.MF"):
			c.manifest = f
		}
	}
	if c.escaping > 0 {
		s.warn("%s: %d entries with names leaving the archive root (first %q) ignored", loc, c.escaping, c.escapeFirst)
	}
	s.identify(&c, loc, size)
	for _, f := range c.nested {
		if err := s.ctx.Err(); err != nil {
			return err
		}
		s.nested(r, size, f, loc, depth)
	}
	return s.ctx.Err()
}

// innerEnd reports whether the end-of-central-directory record that a zip
// reader would find in r (the last one whose comment fits) describes an
// archive that starts after offset 0 while r itself starts with a local file
// header: r is a zip whose own end record is missing (truncated) and the
// record found belongs to an archive stored inside it, which would be read
// in its place. (Data before an archive is otherwise legitimate: a launch
// script prepended to an executable jar.) It returns that archive's offset.
func innerEnd(r io.ReaderAt, size int64) (int64, bool) {
	const endLen = 22
	for _, n := range []int64{1024, 65535 + endLen} {
		n = min(n, size)
		buf := make([]byte, n)
		if _, err := r.ReadAt(buf, size-n); err != nil && err != io.EOF {
			return 0, false
		}
		for i := len(buf) - endLen; i >= 0; i-- {
			if buf[i] != 'P' || buf[i+1] != 'K' || buf[i+2] != 5 || buf[i+3] != 6 {
				continue
			}
			if i+endLen+int(binary.LittleEndian.Uint16(buf[i+20:])) > len(buf) {
				continue
			}
			dirSize, dirOff := binary.LittleEndian.Uint32(buf[i+12:]), binary.LittleEndian.Uint32(buf[i+16:])
			if dirSize == 0xffffffff || dirOff == 0xffffffff { // zip64: not checked
				return 0, false
			}
			base := size - n + int64(i) - int64(dirSize) - int64(dirOff)
			if base <= 0 {
				return 0, false
			}
			var sig [4]byte
			if _, err := r.ReadAt(sig[:], 0); err != nil {
				return 0, false
			}
			return base, string(sig[:]) == "PK\x03\x04"
		}
		if n == size {
			break
		}
	}
	return 0, false
}

// localName reports whether a non-empty entry name stays inside the
// archive root.
func localName(name string) bool {
	n := strings.ReplaceAll(name, `\`, "/")
	if n[0] == '/' || (len(n) > 1 && n[1] == ':') {
		return false
	}
	c := path.Clean(n)
	return c != ".." && !strings.HasPrefix(c, "../")
}

// nested reads the nested archive f of the archive r at loc.
func (s *scan) nested(r io.ReaderAt, size int64, f *zip.File, loc string, depth int) {
	inner := loc + "!/" + f.Name
	if depth+1 > s.lim.depth {
		s.warn("%s: archive nested deeper than %d levels; skipped", inner, s.lim.depth)
		return
	}
	if f.Flags&flagEncrypted != 0 {
		s.warn("%s: encrypted; skipped", inner)
		return
	}
	var (
		ir    io.ReaderAt
		isize int64
	)
	if f.Method == zip.Store {
		off, err := f.DataOffset()
		n := int64(f.UncompressedSize64)
		switch {
		case err != nil:
			s.warn("%s: %v; skipped", inner, err)
			return
		case f.CompressedSize64 != f.UncompressedSize64 || n < 0 || off < 0 || off > size || n > size-off:
			s.warn("%s: stored entry's sizes (%d, %d) do not fit the archive; skipped", inner, f.CompressedSize64, f.UncompressedSize64)
			return
		}
		ir, isize = io.NewSectionReader(r, off, n), n
	} else {
		data, err := s.read(f, size, s.lim.entryBytes)
		if err != nil {
			s.warn("%s: %v; skipped", inner, err)
			return
		}
		ir, isize = bytes.NewReader(data), int64(len(data))
	}
	if err := s.archive(ir, isize, inner, depth+1); err != nil {
		if s.ctx.Err() != nil {
			return
		}
		s.warn("%s: %v; skipped", inner, err)
	}
}

// read inflates f, an entry of an archive of size bytes, at most max
// bytes, within the byte budget.
func (s *scan) read(f *zip.File, size, max int64) ([]byte, error) {
	n, c := f.UncompressedSize64, f.CompressedSize64
	switch {
	case c > uint64(size):
		return nil, fmt.Errorf("%d bytes compressed, more than the archive's %d", c, size)
	case n > uint64(max):
		return nil, fmt.Errorf("%d bytes uncompressed, over the limit of %d", n, max)
	case n > uint64(s.bytesLeft):
		return nil, fmt.Errorf("%d bytes uncompressed, over the %d left of the limit of %d for the whole file", n, s.bytesLeft, s.lim.totalBytes)
	case n > s.lim.ratioFloor && (c == 0 || n/c > s.lim.ratio):
		return nil, fmt.Errorf("suspicious compression ratio (%d bytes from %d; limit %d:1)", n, c, s.lim.ratio)
	}
	if f.Flags&flagEncrypted != 0 {
		return nil, errors.New("encrypted")
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	s.bytesLeft -= int64(n)
	// The declared size is only a claim: grow the buffer as data comes
	// rather than allocate it up front.
	buf := bytes.NewBuffer(make([]byte, 0, min(n, 4*c+64<<10)))
	if _, err := io.Copy(buf, io.LimitReader(rc, int64(n))); err != nil {
		return nil, fmt.Errorf("inflating: %w", err)
	}
	if uint64(buf.Len()) != n {
		return nil, fmt.Errorf("inflating: %w", io.ErrUnexpectedEOF)
	}
	// One more read reaches the end, where the reader checks the CRC.
	var one [1]byte
	if k, err := rc.Read(one[:]); k > 0 {
		return nil, errors.New("more data than its declared size")
	} else if err != io.EOF {
		if err == nil {
			err = errors.New("no end of data after its declared size")
		}
		return nil, fmt.Errorf("inflating: %w", err)
	}
	return buf.Bytes(), nil
}
