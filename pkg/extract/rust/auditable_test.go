package rust

import (
	"bytes"
	"compress/zlib"
	"context"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/internal/imagetest"
	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

// cargo-auditable cannot be installed here (crates.io is unreachable), so the
// binaries of testdata/auditable are made by gcc and ld, with a .dep-v0
// section added by objcopy holding the audit data that cargo-auditable
// would write for the workspace of testdata/cargo (derived from its cargo
// metadata by cargo-auditable's rules; see testdata/make.sh).

func compress(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestParseAuditableBinary(t *testing.T) {
	want := metadataOracle(t)
	for _, file := range []string{"testdata/auditable/app.elf", "testdata/auditable/app.exe"} {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			res, err := ParseAuditableBinary(context.Background(), bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, short(res.Packages)); diff != "" {
				t.Errorf("packages differ from cargo metadata (-want +got):\n%s", diff)
			}
			if len(res.Warnings) != 0 {
				t.Errorf("warnings: %q", res.Warnings)
			}
		})
	}
}

func TestParseAuditableBinaryNoData(t *testing.T) {
	elf, err := os.ReadFile("testdata/auditable/app.elf")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		data    []byte
		wantErr string // "" means no packages and no error
	}{
		{"empty", nil, ""},
		{"script", []byte("#!/bin/sh\necho hi\n"), ""},
		{"MZ without PE header", []byte("MZ\x00\x00 not a PE file at all, just text"), ""},
		{"truncated ELF", elf[:len(elf)/2], "truncated ELF"},
		{"ELF magic only", []byte("\x7fELF"), "truncated ELF"},
	}
	for _, f := range []string{"/bin/true", "/usr/bin/true"} {
		if b, err := os.ReadFile(f); err == nil {
			tests = append(tests, struct {
				name    string
				data    []byte
				wantErr string
			}{"ELF without " + SectionName, b, ""})
			break
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ParseAuditableBinary(context.Background(), bytes.NewReader(tt.data))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Packages) != 0 {
				t.Errorf("packages: %v", res.Packages)
			}
		})
	}
}

func TestParseAuditJSON(t *testing.T) {
	tests := []struct {
		name     string
		json     string
		want     []model.Package
		warnings []string
		wantErr  string
	}{
		{
			name: "root from crates.io, build dependencies, git source object",
			json: `{"format":1,"packages":[
				{"name":"ripgrep","version":"13.0.0","source":"crates.io","dependencies":[1,2,3],"root":true},
				{"name":"regex","version":"1.5.4","source":"crates.io","dependencies":[4]},
				{"name":"proc-macro2","version":"1.0.36","source":"crates.io","kind":"build"},
				{"name":"grep","version":"0.2.8","source":{"kind":"git","rev":"abc"}},
				{"name":"memchr","version":"2.4.1","source":"registry","kind":"runtime"}
			]}`,
			want: []model.Package{
				{Name: "ripgrep", Version: "13.0.0"},
				{Name: "regex", Version: "1.5.4", Relation: model.RelationDirect},
				{Name: "grep", Version: "0.2.8", Relation: model.RelationDirect},
				{Name: "memchr", Version: "2.4.1", Relation: model.RelationIndirect},
			},
		},
		{
			name: "format 0 data without root: local packages are the roots",
			json: `{"packages":[
				{"name":"adler","version":"0.2.3","source":"registry"},
				{"name":"app","version":"0.1.0","source":"local","dependencies":[2]},
				{"name":"miniz_oxide","version":"0.4.4","source":"crates.io","dependencies":[0]}
			]}`,
			want: []model.Package{
				{Name: "adler", Version: "0.2.3", Relation: model.RelationIndirect},
				{Name: "miniz_oxide", Version: "0.4.4", Relation: model.RelationDirect},
			},
		},
		{
			name: "bad entries and indices",
			json: `{"packages":[
				{"name":"app","version":"0.1.0","source":"local","root":true,"dependencies":[1,2,3,99,-1]},
				{"name":"","version":"1.0.0","source":"crates.io"},
				{"name":"x","version":1,"source":"crates.io"},
				{"name":"y","version":"1.0.0","source":7},
				{"name":"z","version":"1.0.0","source":"crates.io"}
			]}`,
			want: []model.Package{{Name: "z", Version: "1.0.0", Relation: model.RelationIndirect}},
			warnings: []string{
				"package #1: no name or version; skipped",
				"package #2: json: cannot unmarshal number into Go struct field auditPackage.version of type string; skipped",
				"package #3: source is neither a string nor an object with a kind; skipped",
				"dependency index out of range; ignored",
			},
		},
		{name: "empty packages", json: `{"packages":[]}`},
		{name: "no packages", json: `{"format":1}`, wantErr: "no \"packages\""},
		{name: "not JSON", json: `{"packages":[`, wantErr: "parsing audit data"},
		{name: "packages not an array", json: `{"packages":{}}`, wantErr: "parsing audit data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Through the zlib layer, as from a section.
			res, err := ParseAuditData(context.Background(), bytes.NewReader(compress(t, []byte(tt.json))))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, short(res.Packages)); diff != "" {
				t.Errorf("packages (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.warnings, res.Warnings); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseAuditDataLimits(t *testing.T) {
	if _, err := ParseAuditData(context.Background(), strings.NewReader("not zlib")); err == nil {
		t.Error("not zlib: no error")
	}
	// A decompression bomb: 9 MiB of spaces compress to a few kB.
	bomb := compress(t, bytes.Repeat([]byte(" "), MaxAuditSize+1<<20))
	if _, err := ParseAuditData(context.Background(), bytes.NewReader(bomb)); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("bomb: err = %v", err)
	}
	// Truncated zlib stream.
	data := compress(t, []byte(`{"packages":[{"name":"a","version":"1.0.0","source":"crates.io"}]}`))
	if _, err := ParseAuditData(context.Background(), bytes.NewReader(data[:len(data)-6])); err == nil {
		t.Error("truncated stream: no error")
	}
}

// TestAuditableThroughWalk runs the extractor the way a scan does.
func TestAuditableThroughWalk(t *testing.T) {
	elf, err := os.ReadFile("testdata/auditable/app.elf")
	if err != nil {
		t.Fatal(err)
	}
	lock, err := os.ReadFile("testdata/cargo/v4/Cargo.lock")
	if err != nil {
		t.Fatal(err)
	}
	layer, err := imagetest.TarBytes([]imagetest.Entry{
		{Name: "usr/local/bin/app", Mode: 0o755, Body: string(elf)},
		{Name: "usr/local/share/app.bin", Mode: 0o644, Body: string(elf)},
		{Name: "src/app/Cargo.lock", Body: string(lock)},
	})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := extract.Walk(context.Background(), bytes.NewReader(layer), "sha256:test", extract.Set{NewAuditable(), NewLock()}, extract.WalkOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Status) != 0 {
		t.Errorf("statuses: %+v", inv.Status)
	}
	got := map[string]int{}
	var smallvec model.Package
	for _, f := range inv.Files {
		got[f.Extractor+" "+f.Path] = len(f.Packages)
		for _, p := range f.Packages {
			if p.Name == "smallvec" && p.Version == "1.6.0" && f.Extractor == AuditableName {
				smallvec = p
			}
		}
	}
	want := map[string]int{
		AuditableName + " usr/local/bin/app": 5,
		LockName + " src/app/Cargo.lock":     5,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files read (-want +got):\n%s", diff)
	}
	wantSmallvec := model.Package{
		Name:      "smallvec",
		Version:   "1.6.0",
		Type:      model.TypeCargo,
		Ecosystem: model.EcoCrates,
		PURL:      "pkg:cargo/smallvec@1.6.0",
		Locations: []model.Location{{Path: "usr/local/bin/app", Layer: "sha256:test"}},
		FoundBy:   AuditableName,
		Relation:  model.RelationDirect,
	}
	if diff := cmp.Diff(wantSmallvec, smallvec); diff != "" {
		t.Errorf("smallvec (-want +got):\n%s", diff)
	}
}

type fileInfo struct {
	mode fs.FileMode
	size int64
}

func (f fileInfo) Name() string       { return "" }
func (f fileInfo) Size() int64        { return f.size }
func (f fileInfo) Mode() fs.FileMode  { return f.mode }
func (f fileInfo) ModTime() time.Time { return time.Time{} }
func (f fileInfo) IsDir() bool        { return f.mode.IsDir() }
func (f fileInfo) Sys() any           { return nil }

func TestAuditableRequired(t *testing.T) {
	tests := []struct {
		path string
		mode fs.FileMode
		size int64
		want bool
	}{
		{"usr/local/bin/rg", 0o755, 5 << 20, true},
		{"usr/local/bin/tiny", 0o755, 16 << 10, true},
		{"usr/local/bin/rg", 0o644, 5 << 20, false},
		{"C/rg.exe", 0o644, 5 << 20, true},
		{"usr/local/bin/rg", 0o755, 100, false},
		{"usr/local/bin/rg", 0o755, MaxBinarySize + 1, false},
		{"usr/lib/libfoo.so.3", 0o755, 5 << 20, false},
		{"usr/bin/run.sh", 0o755, 5 << 20, false},
		{"usr/local/bin/rg", fs.ModeDir | 0o755, 5 << 20, false},
	}
	for _, tt := range tests {
		if got := NewAuditable().Required(tt.path, fileInfo{tt.mode, tt.size}); got != tt.want {
			t.Errorf("Required(%q, %v, %d) = %v, want %v", tt.path, tt.mode, tt.size, got, tt.want)
		}
	}
}
