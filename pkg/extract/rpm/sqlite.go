package rpm

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/drydockhq/drydock/pkg/extract"
)

// sqliteMagic starts every SQLite database file.
const sqliteMagic = "SQLite format 3\x00"

// readSQLite calls fn with each header blob of an rpmdb.sqlite (rpm ≥ 4.16:
// table Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT
// NULL)).
//
// It reads the file format itself (https://www.sqlite.org/fileformat.html)
// rather than running an SQL engine: drydock needs one table scan, straight
// from memory, with no scratch copy on disk, no SQL from the file ever
// executed, and every size bounded. (It replaced modernc.org/sqlite, whose
// package initialisation alone cost ~16 ms of every drydock start.) Like
// SQLite's immutable mode, it ignores any -wal file.
func readSQLite(ctx context.Context, in *extract.Input, fn func(blob []byte) error) error {
	db, err := openSQLite(in.Reader, in.Reader.Size())
	if err != nil {
		return err
	}
	root, err := db.packagesRoot(ctx)
	if err != nil {
		return err
	}
	return db.scanTable(ctx, root, func(rowid int64, rec []byte) error {
		vals, err := db.record(rec, 2)
		if err != nil {
			return fmt.Errorf("Packages row %d: %w", rowid, err)
		}
		if len(vals) < 2 || vals[1].kind != kindBlob {
			return fmt.Errorf("Packages row %d: second column is not a blob", rowid)
		}
		if err := fn(vals[1].data); err != nil {
			return fmt.Errorf("header %d: %w", rowid, err)
		}
		return nil
	})
}

// sqliteFile is an SQLite database file held in memory (or any ReaderAt).
type sqliteFile struct {
	r        io.ReaderAt
	size     int64
	pageSize int
	usable   int // page size minus the reserved bytes at the end of each page
	pages    uint32
}

// Bounds on hostile files.
const (
	maxSQLiteDepth = 32 // b-tree depth; real trees of any size are < 10 deep
)

func openSQLite(r io.ReaderAt, size int64) (*sqliteFile, error) {
	var hdr [100]byte
	if _, err := r.ReadAt(hdr[:], 0); err != nil {
		return nil, fmt.Errorf("reading SQLite header: %w", err)
	}
	if string(hdr[:16]) != sqliteMagic {
		return nil, errors.New("not an SQLite database")
	}
	ps := int(binary.BigEndian.Uint16(hdr[16:18]))
	if ps == 1 {
		ps = 65536
	}
	if ps < 512 || ps&(ps-1) != 0 {
		return nil, fmt.Errorf("SQLite page size %d is invalid", ps)
	}
	reserved := int(hdr[20])
	usable := ps - reserved
	if usable < 480 {
		return nil, fmt.Errorf("SQLite usable page size %d is invalid", usable)
	}
	return &sqliteFile{r: r, size: size, pageSize: ps, usable: usable, pages: uint32(size / int64(ps))}, nil
}

// page reads page n (1-based).
func (f *sqliteFile) page(n uint32) ([]byte, error) {
	if n == 0 || n > f.pages {
		return nil, fmt.Errorf("SQLite page %d out of range (file has %d)", n, f.pages)
	}
	b := make([]byte, f.pageSize)
	if _, err := f.r.ReadAt(b, int64(n-1)*int64(f.pageSize)); err != nil {
		return nil, fmt.Errorf("reading SQLite page %d: %w", n, err)
	}
	return b[:f.usable], nil
}

// B-tree page types.
const (
	pageTableInterior = 0x05
	pageTableLeaf     = 0x0d
)

// scanTable calls fn with the rowid and record of every row of the table
// b-tree rooted at page root, in rowid order.
func (f *sqliteFile) scanTable(ctx context.Context, root uint32, fn func(rowid int64, rec []byte) error) error {
	seen := map[uint32]bool{}
	var walk func(n uint32, depth int) error
	walk = func(n uint32, depth int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if depth > maxSQLiteDepth {
			return errors.New("SQLite b-tree too deep")
		}
		if seen[n] {
			return fmt.Errorf("SQLite page %d is referenced twice (a cycle)", n)
		}
		seen[n] = true
		p, err := f.page(n)
		if err != nil {
			return err
		}
		off := 0
		if n == 1 {
			off = 100 // the file header
		}
		if len(p) < off+8 {
			return fmt.Errorf("SQLite page %d: truncated header", n)
		}
		typ := p[off]
		cells := int(binary.BigEndian.Uint16(p[off+3:]))
		hdrLen := 8
		if typ == pageTableInterior {
			hdrLen = 12
		} else if typ != pageTableLeaf {
			return fmt.Errorf("SQLite page %d: type %#x is not a table b-tree page", n, typ)
		}
		ptrs := off + hdrLen
		if len(p) < ptrs+2*cells {
			return fmt.Errorf("SQLite page %d: %d cells do not fit", n, cells)
		}
		for i := range cells {
			c := int(binary.BigEndian.Uint16(p[ptrs+2*i:]))
			if c < ptrs+2*cells || c >= len(p) {
				return fmt.Errorf("SQLite page %d: cell %d at %d is outside the page", n, i, c)
			}
			if typ == pageTableInterior {
				if c+4 > len(p) {
					return fmt.Errorf("SQLite page %d: truncated cell %d", n, i)
				}
				if err := walk(binary.BigEndian.Uint32(p[c:]), depth+1); err != nil {
					return err
				}
				continue
			}
			rowid, rec, err := f.leafCell(p, c)
			if err != nil {
				return fmt.Errorf("SQLite page %d cell %d: %w", n, i, err)
			}
			if err := fn(rowid, rec); err != nil {
				return err
			}
		}
		if typ == pageTableInterior {
			return walk(binary.BigEndian.Uint32(p[off+8:]), depth+1)
		}
		return nil
	}
	return walk(root, 0)
}

// leafCell decodes the table leaf cell at offset c of page p: payload size,
// rowid, payload, following overflow pages when the payload spills.
func (f *sqliteFile) leafCell(p []byte, c int) (int64, []byte, error) {
	size, n := uvarint(p[c:])
	if n == 0 {
		return 0, nil, errors.New("bad payload size")
	}
	c += n
	rowid, n := uvarint(p[c:])
	if n == 0 {
		return 0, nil, errors.New("bad rowid")
	}
	c += n
	if size > maxHeader+1024 {
		return 0, nil, fmt.Errorf("record of %d bytes is larger than any rpm header", size)
	}
	total := int(size)
	u := f.usable
	local := total
	if x := u - 35; total > x {
		m := (u-12)*32/255 - 23
		k := m + (total-m)%(u-4)
		local = m
		if k <= x {
			local = k
		}
	}
	if c+local > len(p) {
		return 0, nil, errors.New("payload runs past the page")
	}
	out := make([]byte, 0, total)
	out = append(out, p[c:c+local]...)
	if local == total {
		return int64(rowid), out, nil
	}
	if c+local+4 > len(p) {
		return 0, nil, errors.New("truncated overflow pointer")
	}
	next := binary.BigEndian.Uint32(p[c+local:])
	for hops := 0; len(out) < total; hops++ {
		if next == 0 || hops > int(f.pages) {
			return 0, nil, errors.New("overflow chain ends early or loops")
		}
		op, err := f.page(next)
		if err != nil {
			return 0, nil, err
		}
		take := min(total-len(out), len(op)-4)
		out = append(out, op[4:4+take]...)
		next = binary.BigEndian.Uint32(op)
	}
	return int64(rowid), out, nil
}

// Value kinds of a record.
const (
	kindNull = iota
	kindInt
	kindFloat
	kindBlob
	kindText
)

type sqlValue struct {
	kind int
	i    int64
	data []byte // blob or text
}

// record decodes up to limit values of a record.
func (f *sqliteFile) record(rec []byte, limit int) ([]sqlValue, error) {
	hsize, n := uvarint(rec)
	if n == 0 || hsize > uint64(len(rec)) || hsize < uint64(n) {
		return nil, errors.New("bad record header")
	}
	types := rec[n:hsize]
	body := rec[hsize:]
	var out []sqlValue
	for len(types) > 0 && len(out) < limit {
		st, n := uvarint(types)
		if n == 0 {
			return nil, errors.New("bad serial type")
		}
		types = types[n:]
		var (
			v    sqlValue
			size int
		)
		switch {
		case st == 0:
			v.kind = kindNull
		case st >= 1 && st <= 6:
			size = [...]int{0, 1, 2, 3, 4, 6, 8}[st]
			v.kind = kindInt
		case st == 7:
			size, v.kind = 8, kindFloat
		case st == 8 || st == 9:
			v.kind, v.i = kindInt, int64(st-8)
		case st >= 12:
			size = int((st - 12) / 2)
			v.kind = kindBlob
			if st%2 == 1 {
				v.kind = kindText
			}
		default:
			return nil, fmt.Errorf("reserved serial type %d", st)
		}
		if size > len(body) {
			return nil, errors.New("record value runs past the record")
		}
		if v.kind == kindInt && size > 0 {
			var x int64
			for _, b := range body[:size] {
				x = x<<8 | int64(b)
			}
			if shift := 64 - 8*size; shift > 0 {
				x = x << shift >> shift // sign-extend
			}
			v.i = x
		} else if v.kind == kindBlob || v.kind == kindText {
			v.data = body[:size]
		}
		body = body[size:]
		out = append(out, v)
	}
	return out, nil
}

// packagesRoot finds the root page of the Packages table in sqlite_schema
// (type, name, tbl_name, rootpage, sql) and checks that it is a plain rowid
// table.
func (f *sqliteFile) packagesRoot(ctx context.Context) (uint32, error) {
	var (
		root  uint32
		found bool
	)
	err := f.scanTable(ctx, 1, func(_ int64, rec []byte) error {
		vals, err := f.record(rec, 5)
		if err != nil {
			return fmt.Errorf("sqlite_schema: %w", err)
		}
		if len(vals) < 5 || vals[1].kind != kindText || string(vals[1].data) != "Packages" {
			return nil
		}
		ddl := string(vals[4].data)
		if string(vals[0].data) != "table" || len(ddl) < 13 || !strings.EqualFold(ddl[:13], "CREATE TABLE ") {
			return fmt.Errorf("table Packages is not a plain table: %q", ddl)
		}
		if strings.Contains(strings.ToUpper(ddl), "WITHOUT ROWID") {
			return errors.New("table Packages is a WITHOUT ROWID table: not an rpm database")
		}
		if vals[3].kind != kindInt || vals[3].i <= 0 || vals[3].i > int64(f.pages) {
			return fmt.Errorf("table Packages has an invalid root page %d", vals[3].i)
		}
		root, found = uint32(vals[3].i), true
		return nil
	})
	if err != nil {
		return 0, err
	}
	if !found {
		return 0, errors.New("no Packages table: not an rpm database")
	}
	return root, nil
}

// uvarint decodes an SQLite varint (big-endian, 7 bits a byte, the ninth
// byte contributing all 8 bits). n is 0 when b is too short.
func uvarint(b []byte) (v uint64, n int) {
	for i := 0; i < 9; i++ {
		if i >= len(b) {
			return 0, 0
		}
		if i == 8 {
			return v<<8 | uint64(b[i]), 9
		}
		v = v<<7 | uint64(b[i]&0x7f)
		if b[i]&0x80 == 0 {
			return v, i + 1
		}
	}
	return 0, 0
}
