package rpm

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/drydockhq/drydock/pkg/extract"
)

// The Berkeley DB hash format rpm used for Packages until rpm 4.16 (Berkeley
// DB 4.x-5.x, dbinc/db_page.h, dbinc/hash.h). Page 0 is the metadata page;
// the byte order is the writer's, told by how the magic number reads. Every
// page starts with a 26-byte header {lsn[8], pgno, prev, next, entries
// uint16, hf_offset uint16, level uint8, type uint8}. A hash page then holds `entries` uint16 item
// offsets, alternately key and data; an item runs from its offset to the
// previous item's offset (the page end for the first) and starts with its
// type. Values too big for a page live in a chain of overflow pages, each
// holding hf_offset bytes, named by a 12-byte off-page item {type, pad[3],
// pgno, tlen}.
const (
	bdbHashMagic  = 0x061561
	bdbBtreeMagic = 0x053162

	bdbPageHashUnsorted = 2
	bdbPageOverflow     = 7
	bdbPageHashMeta     = 8
	bdbPageHash         = 13

	bdbItemKeyData = 1
	bdbItemOffPage = 3

	bdbPageHeader = 26
	bdbMetaChksum = 0x01 // metaflags bit: pages carry a checksum
)

// readBDB calls fn with each header blob of a Berkeley DB hash Packages
// file, skipping record 0 (where rpm keeps its header counter). It reads
// every page at most once as a hash page and at most once as an overflow
// page, so the work is bounded by the file size; anything else is reported
// as corruption.
func readBDB(ctx context.Context, r io.ReaderAt, size int64, fn func(blob []byte) error) error {
	var meta [512]byte
	if _, err := r.ReadAt(meta[:], 0); err != nil {
		return fmt.Errorf("reading bdb metadata: %w", err)
	}
	var bo binary.ByteOrder = binary.LittleEndian
	switch magic := binary.LittleEndian.Uint32(meta[12:]); magic {
	case bdbHashMagic:
	case bdbBtreeMagic, swap32(bdbBtreeMagic):
		return fmt.Errorf("bdb btree databases: %w", extract.ErrNotSupported)
	case swap32(bdbHashMagic):
		bo = binary.BigEndian
	default:
		return fmt.Errorf("bad bdb magic %#x", magic)
	}
	pageSize := bo.Uint32(meta[20:])
	if pageSize < 512 || pageSize > 65536 || pageSize&(pageSize-1) != 0 {
		return fmt.Errorf("bad bdb page size %d", pageSize)
	}
	if meta[24] != 0 {
		return fmt.Errorf("encrypted bdb databases: %w", extract.ErrNotSupported)
	}
	if meta[25] != bdbPageHashMeta {
		return fmt.Errorf("bdb metadata page has type %d", meta[25])
	}
	if meta[26]&bdbMetaChksum != 0 {
		// rpm never writes them, and its read-only bdb backend rejects them.
		return fmt.Errorf("checksummed bdb databases: %w", extract.ErrNotSupported)
	}
	last := uint64(bo.Uint32(meta[32:]))
	if (last+1)*uint64(pageSize) > uint64(size) {
		return fmt.Errorf("bdb database of %d pages of %d bytes truncated to %d bytes", last+1, pageSize, size)
	}
	d := bdb{r: r, bo: bo, pageSize: pageSize, used: make([]bool, last+1)}
	page := make([]byte, pageSize)
	for pgno := uint32(1); uint64(pgno) <= last; pgno++ {
		if pgno%256 == 1 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if _, err := r.ReadAt(page, int64(pgno)*int64(pageSize)); err != nil {
			return fmt.Errorf("reading bdb page %d: %w", pgno, err)
		}
		if t := page[25]; t != bdbPageHash && t != bdbPageHashUnsorted {
			continue
		}
		if err := d.hashPage(page, fn); err != nil {
			return fmt.Errorf("bdb page %d: %w", pgno, err)
		}
	}
	return nil
}

type bdb struct {
	r        io.ReaderAt
	bo       binary.ByteOrder
	pageSize uint32
	used     []bool // overflow pages already read
}

// hashPage calls fn with the value of each record on a hash page.
func (d *bdb) hashPage(page []byte, fn func(blob []byte) error) error {
	n := uint32(d.bo.Uint16(page[20:]))
	if n%2 != 0 {
		return fmt.Errorf("odd number of items %d", n)
	}
	low := bdbPageHeader + 2*n // items must lie above the offset table
	if low > d.pageSize {
		return fmt.Errorf("%d items do not fit the page", n)
	}
	item := func(i uint32) ([]byte, error) {
		start := uint32(d.bo.Uint16(page[bdbPageHeader+2*i:]))
		end := d.pageSize
		if i > 0 {
			end = uint32(d.bo.Uint16(page[bdbPageHeader+2*(i-1):]))
		}
		if start < low || start >= end || end > d.pageSize {
			return nil, fmt.Errorf("item %d at %d-%d out of range", i, start, end)
		}
		return page[start:end], nil
	}
	for i := uint32(0); i < n; i += 2 {
		key, err := item(i)
		if err != nil {
			return err
		}
		val, err := item(i + 1)
		if err != nil {
			return err
		}
		if key[0] != bdbItemKeyData || len(key) != 5 {
			return fmt.Errorf("item %d: key of type %d and %d bytes, want a 4-byte header number", i, key[0], len(key)-1)
		}
		if d.bo.Uint32(key[1:]) == 0 {
			continue // rpm's header instance counter
		}
		var blob []byte
		switch val[0] {
		case bdbItemKeyData:
			blob = val[1:]
		case bdbItemOffPage:
			if len(val) < 12 {
				return fmt.Errorf("item %d: off-page item of %d bytes", i+1, len(val))
			}
			if blob, err = d.overflow(d.bo.Uint32(val[4:]), d.bo.Uint32(val[8:])); err != nil {
				return fmt.Errorf("item %d: %w", i+1, err)
			}
		default:
			return fmt.Errorf("item %d: value of type %d, want a header", i+1, val[0])
		}
		if err := fn(blob); err != nil {
			return fmt.Errorf("header %d: %w", d.bo.Uint32(key[1:]), err)
		}
	}
	return nil
}

// overflow reads a value of tlen bytes from the chain of overflow pages
// starting at pgno.
func (d *bdb) overflow(pgno, tlen uint32) ([]byte, error) {
	if tlen > maxHeader {
		return nil, fmt.Errorf("value of %d bytes is larger than any rpm header", tlen)
	}
	room := d.pageSize - bdbPageHeader
	if uint64(tlen) > uint64(room)*uint64(len(d.used)) {
		return nil, fmt.Errorf("value of %d bytes is larger than the file", tlen)
	}
	out := make([]byte, 0, tlen)
	page := make([]byte, d.pageSize)
	for pgno != 0 {
		if uint64(pgno) >= uint64(len(d.used)) || d.used[pgno] {
			return nil, fmt.Errorf("overflow chain reaches page %d twice or past the end", pgno)
		}
		d.used[pgno] = true
		if _, err := d.r.ReadAt(page, int64(pgno)*int64(d.pageSize)); err != nil {
			return nil, fmt.Errorf("reading overflow page %d: %w", pgno, err)
		}
		if page[25] != bdbPageOverflow {
			return nil, fmt.Errorf("overflow chain reaches page %d of type %d", pgno, page[25])
		}
		n := uint32(d.bo.Uint16(page[22:]))
		if n > room || uint64(len(out))+uint64(n) > uint64(tlen) {
			return nil, fmt.Errorf("overflow page %d holds %d bytes, more than fit", pgno, n)
		}
		out = append(out, page[bdbPageHeader:bdbPageHeader+n]...)
		pgno = d.bo.Uint32(page[16:])
	}
	if uint32(len(out)) != tlen {
		return nil, fmt.Errorf("overflow chain holds %d bytes, want %d", len(out), tlen)
	}
	return out, nil
}

func swap32(v uint32) uint32 {
	return v>>24 | v>>8&0xff00 | v<<8&0xff0000 | v<<24
}
