package table

import (
	"bytes"
	"errors"
	"flag"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/report/internal/schematest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func encode(t testing.TB, e Encoder, r *model.Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := e.Encode(&buf, r); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return buf.String()
}

func TestGolden(t *testing.T) {
	for _, tt := range []struct {
		golden string
		e      Encoder
	}{
		{"testdata/report.golden.txt", Encoder{}},
		{"testdata/report-color.golden.txt", Encoder{Color: true}},
		{"testdata/report-packages.golden.txt", Encoder{Packages: true}},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			schematest.Golden(t, tt.golden, []byte(encode(t, tt.e, schematest.Report())), *update)
		})
	}
}

var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestColorAligned checks that colour changes nothing but the colour: with
// the escape sequences removed, the output is the plain one, so that the
// columns line up on a terminal (headers included).
func TestColorAligned(t *testing.T) {
	r := schematest.Report()
	plain := encode(t, Encoder{}, r)
	color := encode(t, Encoder{Color: true}, r)
	if plain == color {
		t.Fatal("no colour")
	}
	if got := sgr.ReplaceAllString(color, ""); got != plain {
		t.Errorf("coloured output without colours differs from plain output:\n%s\nwant:\n%s", got, plain)
	}
}

func TestDeterministic(t *testing.T) {
	r := schematest.Report()
	first := encode(t, Encoder{}, r)
	slices.Reverse(r.Vulnerabilities)
	slices.Reverse(r.Misconfigurations)
	slices.Reverse(r.Secrets)
	slices.Reverse(r.PersonalData[0].Kinds)
	if second := encode(t, Encoder{}, r); first != second {
		t.Errorf("output depends on the order of the findings:\n%s\nthen:\n%s", first, second)
	}
}

func TestSections(t *testing.T) {
	notScanned := schematest.Report()
	notScanned.Misconfigurations, notScanned.Secrets, notScanned.PersonalData = nil, nil, nil
	clean := schematest.Report()
	clean.Misconfigurations = []model.Misconfiguration{}
	clean.Secrets = []model.Secret{}
	clean.PersonalData = []model.PersonalData{}
	allSuppressed := schematest.Report()
	for i := range allSuppressed.Secrets {
		allSuppressed.Secrets[i].Suppressed = &model.Suppressed{By: "ignore-file"}
	}
	// What drydock config writes: misconfigurations of a directory, no
	// inventory, no OS.
	config := &model.Report{
		Artifact: model.Artifact{Name: "deploy/", Type: model.ArtifactFilesystem},
		Misconfigurations: []model.Misconfiguration{{
			ID: "DD-DF-001", Severity: model.SeverityMedium, Title: "t", Message: "m", Target: "Dockerfile", Line: 3,
		}},
	}
	tests := []struct {
		name    string
		r       *model.Report
		want    []string
		notWant []string
	}{
		{"not scanned", notScanned, []string{"1 vulnerabilities"},
			[]string{"Misconfigurations", "Secrets", "Personal data", "packages"}},
		{"nothing found", clean, []string{
			"\nMisconfigurations: 0 found (CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0)\n",
			"\nSecrets: 0 found (CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0)\n",
			"\nPersonal data: 0 files\n",
		}, []string{"RULE", "WHERE", "KIND"}},
		{"all suppressed", allSuppressed, []string{"\nSecrets: 0 found (CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0), 2 suppressed\n"},
			[]string{"RULE", "AKIA", "rotate"}},
		{"config only", config, []string{"deploy/\n", "Dockerfile:3  t\n"},
			[]string{"packages", "OS unknown", "vulnerabilities", "Secrets"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := encode(t, Encoder{}, tt.r)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("output has %q:\n%s", w, got)
				}
			}
		})
	}
}

// TestNoControl checks that text from scanned files cannot drive the
// terminal or break the layout.
func TestNoControl(t *testing.T) {
	r := &model.Report{
		Artifact:  model.Artifact{Name: "img\x1b]0;pwned\x07", Type: model.ArtifactImage},
		Inventory: model.Inventory{Packages: []model.Package{{Name: "p\x1b[2J", Version: "1\n2"}}},
		Secrets: []model.Secret{{
			RuleID: "generic", Severity: model.SeverityHigh, Match: "key=\t****\x1b[31m\xff",
			Location: model.Location{Path: "a\rb"},
		}},
		Status: []model.Status{{Source: "walk", Message: "bad\nname\u009b\x9b"}},
	}
	got := encode(t, Encoder{Packages: true}, r)
	for _, c := range got {
		if c != '\n' && unicode.IsControl(c) {
			t.Errorf("control character %U in output: %q", c, got)
		}
	}
	for _, w := range []string{"img\uFFFD]0;pwned\uFFFD (OS unknown)\n", "p\uFFFD[2J  1 2", "a b  ", "key= ****\uFFFD[31m\uFFFD\n", "walk: bad name\uFFFD\uFFFD\n"} {
		if !strings.Contains(got, w) {
			t.Errorf("output lacks %q:\n%q", w, got)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestErrors(t *testing.T) {
	if err := (Encoder{}).Encode(failWriter{}, schematest.Report()); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("write error: %v", err)
	}
	if err := (Encoder{}).Encode(&bytes.Buffer{}, nil); err == nil {
		t.Error("nil report: no error")
	}
}
