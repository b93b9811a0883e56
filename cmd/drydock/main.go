// Command drydock scans container images for packages and vulnerabilities.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/drydockhq/drydock/internal/cli"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	tuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := cli.Run(ctx, os.Args[1:], cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Version: version})
	stop()
	if err != nil && !cli.Silent(err) {
		fmt.Fprintln(os.Stderr, "drydock:", err)
	}
	os.Exit(cli.ExitCode(err))
}
