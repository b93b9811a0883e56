package dpkg

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The copyright files in testdata/copyright are Debian 12's own, copied from
// /usr/share/doc/PKG/copyright of the packages named.
func TestParseCopyright(t *testing.T) {
	for _, tc := range []struct {
		file string
		want []string
	}{
		// Machine-readable (DEP-5): License: short names in order.
		{"zlib1g", []string{"Zlib"}},
		// Order as `grep '^License:' | awk '!s[$0]++'` prints it.
		{"bash", []string{"GPL-3+", "GPL-3+ with Bison exception", "GPL-2+", "GFDL-NIV-1.3", "Latex2e", "BSD-4-clause-UC and MIT-like", "BSD-4-clause-UC", "MIT-like", "permissive"}},
		// Free text citing /usr/share/common-licenses.
		{"libc6", []string{"LGPL-2.1", "GPL-2"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			f, err := os.Open("testdata/copyright/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := ParseCopyright(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("licences (-want +got):\n%s", diff)
			}
		})
	}
	if got, err := ParseCopyright(context.Background(), strings.NewReader(strings.Repeat("x", 2<<20))); err == nil {
		t.Errorf("over-long line: %v, no error", got)
	}
}

func TestCopyrightRequired(t *testing.T) {
	c := NewCopyright()
	for p, want := range map[string]bool{
		"usr/share/doc/bash/copyright":       true,
		"usr/share/doc/bash/copyright.gz":    false,
		"usr/share/doc/bash/x/copyright":     false,
		"usr/share/doc//copyright":           false,
		"usr/local/share/doc/bash/copyright": false,
	} {
		if got := c.Required(p, nil); got != want {
			t.Errorf("Required(%q) = %t", p, got)
		}
	}
}

func FuzzParseCopyright(f *testing.F) {
	for _, n := range []string{"zlib1g", "libc6", "bash"} {
		b, err := os.ReadFile("testdata/copyright/" + n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ParseCopyright(context.Background(), strings.NewReader(string(b)))
	})
}
