package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/drydockhq/drydock/internal/cli"
)

// openPTY returns a pseudo-terminal pair: what is written to tty can be
// read from master.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		m.Close()
		t.Skipf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		m.Close()
		t.Skipf("ptsname: %v", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Skipf("opening pts: %v", err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

// TestProgressOnTerminal: on a terminal, each layer gets a line that is
// redrawn in place; with --quiet, or when stderr is not a terminal, there
// is none.
func TestProgressOnTerminal(t *testing.T) {
	for _, tc := range []struct {
		name  string
		quiet bool
		tty   bool
		want  bool
	}{
		{"terminal", false, true, true},
		{"terminal --quiet", true, true, false},
		{"pipe", false, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var (
				stderr io.Writer
				got    = make(chan string, 1)
				errBuf bytes.Buffer
			)
			if tc.tty {
				master, tty := openPTY(t)
				go func() {
					b, _ := io.ReadAll(master)
					got <- string(b)
				}()
				stderr = tty
				defer func() { tty.Close() }()
			} else {
				stderr = &errBuf
			}
			args := []string{"image", "--skip-vulns", "--no-cache", "-f", "json", image}
			if tc.quiet {
				args = append([]string{"-q"}, args...)
			}
			err := cli.Run(context.Background(), args, cli.Env{Stdout: io.Discard, Stderr: stderr, Version: "test"})
			if err != nil {
				t.Fatal(err)
			}
			out := errBuf.String()
			if f, ok := stderr.(*os.File); ok {
				f.Close()
				out = <-got
			}
			drew := strings.Contains(out, "\x1b[2K") && strings.Contains(out, "layer 1/2") && strings.Contains(out, "layer 2/2") && strings.Contains(out, "done")
			if drew != tc.want {
				t.Errorf("progress drawn: %t, want %t; stderr %q", drew, tc.want, out)
			}
			if tc.want && !strings.Contains(out, "\x1b[2A") {
				t.Errorf("lines not redrawn in place: %q", out)
			}
		})
	}
}
