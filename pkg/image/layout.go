package image

import (
	"fmt"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
)

const refNameAnnotation = "org.opencontainers.image.ref.name"

// openLayout opens an image from an OCI image layout directory, by tag when
// given, else the only image, else the image for the wanted platform.
func openLayout(ref, dir, tag string, opts Options) (Image, error) {
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: reading OCI layout: %w", ref, err)
	}
	img, tags, err := pickFromIndex(idx, tag, opts.platform())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	return fromV1(ref, img, tags)
}

// pickFromIndex selects one image from an index: by ref-name annotation when
// tag is set, else the single entry, else by platform. Nested indexes (a
// multi-arch image in a layout) are resolved by platform.
func pickFromIndex(idx v1.ImageIndex, tag string, plat v1.Platform) (v1.Image, []string, error) {
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, nil, fmt.Errorf("reading index: %w", err)
	}
	cands := im.Manifests
	if tag != "" {
		cands = nil
		for _, d := range im.Manifests {
			rn := d.Annotations[refNameAnnotation]
			if rn == tag || strings.HasSuffix(rn, ":"+tag) {
				cands = append(cands, d)
			}
		}
		if len(cands) == 0 {
			return nil, nil, fmt.Errorf("no image with ref name %q in the index (it has %s)", tag, refNames(im))
		}
	}
	var chosen *v1.Descriptor
	switch {
	case len(cands) == 1:
		chosen = &cands[0]
	case len(cands) == 0:
		return nil, nil, fmt.Errorf("the index lists no image")
	default:
		for i, d := range cands {
			if d.Platform != nil && d.Platform.Satisfies(plat) {
				chosen = &cands[i]
				break
			}
		}
		if chosen == nil {
			return nil, nil, fmt.Errorf("the index holds %d images (%s) and none is for %s; pick one with oci:DIR:TAG or --platform", len(cands), refNames(im), plat.String())
		}
	}
	var tags []string
	if rn := chosen.Annotations[refNameAnnotation]; rn != "" {
		tags = []string{rn}
	}
	switch {
	case chosen.MediaType.IsImage():
		img, err := idx.Image(chosen.Digest)
		if err != nil {
			return nil, nil, fmt.Errorf("opening image %s: %w", chosen.Digest, err)
		}
		return img, tags, nil
	case chosen.MediaType.IsIndex():
		child, err := idx.ImageIndex(chosen.Digest)
		if err != nil {
			return nil, nil, fmt.Errorf("opening index %s: %w", chosen.Digest, err)
		}
		img, _, err := pickFromIndex(child, "", plat)
		return img, tags, err
	}
	return nil, nil, fmt.Errorf("unsupported manifest media type %q", chosen.MediaType)
}

func refNames(im *v1.IndexManifest) string {
	var names []string
	for _, d := range im.Manifests {
		rn := d.Annotations[refNameAnnotation]
		if rn == "" {
			rn = d.Digest.String()[:19]
			if d.Platform != nil {
				rn += " " + d.Platform.String()
			}
		}
		names = append(names, rn)
	}
	return strings.Join(names, ", ")
}
