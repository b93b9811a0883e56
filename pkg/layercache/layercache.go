// Package layercache stores per-layer inventories under a key made of the
// layer's diff ID and the extractor set's versions, so that a layer is
// analysed once however many images share it.
package layercache

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
	bolt "go.etcd.io/bbolt"

	"github.com/drydockhq/drydock/pkg/model"
)

// ErrNotFound is returned by Get when the cache has no entry for the key.
var ErrNotFound = errors.New("layer not in cache")

// Key identifies a cached layer inventory.
type Key string

// formatVersion is bumped when the stored encoding changes.
const formatVersion = 1

// KeyFor returns the cache key of a layer analysed by an extractor set
// (extract.Set.Key()) with the given options digest.
func KeyFor(diffID model.Digest, setKey, options string) Key {
	h := sha256.New()
	fmt.Fprintf(h, "drydock-layer-v%d\x00%s\x00%s\x00%s", formatVersion, diffID, setKey, options)
	return Key(hex.EncodeToString(h.Sum(nil)))
}

// Cache stores layer inventories.
type Cache interface {
	Get(ctx context.Context, k Key) (*model.LayerInventory, error)
	Put(ctx context.Context, k Key, inv *model.LayerInventory) error
}

var bucket = []byte("layers")

// Bolt is a Cache in a bbolt file. It is safe for concurrent use; other
// processes wait up to the lock timeout for the file.
type Bolt struct {
	db      *bolt.DB
	dec     *zstd.Decoder
	encOnce sync.Once
	enc     *zstd.Encoder
}

var _ Cache = (*Bolt)(nil)

// FileName is the cache file inside the cache directory.
const FileName = "layers.db"

// OpenBolt opens (creating if needed) the cache in dir.
func OpenBolt(dir string) (*Bolt, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating cache dir: %w", err)
	}
	p := filepath.Join(dir, FileName)
	db, err := bolt.Open(p, 0o600, &bolt.Options{Timeout: 10 * time.Second, NoFreelistSync: true})
	if err != nil {
		return nil, fmt.Errorf("opening layer cache %s: %w", p, err)
	}
	// A read transaction is enough when the bucket exists (every open but
	// the first): a write transaction would cost an fsync per scan.
	var exists bool
	_ = db.View(func(tx *bolt.Tx) error {
		exists = tx.Bucket(bucket) != nil
		return nil
	})
	if !exists {
		if err := db.Update(func(tx *bolt.Tx) error {
			_, err := tx.CreateBucketIfNotExists(bucket)
			return err
		}); err != nil {
			db.Close()
			return nil, fmt.Errorf("initialising layer cache %s: %w", p, err)
		}
	}
	dec, _ := zstd.NewReader(nil)
	return &Bolt{db: db, dec: dec}, nil
}

// encoder returns the zstd encoder, made on the first Put: a scan that
// finds every layer cached never needs one.
func (c *Bolt) encoder() *zstd.Encoder {
	c.encOnce.Do(func() {
		c.enc, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest))
	})
	return c.enc
}

// Get implements Cache.
func (c *Bolt) Get(_ context.Context, k Key) (*model.LayerInventory, error) {
	var raw []byte
	err := c.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucket).Get([]byte(k))
		if v == nil {
			return ErrNotFound
		}
		var err error
		raw, err = c.dec.DecodeAll(v, nil)
		return err
	})
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, err
		}
		return nil, fmt.Errorf("reading layer cache: %w", err)
	}
	var inv model.LayerInventory
	if err := json.Unmarshal(raw, &inv); err != nil {
		// A damaged entry is a miss, not a failure: the layer is analysed again.
		return nil, ErrNotFound
	}
	return &inv, nil
}

// Put implements Cache.
func (c *Bolt) Put(_ context.Context, k Key, inv *model.LayerInventory) error {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(inv); err != nil {
		return fmt.Errorf("encoding layer inventory: %w", err)
	}
	v := c.encoder().EncodeAll(buf.Bytes(), nil)
	if err := c.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).Put([]byte(k), v)
	}); err != nil {
		return fmt.Errorf("writing layer cache: %w", err)
	}
	return nil
}

// Len returns the number of cached layers.
func (c *Bolt) Len() (n int, err error) {
	err = c.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucket).Stats().KeyN
		return nil
	})
	return n, err
}

// Close closes the cache file.
func (c *Bolt) Close() error {
	c.dec.Close()
	return c.db.Close()
}

// Clean removes the cache file in dir.
func Clean(dir string) error {
	err := os.Remove(filepath.Join(dir, FileName))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing layer cache: %w", err)
	}
	return nil
}

// Memory is an in-memory Cache, for tests and one-off scans.
type Memory struct {
	mu sync.Mutex
	m  map[Key][]byte
}

var _ Cache = (*Memory)(nil)

// NewMemory returns an empty in-memory cache.
func NewMemory() *Memory { return &Memory{m: map[Key][]byte{}} }

// Get implements Cache.
func (c *Memory) Get(_ context.Context, k Key) (*model.LayerInventory, error) {
	c.mu.Lock()
	v, ok := c.m[k]
	c.mu.Unlock()
	if !ok {
		return nil, ErrNotFound
	}
	var inv model.LayerInventory
	if err := json.Unmarshal(v, &inv); err != nil {
		return nil, err
	}
	return &inv, nil
}

// Put implements Cache.
func (c *Memory) Put(_ context.Context, k Key, inv *model.LayerInventory) error {
	v, err := json.Marshal(inv)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.m[k] = v
	c.mu.Unlock()
	return nil
}
