// Package bundle moves a vulnerability DB to machines without network
// access: Export writes the DB file and a manifest (sizes, SHA-256 sums,
// schema version, build time) into a tar stream, optionally signed with
// Ed25519; Import checks all of it before it atomically replaces the local
// DB, so a corrupt, truncated, tampered or unsigned bundle leaves the old DB
// in place.
//
// Bundle layout (a plain, uncompressed tar; the DB's records are already
// compressed):
//
//	manifest.json   Manifest
//	manifest.sig    optional: Ed25519 signature of the exact manifest.json bytes
//	vuln.db         the DB file
package bundle

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/drydockhq/drydock/pkg/vulndb"
)

// FormatVersion is the version of the bundle layout.
const FormatVersion = 1

// Member names.
const (
	ManifestName  = "manifest.json"
	SignatureName = "manifest.sig"
	DBName        = "vuln.db"
)

// maxManifest bounds the manifest's size.
const maxManifest = 1 << 20

// ErrInvalid is wrapped by every error about a bundle that is refused.
var ErrInvalid = errors.New("invalid vulnerability DB bundle")

// Manifest describes a bundle.
type Manifest struct {
	Format        int       `json:"format"`
	SchemaVersion int       `json:"schemaVersion"`
	BuiltAt       time.Time `json:"builtAt"`
	Files         []File    `json:"files"`
}

// File is one member of a bundle.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Export writes a bundle of the DB file at dbPath to w. With a non-nil
// signer the manifest is signed. The DB is verified first (vulndb
// DB.Verify): a damaged DB is not exported.
func Export(ctx context.Context, dbPath string, w io.Writer, signer ed25519.PrivateKey) error {
	db, err := vulndb.Open(dbPath)
	if err != nil {
		return fmt.Errorf("exporting bundle: %w", err)
	}
	info, err := db.Info(ctx)
	if err == nil {
		err = db.Verify(ctx)
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("exporting bundle of %s: %w", dbPath, err)
	}
	f, err := os.Open(dbPath)
	if err != nil {
		return fmt.Errorf("exporting bundle: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	size, err := io.Copy(h, f)
	if err != nil {
		return fmt.Errorf("reading %s: %w", dbPath, err)
	}
	m := Manifest{
		Format:        FormatVersion,
		SchemaVersion: info.SchemaVersion,
		BuiltAt:       info.BuiltAt,
		Files:         []File{{Name: DBName, Size: size, SHA256: hex.EncodeToString(h.Sum(nil))}},
	}
	mjson, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding manifest: %w", err)
	}
	tw := tar.NewWriter(w)
	mtime := info.BuiltAt
	put := func(name string, size int64, r io.Reader) error {
		hdr := &tar.Header{Name: name, Mode: 0o644, Size: size, ModTime: mtime, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		_, err := io.Copy(tw, r)
		return err
	}
	if err := put(ManifestName, int64(len(mjson)), bytes.NewReader(mjson)); err != nil {
		return fmt.Errorf("writing bundle: %w", err)
	}
	if signer != nil {
		if len(signer) != ed25519.PrivateKeySize {
			return fmt.Errorf("exporting bundle: bad Ed25519 private key (%d bytes)", len(signer))
		}
		sig := ed25519.Sign(signer, mjson)
		if err := put(SignatureName, int64(len(sig)), bytes.NewReader(sig)); err != nil {
			return fmt.Errorf("writing bundle: %w", err)
		}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("reading %s: %w", dbPath, err)
	}
	if err := put(DBName, size, &ctxReader{ctx, f}); err != nil {
		return fmt.Errorf("writing bundle: %w", err)
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("writing bundle: %w", err)
	}
	return nil
}

// ImportOptions configure Import.
type ImportOptions struct {
	// TrustedKeys verify the manifest signature; one must match.
	TrustedKeys []ed25519.PublicKey
	// RequireSignature refuses unsigned bundles.
	RequireSignature bool
}

// Import reads a bundle from r and, when everything checks out, installs its
// DB at destPath, replacing any DB there with an atomic rename. It checks:
// the tar structure (only the known members, each once), the manifest
// format and schema version, the signature (required when
// RequireSignature; checked whenever present and keys are given), the DB's
// size and SHA-256, and that the DB opens. On any failure the file at
// destPath is untouched and the error wraps ErrInvalid (or the I/O error).
func Import(ctx context.Context, r io.Reader, destPath string, opts ImportOptions) (*Manifest, error) {
	if opts.RequireSignature && len(opts.TrustedKeys) == 0 {
		return nil, errors.New("importing bundle: a signature is required but no trusted keys are given")
	}
	dir := filepath.Dir(destPath)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(destPath)+".import-*")
	if err != nil {
		return nil, fmt.Errorf("importing bundle: %w", err)
	}
	tmpName := tmp.Name()
	installed := false
	defer func() {
		tmp.Close()
		if !installed {
			os.Remove(tmpName)
		}
	}()

	m, err := readBundle(ctx, r, tmp, opts)
	if err != nil {
		return nil, fmt.Errorf("importing bundle: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return nil, fmt.Errorf("importing bundle: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("importing bundle: %w", err)
	}
	db, err := vulndb.Open(tmpName)
	if err != nil {
		return nil, fmt.Errorf("importing bundle: %w: %w", ErrInvalid, err)
	}
	info, err := db.Info(ctx)
	db.Close()
	if err != nil {
		return nil, fmt.Errorf("importing bundle: %w", err)
	}
	if !info.BuiltAt.Equal(m.BuiltAt) {
		return nil, fmt.Errorf("importing bundle: %w: DB built at %s, manifest says %s", ErrInvalid, info.BuiltAt, m.BuiltAt)
	}
	if err := os.Chmod(tmpName, 0o644); err != nil {
		return nil, fmt.Errorf("importing bundle: %w", err)
	}
	if err := os.Rename(tmpName, destPath); err != nil {
		return nil, fmt.Errorf("installing %s: %w", destPath, err)
	}
	installed = true
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return m, nil
}

// readBundle reads and checks the members, writing the DB to dst.
func readBundle(ctx context.Context, r io.Reader, dst io.Writer, opts ImportOptions) (*Manifest, error) {
	tr := tar.NewReader(r)
	var (
		mjson, sig []byte
		m          *Manifest
		dbDone     bool
	)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: reading tar: %w (truncated or not a bundle?)", ErrInvalid, err)
		}
		if hdr.Typeflag != tar.TypeReg {
			return nil, fmt.Errorf("%w: unexpected member %q of type %c", ErrInvalid, hdr.Name, hdr.Typeflag)
		}
		switch hdr.Name {
		case ManifestName:
			if mjson != nil {
				return nil, fmt.Errorf("%w: two manifests", ErrInvalid)
			}
			if mjson, err = readSmall(tr, hdr, maxManifest); err != nil {
				return nil, err
			}
			if m, err = parseManifest(mjson); err != nil {
				return nil, err
			}
		case SignatureName:
			if sig != nil || mjson == nil {
				return nil, fmt.Errorf("%w: %s must follow %s, once", ErrInvalid, SignatureName, ManifestName)
			}
			if sig, err = readSmall(tr, hdr, ed25519.SignatureSize); err != nil {
				return nil, err
			}
		case DBName:
			if m == nil || dbDone {
				return nil, fmt.Errorf("%w: %s must follow %s, once", ErrInvalid, DBName, ManifestName)
			}
			// Check the signature before spending time on the DB.
			if err := checkSignature(mjson, sig, opts); err != nil {
				return nil, err
			}
			if err := copyChecked(ctx, dst, tr, hdr, m.Files[0]); err != nil {
				return nil, err
			}
			dbDone = true
		default:
			return nil, fmt.Errorf("%w: unexpected member %q", ErrInvalid, hdr.Name)
		}
	}
	if m == nil {
		return nil, fmt.Errorf("%w: no %s", ErrInvalid, ManifestName)
	}
	if !dbDone {
		return nil, fmt.Errorf("%w: no %s (truncated?)", ErrInvalid, DBName)
	}
	return m, nil
}

func readSmall(tr *tar.Reader, hdr *tar.Header, limit int64) ([]byte, error) {
	if hdr.Size > limit {
		return nil, fmt.Errorf("%w: %s is %d bytes, at most %d expected", ErrInvalid, hdr.Name, hdr.Size, limit)
	}
	b, err := io.ReadAll(tr)
	if err != nil {
		return nil, fmt.Errorf("%w: reading %s: %w", ErrInvalid, hdr.Name, err)
	}
	return b, nil
}

func parseManifest(b []byte) (*Manifest, error) {
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: decoding manifest: %w", ErrInvalid, err)
	}
	switch {
	case m.Format != FormatVersion:
		return nil, fmt.Errorf("%w: bundle format %d, this drydock reads format %d", ErrInvalid, m.Format, FormatVersion)
	case m.SchemaVersion != vulndb.SchemaVersion:
		return nil, fmt.Errorf("%w: %w: bundle holds a schema %d DB, this drydock reads schema %d", ErrInvalid, vulndb.ErrSchema, m.SchemaVersion, vulndb.SchemaVersion)
	case len(m.Files) != 1 || m.Files[0].Name != DBName || m.Files[0].Size <= 0 || len(m.Files[0].SHA256) != sha256.Size*2:
		return nil, fmt.Errorf("%w: manifest must list exactly %s with its size and sha256", ErrInvalid, DBName)
	}
	return &m, nil
}

func checkSignature(mjson, sig []byte, opts ImportOptions) error {
	if sig == nil {
		if opts.RequireSignature {
			return fmt.Errorf("%w: bundle is not signed and a signature is required", ErrInvalid)
		}
		return nil
	}
	if len(opts.TrustedKeys) == 0 {
		return nil // signed, but the caller trusts no key: nothing to check against
	}
	for _, k := range opts.TrustedKeys {
		if len(k) == ed25519.PublicKeySize && ed25519.Verify(k, mjson, sig) {
			return nil
		}
	}
	return fmt.Errorf("%w: manifest signature does not match any trusted key", ErrInvalid)
}

func copyChecked(ctx context.Context, dst io.Writer, tr *tar.Reader, hdr *tar.Header, want File) error {
	if hdr.Size != want.Size {
		return fmt.Errorf("%w: %s is %d bytes, manifest says %d", ErrInvalid, hdr.Name, hdr.Size, want.Size)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(dst, h), &ctxReader{ctx, tr})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%w: reading %s: %w (truncated?)", ErrInvalid, hdr.Name, err)
	}
	if n != want.Size {
		return fmt.Errorf("%w: %s: read %d bytes, manifest says %d (truncated?)", ErrInvalid, hdr.Name, n, want.Size)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want.SHA256 {
		return fmt.Errorf("%w: %s: sha256 %s, manifest says %s", ErrInvalid, hdr.Name, got, want.SHA256)
	}
	return nil
}

// ctxReader stops reading once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
