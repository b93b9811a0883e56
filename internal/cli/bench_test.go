package cli_test

import (
	"context"
	"io"
	"os"
	"testing"

	"github.com/drydockhq/drydock/internal/cli"
)

// BenchmarkWarmScan is the in-process part of a warm scan: everything a
// second `drydock image` of the same image does once the process has
// started (bench/scan.sh times the whole process).
func BenchmarkWarmScan(b *testing.B) {
	img := "../../testdata/images/out/bookworm.tar"
	if _, err := os.Stat(img); err != nil {
		b.Skip("debootstrap image not built (scripts/test.sh builds it)")
	}
	args := []string{"image", "-q", "--skip-vulns", "--cache-dir", b.TempDir(), "-f", "json", img}
	env := cli.Env{Stdout: io.Discard, Stderr: io.Discard}
	if err := cli.Run(context.Background(), args, env); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := cli.Run(context.Background(), args, env); err != nil {
			b.Fatal(err)
		}
	}
}
