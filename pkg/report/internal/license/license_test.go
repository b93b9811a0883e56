package license

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in     string
		want   string
		simple bool
		ref    string
	}{
		{in: "MIT", want: "MIT", simple: true},
		{in: "mit", want: "MIT", simple: true},
		{in: "GPL-2.0-or-later", want: "GPL-2.0-or-later", simple: true},
		{in: "GPL-2.0+", want: "GPL-2.0+", simple: true}, // deprecated, but on the list
		{in: "Apache-1.0+", want: "Apache-1.0+"},
		{in: "MIT OR Apache-2.0", want: "MIT OR Apache-2.0"},
		{in: "mit or apache-2.0", want: "MIT OR Apache-2.0"},
		{in: "(MIT OR Apache-2.0) AND BSD-3-Clause", want: "(MIT OR Apache-2.0) AND BSD-3-Clause"},
		{in: "MIT AND (BSD-2-Clause AND ISC)", want: "MIT AND BSD-2-Clause AND ISC"},
		{in: "((MIT))", want: "MIT", simple: true},
		{in: "MIT OR (ISC AND Zlib)", want: "MIT OR ISC AND Zlib"},
		{in: "GPL-2.0-only WITH Classpath-exception-2.0", want: "GPL-2.0-only WITH Classpath-exception-2.0"},
		{in: "gpl-2.0-only with linux-syscall-note", want: "GPL-2.0-only WITH Linux-syscall-note"},
		{in: "LicenseRef-foo.bar-1", want: "LicenseRef-foo.bar-1", ref: "LicenseRef-foo.bar-1"},
		{in: "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2", want: "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2"},
		{in: "MIT AND LicenseRef-x", want: "MIT AND LicenseRef-x"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			e, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := e.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			if got := e.Simple(); got != tt.simple {
				t.Errorf("Simple() = %v, want %v", got, tt.simple)
			}
			if got := e.Ref(); got != tt.ref {
				t.Errorf("Ref() = %q, want %q", got, tt.ref)
			}
			// Rendering is a fixed point.
			again, err := Parse(e.String())
			if err != nil || again.String() != e.String() {
				t.Errorf("re-parse of %q: %v, %q", e.String(), err, again.String())
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	for _, in := range []string{
		"", "   ", "GPL-2+", "GPL", "MIT OR", "OR MIT", "(MIT", "MIT)", "MIT Apache-2.0",
		"MIT WITH", "MIT WITH MIT", "(MIT OR ISC) WITH Classpath-exception-2.0",
		"LicenseRef-", "LicenseRef-a_b", "DocumentRef-x", "Public Domain", "BSD-like",
		"MIT WITH Classpath-exception-2.0 WITH LLVM-exception",
	} {
		if e, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %q, want error", in, e.String())
		} else if !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) error %v is not ErrInvalid", in, err)
		}
	}
}

func TestParseDeep(t *testing.T) {
	in := ""
	for range 10000 {
		in += "("
	}
	if _, err := Parse(in + "MIT"); err == nil {
		t.Fatal("want error for deep nesting")
	}
}

func TestRefAndConjuncts(t *testing.T) {
	for in, want := range map[string]string{
		"GPL-2+":             "LicenseRef-GPL-2-plus",
		"Public Domain":      "LicenseRef-Public-Domain",
		"BSD (3 clause)":     "LicenseRef-BSD-3-clause",
		"  ":                 "LicenseRef-unknown",
		"Artistic/GPL-1.0+ ": "LicenseRef-Artistic-GPL-1.0-plus",
	} {
		e := Ref(in)
		if got := e.String(); got != want {
			t.Errorf("Ref(%q) = %q, want %q", in, got, want)
		}
		if _, err := Parse(e.String()); err != nil {
			t.Errorf("Ref(%q) does not parse: %v", in, err)
		}
	}

	a, _ := Parse("MIT OR Apache-2.0")
	b, _ := Parse("GPL-2.0-or-later AND Zlib")
	joined := And(a, b, Ref("GPL-2+"))
	if got, want := joined.String(), "(MIT OR Apache-2.0) AND GPL-2.0-or-later AND Zlib AND LicenseRef-GPL-2-plus"; got != want {
		t.Errorf("And = %q, want %q", got, want)
	}
	var parts []string
	for _, c := range joined.Conjuncts() {
		parts = append(parts, c.String())
	}
	if len(parts) != 4 || parts[0] != "MIT OR Apache-2.0" || parts[3] != "LicenseRef-GPL-2-plus" {
		t.Errorf("Conjuncts = %q", parts)
	}
	if id, ok := ID("apache-2.0"); !ok || id != "Apache-2.0" {
		t.Errorf("ID(apache-2.0) = %q, %v", id, ok)
	}
}

func TestRefs(t *testing.T) {
	e, err := Parse("LicenseRef-a AND (MIT OR LicenseRef-b) AND DocumentRef-x:LicenseRef-c AND LicenseRef-a")
	if err != nil {
		t.Fatal(err)
	}
	if got := e.Refs(); len(got) != 2 || got[0] != "LicenseRef-a" || got[1] != "LicenseRef-b" {
		t.Errorf("Refs() = %q", got)
	}
}
