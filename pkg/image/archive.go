package image

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// openArchive opens `docker save` output, plain or gzip/zstd-compressed. A
// multi-image archive needs tag to pick the image.
func openArchive(ref, path, tag string) (Image, error) {
	opener := archiveOpener(path)
	mf, err := tarball.LoadManifest(opener)
	if err != nil {
		return nil, fmt.Errorf("%s: reading docker-archive manifest.json: %w", ref, err)
	}
	if len(mf) == 0 {
		return nil, fmt.Errorf("%s: docker-archive manifest.json lists no image", ref)
	}
	var (
		want *name.Tag
		tags []string
	)
	if tag != "" {
		t, err := name.NewTag(tag, name.WeakValidation)
		if err != nil {
			return nil, fmt.Errorf("%s: bad tag %q: %w", ref, tag, err)
		}
		want = &t
		for _, d := range mf {
			for _, rt := range d.RepoTags {
				if rt2, err := name.NewTag(rt, name.WeakValidation); err == nil && rt2.String() == t.String() {
					tags = d.RepoTags
				}
			}
		}
		if tags == nil {
			return nil, fmt.Errorf("%s: no image tagged %q in the archive (it holds %s)", ref, tag, archiveTags(mf))
		}
	} else {
		if len(mf) > 1 {
			return nil, fmt.Errorf("%s: the archive holds %d images (%s); pick one with docker-archive:%s:TAG", ref, len(mf), archiveTags(mf), path)
		}
		tags = mf[0].RepoTags
	}
	img, err := tarball.Image(opener, want)
	if err != nil {
		return nil, fmt.Errorf("%s: opening docker-archive: %w", ref, err)
	}
	return fromV1(ref, img, tags)
}

func archiveTags(mf tarball.Manifest) string {
	var all []string
	for i, d := range mf {
		if len(d.RepoTags) == 0 {
			all = append(all, fmt.Sprintf("untagged #%d", i))
		}
		all = append(all, d.RepoTags...)
	}
	return strings.Join(all, ", ")
}

// archiveOpener opens the archive for each pass go-containerregistry makes
// over it, decompressing on the fly when the file is gzip or zstd. Plain
// tarballs stay seekable, so passes skip file contents without reading them.
func archiveOpener(path string) tarball.Opener {
	return func() (io.ReadCloser, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		br := bufio.NewReader(f)
		magic, _ := br.Peek(4)
		switch {
		case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
			zr, err := gzip.NewReader(br)
			if err != nil {
				f.Close()
				return nil, fmt.Errorf("reading gzip: %w", err)
			}
			return readCloser{zr, f}, nil
		case len(magic) == 4 && string(magic) == "\x28\xb5\x2f\xfd":
			zr, err := zstd.NewReader(br)
			if err != nil {
				f.Close()
				return nil, fmt.Errorf("reading zstd: %w", err)
			}
			return readCloser{zr.IOReadCloser(), f}, nil
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			f.Close()
			return nil, err
		}
		return f, nil
	}
}

type readCloser struct {
	io.Reader
	f *os.File
}

func (r readCloser) Close() error {
	if c, ok := r.Reader.(io.Closer); ok {
		c.Close()
	}
	return r.f.Close()
}
