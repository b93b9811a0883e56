package rpm_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"hash/adler32"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// The cases below are crafted databases that crash, hang or exhaust
// github.com/knqyf263/go-rpmdb v0.1.1 inside goroutines of its own, where no
// recover can reach. Each must come back as an error, quickly.

// mkNDB writes an ndb Packages.db holding blobs as packages 1, 2, …, in
// the layout of rpm's lib/backend/ndb/rpmpkg.c (see testdata/gen.sh).
func mkNDB(blobs ...[]byte) []byte {
	le := binary.LittleEndian
	page := make([]byte, 4096)
	le.PutUint32(page[0:], 0x506D7052) // "RpmP"
	le.PutUint32(page[8:], 1)          // generation
	le.PutUint32(page[12:], 1)         // slot pages
	le.PutUint32(page[16:], uint32(len(blobs)+1))
	for off := 32; off < len(page); off += 16 {
		le.PutUint32(page[off:], 0x746F6C53) // "Slot"
	}
	out, blk := page, uint32(4096/16)
	for i, blob := range blobs {
		body := le.AppendUint32(nil, 0x53626C42) // "BlbS"
		body = le.AppendUint32(body, uint32(i+1))
		body = le.AppendUint32(body, 1)
		body = le.AppendUint32(body, uint32(len(blob)))
		body = append(body, blob...)
		body = append(body, make([]byte, (16-(len(body)+12)%16)%16)...)
		body = le.AppendUint32(body, adler32.Checksum(body))
		body = le.AppendUint32(body, uint32(len(blob)))
		body = le.AppendUint32(body, 0x45626C42) // "BlbE"
		slot := 32 + 16*i
		le.PutUint32(out[slot+4:], uint32(i+1))
		le.PutUint32(out[slot+8:], blk)
		le.PutUint32(out[slot+12:], uint32(len(body)/16))
		blk += uint32(len(body) / 16)
		out = append(out, body...)
	}
	return out
}

// bdbFixture returns a copy of the little-endian bdb fixture with the page
// number of the first header's first overflow page and the offset of its
// off-page item on page 1.
func bdbFixture(t *testing.T) (db []byte, overflow uint32, item int) {
	db = readFile(t, "testdata/bdb/Packages")
	le := binary.LittleEndian
	page := db[4096:8192]
	if page[25] != 13 || le.Uint16(page[20:]) < 4 {
		t.Fatalf("bdb fixture page 1 is not a hash page with records")
	}
	// Item 0 is record 0 (rpm's counter, inline); item 3 is the value of
	// the first header.
	item = int(le.Uint16(page[26+2*3:]))
	if page[item] != 3 {
		t.Fatalf("bdb fixture: first header is not stored off-page")
	}
	return db, le.Uint32(page[item+4:]), 4096 + item
}

func TestExtractHostile(t *testing.T) {
	le := binary.LittleEndian
	nvr := readFile(t, "testdata/ndb/Packages.db")
	validBlob := func() []byte { // the second header blob of the ndb fixture (the first is gpg-pubkey)
		off := int(le.Uint32(nvr[48+8:])) * 16
		return nvr[off+16 : off+16+int(le.Uint32(nvr[off+12:]))]
	}()
	tests := []struct {
		name, want string
		data       func(t *testing.T) []byte
	}{
		{"ndb: header claims 2^31 entries", "out of range", func(t *testing.T) []byte {
			blob := bytes.Clone(validBlob)
			binary.BigEndian.PutUint32(blob, 0x7fffffff) // go-rpmdb: fatal error: out of memory
			return mkNDB(blob)
		}},
		{"ndb: valid", "", func(t *testing.T) []byte { return mkNDB(validBlob) }},
		{"ndb: blob checksum", "checksum", func(t *testing.T) []byte {
			db := mkNDB(validBlob)
			db[4096+100] ^= 1
			return db
		}},
		{"ndb: blob head claims 4 GiB", "does not fit", func(t *testing.T) []byte {
			db := mkNDB(validBlob)
			le.PutUint32(db[4096+12:], 0xffffffff) // go-rpmdb allocates it
			return db
		}},
		{"ndb: overlapping slots", "overlap", func(t *testing.T) []byte {
			db := mkNDB(validBlob, validBlob)
			le.PutUint32(db[48+8:], le.Uint32(db[32+8:])+1)
			return db
		}},
		{"ndb: slot past the end", "out of range", func(t *testing.T) []byte {
			db := mkNDB(validBlob)
			le.PutUint32(db[32+12:], 1<<30)
			return db
		}},
		{"ndb: bad slot magic", "slot magic", func(t *testing.T) []byte {
			db := mkNDB(validBlob)
			db[32+16*7] = 'X' // go-rpmdb prints to stdout
			return db
		}},
		{"ndb: 2^32-1 slot pages", "slot pages", func(t *testing.T) []byte {
			db := mkNDB(validBlob)
			le.PutUint32(db[12:], 0xffffffff)
			return db
		}},
		{"bdb: overflow chain reaches a non-overflow page", "of type 0", func(t *testing.T) []byte {
			db, ov, _ := bdbFixture(t)
			db[int(ov)*4096+25] = 0 // go-rpmdb loops forever (knqyf263/go-rpmdb#37)
			return db
		}},
		{"bdb: overflow chain loops", "twice", func(t *testing.T) []byte {
			db, ov, _ := bdbFixture(t)
			le.PutUint32(db[int(ov)*4096+16:], ov)
			le.PutUint16(db[int(ov)*4096+22:], 1)
			return db
		}},
		{"bdb: overflow page claims 64 KiB", "more than fit", func(t *testing.T) []byte {
			db, ov, _ := bdbFixture(t)
			le.PutUint16(db[int(ov)*4096+22:], 0xffff) // go-rpmdb: slice bounds panic in its goroutine
			return db
		}},
		{"bdb: off-page item names page 2^32-1", "past the end", func(t *testing.T) []byte {
			db, _, item := bdbFixture(t)
			le.PutUint32(db[item+4:], 0xffffffff)
			return db
		}},
		{"bdb: item offset past the page", "out of range", func(t *testing.T) []byte {
			db, _, _ := bdbFixture(t)
			le.PutUint16(db[4096+26+2:], 0xffff) // go-rpmdb: index out of range in its goroutine
			return db
		}},
		{"bdb: 65534 items", "do not fit", func(t *testing.T) []byte {
			db, _, _ := bdbFixture(t)
			le.PutUint16(db[4096+20:], 0xfffe) // go-rpmdb: uint16 overflow, slice bounds panic
			return db
		}},
		{"bdb: last page past the end", "truncated", func(t *testing.T) []byte {
			db, _, _ := bdbFixture(t)
			le.PutUint32(db[32:], 1<<30)
			return db
		}},
		{"sqlite: Packages is an endless view", "not a plain table", func(t *testing.T) []byte {
			return mkSQLite(t, `CREATE VIEW Packages AS WITH RECURSIVE c(hnum) AS (SELECT 1 UNION ALL SELECT hnum+1 FROM c) SELECT hnum, zeroblob(10) AS blob FROM c`)
		}},
		{"sqlite: computed blob column", "not a blob", func(t *testing.T) []byte {
			return mkSQLite(t, `CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB AS (zeroblob(1000000000)))`,
				`INSERT INTO Packages (hnum) VALUES (1)`)
		}},
		{"sqlite: no Packages table", "no Packages table", func(t *testing.T) []byte {
			return mkSQLite(t, `CREATE TABLE Other (x)`)
		}},
		{"sqlite: an 18 MiB blob", "larger than any rpm header", func(t *testing.T) []byte {
			return mkSQLite(t, `CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB NOT NULL)`,
				`INSERT INTO Packages VALUES (1, zeroblob(18 << 20))`)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.data(t)
			start := time.Now()
			res, err := run(t, "var/lib/rpm/Packages", data)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			if tt.want == "" {
				if err != nil || len(res.Packages) != 1 {
					t.Fatalf("Extract = %v, %v; want one package", res, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Extract error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// mkSQLite returns the bytes of a new SQLite database made by stmts.
func mkSQLite(t *testing.T, stmts ...string) []byte {
	t.Helper()
	name := filepath.Join(t.TempDir(), "rpmdb.sqlite")
	db, err := sql.Open("sqlite", name)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return readFile(t, name)
}

func TestExtractCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			_, err := runCtx(ctx, t, b.path, readFile(t, b.file))
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Extract with a canceled context = %v, want context.Canceled", err)
			}
		})
	}
}
