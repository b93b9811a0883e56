package rpm

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	_ "modernc.org/sqlite" // the oracle: real SQLite writes and reads the test databases
)

// TestSQLiteReader checks our file-format reader against SQLite itself on
// databases laid out as rpm writes them, at several page sizes: a multi-level
// b-tree, blobs from a few bytes to several pages (overflow chains), deleted
// rows (free space, freelist pages) and a VACUUMed variant.
func TestSQLiteReader(t *testing.T) {
	for _, tc := range []struct {
		pageSize int
		vacuum   bool
	}{{512, false}, {4096, false}, {4096, true}, {65536, false}} {
		t.Run(fmt.Sprintf("page%d-vacuum%t", tc.pageSize, tc.vacuum), func(t *testing.T) {
			name := filepath.Join(t.TempDir(), "rpmdb.sqlite")
			db, err := sql.Open("sqlite", name)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			stmts := []string{
				fmt.Sprintf("PRAGMA page_size = %d", tc.pageSize),
				"CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)",
				"CREATE TABLE Name (key TEXT NOT NULL, hnum INTEGER NOT NULL, idx INTEGER NOT NULL, FOREIGN KEY (hnum) REFERENCES Packages(hnum))",
			}
			for _, s := range stmts {
				if _, err := db.Exec(s); err != nil {
					t.Fatal(err)
				}
			}
			rng := rand.New(rand.NewPCG(1, uint64(tc.pageSize)))
			for i := range 400 {
				size := 1 + rng.IntN(3*tc.pageSize)
				blob := make([]byte, size)
				for j := range blob {
					blob[j] = byte(rng.Uint32())
				}
				if _, err := db.Exec("INSERT INTO Packages (blob) VALUES (?)", blob); err != nil {
					t.Fatal(err)
				}
				if _, err := db.Exec("INSERT INTO Name VALUES (?, ?, 0)", fmt.Sprint("pkg", i), i+1); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := db.Exec("DELETE FROM Packages WHERE hnum % 7 = 0"); err != nil {
				t.Fatal(err)
			}
			if tc.vacuum {
				if _, err := db.Exec("VACUUM"); err != nil {
					t.Fatal(err)
				}
			}
			rows, err := db.Query("SELECT blob FROM Packages ORDER BY hnum")
			if err != nil {
				t.Fatal(err)
			}
			var want [][]byte
			for rows.Next() {
				var b []byte
				if err := rows.Scan(&b); err != nil {
					t.Fatal(err)
				}
				want = append(want, b)
			}
			rows.Close()
			db.Close()

			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			f, err := openSQLite(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			root, err := f.packagesRoot(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var got [][]byte
			err = f.scanTable(context.Background(), root, func(_ int64, rec []byte) error {
				vals, err := f.record(rec, 2)
				if err != nil {
					return err
				}
				got = append(got, vals[1].data)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d rows, SQLite reads %d", len(got), len(want))
			}
			for i := range want {
				if !bytes.Equal(got[i], want[i]) {
					t.Fatalf("row %d: %d bytes differ from SQLite's %d", i, len(got[i]), len(want[i]))
				}
			}
		})
	}
}

func TestUvarint(t *testing.T) {
	for _, tc := range []struct {
		in []byte
		v  uint64
		n  int
	}{
		{[]byte{0x00}, 0, 1},
		{[]byte{0x7f}, 127, 1},
		{[]byte{0x81, 0x00}, 128, 2},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 1<<64 - 1, 9},
		{[]byte{0x81}, 0, 0},
		{nil, 0, 0},
	} {
		v, n := uvarint(tc.in)
		if diff := cmp.Diff([2]uint64{tc.v, uint64(tc.n)}, [2]uint64{v, uint64(n)}); diff != "" {
			t.Errorf("uvarint(%x): %s", tc.in, diff)
		}
	}
}

func FuzzSQLite(f *testing.F) {
	seed, err := os.ReadFile("testdata/sqlite/rpmdb.sqlite")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Fuzz(func(t *testing.T, data []byte) {
		db, err := openSQLite(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		root, err := db.packagesRoot(context.Background())
		if err != nil {
			return
		}
		_ = db.scanTable(context.Background(), root, func(_ int64, rec []byte) error {
			_, err := db.record(rec, 2)
			return err
		})
	})
}
