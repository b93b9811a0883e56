// Package image opens container images from registries, docker-archive
// tarballs and OCI layout directories through go-containerregistry, and
// exposes them as plain values: manifest and config are resolved once when
// the image is opened, so getters cannot fail.
package image

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/drydockhq/drydock/pkg/model"
)

// Image is an opened container image.
type Image interface {
	// Ref is the reference the image was opened from.
	Ref() string
	// Digest is the manifest digest ("" when the source has none).
	Digest() model.Digest
	// ID is the digest of the config blob.
	ID() model.Digest
	// RepoTags are the tags the source knows the image by.
	RepoTags() []string
	// Config is the image configuration (user, env, history, ...).
	Config() *v1.ConfigFile
	// Layers are the image's layers, base first.
	Layers() []Layer
	Close() error
}

// Layer is one layer of an image.
type Layer interface {
	Index() int
	// DiffID is the digest of the uncompressed layer: its cache identity.
	DiffID() model.Digest
	// Digest is the digest of the layer blob as stored.
	Digest() model.Digest
	// Size is the size of the stored (usually compressed) blob.
	Size() int64
	// CreatedBy is the history entry that made the layer, if known.
	CreatedBy() string
	// Open returns the uncompressed tar stream. Reading it to EOF verifies
	// the content against DiffID: a mismatch is returned as an error by the
	// final Read.
	Open(ctx context.Context) (io.ReadCloser, error)
}

// Options tunes Open.
type Options struct {
	// Platform selects the image of a multi-arch index; nil means linux/amd64.
	Platform *v1.Platform
	// Insecure allows plain HTTP to registries that are not on loopback.
	Insecure bool
	// Keychain resolves registry credentials; nil means the default keychain
	// (docker config, credential helpers).
	Keychain authn.Keychain
	// Transport is the HTTP transport for registries; nil means the default.
	Transport http.RoundTripper
}

// DefaultPlatform is the platform picked from multi-arch images by default.
var DefaultPlatform = v1.Platform{OS: "linux", Architecture: "amd64"}

func (o Options) platform() v1.Platform {
	if o.Platform != nil {
		return *o.Platform
	}
	return DefaultPlatform
}

// ErrUnsupported is returned for references no source can open.
var ErrUnsupported = errors.New("unsupported image reference")

// Open opens the image named by ref:
//
//	docker-archive:PATH[:TAG]   `docker save` output, optionally gzip-compressed
//	oci:DIR[:TAG]               OCI image layout (also oci-layout:)
//	registry:REF, docker://REF  an image in a registry
//	PATH                        a file (docker-archive) or OCI layout directory
//	REF                         otherwise, a registry reference
func Open(ctx context.Context, ref string, opts Options) (Image, error) {
	scheme, rest, hasScheme := strings.Cut(ref, ":")
	if hasScheme {
		switch scheme {
		case "docker-archive":
			p, tag := splitPathRef(rest, isFile)
			return openArchive(ref, p, tag)
		case "oci", "oci-layout":
			p, tag := splitPathRef(rest, isDir)
			return openLayout(ref, p, tag, opts)
		case "registry":
			return openRegistry(ctx, ref, rest, opts)
		case "docker":
			return openRegistry(ctx, ref, strings.TrimPrefix(rest, "//"), opts)
		}
	}
	if fi, err := os.Stat(ref); err == nil {
		if fi.IsDir() {
			if _, err := os.Stat(filepath.Join(ref, "oci-layout")); err == nil {
				return openLayout(ref, ref, "", opts)
			}
			return nil, fmt.Errorf("%w: %s is a directory without an oci-layout file", ErrUnsupported, ref)
		}
		return openArchive(ref, ref, "")
	}
	return openRegistry(ctx, ref, ref, opts)
}

// splitPathRef splits "path[:tag]" where the path itself may hold colons: the
// shortest prefix that exists (as exists says) is the path.
func splitPathRef(s string, exists func(string) bool) (p, tag string) {
	if exists(s) {
		return s, ""
	}
	for i := 0; i < len(s); i++ {
		if s[i] == ':' && exists(s[:i]) {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// ggcrImage adapts a go-containerregistry image.
type ggcrImage struct {
	ref    string
	digest model.Digest
	id     model.Digest
	tags   []string
	config *v1.ConfigFile
	layers []Layer
	close  func() error
}

func (i *ggcrImage) Ref() string            { return i.ref }
func (i *ggcrImage) Digest() model.Digest   { return i.digest }
func (i *ggcrImage) ID() model.Digest       { return i.id }
func (i *ggcrImage) RepoTags() []string     { return i.tags }
func (i *ggcrImage) Config() *v1.ConfigFile { return i.config }
func (i *ggcrImage) Layers() []Layer        { return i.layers }
func (i *ggcrImage) Close() error {
	if i.close != nil {
		return i.close()
	}
	return nil
}

var _ Image = (*ggcrImage)(nil)

// fromV1 resolves a go-containerregistry image eagerly.
func fromV1(ref string, img v1.Image, tags []string) (*ggcrImage, error) {
	out := &ggcrImage{ref: ref, tags: tags}
	if mt, err := img.MediaType(); err == nil && !mt.IsImage() && mt != "" {
		return nil, fmt.Errorf("%s: manifest media type %q is not an image", ref, mt)
	}
	if d, err := img.Digest(); err == nil {
		out.digest = model.Digest(d.String())
	}
	id, err := img.ConfigName()
	if err != nil {
		return nil, fmt.Errorf("%s: reading config digest: %w", ref, err)
	}
	out.id = model.Digest(id.String())
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("%s: reading image config: %w", ref, err)
	}
	out.config = cfg
	ls, err := img.Layers()
	if err != nil {
		return nil, fmt.Errorf("%s: reading layers: %w", ref, err)
	}
	if len(ls) != len(cfg.RootFS.DiffIDs) {
		return nil, fmt.Errorf("%s: manifest has %d layers but config lists %d diff IDs", ref, len(ls), len(cfg.RootFS.DiffIDs))
	}
	history := layerHistory(cfg)
	for i, l := range ls {
		gl := &ggcrLayer{index: i, layer: l, diffID: model.Digest(cfg.RootFS.DiffIDs[i].String())}
		if d, err := l.Digest(); err == nil {
			gl.digest = model.Digest(d.String())
		}
		if s, err := l.Size(); err == nil {
			gl.size = s
		}
		if i < len(history) {
			gl.createdBy = history[i]
		}
		out.layers = append(out.layers, gl)
	}
	return out, nil
}

// layerHistory returns the created_by of the history entries that made a
// layer, in layer order.
func layerHistory(cfg *v1.ConfigFile) []string {
	var out []string
	for _, h := range cfg.History {
		if !h.EmptyLayer {
			out = append(out, h.CreatedBy)
		}
	}
	return out
}

type ggcrLayer struct {
	index     int
	layer     v1.Layer
	diffID    model.Digest
	digest    model.Digest
	size      int64
	createdBy string
}

func (l *ggcrLayer) Index() int           { return l.index }
func (l *ggcrLayer) DiffID() model.Digest { return l.diffID }
func (l *ggcrLayer) Digest() model.Digest { return l.digest }
func (l *ggcrLayer) Size() int64          { return l.size }
func (l *ggcrLayer) CreatedBy() string    { return l.createdBy }

func (l *ggcrLayer) Open(ctx context.Context) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	mt, err := l.layer.MediaType()
	if err == nil && !isLayerMediaType(string(mt)) {
		return nil, fmt.Errorf("layer %s: unsupported media type %q", l.diffID, mt)
	}
	rc, err := l.layer.Uncompressed()
	if err != nil {
		return nil, fmt.Errorf("layer %s: opening: %w", l.diffID, err)
	}
	return VerifyReader(rc, l.diffID)
}

var _ Layer = (*ggcrLayer)(nil)

func isLayerMediaType(mt string) bool {
	switch {
	case strings.HasPrefix(mt, "application/vnd.oci.image.layer."),
		strings.HasPrefix(mt, "application/vnd.docker.image.rootfs."),
		mt == "application/vnd.docker.image.rootfs.diff.tar":
		return true
	}
	return false
}

// VerifyReader wraps rc so that reading it to EOF checks its SHA-256 against
// want; a mismatch makes the final Read return an error instead of io.EOF.
func VerifyReader(rc io.ReadCloser, want model.Digest) (io.ReadCloser, error) {
	algo, hexd, ok := strings.Cut(string(want), ":")
	if !ok || algo != "sha256" || len(hexd) != 64 {
		rc.Close()
		return nil, fmt.Errorf("unsupported diff ID %q", want)
	}
	return &verifier{rc: rc, h: sha256.New(), want: hexd}, nil
}

type verifier struct {
	rc   io.ReadCloser
	h    hash.Hash
	want string
}

func (v *verifier) Read(p []byte) (int, error) {
	n, err := v.rc.Read(p)
	v.h.Write(p[:n])
	if err == io.EOF {
		if got := hex.EncodeToString(v.h.Sum(nil)); got != v.want {
			return n, fmt.Errorf("diff ID mismatch: content is sha256:%s, config says sha256:%s", got, v.want)
		}
	}
	return n, err
}

func (v *verifier) Close() error { return v.rc.Close() }
