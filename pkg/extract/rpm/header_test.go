package rpm

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// ent is one header entry for mkHeader.
type ent struct {
	tag, typ, count uint32
	data            []byte
	off             int // used when data is nil: a raw offset
}

func str(tag uint32, s string) ent {
	return ent{tag: tag, typ: typeString, count: 1, data: []byte(s + "\x00")}
}

func i32(tag, v uint32) ent {
	return ent{tag: tag, typ: typeInt32, count: 1, data: binary.BigEndian.AppendUint32(nil, v)}
}

// mkHeader lays out a header blob: the index, then each entry's data in
// order (4-byte aligned for INT32).
func mkHeader(ents ...ent) []byte {
	var index, data []byte
	for _, e := range ents {
		off := e.off
		if e.data != nil {
			if e.typ == typeInt32 {
				for len(data)%4 != 0 {
					data = append(data, 0)
				}
			}
			off = len(data)
			data = append(data, e.data...)
		}
		index = binary.BigEndian.AppendUint32(index, e.tag)
		index = binary.BigEndian.AppendUint32(index, e.typ)
		index = binary.BigEndian.AppendUint32(index, uint32(off))
		index = binary.BigEndian.AppendUint32(index, e.count)
	}
	b := binary.BigEndian.AppendUint32(nil, uint32(len(ents)))
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	return append(append(b, index...), data...)
}

func nvr() []ent {
	return []ent{str(tagName, "openssl-libs"), str(tagVersion, "3.0.7"), str(tagRelease, "27.el9")}
}

func TestParseHeader(t *testing.T) {
	full := mkHeader(append(nvr(),
		i32(tagEpoch, 1), str(tagArch, "x86_64"),
		str(tagSourceRPM, "openssl-3.0.7-27.el9.src.rpm"), str(tagLicense, "ASL 2.0"))...)
	got, err := parseHeader(full)
	if err != nil {
		t.Fatal(err)
	}
	want := &header{name: "openssl-libs", version: "3.0.7", release: "27.el9", epoch: 1,
		arch: "x86_64", sourceRPM: "openssl-3.0.7-27.el9.src.rpm", license: "ASL 2.0"}
	if d := cmp.Diff(want, got, cmp.AllowUnexported(header{})); d != "" {
		t.Errorf("parseHeader (-want +got):\n%s", d)
	}

	// A later ("dribble") entry overrides an earlier one; "(none)" is empty.
	got, err = parseHeader(mkHeader(append(nvr(), str(tagLicense, "(none)"), str(tagName, "openssl"))...))
	if err != nil {
		t.Fatal(err)
	}
	if got.name != "openssl" || got.license != "" {
		t.Errorf("got name %q license %q, want the last name and no license", got.name, got.license)
	}
}

func TestParseHeaderErrors(t *testing.T) {
	huge := mkHeader(nvr()...)
	binary.BigEndian.PutUint32(huge, 0x7fffffff) // go-rpmdb allocates 32 GiB for this
	tests := []struct {
		name, want string
		blob       []byte
	}{
		{"empty", "too short", nil},
		{"zero entries", "out of range", make([]byte, 8)},
		{"2^31 entries", "out of range", huge},
		{"16 MiB data", "out of range", append(binary.BigEndian.AppendUint32([]byte{0, 0, 0, 1}, 1<<24), make([]byte, 16)...)},
		{"size mismatch", "its counts say", append(mkHeader(nvr()...), 0)},
		{"no name", "no tag 1000", mkHeader(str(tagVersion, "1"), str(tagRelease, "1"))},
		{"empty name", "empty name", mkHeader(str(tagName, ""), str(tagVersion, "1"), str(tagRelease, "1"))},
		{"name not a string", "want a string", mkHeader(i32(tagName, 1), str(tagVersion, "1"), str(tagRelease, "1"))},
		{"string without NUL", "past the header data", mkHeader(str(tagVersion, "1"), str(tagRelease, "1"), ent{tag: tagName, typ: typeString, count: 1, data: []byte("abc")})},
		{"offset past data", "out of range", mkHeader(append(nvr(), ent{tag: tagArch, typ: typeString, count: 1, off: 1 << 20})...)},
		{"count 0", "out of range", mkHeader(append(nvr(), ent{tag: tagArch, typ: typeString, off: 0})...)},
		{"epoch not INT32", "want INT32", mkHeader(append(nvr(), str(tagEpoch, "1"))...)},
		{"epoch past data", "out of range", mkHeader(append(nvr(), ent{tag: tagEpoch, typ: typeInt32, count: 1, off: 36})...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := parseHeader(tt.blob)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("parseHeader = %+v, %v; want an error containing %q", h, err, tt.want)
			}
		})
	}
}

func TestEVR(t *testing.T) {
	tests := []struct {
		epoch     uint32
		v, r, out string
	}{
		{0, "2.34", "100.el9", "2.34-100.el9"},
		{1, "3.0.7", "27.el9", "1:3.0.7-27.el9"},
		{4294967295, "1", "1", "4294967295:1-1"},
	}
	for _, tt := range tests {
		if got := evr(tt.epoch, tt.v, tt.r); got != tt.out {
			t.Errorf("evr(%d, %q, %q) = %q, want %q", tt.epoch, tt.v, tt.r, got, tt.out)
		}
	}
}

func FuzzParseHeader(f *testing.F) {
	f.Add(mkHeader(append(nvr(), i32(tagEpoch, 1), str(tagArch, "x86_64"), str(tagSourceRPM, "openssl-3.0.7-27.el9.src.rpm"))...))
	f.Add(mkHeader(nvr()...))
	f.Fuzz(func(t *testing.T, blob []byte) {
		h, err := parseHeader(blob)
		if err == nil && (h.name == "" || len(h.name) > len(blob)) {
			t.Errorf("parseHeader = %+v", h)
		}
	})
}
