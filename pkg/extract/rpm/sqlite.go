package rpm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/drydockhq/drydock/pkg/extract"
)

// sqliteMagic starts every SQLite database file.
const sqliteMagic = "SQLite format 3\x00"

// readSQLite calls fn with each header blob of an rpmdb.sqlite (rpm ≥ 4.16:
// table Packages (hnum INTEGER PRIMARY KEY, blob BLOB)). SQLite needs a real
// file, so the content is copied to a scratch directory first and opened
// immutable: no locks, no -wal or -shm files, no writes.
func readSQLite(ctx context.Context, in *extract.Input, fn func(blob []byte) error) error {
	tmp, err := in.TempDir()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp(tmp, "rpm-")
	if err != nil {
		return fmt.Errorf("creating scratch directory: %w", err)
	}
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, filepath.Base(filepath.FromSlash(in.Path)))
	if err := copyTo(name, io.NewSectionReader(in.Reader, 0, in.Reader.Size())); err != nil {
		return fmt.Errorf("writing scratch copy: %w", err)
	}
	dsn := (&url.URL{Scheme: "file", OmitHost: true, Path: name, RawQuery: "immutable=1"}).String()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return fmt.Errorf("opening sqlite: %w", err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("opening sqlite: %w", err)
	}
	defer conn.Close()
	// No value may be longer than the largest rpm header: a forged record
	// size must not turn into a huge allocation.
	if _, err := sqlite.Limit(conn, sqlite3.SQLITE_LIMIT_LENGTH, maxHeader); err != nil {
		return fmt.Errorf("limiting sqlite: %w", err)
	}
	if err := checkPackagesTable(ctx, conn); err != nil {
		return err
	}
	rows, err := conn.QueryContext(ctx, `SELECT hnum, blob FROM main.Packages`)
	if err != nil {
		return fmt.Errorf("querying Packages: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			hnum int64
			blob []byte
		)
		if err := rows.Scan(&hnum, &blob); err != nil {
			return fmt.Errorf("reading Packages: %w", err)
		}
		if err := fn(blob); err != nil {
			return fmt.Errorf("header %d: %w", hnum, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading Packages: %w", err)
	}
	return nil
}

// checkPackagesTable makes sure Packages is a plain table whose columns are
// stored, not computed: a view or a generated column could run arbitrary
// (and arbitrarily expensive) SQL from the file.
func checkPackagesTable(ctx context.Context, conn *sql.Conn) error {
	var kind, ddl string
	err := conn.QueryRowContext(ctx, `SELECT type, sql FROM main.sqlite_schema WHERE name = 'Packages'`).Scan(&kind, &ddl)
	if errors.Is(err, sql.ErrNoRows) {
		return errors.New("no Packages table: not an rpm database")
	}
	if err != nil {
		return fmt.Errorf("reading schema: %w", err)
	}
	if kind != "table" || len(ddl) < 13 || !strings.EqualFold(ddl[:13], "CREATE TABLE ") {
		return fmt.Errorf("table Packages is not a plain table: %q", ddl)
	}
	var computed int
	err = conn.QueryRowContext(ctx, `SELECT count(*) FROM pragma_table_xinfo('Packages') WHERE hidden != 0`).Scan(&computed)
	if err != nil {
		return fmt.Errorf("reading schema: %w", err)
	}
	if computed != 0 {
		return errors.New("table Packages has computed or hidden columns")
	}
	return nil
}

func copyTo(name string, r io.Reader) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
