package vulndb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/vulndb/internal/dbfile"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
	"github.com/klauspost/compress/zstd"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// cacheEntries is how many decoded advisories a DB keeps.
const cacheEntries = 8192

// txPoolSize is how many idle read transactions a DB keeps for reuse.
const txPoolSize = 32

// DB is a read-only vulnerability DB file opened with Open. It is safe for
// concurrent use.
type DB struct {
	path  string
	bdb   *bolt.DB
	dec   *zstd.Decoder
	info  model.DBInfo
	cache *lru

	mu     sync.RWMutex // held for reading by every lookup, for writing by Close
	closed bool
	txs    chan *readTx // idle read transactions
}

var _ Store = (*DB)(nil)

// readTx is a read transaction with its buckets resolved; one goroutine uses
// it at a time.
type readTx struct {
	tx       *bolt.Tx
	adv, idx *bolt.Bucket
	// buf is reused for each record's decompressed JSON (json.Unmarshal
	// copies what it keeps): a fresh buffer per record was a third of the
	// page faults of matching an image in a short-lived process.
	buf []byte
}

// Open opens the DB file at path read-only. It reads only the file's meta
// data, so it is fast whatever the DB's size. It refuses a file that is not
// a drydock DB, has another schema version (ErrSchema) or is truncated
// (ErrCorrupt).
func Open(path string) (*DB, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("opening vulnerability DB: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("opening vulnerability DB %s: not a regular file", path)
	}
	if fi.Size() < 1024 {
		return nil, fmt.Errorf("opening vulnerability DB %s: %w: file is only %d bytes", path, ErrCorrupt, fi.Size())
	}
	bdb, err := bolt.Open(path, 0, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second, NoStatistics: true})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("opening vulnerability DB %s: file is locked by a writer: %w", path, err)
		}
		return nil, fmt.Errorf("opening vulnerability DB %s: %w: %w", path, ErrCorrupt, err)
	}
	d := &DB{path: path, bdb: bdb, txs: make(chan *readTx, txPoolSize), cache: newLRU(cacheEntries)}
	if err := d.load(fi.Size()); err != nil {
		_ = bdb.Close()
		return nil, fmt.Errorf("opening vulnerability DB %s: %w", path, err)
	}
	if d.dec, err = dbfile.NewDecoder(); err != nil {
		_ = bdb.Close()
		return nil, err
	}
	return d, nil
}

// load checks the file and reads the meta bucket.
func (d *DB) load(size int64) (err error) {
	defer recoverCorrupt(&err)
	return d.bdb.View(func(tx *bolt.Tx) error {
		if tx.Size() > size {
			return fmt.Errorf("%w: file is truncated (%d bytes, expected %d)", ErrCorrupt, size, tx.Size())
		}
		meta := tx.Bucket([]byte(dbfile.BucketMeta))
		if meta == nil {
			return fmt.Errorf("%w: no %q bucket: not a drydock vulnerability DB", ErrCorrupt, dbfile.BucketMeta)
		}
		schema, err := dbfile.ParseSchema(meta.Get([]byte(dbfile.MetaSchema)))
		if err != nil {
			return fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
		if schema != SchemaVersion {
			return fmt.Errorf("%w: file has schema %d, this drydock reads schema %d: rebuild or download a matching DB", ErrSchema, schema, SchemaVersion)
		}
		if c := string(meta.Get([]byte(dbfile.MetaCodec))); c != dbfile.CodecZstd {
			return fmt.Errorf("%w: unknown record codec %q", ErrCorrupt, c)
		}
		for _, b := range []string{dbfile.BucketAdv, dbfile.BucketIdx} {
			if tx.Bucket([]byte(b)) == nil {
				return fmt.Errorf("%w: no %q bucket", ErrCorrupt, b)
			}
		}
		d.info.SchemaVersion = schema
		if d.info.BuiltAt, err = time.Parse(time.RFC3339Nano, string(meta.Get([]byte(dbfile.MetaBuiltAt)))); err != nil {
			return fmt.Errorf("%w: build time: %w", ErrCorrupt, err)
		}
		if err := json.Unmarshal(meta.Get([]byte(dbfile.MetaSources)), &d.info.Sources); err != nil {
			return fmt.Errorf("%w: sources: %w", ErrCorrupt, err)
		}
		if err := json.Unmarshal(meta.Get([]byte(dbfile.MetaCounts)), &d.info.Counts); err != nil {
			return fmt.Errorf("%w: counts: %w", ErrCorrupt, err)
		}
		return nil
	})
}

// recoverCorrupt turns a panic of bbolt on a damaged page into ErrCorrupt.
func recoverCorrupt(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: %v", ErrCorrupt, r)
	}
}

// Path returns the file the DB was opened from.
func (d *DB) Path() string { return d.path }

// Info implements Store.
func (d *DB) Info(ctx context.Context) (model.DBInfo, error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return model.DBInfo{}, ErrClosed
	}
	return cloneInfo(d.info), nil
}

func cloneInfo(in model.DBInfo) model.DBInfo {
	out := in
	out.Sources = append([]model.DBSource(nil), in.Sources...)
	if in.Counts != nil {
		out.Counts = make(map[string]int, len(in.Counts))
		for k, v := range in.Counts {
			out.Counts[k] = v
		}
	}
	return out
}

// Affecting implements Store.
func (d *DB) Affecting(ctx context.Context, eco model.Ecosystem, name string) (_ []*osv.Entry, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return nil, ErrClosed
	}
	rt, err := d.getTx()
	if err != nil {
		return nil, err
	}
	defer d.putTx(rt)
	defer recoverCorrupt(&err)

	v := rt.idx.Get(dbfile.IndexKey(string(eco), NormalizeName(eco, name)))
	if v == nil {
		return nil, nil
	}
	ids, err := dbfile.DecodeIDs(v)
	if err != nil {
		return nil, fmt.Errorf("%w: index of %s %s: %w", ErrCorrupt, eco, name, err)
	}
	out := make([]*osv.Entry, len(ids))
	if d.cache.getAll(ids, out) == 0 {
		return out, nil
	}
	for i, id := range ids {
		if out[i] != nil {
			continue
		}
		e, err := d.entry(rt, id)
		if err != nil {
			return nil, err
		}
		if e == nil {
			return nil, fmt.Errorf("%w: index of %s %s names missing advisory %s", ErrCorrupt, eco, name, id)
		}
		out[i] = e
	}
	return out, nil
}

// Get returns the advisory with the given ID, or ErrNotFound.
func (d *DB) Get(ctx context.Context, id string) (_ *osv.Entry, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return nil, ErrClosed
	}
	rt, err := d.getTx()
	if err != nil {
		return nil, err
	}
	defer d.putTx(rt)
	defer recoverCorrupt(&err)
	e, err := d.entry(rt, id)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return nil, fmt.Errorf("%s: %w", id, ErrNotFound)
	}
	return e, nil
}

// entry returns the decoded advisory id, from the cache or the file; nil if
// the file has no such record.
func (d *DB) entry(rt *readTx, id string) (*osv.Entry, error) {
	if e := d.cache.get(id); e != nil {
		return e, nil
	}
	raw := rt.adv.Get([]byte(id))
	if raw == nil {
		return nil, nil
	}
	e, err := d.decode(raw, &rt.buf)
	if err != nil {
		return nil, fmt.Errorf("%w: advisory %s: %w", ErrCorrupt, id, err)
	}
	d.cache.add(id, e)
	return e, nil
}

// decode decompresses and decodes a record, using *buf as scratch space.
func (d *DB) decode(raw []byte, buf *[]byte) (*osv.Entry, error) {
	js, err := d.dec.DecodeAll(raw, (*buf)[:0])
	if err != nil {
		return nil, err
	}
	*buf = js
	var e osv.Entry
	if err := json.Unmarshal(js, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

func (d *DB) getTx() (*readTx, error) {
	select {
	case rt := <-d.txs:
		return rt, nil
	default:
	}
	tx, err := d.bdb.Begin(false)
	if err != nil {
		return nil, fmt.Errorf("reading vulnerability DB: %w", err)
	}
	return &readTx{tx: tx, adv: tx.Bucket([]byte(dbfile.BucketAdv)), idx: tx.Bucket([]byte(dbfile.BucketIdx))}, nil
}

func (d *DB) putTx(rt *readTx) {
	select {
	case d.txs <- rt:
	default:
		_ = rt.tx.Rollback()
	}
}

// Verify reads the whole file: bbolt's consistency check, every record
// decoded, every index entry resolved. It is slow (it reads everything) and
// meant for imports and diagnostics, not for every Open.
func (d *DB) Verify(ctx context.Context) (err error) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return ErrClosed
	}
	defer recoverCorrupt(&err)
	return d.bdb.View(func(tx *bolt.Tx) error {
		var first error
		for cerr := range tx.Check() { // drain: Check's goroutine reads the tx until it closes the channel
			if first == nil {
				first = fmt.Errorf("%w: %w", ErrCorrupt, cerr)
			}
		}
		if first != nil {
			return first
		}
		adv := tx.Bucket([]byte(dbfile.BucketAdv))
		n := 0
		var buf []byte
		err := adv.ForEach(func(k, v []byte) error {
			if n++; n%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			e, err := d.decode(v, &buf)
			if err != nil {
				return fmt.Errorf("%w: advisory %s: %w", ErrCorrupt, k, err)
			}
			if e.ID != string(k) {
				return fmt.Errorf("%w: advisory stored under %s has ID %s", ErrCorrupt, k, e.ID)
			}
			return nil
		})
		if err != nil {
			return err
		}
		return tx.Bucket([]byte(dbfile.BucketIdx)).ForEach(func(k, v []byte) error {
			ids, err := dbfile.DecodeIDs(v)
			if err != nil {
				return fmt.Errorf("%w: index key %q: %w", ErrCorrupt, k, err)
			}
			for _, id := range ids {
				if adv.Get([]byte(id)) == nil {
					return fmt.Errorf("%w: index key %q names missing advisory %s", ErrCorrupt, k, id)
				}
			}
			return nil
		})
	})
}

// Close releases the file. Calls after Close return ErrClosed.
func (d *DB) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	for {
		select {
		case rt := <-d.txs:
			_ = rt.tx.Rollback()
			continue
		default:
		}
		break
	}
	d.dec.Close()
	if err := d.bdb.Close(); err != nil {
		return fmt.Errorf("closing vulnerability DB %s: %w", d.path, err)
	}
	return nil
}
