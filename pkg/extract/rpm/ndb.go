package rpm

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/adler32"
	"io"
	"sort"
)

// The ndb format (rpm lib/backend/ndb/rpmpkg.c), all little-endian:
//
//	slot pages: SlotNPages × 4 KiB. The first 32 bytes are the database
//	  header {magic "RpmP", version 0, generation, SlotNPages, next index,
//	  pad}; then 16-byte slots {magic "Slot", package index, block offset,
//	  block count}; package index 0 marks a free slot.
//	blobs, in 16-byte blocks: head {magic "BlbS", package index,
//	  generation, length}, the header blob, zero padding, and a 12-byte tail
//	  {adler32 of everything before it, length, magic "BlbE"}.
const (
	ndbMagic     = 'R' | 'p'<<8 | 'm'<<16 | 'P'<<24
	ndbSlotMagic = 'S' | 'l'<<8 | 'o'<<16 | 't'<<24
	ndbHeadMagic = 'B' | 'l'<<8 | 'b'<<16 | 'S'<<24
	ndbTailMagic = 'B' | 'l'<<8 | 'b'<<16 | 'E'<<24
	ndbPageSize  = 4096
	ndbBlockSize = 16
	ndbHeadSize  = 16
	ndbTailSize  = 12
)

type ndbSlot struct {
	pkg, blkoff, blkcnt uint32
}

// readNDB calls fn with each header blob of an ndb Packages.db. It rejects
// what rpm rejects: bad magic numbers, slots outside the file or
// overlapping, blobs whose head, tail or checksum do not match, so the work
// is bounded by the file size.
func readNDB(ctx context.Context, r io.ReaderAt, size int64, fn func(blob []byte) error) error {
	var hdr [32]byte
	if _, err := r.ReadAt(hdr[:], 0); err != nil {
		return fmt.Errorf("reading ndb header: %w", err)
	}
	le := binary.LittleEndian
	if le.Uint32(hdr[0:]) != ndbMagic || le.Uint32(hdr[4:]) != 0 {
		return fmt.Errorf("not an ndb database of version 0")
	}
	npages := uint64(le.Uint32(hdr[12:]))
	if npages == 0 || npages*ndbPageSize > uint64(size) {
		return fmt.Errorf("ndb header claims %d slot pages in a %d-byte file", npages, size)
	}
	page := make([]byte, npages*ndbPageSize)
	if _, err := r.ReadAt(page, 0); err != nil {
		return fmt.Errorf("reading ndb slots: %w", err)
	}
	firstBlock := npages * ndbPageSize / ndbBlockSize
	fileBlocks := uint64(size) / ndbBlockSize
	var slots []ndbSlot
	for off := 32; off < len(page); off += 16 {
		if le.Uint32(page[off:]) != ndbSlotMagic {
			return fmt.Errorf("bad ndb slot magic at offset %d", off)
		}
		s := ndbSlot{le.Uint32(page[off+4:]), le.Uint32(page[off+8:]), le.Uint32(page[off+12:])}
		if s.pkg == 0 {
			continue
		}
		if uint64(s.blkoff) < firstBlock || s.blkcnt < 2 || uint64(s.blkoff)+uint64(s.blkcnt) > fileBlocks {
			return fmt.Errorf("ndb slot of package %d: blocks %d+%d out of range", s.pkg, s.blkoff, s.blkcnt)
		}
		slots = append(slots, s)
	}
	sort.Slice(slots, func(i, j int) bool { return slots[i].blkoff < slots[j].blkoff })
	for i := 1; i < len(slots); i++ {
		if p := slots[i-1]; p.blkoff+p.blkcnt > slots[i].blkoff {
			return fmt.Errorf("ndb slots of packages %d and %d overlap", p.pkg, slots[i].pkg)
		}
	}
	for i, s := range slots {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		blob, err := ndbBlob(r, s)
		if err != nil {
			return fmt.Errorf("ndb package %d: %w", s.pkg, err)
		}
		if err := fn(blob); err != nil {
			return fmt.Errorf("ndb package %d: %w", s.pkg, err)
		}
	}
	return nil
}

func ndbBlob(r io.ReaderAt, s ndbSlot) ([]byte, error) {
	buf := make([]byte, uint64(s.blkcnt)*ndbBlockSize)
	if _, err := r.ReadAt(buf, int64(s.blkoff)*ndbBlockSize); err != nil {
		return nil, fmt.Errorf("reading blob: %w", err)
	}
	le := binary.LittleEndian
	n := uint64(le.Uint32(buf[12:]))
	if le.Uint32(buf) != ndbHeadMagic || le.Uint32(buf[4:]) != s.pkg {
		return nil, fmt.Errorf("bad blob head")
	}
	if ndbHeadSize+n+ndbTailSize > uint64(len(buf)) {
		return nil, fmt.Errorf("blob of %d bytes does not fit its %d blocks", n, s.blkcnt)
	}
	tail := buf[len(buf)-ndbTailSize:]
	if le.Uint32(tail[4:]) != uint32(n) || le.Uint32(tail[8:]) != ndbTailMagic {
		return nil, fmt.Errorf("bad blob tail")
	}
	if le.Uint32(tail) != adler32.Checksum(buf[:len(buf)-ndbTailSize]) {
		return nil, fmt.Errorf("blob checksum mismatch")
	}
	return buf[ndbHeadSize : ndbHeadSize+n], nil
}
