// Package dbfile is the on-disk layout of drydock's vulnerability database,
// shared by the reader (pkg/vulndb) and the builder (pkg/vulndb/ingest).
//
// A DB is one bbolt file with three buckets:
//
//	meta  "schema"   → decimal schema version ("1")
//	      "codec"    → "zstd": how "adv" values are compressed
//	      "built_at" → RFC 3339 time of the build
//	      "sources"  → JSON []model.DBSource
//	      "counts"   → JSON map[ecosystem]advisories
//	adv   advisory ID → zstd(compact OSV JSON), one independent frame per record
//	idx   ecosystem 0x00 normalised-name → uvarint-length-prefixed advisory IDs, sorted
//
// Keys are written in sorted order with a fill percent of 100%, so the file
// has no slack. Nothing else is stored: a DB is rebuilt, never updated.
package dbfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// SchemaVersion is the version of this layout. Readers refuse any other.
const SchemaVersion = 1

// Bucket names.
const (
	BucketMeta = "meta"
	BucketAdv  = "adv"
	BucketIdx  = "idx"
)

// Meta keys.
const (
	MetaSchema  = "schema"
	MetaCodec   = "codec"
	MetaBuiltAt = "built_at"
	MetaSources = "sources"
	MetaCounts  = "counts"
)

// CodecZstd is the only record codec of schema 1.
const CodecZstd = "zstd"

// MaxRecord bounds the size of one decoded record (and of one input record).
const MaxRecord = 16 << 20

// IndexKey is the idx key of a package: ecosystem, a NUL byte, the
// normalised name.
func IndexKey(eco, normName string) []byte {
	k := make([]byte, 0, len(eco)+1+len(normName))
	k = append(k, eco...)
	k = append(k, 0)
	return append(k, normName...)
}

// SplitIndexKey is the inverse of IndexKey.
func SplitIndexKey(k []byte) (eco, name string, ok bool) {
	i := strings.IndexByte(string(k), 0)
	if i < 0 {
		return "", "", false
	}
	return string(k[:i]), string(k[i+1:]), true
}

// AppendIDs encodes ids as a sequence of uvarint length + bytes.
func AppendIDs(dst []byte, ids []string) []byte {
	for _, id := range ids {
		dst = binary.AppendUvarint(dst, uint64(len(id)))
		dst = append(dst, id...)
	}
	return dst
}

var errBadIDList = errors.New("corrupt index value")

// DecodeIDs decodes a value written by AppendIDs.
func DecodeIDs(b []byte) ([]string, error) {
	n := 0
	for rest := b; len(rest) > 0; n++ {
		l, w := binary.Uvarint(rest)
		if w <= 0 || l > uint64(len(rest)-w) {
			return nil, errBadIDList
		}
		rest = rest[w+int(l):]
	}
	ids := make([]string, 0, n)
	for len(b) > 0 {
		l, w := binary.Uvarint(b)
		ids = append(ids, string(b[w:w+int(l)]))
		b = b[w+int(l):]
	}
	return ids, nil
}

// ParseSchema parses the meta "schema" value.
func ParseSchema(v []byte) (int, error) {
	var n int
	if _, err := fmt.Sscanf(string(v), "%d", &n); err != nil || fmt.Sprint(n) != string(v) {
		return 0, fmt.Errorf("bad schema version %q", v)
	}
	return n, nil
}
