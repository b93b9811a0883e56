// Package update refreshes the vulnerability DB from the network: either
// the public OSV per-ecosystem exports (or a mirror of them), rebuilt
// locally with ingest.Build, or a ready DB bundle served by a regional
// node, verified with bundle.Import. Either way the new DB replaces the old
// one with an atomic rename, so a failed or interrupted update leaves the
// old DB in place and usable.
package update

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/drydockhq/drydock/pkg/vulndb/bundle"
	"github.com/drydockhq/drydock/pkg/vulndb/ingest"
)

// DefaultMirror is the public OSV export bucket: <mirror>/<ecosystem>/all.zip.
const DefaultMirror = "https://osv-vulnerabilities.storage.googleapis.com"

// DefaultEcosystems are the OSV ecosystems drydock matches.
func DefaultEcosystems() []string {
	return []string{
		"Debian", "Ubuntu", "Alpine", "AlmaLinux", "Rocky Linux", "Red Hat", "SUSE",
		"Go", "npm", "PyPI", "Maven", "RubyGems", "crates.io", "Packagist", "NuGet",
	}
}

// MaxDownload bounds one download; the largest OSV export (Debian) is a
// few hundred MB.
const MaxDownload = 2 << 30

// ErrFetch is wrapped by errors that come from reaching the source (DNS,
// connection, HTTP status), as opposed to data that arrived and was refused.
// Callers may fall back to the DB they have on ErrFetch, never on a refused
// bundle.
var ErrFetch = errors.New("cannot fetch vulnerability data")

// Options configure Update.
type Options struct {
	// DBPath is the DB file to replace.
	DBPath string
	// Bundle, when set, is the URL of a DB bundle (drydock db export) to
	// install instead of building from OSV exports: http(s)://… or a
	// local path.
	Bundle string
	// TrustedKeys verify a bundle's signature; RequireSignature refuses
	// unsigned bundles.
	TrustedKeys      []ed25519.PublicKey
	RequireSignature bool
	// Mirror is the base URL of the OSV exports; "" means DefaultMirror.
	Mirror string
	// Ecosystems to fetch from the mirror; nil means DefaultEcosystems.
	Ecosystems []string
	// Client makes the requests; nil means a client with a 10-minute
	// timeout.
	Client *http.Client
	// TempDir holds downloads while the DB is built; "" means the DB's
	// directory.
	TempDir string
	Logger  *slog.Logger
	// Now gives the build time; nil means time.Now.
	Now func() time.Time
}

// Result says what an update did.
type Result struct {
	// Source is the bundle URL or the mirror.
	Source string
	// Downloaded is the number of bytes fetched.
	Downloaded int64
	// Manifest is set for a bundle update.
	Manifest *bundle.Manifest
	// Build is set for an update from OSV exports.
	Build *ingest.Report
}

// Update fetches and installs a new DB.
func Update(ctx context.Context, opts Options) (*Result, error) {
	if opts.DBPath == "" {
		return nil, errors.New("update: no DB path")
	}
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 10 * time.Minute}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(filepath.Dir(opts.DBPath), 0o700); err != nil {
		return nil, fmt.Errorf("creating DB dir: %w", err)
	}
	if opts.Bundle != "" {
		return fromBundle(ctx, opts)
	}
	return fromMirror(ctx, opts)
}

func fromBundle(ctx context.Context, opts Options) (*Result, error) {
	body, err := open(ctx, opts.Client, opts.Bundle)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	cr := &countingReader{r: io.LimitReader(body, MaxDownload)}
	m, err := bundle.Import(ctx, cr, opts.DBPath, bundle.ImportOptions{TrustedKeys: opts.TrustedKeys, RequireSignature: opts.RequireSignature})
	if err != nil {
		return nil, err
	}
	return &Result{Source: opts.Bundle, Downloaded: cr.n, Manifest: m}, nil
}

func fromMirror(ctx context.Context, opts Options) (*Result, error) {
	mirror := strings.TrimSuffix(opts.Mirror, "/")
	if mirror == "" {
		mirror = DefaultMirror
	}
	ecos := opts.Ecosystems
	if ecos == nil {
		ecos = DefaultEcosystems()
	}
	if len(ecos) == 0 {
		return nil, errors.New("update: no ecosystems to fetch")
	}
	tmpParent := opts.TempDir
	if tmpParent == "" {
		tmpParent = filepath.Dir(opts.DBPath)
	}
	tmp, err := os.MkdirTemp(tmpParent, ".drydock-update-")
	if err != nil {
		return nil, fmt.Errorf("update: %w", err)
	}
	defer os.RemoveAll(tmp)

	res := &Result{Source: mirror}
	var inputs []string
	for _, eco := range ecos {
		u := mirror + "/" + url.PathEscape(eco) + "/all.zip"
		dst := filepath.Join(tmp, "osv-"+strings.NewReplacer(" ", "-", "/", "-").Replace(eco)+".zip")
		n, err := download(ctx, opts.Client, u, dst)
		res.Downloaded += n
		if err != nil {
			return nil, err
		}
		opts.Logger.Debug("downloaded OSV export", "ecosystem", eco, "bytes", n)
		inputs = append(inputs, dst)
	}
	rep, err := ingest.Build(ctx, opts.DBPath, inputs, ingest.Options{Logger: opts.Logger, Now: opts.Now})
	if err != nil {
		return nil, fmt.Errorf("update: building DB: %w", err)
	}
	res.Build = rep
	return res, nil
}

// open returns the body of an http(s) URL or a local file.
func open(ctx context.Context, c *http.Client, src string) (io.ReadCloser, error) {
	if !strings.HasPrefix(src, "http://") && !strings.HasPrefix(src, "https://") {
		f, err := os.Open(strings.TrimPrefix(src, "file://"))
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrFetch, err)
		}
		return f, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return nil, fmt.Errorf("update: %w", err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFetch, err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("%w: GET %s: %s", ErrFetch, src, resp.Status)
	}
	return resp.Body, nil
}

// download writes the body of u to dst and returns its size.
func download(ctx context.Context, c *http.Client, u, dst string) (int64, error) {
	body, err := open(ctx, c, u)
	if err != nil {
		return 0, err
	}
	defer body.Close()
	f, err := os.Create(dst)
	if err != nil {
		return 0, fmt.Errorf("update: %w", err)
	}
	n, err := io.Copy(f, io.LimitReader(body, MaxDownload+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, fmt.Errorf("%w: reading %s: %w", ErrFetch, u, err)
	}
	if n > MaxDownload {
		return n, fmt.Errorf("update: %s is larger than %d bytes", u, int64(MaxDownload))
	}
	return n, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
