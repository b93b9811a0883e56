// Command mkimage builds a test image from root filesystem directories: the
// first directory is the base layer, each later one becomes a layer holding
// its difference from the previous one. It writes a docker-archive and an OCI
// layout.
//
//	mkimage -tag test/bookworm:1 -archive out.tar -layout out-oci rootfs0 rootfs1
package main

import (
	"flag"
	"fmt"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/drydockhq/drydock/internal/imagetest"
)

func main() {
	tag := flag.String("tag", "drydock-test/image:latest", "image tag")
	archive := flag.String("archive", "", "docker-archive output file")
	oci := flag.String("layout", "", "OCI layout output directory")
	flag.Parse()
	if err := run(*tag, *archive, *oci, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "mkimage:", err)
		os.Exit(1)
	}
}

func run(tag, archive, oci string, dirs []string) error {
	if len(dirs) == 0 {
		return fmt.Errorf("no rootfs directories given")
	}
	var layers []v1.Layer
	var history []string
	prev := ""
	for _, d := range dirs {
		l, err := imagetest.LayerFromDiff(prev, d)
		if err != nil {
			return fmt.Errorf("layer from %s: %w", d, err)
		}
		layers = append(layers, l)
		history = append(history, "mkimage "+d)
		prev = d
	}
	img, err := imagetest.Image(layers, history)
	if err != nil {
		return err
	}
	if archive != "" {
		if err := imagetest.WriteArchive(archive, tag, img); err != nil {
			return fmt.Errorf("writing %s: %w", archive, err)
		}
	}
	if oci != "" {
		if err := imagetest.WriteLayout(oci, tag, img); err != nil {
			return fmt.Errorf("writing %s: %w", oci, err)
		}
	}
	return nil
}
