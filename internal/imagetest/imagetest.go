// Package imagetest builds real container images for tests: layers from
// directories (a debootstrap rootfs), from the difference of two directories
// (what a RUN step changed, with whiteouts for deletions), or from explicit
// tar entries (hostile inputs); images from layers; docker-archives and OCI
// layouts from images. Everything goes through go-containerregistry, the
// same library that reads the images back.
package imagetest

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"syscall"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Entry is one tar entry of a synthetic layer.
type Entry struct {
	Name     string
	Type     byte // tar.TypeReg when 0
	Body     string
	Linkname string
	Mode     int64
	Size     int64 // overrides len(Body) in the header when set (for lying headers)
}

// TarBytes renders entries as an uncompressed tar stream.
func TarBytes(entries []Entry) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.Name, Typeflag: e.Type, Linkname: e.Linkname, Mode: e.Mode, ModTime: time.Unix(0, 0)}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(e.Body))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := io.WriteString(tw, e.Body); err != nil {
				return nil, err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// LayerFromTar makes a gzip-compressed layer from an uncompressed tar stream.
func LayerFromTar(data []byte) (v1.Layer, error) {
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	})
}

// LayerFromEntries makes a layer from explicit entries.
func LayerFromEntries(entries []Entry) (v1.Layer, error) {
	data, err := TarBytes(entries)
	if err != nil {
		return nil, err
	}
	return LayerFromTar(data)
}

// LayerFromDir makes a layer holding every file below dir.
func LayerFromDir(dir string) (v1.Layer, error) {
	return LayerFromDiff("", dir)
}

// LayerFromDiff makes the layer that turns the tree at oldDir into the tree at
// newDir: new and changed entries, and whiteouts for deleted ones. oldDir ""
// means an empty tree. Symlinks are stored as links, never followed.
func LayerFromDiff(oldDir, newDir string) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	newEntries, err := listTree(newDir)
	if err != nil {
		return nil, err
	}
	var oldEntries map[string]fs.FileInfo
	if oldDir != "" {
		if oldEntries, err = listTree(oldDir); err != nil {
			return nil, err
		}
	}
	names := make([]string, 0, len(newEntries))
	for n := range newEntries {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fi := newEntries[n]
		if old, ok := oldEntries[n]; ok && same(old, fi) {
			continue
		}
		if err := addEntry(tw, newDir, n, fi); err != nil {
			return nil, fmt.Errorf("adding %s: %w", n, err)
		}
	}
	// Whiteouts for deleted entries whose parent still exists.
	var deleted []string
	for n := range oldEntries {
		if _, ok := newEntries[n]; !ok {
			if _, parentGone := oldEntries[path.Dir(n)]; parentGone && path.Dir(n) != "." {
				if _, parentKept := newEntries[path.Dir(n)]; !parentKept {
					continue // the parent's whiteout covers it
				}
			}
			deleted = append(deleted, n)
		}
	}
	sort.Strings(deleted)
	for _, n := range deleted {
		wh := path.Join(path.Dir(n), ".wh."+path.Base(n))
		if err := tw.WriteHeader(&tar.Header{Name: wh, Typeflag: tar.TypeReg, Mode: 0o644, ModTime: time.Unix(0, 0)}); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return LayerFromTar(buf.Bytes())
}

func same(a, b fs.FileInfo) bool {
	return a.Mode() == b.Mode() && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

func listTree(root string) (map[string]fs.FileInfo, error) {
	out := map[string]fs.FileInfo{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil || rel == "." {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		out[filepath.ToSlash(rel)] = fi
		return nil
	})
	return out, err
}

func addEntry(tw *tar.Writer, root, name string, fi fs.FileInfo) error {
	link := ""
	if fi.Mode()&fs.ModeSymlink != 0 {
		l, err := os.Readlink(filepath.Join(root, name))
		if err != nil {
			return err
		}
		link = l
	}
	h, err := tar.FileInfoHeader(fi, link)
	if err != nil {
		return err
	}
	h.Name = name
	if fi.IsDir() {
		h.Name += "/"
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		h.Uid, h.Gid = int(st.Uid), int(st.Gid)
	}
	h.Uname, h.Gname = "", ""
	if h.Typeflag == tar.TypeChar || h.Typeflag == tar.TypeBlock || h.Typeflag == tar.TypeFifo {
		return nil // device nodes are not image content
	}
	if err := tw.WriteHeader(h); err != nil {
		return err
	}
	if h.Typeflag != tar.TypeReg {
		return nil
	}
	f, err := os.Open(filepath.Join(root, name))
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(tw, f)
	return err
}

// Image stacks layers (base first) into an image for platform linux/amd64,
// with one history entry per layer.
func Image(layers []v1.Layer, createdBy []string) (v1.Image, error) {
	var adds []mutate.Addendum
	for i, l := range layers {
		h := v1.History{CreatedBy: fmt.Sprintf("layer %d", i)}
		if i < len(createdBy) {
			h.CreatedBy = createdBy[i]
		}
		adds = append(adds, mutate.Addendum{Layer: l, History: h})
	}
	img, err := mutate.Append(empty.Image, adds...)
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	return mutate.ConfigFile(img, cf)
}

// WriteArchive writes img as a docker-archive tagged tag.
func WriteArchive(p, tag string, img v1.Image) error {
	t, err := name.NewTag(tag)
	if err != nil {
		return err
	}
	return tarball.WriteToFile(p, t, img)
}

// WriteLayout writes img into an OCI layout directory with a ref-name annotation.
func WriteLayout(dir, refName string, img v1.Image) error {
	lp, err := layout.Write(dir, empty.Index)
	if err != nil {
		return err
	}
	return lp.AppendImage(img, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": refName}))
}
