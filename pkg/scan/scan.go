// Package scan is drydock's one orchestration entry point: it walks an
// image's layers (in parallel, each once, through the layer cache), squashes
// the layer inventories and assembles the report.
package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/image"
	"github.com/drydockhq/drydock/pkg/layercache"
	"github.com/drydockhq/drydock/pkg/model"
)

// Config configures a Scanner.
type Config struct {
	// Extractors run on every layer; required.
	Extractors extract.Set
	// Cache stores per-layer inventories; nil disables caching.
	Cache layercache.Cache
	// Walk tunes the layer walker.
	Walk extract.WalkOptions
	// Parallel bounds how many layers are read at once; 0 means the number
	// of CPUs.
	Parallel int
	// Logger receives debug messages; nil discards them.
	Logger *slog.Logger
	// Progress receives events from several goroutines at once; nil means none.
	Progress func(model.Progress)
	// ToolVersion is recorded in reports.
	ToolVersion string
	// Now returns the report time; nil means time.Now.
	Now func() time.Time
}

// Scanner scans images.
type Scanner struct {
	cfg    Config
	setKey string
}

// New returns a Scanner.
func New(cfg Config) (*Scanner, error) {
	if len(cfg.Extractors) == 0 {
		return nil, errors.New("scan: no extractors configured")
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = runtime.NumCPU()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Progress == nil {
		cfg.Progress = func(model.Progress) {}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Scanner{cfg: cfg, setKey: cfg.Extractors.Key()}, nil
}

// Scan reads the image's layers and returns its report (inventory only;
// matching is a later stage).
func (s *Scanner) Scan(ctx context.Context, img image.Image) (*model.Report, error) {
	layers := img.Layers()
	invs := make([]*model.LayerInventory, len(layers))
	cached := make([]bool, len(layers))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.cfg.Parallel)
	for i, l := range layers {
		g.Go(func() error {
			inv, hit, err := s.layer(gctx, l, len(layers))
			if err != nil {
				s.cfg.Progress(model.Progress{Layer: i, Layers: len(layers), DiffID: l.DiffID(), Done: true, Err: err})
				return fmt.Errorf("layer %d (%s): %w", i, l.DiffID(), err)
			}
			invs[i], cached[i] = inv, hit
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	inv := extract.Squash(invs)
	extract.Finalize(&inv)
	secrets, pii := extract.Content(invs)

	r := &model.Report{
		SchemaVersion: model.SchemaVersion,
		CreatedAt:     s.cfg.Now().UTC(),
		Tool:          model.Tool{Name: "drydock", Version: s.cfg.ToolVersion},
		Artifact: model.Artifact{
			Name:     img.Ref(),
			Type:     model.ArtifactImage,
			Digest:   img.Digest(),
			ImageID:  img.ID(),
			RepoTags: img.RepoTags(),
		},
		Inventory:    inv,
		Secrets:      secrets,
		PersonalData: pii,
	}
	if cfg := img.Config(); cfg != nil {
		r.Artifact.Platform = platform(cfg.OS, cfg.Architecture, cfg.Variant)
	}
	for i, l := range layers {
		r.Artifact.Layers = append(r.Artifact.Layers, model.Layer{
			Index: i, DiffID: l.DiffID(), Digest: l.Digest(), Size: l.Size(),
			CreatedBy: l.CreatedBy(), Cached: cached[i],
		})
		r.Status = append(r.Status, invs[i].Status...)
	}
	return r, nil
}

// ScanDir reads a directory tree — a source tree or an unpacked root file
// system — and returns its report. Directories are not cached: unlike a
// layer, a tree has no content address.
func (s *Scanner) ScanDir(ctx context.Context, dir string) (*model.Report, error) {
	start := time.Now()
	linv, err := extract.WalkDir(ctx, dir, s.cfg.Extractors, s.cfg.Walk)
	if err != nil {
		return nil, err
	}
	inv := extract.Squash([]*model.LayerInventory{linv})
	extract.Finalize(&inv)
	secrets, pii := extract.Content([]*model.LayerInventory{linv})
	s.cfg.Logger.Debug("directory scanned", "dir", dir, "files", len(linv.Files), "took", time.Since(start))
	return &model.Report{
		SchemaVersion: model.SchemaVersion,
		CreatedAt:     s.cfg.Now().UTC(),
		Tool:          model.Tool{Name: "drydock", Version: s.cfg.ToolVersion},
		Artifact:      model.Artifact{Name: dir, Type: model.ArtifactFilesystem},
		Inventory:     inv,
		Secrets:       secrets,
		PersonalData:  pii,
		Status:        linv.Status,
	}, nil
}

func platform(os, arch, variant string) string {
	if os == "" {
		return ""
	}
	p := os + "/" + arch
	if variant != "" {
		p += "/" + variant
	}
	return p
}

// layer returns a layer's inventory from the cache or by walking it.
func (s *Scanner) layer(ctx context.Context, l image.Layer, n int) (*model.LayerInventory, bool, error) {
	diffID := l.DiffID()
	key := layercache.KeyFor(diffID, s.setKey, s.optionsKey())
	if s.cfg.Cache != nil {
		inv, err := s.cfg.Cache.Get(ctx, key)
		switch {
		case err == nil:
			s.cfg.Logger.Debug("layer cache hit", "layer", diffID)
			s.cfg.Progress(model.Progress{Layer: l.Index(), Layers: n, DiffID: diffID, Done: true, Cached: true})
			return inv, true, nil
		case !errors.Is(err, layercache.ErrNotFound):
			s.cfg.Logger.Warn("layer cache read failed; analysing the layer", "layer", diffID, "err", err)
		}
	}
	rc, err := l.Open(ctx)
	if err != nil {
		return nil, false, err
	}
	defer rc.Close()
	cr := &countingReader{r: rc, report: func(b int64) {
		s.cfg.Progress(model.Progress{Layer: l.Index(), Layers: n, DiffID: diffID, Bytes: b})
	}}
	inv, err := extract.Walk(ctx, cr, diffID, s.cfg.Extractors, s.cfg.Walk)
	if err != nil {
		return nil, false, err
	}
	// Read the tar's trailing padding so the diff ID is verified.
	if _, err := io.Copy(io.Discard, cr); err != nil {
		return nil, false, err
	}
	s.cfg.Progress(model.Progress{Layer: l.Index(), Layers: n, DiffID: diffID, Bytes: cr.n, Done: true})
	if s.cfg.Cache != nil {
		if err := s.cfg.Cache.Put(ctx, key, inv); err != nil {
			s.cfg.Logger.Warn("layer cache write failed", "layer", diffID, "err", err)
		}
	}
	return inv, false, nil
}

// optionsKey folds the walk options that change results into the cache key.
func (s *Scanner) optionsKey() string {
	max := s.cfg.Walk.MaxFileSize
	if max <= 0 {
		max = extract.DefaultMaxFileSize
	}
	return fmt.Sprintf("maxfile=%d", max)
}

// countingReader reports progress every 4 MiB.
type countingReader struct {
	r      io.Reader
	n      int64
	next   int64
	report func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n >= c.next {
		c.report(c.n)
		c.next = c.n + 4<<20
	}
	return n, err
}
