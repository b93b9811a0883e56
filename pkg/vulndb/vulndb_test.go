package vulndb

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
	"github.com/google/go-cmp/cmp"
)

func TestNormalizeName(t *testing.T) {
	tests := []struct {
		eco        model.Ecosystem
		name, want string
	}{
		{"PyPI", "Django", "django"},
		{"PyPI", "jw.util", "jw-util"},
		{"PyPI", "Foo__Bar-._baz", "foo-bar-baz"},
		{"PyPI", "already-normal", "already-normal"},
		{"PyPI:extra", "A_B", "a-b"},
		{"npm", "Morris.js", "Morris.js"},
		{"Go", "github.com/BurntSushi/toml", "github.com/BurntSushi/toml"},
		{"Maven", "org.apache.logging.log4j:log4j-core", "org.apache.logging.log4j:log4j-core"},
		{"Debian:12", "libssl3", "libssl3"},
	}
	for _, tt := range tests {
		if got := NormalizeName(tt.eco, tt.name); got != tt.want {
			t.Errorf("NormalizeName(%s, %q) = %q, want %q", tt.eco, tt.name, got, tt.want)
		}
	}
}

func TestLRU(t *testing.T) {
	c := newLRU(2)
	a, b, d := &osv.Entry{ID: "a"}, &osv.Entry{ID: "b"}, &osv.Entry{ID: "d"}
	c.add("a", a)
	c.add("b", b)
	if c.get("a") != a { // a is now the most recent
		t.Fatal("a missing")
	}
	c.add("d", d) // evicts b
	if c.get("b") != nil || c.get("a") != a || c.get("d") != d {
		t.Errorf("wrong eviction: b=%v a=%v d=%v", c.get("b"), c.get("a"), c.get("d"))
	}
	if len(c.items) != 2 {
		t.Errorf("%d items, want 2", len(c.items))
	}
}

func entry(id string, pkgs ...string) *osv.Entry {
	e := &osv.Entry{ID: id}
	for i := 0; i+1 < len(pkgs); i += 2 {
		e.Affected = append(e.Affected, osv.Affected{Package: osv.Package{Ecosystem: pkgs[i], Name: pkgs[i+1]}})
	}
	return e
}

func TestMemory(t *testing.T) {
	ctx := context.Background()
	m := NewMemory(
		entry("GHSA-1", "PyPI", "Jw.Util", "npm", "x"),
		entry("PYSEC-2", "PyPI", "jw_util"),
		entry("DEBIAN-3", "Debian:12", "openssl", "Debian:11", "openssl", "Debian:12", "openssl"),
		entry("GHSA-1", "PyPI", "jw.util"), // replaces the first GHSA-1
	)
	tests := []struct {
		eco  model.Ecosystem
		name string
		want []string
	}{
		{"PyPI", "JW-UTIL", []string{"GHSA-1", "PYSEC-2"}},
		{"npm", "x", nil},
		{"Debian:12", "openssl", []string{"DEBIAN-3"}},
		{"Debian", "openssl", nil},
	}
	for _, tt := range tests {
		es, err := m.Affecting(ctx, tt.eco, tt.name)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range es {
			got = append(got, e.ID)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Affecting(%s, %s) (-want +got):\n%s", tt.eco, tt.name, diff)
		}
	}
	info, err := m.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := model.DBInfo{SchemaVersion: SchemaVersion, Sources: []model.DBSource{{Name: "memory", Records: 3}},
		Counts: map[string]int{"PyPI": 2, "Debian:12": 1, "Debian:11": 1}}
	if diff := cmp.Diff(want, info); diff != "" {
		t.Errorf("Info (-want +got):\n%s", diff)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Affecting(ctx, "npm", "x"); !errors.Is(err, ErrClosed) {
		t.Errorf("Affecting after Close: %v, want ErrClosed", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := NewMemory().Affecting(cctx, "npm", "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("Affecting with cancelled context: %v", err)
	}
}

func ExampleNormalizeName() {
	fmt.Println(NormalizeName(model.EcoPyPI, "Zope.Interface"))
	// Output: zope-interface
}
