package dockerfile

import "testing"

func TestExpand(t *testing.T) {
	args := map[string]argValue{
		"BASE":    {value: "debian", ok: true},
		"TAG":     {value: "bookworm-slim", ok: true},
		"EMPTY":   {value: "", ok: true},
		"FROMCLI": {}, // ARG FROMCLI: set with --build-arg, or empty
	}
	for _, tt := range []struct {
		in    string
		want  string
		known bool
	}{
		{"debian:12", "debian:12", true},
		{"$BASE:$TAG", "debian:bookworm-slim", true},
		{"${BASE}:${TAG}", "debian:bookworm-slim", true},
		{"registry.example.com/${BASE}", "registry.example.com/debian", true},
		{"${EMPTY:-alpine}", "alpine", true},
		{"${EMPTY-alpine}", "", true},
		{"${UNDECLARED:-alpine}:3.19", "alpine:3.19", true},
		{"${BASE:+mirror/}debian", "mirror/debian", true},
		{"${EMPTY:+mirror/}debian", "debian", true},
		{"${EMPTY+mirror/}debian", "mirror/debian", true},
		{`\$BASE`, "$BASE", true},
		{"debian:$", "debian:$", true},
		{"$FROMCLI", "", false},
		{"${FROMCLI:-debian}", "", false},
		{"${FROMCLI:+x}", "", false},
		{"$UNDECLARED", "", false},
		{"${BASE", "", false},
		{"${BASE:?required}", "", false},
		{"${1BAD}", "", false},
	} {
		got, known := expand(tt.in, args)
		if got != tt.want || known != tt.known {
			t.Errorf("expand(%q) = %q, %v; want %q, %v", tt.in, got, known, tt.want, tt.known)
		}
	}
}

func FuzzExpand(f *testing.F) {
	for _, s := range []string{"$A:${B:-x}", "${A:+y}z", `\$A`, "${", "$"} {
		f.Add(s)
	}
	args := map[string]argValue{"A": {value: "a", ok: true}, "B": {}}
	f.Fuzz(func(t *testing.T, s string) {
		got, known := expand(s, args)
		if !known && got != "" {
			t.Errorf("expand(%q) = %q but unknown", s, got)
		}
	})
}
