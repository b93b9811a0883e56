package image

import (
	"archive/tar"
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/drydockhq/drydock/pkg/model"
)

// Docker-archives are read with a small adapter of our own rather than
// go-containerregistry's tarball package: `docker save` output records no
// blob digests, and tarball computes them by hashing every compressed layer
// when the image is opened — a full extra read of the image on every scan,
// even when every layer is in the layer cache. We index the archive's entries
// once (seeking past contents in plain tarballs), parse manifest.json and the
// config with go-containerregistry's types, and read a layer only when it is
// opened, verified against its diff ID.

// archiveEntry locates one file inside the archive.
type archiveEntry struct {
	offset int64 // of the content, in the uncompressed archive stream
	size   int64
}

// archiveManifest is one entry of a docker-archive manifest.json.
type archiveManifest struct {
	Config   string
	RepoTags []string
	Layers   []string
}

func openArchive(ref, p, tag string) (Image, error) {
	a := &archive{path: p}
	if err := a.index(); err != nil {
		return nil, fmt.Errorf("%s: reading docker-archive: %w", ref, err)
	}
	var mf []archiveManifest
	if err := a.readJSON("manifest.json", &mf); err != nil {
		return nil, fmt.Errorf("%s: reading docker-archive manifest.json: %w", ref, err)
	}
	m, err := pickArchiveImage(mf, p, tag)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	raw, err := a.readFile(m.Config)
	if err != nil {
		return nil, fmt.Errorf("%s: reading image config %s: %w", ref, m.Config, err)
	}
	var cfg v1.ConfigFile
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return nil, fmt.Errorf("%s: parsing image config %s: %w", ref, m.Config, err)
	}
	if len(m.Layers) != len(cfg.RootFS.DiffIDs) {
		return nil, fmt.Errorf("%s: manifest.json lists %d layers but the config lists %d diff IDs", ref, len(m.Layers), len(cfg.RootFS.DiffIDs))
	}
	img := &ggcrImage{ref: ref, tags: m.RepoTags, config: &cfg, id: model.Digest(fmt.Sprintf("sha256:%x", sha256.Sum256(raw)))}
	history := layerHistory(&cfg)
	for i, lp := range m.Layers {
		e, ok := a.entries[path.Clean(lp)]
		if !ok {
			return nil, fmt.Errorf("%s: layer %s named in manifest.json is not in the archive", ref, lp)
		}
		l := &archiveLayer{a: a, name: path.Clean(lp), size: e.size, index: i, diffID: model.Digest(cfg.RootFS.DiffIDs[i].String()), digest: blobDigest(lp)}
		if i < len(history) {
			l.createdBy = history[i]
		}
		img.layers = append(img.layers, l)
	}
	return img, nil
}

func pickArchiveImage(mf []archiveManifest, p, tag string) (*archiveManifest, error) {
	if len(mf) == 0 {
		return nil, errors.New("manifest.json lists no image")
	}
	if tag == "" {
		if len(mf) > 1 {
			return nil, fmt.Errorf("the archive holds %d images (%s); pick one with docker-archive:%s:TAG", len(mf), archiveTags(mf), p)
		}
		return &mf[0], nil
	}
	want, err := name.NewTag(tag, name.WeakValidation)
	if err != nil {
		return nil, fmt.Errorf("bad tag %q: %w", tag, err)
	}
	for i := range mf {
		for _, rt := range mf[i].RepoTags {
			if t, err := name.NewTag(rt, name.WeakValidation); err == nil && t.String() == want.String() {
				return &mf[i], nil
			}
		}
	}
	return nil, fmt.Errorf("no image tagged %q in the archive (it holds %s)", tag, archiveTags(mf))
}

func archiveTags(mf []archiveManifest) string {
	var all []string
	for i, d := range mf {
		if len(d.RepoTags) == 0 {
			all = append(all, fmt.Sprintf("untagged #%d", i))
		}
		all = append(all, d.RepoTags...)
	}
	return strings.Join(all, ", ")
}

// blobDigest turns an OCI-style blob path ("blobs/sha256/<hex>") into a digest.
func blobDigest(p string) model.Digest {
	dir, hexd := path.Split(path.Clean(p))
	if path.Base(dir) == "sha256" && len(hexd) == 64 {
		return model.Digest("sha256:" + hexd)
	}
	return ""
}

// archive is a docker-archive file, plain or gzip/zstd-compressed.
type archive struct {
	path    string
	entries map[string]archiveEntry
}

// open returns the uncompressed archive stream and whether it can seek.
func (a *archive) open() (io.ReadCloser, bool, error) {
	f, err := os.Open(a.path)
	if err != nil {
		return nil, false, err
	}
	br := bufio.NewReader(f)
	magic, _ := br.Peek(4)
	switch {
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, false, fmt.Errorf("reading gzip: %w", err)
		}
		return readCloser{zr, f}, false, nil
	case len(magic) == 4 && string(magic) == "\x28\xb5\x2f\xfd":
		zr, err := zstd.NewReader(br)
		if err != nil {
			f.Close()
			return nil, false, fmt.Errorf("reading zstd: %w", err)
		}
		return readCloser{zr.IOReadCloser(), f}, false, nil
	}
	// Plain tar: rewind past what Peek buffered, and seek from here on.
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, false, err
	}
	return f, true, nil
}

// index records where each regular file's content starts.
func (a *archive) index() error {
	rc, _, err := a.open()
	if err != nil {
		return err
	}
	defer rc.Close()
	cr := &offsetReader{r: rc}
	if s, ok := rc.(io.Seeker); ok {
		cr.s = s
	}
	tr := tar.NewReader(cr)
	a.entries = map[string]archiveEntry{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if h.Typeflag == tar.TypeReg {
			a.entries[path.Clean(h.Name)] = archiveEntry{offset: cr.off, size: h.Size}
		}
	}
	if len(a.entries) == 0 {
		return errors.New("not a tar archive, or an empty one")
	}
	return nil
}

const maxArchiveJSON = 32 << 20

func (a *archive) readJSON(name string, v any) error {
	raw, err := a.readFile(name)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}

// readFile reads one small archive file (manifest, config) whole.
func (a *archive) readFile(name string) ([]byte, error) {
	if e := a.entries[path.Clean(name)]; e.size > maxArchiveJSON {
		return nil, fmt.Errorf("%s is %d bytes, too large", name, e.size)
	}
	rc, err := a.openEntry(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// openEntry returns the content of one archive file.
func (a *archive) openEntry(name string) (io.ReadCloser, error) {
	e, ok := a.entries[path.Clean(name)]
	if !ok {
		return nil, fmt.Errorf("%s not found in the archive", name)
	}
	rc, seekable, err := a.open()
	if err != nil {
		return nil, err
	}
	if seekable {
		if _, err := rc.(io.Seeker).Seek(e.offset, io.SeekStart); err != nil {
			rc.Close()
			return nil, err
		}
	} else if _, err := io.CopyN(io.Discard, rc, e.offset); err != nil {
		rc.Close()
		return nil, fmt.Errorf("seeking to %s: %w", name, err)
	}
	return readCloser{io.LimitReader(rc, e.size), rc}, nil
}

// offsetReader tracks the position of the tar reader in the stream; it
// forwards seeks so that tar skips contents of plain files without reading.
type offsetReader struct {
	r   io.Reader
	s   io.Seeker
	off int64
}

func (o *offsetReader) Read(p []byte) (int, error) {
	n, err := o.r.Read(p)
	o.off += int64(n)
	return n, err
}

func (o *offsetReader) Seek(offset int64, whence int) (int64, error) {
	if o.s == nil {
		return 0, errors.New("not seekable")
	}
	n, err := o.s.Seek(offset, whence)
	if err == nil {
		o.off = n
	}
	return n, err
}

type readCloser struct {
	io.Reader
	c io.Closer
}

func (r readCloser) Close() error {
	if c, ok := r.Reader.(io.Closer); ok {
		c.Close()
	}
	return r.c.Close()
}

// archiveLayer is one layer file inside a docker-archive.
type archiveLayer struct {
	a         *archive
	name      string
	size      int64
	index     int
	diffID    model.Digest
	digest    model.Digest
	createdBy string
}

func (l *archiveLayer) Index() int           { return l.index }
func (l *archiveLayer) DiffID() model.Digest { return l.diffID }
func (l *archiveLayer) Digest() model.Digest { return l.digest }
func (l *archiveLayer) Size() int64          { return l.size }
func (l *archiveLayer) CreatedBy() string    { return l.createdBy }

func (l *archiveLayer) Open(ctx context.Context) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rc, err := l.a.openEntry(l.name)
	if err != nil {
		return nil, fmt.Errorf("layer %s: opening: %w", l.diffID, err)
	}
	u, err := decompress(rc)
	if err != nil {
		rc.Close()
		return nil, fmt.Errorf("layer %s: %w", l.diffID, err)
	}
	return VerifyReader(u, l.diffID)
}

var _ Layer = (*archiveLayer)(nil)

// decompress sniffs gzip or zstd magic and returns the uncompressed stream;
// anything else is passed through as an uncompressed tar.
func decompress(rc io.ReadCloser) (io.ReadCloser, error) {
	br := bufio.NewReaderSize(rc, 64<<10)
	magic, _ := br.Peek(4)
	switch {
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("reading gzip: %w", err)
		}
		return readCloser{zr, rc}, nil
	case len(magic) == 4 && string(magic) == "\x28\xb5\x2f\xfd":
		zr, err := zstd.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("reading zstd: %w", err)
		}
		return readCloser{zr.IOReadCloser(), rc}, nil
	}
	return readCloser{br, rc}, nil
}
