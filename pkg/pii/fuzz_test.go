package pii_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/drydockhq/drydock/pkg/pii"
)

// FuzzScan runs the scanner on arbitrary bytes around a valid HKID and
// card number and checks: no panic, deterministic counts, samples are
// short, redacted valid UTF-8, and neither planted value shows in them.
func FuzzScan(f *testing.F) {
	f.Add([]byte(peopleCSV(f, people(10, rand.New(rand.NewPCG(1, 2))))), []byte("\n"))
	f.Add([]byte("A123456(3) GB82 WEST 1234 5698 7654 32 "), []byte(" +852 9123 4567 jane@example.com"))
	f.Add([]byte("4111 1111 1111"), []byte(" 1111 (852) 2123 4567"))
	f.Add([]byte("+"), []byte("@"))
	e := pii.New()
	const hkid, card = "Z683420(6)", "4000 0566 5566 5556"
	f.Fuzz(func(t *testing.T, prefix, suffix []byte) {
		data := bytes.Join([][]byte{prefix, []byte(" " + hkid + " " + card + " "), suffix}, nil)
		a, err := e.Scan(context.Background(), "srv/x.csv", data)
		if err != nil {
			t.Fatal(err)
		}
		b, err := e.Scan(context.Background(), "srv/x.csv", data)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.PersonalData) != len(b.PersonalData) {
			t.Fatal("not deterministic")
		}
		for i, pd := range a.PersonalData {
			if len(pd.Kinds) != len(b.PersonalData[i].Kinds) {
				t.Fatal("not deterministic")
			}
			for j, k := range pd.Kinds {
				if k != b.PersonalData[i].Kinds[j] {
					t.Fatalf("not deterministic: %+v then %+v", k, b.PersonalData[i].Kinds[j])
				}
				if k.Count < 1 || !utf8.ValidString(k.Sample) || len(k.Sample) > 400 || !strings.Contains(k.Sample, "*") {
					t.Fatalf("kind %+v", k)
				}
				for _, v := range []string{"683420", "0566 5566", "05665566"} {
					if strings.Contains(k.Sample, v) {
						t.Fatalf("sample %q shows %q", k.Sample, v)
					}
				}
			}
		}
	})
}
