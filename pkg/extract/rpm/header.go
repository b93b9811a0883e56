package rpm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// An rpm header blob, as every rpmdb backend stores it, is big-endian:
//
//	il uint32, dl uint32            number of index entries, data length
//	il × {tag, type, offset, count}  16-byte index entries
//	dl bytes of data
//
// (rpm lib/header.c, hdrblobInit). The limits are rpm's own: hdrchkTags
// rejects il ≥ 2^16 and hdrchkData rejects dl ≥ 2^24.
const (
	maxTags   = 0xffff
	maxData   = 1<<24 - 1
	maxHeader = 8 + 16*maxTags + maxData
)

// Header tags and types read by the extractor (rpm lib/rpmtag.h).
const (
	tagName      = 1000
	tagVersion   = 1001
	tagRelease   = 1002
	tagEpoch     = 1003
	tagLicense   = 1014
	tagArch      = 1022
	tagSourceRPM = 1044
	tagProvides  = 1047 // PROVIDENAME
	tagRequires  = 1049 // REQUIRENAME

	typeInt32       = 4
	typeString      = 6
	typeStringArray = 8
	typeI18NString  = 9
)

// header holds the tags of an installed package that the extractor reports.
type header struct {
	name, version, release string
	epoch                  uint32
	arch, sourceRPM        string
	license                string
	// provides and requires are the capability names (PROVIDENAME,
	// REQUIRENAME) without their versions.
	provides, requires []string
}

// maxCapabilities bounds the provides or requires read from one header
// (glibc provides a few hundred).
const maxCapabilities = 1 << 14

// parseHeader reads the tags it needs from a header blob. It checks the
// blob's framing as rpm does and bounds-checks every entry it reads, but does
// not verify entries it does not read (rpm's region and dribble checks), so
// that it costs O(il + the bytes of the strings it returns).
func parseHeader(b []byte) (*header, error) {
	if len(b) < 8 {
		return nil, fmt.Errorf("header of %d bytes is too short", len(b))
	}
	il := binary.BigEndian.Uint32(b)
	dl := binary.BigEndian.Uint32(b[4:])
	if il == 0 || il > maxTags || dl > maxData {
		return nil, fmt.Errorf("header counts out of range: %d entries, %d data bytes", il, dl)
	}
	if want := 8 + 16*uint64(il) + uint64(dl); uint64(len(b)) != want {
		return nil, fmt.Errorf("header is %d bytes, its counts say %d", len(b), want)
	}
	index, data := b[8:8+16*il], b[8+16*il:]

	// Take the last entry of each tag: entries appended after the immutable
	// region ("dribble" entries) override the region's, as in rpm.
	tags := [...]uint32{tagName, tagVersion, tagRelease, tagArch, tagSourceRPM, tagLicense, tagEpoch}
	at := [len(tags)]int{-1, -1, -1, -1, -1, -1, -1}
	for i := 0; i < int(il); i++ {
		tag := binary.BigEndian.Uint32(index[16*i:])
		for j, t := range tags {
			if tag == t {
				at[j] = i
			}
		}
	}
	e := entries{index: index, data: data}
	var h header
	strs := [...]*string{&h.name, &h.version, &h.release, &h.arch, &h.sourceRPM, &h.license}
	for j, dst := range strs {
		if at[j] < 0 {
			if j < 3 { // name, version and release are required
				return nil, fmt.Errorf("header has no tag %d", tags[j])
			}
			continue
		}
		s, err := e.str(at[j])
		if err != nil {
			return nil, fmt.Errorf("header tag %d: %w", tags[j], err)
		}
		*dst = s
	}
	if i := at[len(tags)-1]; i >= 0 {
		epoch, err := e.int32(i)
		if err != nil {
			return nil, fmt.Errorf("header tag %d: %w", tagEpoch, err)
		}
		h.epoch = epoch
	}
	if h.name == "" {
		return nil, errors.New("header has an empty name")
	}
	// Provides and requires only make the dependency graph: a bad entry
	// costs the package its edges, not the package.
	for i := 0; i < int(il); i++ {
		switch binary.BigEndian.Uint32(index[16*i:]) {
		case tagProvides:
			h.provides, _ = e.strs(i)
		case tagRequires:
			h.requires, _ = e.strs(i)
		}
	}
	// rpm's query format prints a missing tag as "(none)"; some tools have
	// written that text into headers.
	if h.sourceRPM == "(none)" {
		h.sourceRPM = ""
	}
	if h.license == "(none)" {
		h.license = ""
	}
	return &h, nil
}

type entries struct {
	index, data []byte
}

// entry returns the type, data offset and count of index entry i.
func (e entries) entry(i int) (typ, off, count uint32) {
	p := e.index[16*i:]
	return binary.BigEndian.Uint32(p[4:]), binary.BigEndian.Uint32(p[8:]), binary.BigEndian.Uint32(p[12:])
}

var errNoNUL = errors.New("string runs past the header data")

// str returns the string of entry i: a STRING, or the first element of a
// STRING_ARRAY or I18NSTRING (the untranslated text).
func (e entries) str(i int) (string, error) {
	typ, off, count := e.entry(i)
	switch typ {
	case typeString, typeStringArray, typeI18NString:
	default:
		return "", fmt.Errorf("type %d, want a string", typ)
	}
	if count == 0 || off >= uint32(len(e.data)) {
		return "", fmt.Errorf("offset %d, count %d out of range", off, count)
	}
	n := bytes.IndexByte(e.data[off:], 0)
	if n < 0 {
		return "", errNoNUL
	}
	return string(e.data[off : off+uint32(n)]), nil
}

// strs returns the strings of the STRING_ARRAY entry i (at most
// maxCapabilities).
func (e entries) strs(i int) ([]string, error) {
	typ, off, count := e.entry(i)
	if typ != typeStringArray {
		return nil, fmt.Errorf("type %d, want a string array", typ)
	}
	if count > maxCapabilities || off > uint32(len(e.data)) {
		return nil, fmt.Errorf("offset %d, count %d out of range", off, count)
	}
	out := make([]string, 0, count)
	rest := e.data[off:]
	for range count {
		n := bytes.IndexByte(rest, 0)
		if n < 0 {
			return nil, errNoNUL
		}
		out = append(out, string(rest[:n]))
		rest = rest[n+1:]
	}
	return out, nil
}

// int32 returns the first value of the INT32 entry i.
func (e entries) int32(i int) (uint32, error) {
	typ, off, count := e.entry(i)
	if typ != typeInt32 {
		return 0, fmt.Errorf("type %d, want INT32", typ)
	}
	if count == 0 || uint64(off)+4 > uint64(len(e.data)) {
		return 0, fmt.Errorf("offset %d, count %d out of range", off, count)
	}
	return binary.BigEndian.Uint32(e.data[off:]), nil
}
