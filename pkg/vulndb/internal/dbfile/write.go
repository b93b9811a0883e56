package dbfile

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/drydockhq/drydock/pkg/model"
	bolt "go.etcd.io/bbolt"
)

// Contents is everything a DB file holds, ready to write.
type Contents struct {
	// Records maps advisory IDs to compressed OSV JSON (see NewEncoder).
	Records map[string][]byte
	// Index maps IndexKey(eco, name) (as a string) to advisory IDs.
	Index   map[string][]string
	BuiltAt time.Time
	Sources []model.DBSource
	Counts  map[string]int
}

// Write creates the DB file at path, which must not exist, and fills it with
// c in one transaction. On error the partly written file is left for the
// caller to remove.
func Write(path string, c *Contents) error {
	db, err := bolt.Open(path, 0o644, &bolt.Options{NoSync: true, NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
	var size int64
	err = db.Update(func(tx *bolt.Tx) error {
		if err := fill(tx, c); err != nil {
			return err
		}
		size = tx.Size()
		return nil
	})
	if err == nil {
		err = db.Sync()
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// bbolt grows files in 16 MiB steps; the pages past the last
		// allocated one are never read.
		err = truncate(path, size)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// truncate cuts the file at path to at least size bytes (the high-water
// mark of the committed transaction, which may have grown by the pages the
// commit itself allocated) and syncs it.
func truncate(path string, size int64) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	db, err := bolt.Open(path, 0, &bolt.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	err = db.View(func(tx *bolt.Tx) error {
		size = max(size, tx.Size())
		return nil
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := f.Truncate(size); err != nil {
		return err
	}
	return f.Sync()
}

func fill(tx *bolt.Tx, c *Contents) error {
	meta, err := tx.CreateBucket([]byte(BucketMeta))
	if err != nil {
		return err
	}
	sources, err := json.Marshal(c.Sources)
	if err != nil {
		return err
	}
	counts, err := json.Marshal(c.Counts)
	if err != nil {
		return err
	}
	metas := map[string][]byte{
		MetaSchema:  []byte(strconv.Itoa(SchemaVersion)),
		MetaCodec:   []byte(CodecZstd),
		MetaBuiltAt: []byte(c.BuiltAt.UTC().Format(time.RFC3339Nano)),
		MetaSources: sources,
		MetaCounts:  counts,
	}
	if err := putSorted(meta, metas); err != nil {
		return err
	}
	adv, err := tx.CreateBucket([]byte(BucketAdv))
	if err != nil {
		return err
	}
	if err := putSorted(adv, c.Records); err != nil {
		return err
	}
	idx, err := tx.CreateBucket([]byte(BucketIdx))
	if err != nil {
		return err
	}
	keys := sortedKeys(c.Index)
	idx.FillPercent = 1
	for _, k := range keys {
		// A fresh slice each time: bbolt keeps the value until commit.
		if err := idx.Put([]byte(k), AppendIDs(nil, c.Index[k])); err != nil {
			return fmt.Errorf("index %q: %w", k, err)
		}
	}
	return nil
}

func putSorted(b *bolt.Bucket, m map[string][]byte) error {
	b.FillPercent = 1
	for _, k := range sortedKeys(m) {
		if err := b.Put([]byte(k), m[k]); err != nil {
			return fmt.Errorf("key %q: %w", k, err)
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
