package extract_test

import (
	"archive/tar"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/internal/imagetest"
	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/extract/dpkg"
	"github.com/drydockhq/drydock/pkg/model"
)

const statusAB = `Package: a
Status: install ok installed
Version: 1.0-1
Architecture: amd64

Package: b
Status: install ok installed
Source: bsrc (2.0-1)
Version: 2.0-1+b1
Architecture: amd64
`

const statusABC = statusAB + `
Package: c
Status: install ok installed
Version: 3
Architecture: all
`

func walk(t *testing.T, entries []imagetest.Entry, opts extract.WalkOptions) *model.LayerInventory {
	t.Helper()
	data, err := imagetest.TarBytes(entries)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := extract.Walk(context.Background(), bytes.NewReader(data), "sha256:l", extract.Set{dpkg.New()}, opts)
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	return inv
}

func names(inv *model.LayerInventory) []string {
	var out []string
	for _, f := range inv.Files {
		for _, p := range f.Packages {
			out = append(out, f.Path+":"+p.Name)
		}
	}
	return out
}

func statusText(inv *model.LayerInventory) string {
	var s []string
	for _, st := range inv.Status {
		s = append(s, st.String())
	}
	return strings.Join(s, "\n")
}

func TestWalkHostileEntries(t *testing.T) {
	tests := []struct {
		name       string
		entries    []imagetest.Entry
		opts       extract.WalkOptions
		want       []string
		wantStatus string // substring of the statuses; "" means none
	}{
		{
			name:    "plain status file",
			entries: []imagetest.Entry{{Name: "var/lib/dpkg/status", Body: statusAB}},
			want:    []string{"var/lib/dpkg/status:a", "var/lib/dpkg/status:b"},
		},
		{
			name: "dot-dot entry is skipped, the rest is read",
			entries: []imagetest.Entry{
				{Name: "../../var/lib/dpkg/status", Body: statusABC},
				{Name: "var/lib/dpkg/status", Body: statusAB},
			},
			want:       []string{"var/lib/dpkg/status:a", "var/lib/dpkg/status:b"},
			wantStatus: `../../var/lib/dpkg/status: path escapes the layer root`,
		},
		{
			name:       "absolute path is read relative to the root",
			entries:    []imagetest.Entry{{Name: "/var/lib/dpkg/status", Body: statusAB}},
			want:       []string{"var/lib/dpkg/status:a", "var/lib/dpkg/status:b"},
			wantStatus: "absolute path",
		},
		{
			name: "symlink loop is harmless",
			entries: []imagetest.Entry{
				{Name: "var/lib/dpkg/status", Type: tar.TypeSymlink, Linkname: "status2"},
				{Name: "var/lib/dpkg/status2", Type: tar.TypeSymlink, Linkname: "status"},
				{Name: "etc/loop", Type: tar.TypeSymlink, Linkname: "../etc/loop"},
			},
		},
		{
			name: "symlink out of the layer is not followed",
			entries: []imagetest.Entry{
				{Name: "var/lib/dpkg/status", Type: tar.TypeSymlink, Linkname: "/etc/shadow"},
			},
		},
		{
			name: "hard link to a read file",
			entries: []imagetest.Entry{
				{Name: "var/lib/dpkg/status.d/a", Body: statusAB},
				{Name: "var/lib/dpkg/status", Type: tar.TypeLink, Linkname: "var/lib/dpkg/status.d/a"},
			},
			want: []string{"var/lib/dpkg/status.d/a:a", "var/lib/dpkg/status.d/a:b", "var/lib/dpkg/status:a", "var/lib/dpkg/status:b"},
		},
		{
			// Too large to keep: the link gets the results of its target.
			name: "hard link to a large read file",
			entries: []imagetest.Entry{
				{Name: "var/lib/dpkg/status.d/a", Body: statusAB + "Description: big\n" + strings.Repeat(" padding line\n", 100000)},
				{Name: "var/lib/dpkg/status.d/b", Type: tar.TypeLink, Linkname: "var/lib/dpkg/status.d/a"},
			},
			want: []string{"var/lib/dpkg/status.d/a:a", "var/lib/dpkg/status.d/a:b", "var/lib/dpkg/status.d/b:a", "var/lib/dpkg/status.d/b:b"},
		},
		{
			name:       "hard link to a missing target",
			entries:    []imagetest.Entry{{Name: "var/lib/dpkg/status", Type: tar.TypeLink, Linkname: "nowhere"}},
			wantStatus: "var/lib/dpkg/status: hard link to missing target nowhere",
		},
		{
			name:       "file over the size cap is skipped",
			entries:    []imagetest.Entry{{Name: "var/lib/dpkg/status", Body: statusABC}},
			opts:       extract.WalkOptions{MaxFileSize: 64},
			wantStatus: "over the 64-byte limit; skipped",
		},
		{
			name:       "garbage status file is a per-file error",
			entries:    []imagetest.Entry{{Name: "var/lib/dpkg/status", Body: "\x00\x01garbage with no colon\n"}},
			wantStatus: "os/dpkg: layer l: var/lib/dpkg/status: parsing dpkg status",
		},
		{
			name: "whiteouts and opaque dirs are recorded, not extracted",
			entries: []imagetest.Entry{
				{Name: "var/lib/dpkg/.wh.status"},
				{Name: "usr/share/.wh..wh..opq"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := walk(t, tt.entries, tt.opts)
			if diff := cmp.Diff(tt.want, names(inv)); diff != "" {
				t.Errorf("packages (-want +got):\n%s", diff)
			}
			st := statusText(inv)
			if tt.wantStatus == "" && st != "" {
				t.Errorf("unexpected status:\n%s", st)
			}
			if tt.wantStatus != "" && !strings.Contains(st, tt.wantStatus) {
				t.Errorf("status = %q, want it to contain %q", st, tt.wantStatus)
			}
		})
	}
}

func TestWalkRecordsWhiteouts(t *testing.T) {
	inv := walk(t, []imagetest.Entry{
		{Name: "var/lib/dpkg/.wh.status"},
		{Name: "./usr/share/.wh..wh..opq"},
	}, extract.WalkOptions{})
	if diff := cmp.Diff([]string{"var/lib/dpkg/status"}, inv.Whiteouts); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff([]string{"usr/share"}, inv.OpaqueDirs); diff != "" {
		t.Error(diff)
	}
}

func TestWalkTruncatedTar(t *testing.T) {
	data, err := imagetest.TarBytes([]imagetest.Entry{{Name: "var/lib/dpkg/status", Body: statusABC}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = extract.Walk(context.Background(), bytes.NewReader(data[:700]), "sha256:l", extract.Set{dpkg.New()}, extract.WalkOptions{})
	if err == nil || !strings.Contains(err.Error(), `entry "var/lib/dpkg/status"`) || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("err = %v, want a truncation error naming the entry", err)
	}
}

// TestWalkSparseBomb builds a real GNU sparse tar whose one entry claims
// 10 GiB: the walker must skip it by its header, without reading 10 GiB.
func TestWalkSparseBomb(t *testing.T) {
	tarBin, err := exec.LookPath("tar")
	if err != nil {
		t.Skip("GNU tar not installed")
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	if err := os.MkdirAll(filepath.Join(root, "var/lib/dpkg"), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(root, "var/lib/dpkg/status"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(10 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out := filepath.Join(dir, "sparse.tar")
	if b, err := exec.Command(tarBin, "--sparse", "-cf", out, "-C", root, "var").CombinedOutput(); err != nil {
		t.Fatalf("tar: %v\n%s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > 1<<20 {
		t.Fatalf("sparse tar is %d bytes; tar did not write a sparse entry", len(data))
	}
	inv, err := extract.Walk(context.Background(), bytes.NewReader(data), "sha256:l", extract.Set{dpkg.New()}, extract.WalkOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st := statusText(inv); !strings.Contains(st, "10737418240 bytes, over the") {
		t.Fatalf("status = %q, want the 10 GiB entry skipped", st)
	}
}

func TestCleanPath(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"etc/passwd", "etc/passwd", true},
		{"./etc/passwd", "etc/passwd", true},
		{"/etc/passwd", "etc/passwd", true},
		{"etc/../etc/passwd", "etc/passwd", true},
		{"../etc/passwd", "", false},
		{"a/../../etc", "", false},
		{"..", "", false},
		{"./", "", true},
	}
	for _, tt := range tests {
		got, ok := extract.CleanPath(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("CleanPath(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzWalk(f *testing.F) {
	for _, entries := range [][]imagetest.Entry{
		{{Name: "var/lib/dpkg/status", Body: statusABC}},
		{{Name: "../x", Body: "y"}, {Name: "var/lib/dpkg/status", Type: tar.TypeLink, Linkname: "x"}},
		{{Name: "var/lib/dpkg/.wh.status"}, {Name: "a/.wh..wh..opq"}},
	} {
		data, err := imagetest.TarBytes(entries)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	set := extract.Set{dpkg.New()}
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := extract.Walk(context.Background(), bytes.NewReader(data), "sha256:l", set, extract.WalkOptions{MaxFileSize: 1 << 20})
		if err == nil && inv == nil {
			t.Fatal("nil inventory without error")
		}
	})
}
