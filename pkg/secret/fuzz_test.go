package secret_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/drydockhq/drydock/pkg/secret"
)

// FuzzScan runs the scanner on arbitrary bytes around a real-format GitHub
// token and checks: no panic, deterministic output, findings in line order
// with lines inside the file, Match is bounded valid UTF-8, and the token
// never shows in any Match (it is found, or hidden by the secret of a rule
// listed before it, or the file is binary and yields nothing).
func FuzzScan(f *testing.F) {
	for _, c := range ruleCases(f) {
		f.Add([]byte(c.content), []byte("\n"), c.path)
	}
	f.Add([]byte("password="), []byte("x"), "app/.env")
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\n"), []byte("\n-----END PRIVATE KEY-----"), "k.pem")
	f.Add([]byte(strings.Repeat("a", 5000)), []byte(strings.Repeat("b", 5000)), "min.js")
	e := secret.New()
	token := newKeygen(f).alnum(36)
	f.Fuzz(func(t *testing.T, prefix, suffix []byte, path string) {
		data := bytes.Join([][]byte{prefix, []byte(" ghp_" + token + " "), suffix}, nil)
		res, err := e.Scan(context.Background(), path, data)
		if err != nil {
			t.Fatal(err)
		}
		again, err := e.Scan(context.Background(), path, data)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Secrets) != len(again.Secrets) {
			t.Fatalf("not deterministic: %d then %d findings", len(res.Secrets), len(again.Secrets))
		}
		lines := bytes.Count(data, []byte{'\n'}) + 1
		for i, s := range res.Secrets {
			if s != again.Secrets[i] {
				t.Fatalf("not deterministic: %+v then %+v", s, again.Secrets[i])
			}
			if s.Line < 1 || s.Line > lines || (i > 0 && s.Line < res.Secrets[i-1].Line) {
				t.Fatalf("line %d of %d (previous %+v)", s.Line, lines, res.Secrets)
			}
			if !utf8.ValidString(s.Match) || len(s.Match) > 400 {
				t.Fatalf("match %q", s.Match)
			}
			for _, piece := range pieces(token, 8) {
				if strings.Contains(s.Match, piece) {
					t.Fatalf("match %q shows %q of the token", s.Match, piece)
				}
			}
		}
	})
}
