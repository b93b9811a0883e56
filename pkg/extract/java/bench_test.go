package java_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/extract/java"
)

// gen makes pseudo-random but compressible content (class-file-like: runs
// of identifiers from a small vocabulary between random bytes, deflating
// about 2:1), deterministic for a seed.
type gen struct {
	r     *rand.Rand
	vocab []string
}

func newGen(seed uint64) *gen {
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	for range 4000 {
		var sb strings.Builder
		for range 4 + g.r.IntN(20) {
			sb.WriteByte("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ/$"[g.r.IntN(54)])
		}
		g.vocab = append(g.vocab, sb.String())
	}
	return g
}

func (g *gen) bytes(n int) []byte {
	b := make([]byte, 0, n+32)
	for len(b) < n {
		if g.r.IntN(3) == 0 {
			for range 1 + g.r.IntN(8) {
				b = append(b, byte(g.r.Uint32()))
			}
		} else {
			b = append(b, g.vocab[g.r.IntN(len(g.vocab))]...)
		}
	}
	return b[:n]
}

// library makes a jar of about size bytes of classes, with pom.properties
// and a manifest, compressed like the jar tool does.
func (g *gen) library(t testing.TB, artifact string, size int) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, data []byte, method uint16) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err == nil {
			_, err = w.Write(data)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	add("META-INF/MANIFEST.MF", []byte("Manifest-Version: 1.0\r\nImplementation-Title: "+artifact+"\r\nImplementation-Version: 1.0\r\n\r\n"), zip.Deflate)
	add("META-INF/maven/org.example/"+artifact+"/pom.properties", []byte("groupId=org.example\nartifactId="+artifact+"\nversion=1.0\n"), zip.Deflate)
	for i := 0; size > 0; i++ {
		n := min(size, 500+g.r.IntN(12000))
		size -= n
		add(fmt.Sprintf("org/example/%s/p%d/C%d.class", strings.ReplaceAll(artifact, "-", ""), i%7, i), g.bytes(n), zip.Deflate)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fatJar makes a Spring Boot layout jar: classes plus stored nested libs.
func (g *gen) fatJar(t testing.TB, name string, libs [][]byte, classes int) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, data []byte, method uint16) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err == nil {
			_, err = w.Write(data)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	add("META-INF/MANIFEST.MF", []byte("Manifest-Version: 1.0\r\nStart-Class: com.example.App\r\n\r\n"), zip.Deflate)
	add("META-INF/maven/com.example/"+name+"/pom.properties", []byte("groupId=com.example\nartifactId="+name+"\nversion=1.0\n"), zip.Deflate)
	for i := range classes {
		add(fmt.Sprintf("BOOT-INF/classes/com/example/C%d.class", i), g.bytes(800+g.r.IntN(4000)), zip.Deflate)
	}
	for i, l := range libs {
		add(fmt.Sprintf("BOOT-INF/lib/lib%d-1.0.jar", i), l, zip.Store)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// layer500 builds an uncompressed layer tar with 500 jars: 490 libraries of
// log-uniform sizes (4 KiB to 1 MiB of classes, drawn from a pool of 120
// distinct ones), 10 Spring Boot fat jars with 20 to 40 nested libraries
// each, and 3000 unrelated files (text, binaries, loose classes) that the
// walker skips by their headers.
func layer500(tb testing.TB) []byte {
	g := newGen(1)
	var pool [][]byte
	for i := range 120 {
		size := int(4096 * math.Exp2(g.r.Float64()*8)) // 4 KiB .. 1 MiB of classes
		pool = append(pool, g.library(tb, fmt.Sprintf("lib%d", i), size))
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	add := func(name string, data []byte) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			tb.Fatal(err)
		}
		if _, err := tw.Write(data); err != nil {
			tb.Fatal(err)
		}
	}
	for i := range 490 {
		add(fmt.Sprintf("opt/app%d/lib/lib%d-1.0.jar", i%25, i), pool[g.r.IntN(len(pool))])
	}
	for i := range 10 {
		var libs [][]byte
		for range 20 + g.r.IntN(21) {
			libs = append(libs, pool[g.r.IntN(len(pool))])
		}
		add(fmt.Sprintf("srv/svc%d/app.jar", i), g.fatJar(tb, fmt.Sprintf("svc%d", i), libs, 200))
	}
	for i := range 3000 {
		ext := []string{".txt", ".so", ".class", ".py", ".html"}[i%5]
		add(fmt.Sprintf("usr/share/misc/d%d/f%d%s", i%40, i, ext), g.bytes(512+g.r.IntN(16<<10)))
	}
	if err := tw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkLayer500Jars runs the walker with this extractor over a layer of
// 500 jars; MB/s is of the whole uncompressed layer.
func BenchmarkLayer500Jars(b *testing.B) {
	layer := layer500(b)
	b.SetBytes(int64(len(layer)))
	b.ReportAllocs()
	var pkgs int
	for b.Loop() {
		inv, err := extract.Walk(context.Background(), bytes.NewReader(layer), "sha256:bench", extract.Set{java.New()}, extract.WalkOptions{})
		if err != nil {
			b.Fatal(err)
		}
		pkgs = 0
		for _, f := range inv.Files {
			pkgs += len(f.Packages)
		}
		if len(inv.Status) > 0 {
			b.Fatalf("statuses: %v", inv.Status[0])
		}
	}
	b.ReportMetric(float64(pkgs), "packages")
	b.ReportMetric(float64(len(layer))/(1<<20), "layer-MiB")
}

// BenchmarkGzipFloor decompresses the gzip of the same layer: the floor
// of any scan that has to read the layer from a registry blob.
func BenchmarkGzipFloor(b *testing.B) {
	layer := layer500(b)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(layer); err != nil {
		b.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(layer)))
	for b.Loop() {
		zr, err := gzip.NewReader(bytes.NewReader(gz.Bytes()))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, zr); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(gz.Len())/(1<<20), "gzip-MiB")
}

// BenchmarkNestedJar parses one fat jar with 150 nested libraries, half
// stored (Spring Boot) and half compressed (as in a war's WEB-INF/lib).
func BenchmarkNestedJar(b *testing.B) {
	g := newGen(2)
	var libs [][]byte
	for i := range 150 {
		libs = append(libs, g.library(b, fmt.Sprintf("lib%d", i), int(4096*math.Exp2(g.r.Float64()*8))))
	}
	jar := g.fatJar(b, "fat", libs[:75], 300)
	// Re-pack with the second half compressed.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zr, err := zip.NewReader(bytes.NewReader(jar), int64(len(jar)))
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			b.Fatal(err)
		}
	}
	for i, l := range libs[75:] {
		w, err := zw.Create(fmt.Sprintf("WEB-INF/lib/extra%d-1.0.jar", i))
		if err == nil {
			_, err = w.Write(l)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	jar = buf.Bytes()
	b.SetBytes(int64(len(jar)))
	b.ReportAllocs()
	for b.Loop() {
		res, err := java.Parse(context.Background(), bytes.NewReader(jar), int64(len(jar)), "app.jar")
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Packages) != 151 || len(res.Warnings) > 0 {
			b.Fatalf("%d packages, warnings %q", len(res.Packages), res.Warnings)
		}
	}
	b.ReportMetric(float64(len(jar))/(1<<20), "jar-MiB")
}
