//go:build ignore

// gen writes data/osv-lang-subset.zip: the OSV records of the staged data
// (../shared/data, see its README.md) that name the language packages of
// drydock's examples and tests, unmodified, so that a fresh install finds
// real application-package flaws offline.
//
//	go run gen.go -data ../../../shared/data
package main

import (
	"archive/zip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"sort"
)

// wanted maps each staged zip to the (ecosystem, package) names kept.
var wanted = map[string][][2]string{
	"osv-ghsa-curated.zip": {
		{"npm", "lodash"}, {"npm", "minimist"},
		{"Maven", "org.apache.logging.log4j:log4j-core"},
		{"Maven", "org.springframework:spring-beans"},
	},
	"osv-go-vulndb.zip": {
		{"Go", "stdlib"}, {"Go", "golang.org/x/text"}, {"Go", "golang.org/x/net"},
	},
	"osv-pypi-pypa.zip": {
		{"PyPI", "requests"}, {"PyPI", "urllib3"},
	},
}

func main() {
	data := flag.String("data", "../../../shared/data", "staged data directory")
	out := flag.String("out", "data/osv-lang-subset.zip", "output zip")
	flag.Parse()
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	zw := zip.NewWriter(f)
	srcs := make([]string, 0, len(wanted))
	for s := range wanted {
		srcs = append(srcs, s)
	}
	sort.Strings(srcs)
	total := 0
	for _, src := range srcs {
		n, err := copyRecords(zw, filepath.Join(*data, src), wanted[src])
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %d records\n", src, n)
		total += n
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d records\n", *out, total)
}

func copyRecords(zw *zip.Writer, src string, pkgs [][2]string) (int, error) {
	zr, err := zip.OpenReader(src)
	if err != nil {
		return 0, err
	}
	defer zr.Close()
	files := slices.Clone(zr.File)
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	n := 0
	for _, zf := range files {
		if filepath.Ext(zf.Name) != ".json" {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return n, err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return n, err
		}
		var rec struct {
			Affected []struct {
				Package struct{ Ecosystem, Name string }
			}
		}
		if json.Unmarshal(b, &rec) != nil {
			continue
		}
		keep := false
		for _, a := range rec.Affected {
			if slices.Contains(pkgs, [2]string{a.Package.Ecosystem, a.Package.Name}) {
				keep = true
			}
		}
		if !keep {
			continue
		}
		w, err := zw.Create(filepath.Base(src[:len(src)-4]) + "/" + zf.Name)
		if err != nil {
			return n, err
		}
		if _, err := w.Write(b); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
