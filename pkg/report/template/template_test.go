package template

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/report/internal/schematest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func encode(t testing.TB, e *Encoder, r *model.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := e.Encode(&buf, r); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return buf.Bytes()
}

func builtin(t testing.TB, name string) *Encoder {
	t.Helper()
	e, err := Builtin(name)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestBuiltinGolden(t *testing.T) {
	if diff := cmp.Diff([]string{"html", "markdown"}, BuiltinNames()); diff != "" {
		t.Errorf("BuiltinNames (-want +got):\n%s", diff)
	}
	for name, golden := range map[string]string{
		"markdown": "testdata/markdown.golden.md",
		"html":     "testdata/html.golden.html",
	} {
		t.Run(name, func(t *testing.T) {
			schematest.Golden(t, golden, encode(t, builtin(t, name), schematest.Report()), *update)
		})
	}
}

// TestBuiltinCases runs the built-in templates on reports unlike the
// fixture: not scanned, nothing found, awkward text.
func TestBuiltinCases(t *testing.T) {
	notScanned := schematest.Report()
	notScanned.Vulnerabilities = nil
	clean := schematest.Report()
	clean.Vulnerabilities = []model.Vulnerability{}
	clean.Misconfigurations = []model.Misconfiguration{}
	clean.Secrets = []model.Secret{}
	clean.PersonalData = []model.PersonalData{}
	otherNotScanned := schematest.Report()
	otherNotScanned.Misconfigurations, otherNotScanned.Secrets, otherNotScanned.PersonalData = nil, nil, nil
	allSuppressed := schematest.Report()
	for i := range allSuppressed.Secrets {
		allSuppressed.Secrets[i].Suppressed = &model.Suppressed{By: "ignore-file", Reason: "test fixture"}
	}
	// Text from scanned files that would break the Markdown.
	awkwardFindings := &model.Report{
		Misconfigurations: []model.Misconfiguration{{
			ID: "USER|1", Severity: model.SeverityLow, Title: "a *b* [c](d)", Message: "x\ny <img>", Target: "we`ird|path.yaml", Line: 2,
		}},
		Secrets: []model.Secret{{
			RuleID: "generic", Severity: model.SeverityHigh, Match: "k = `ab**` | x",
			Location: model.Location{Path: "a|b"},
		}},
	}
	awkward := &model.Report{
		Artifact: model.Artifact{Name: `<script>alert("x")</script>`},
		Vulnerabilities: []model.Vulnerability{{
			ID: "X-1", Severity: model.SeverityHigh, Summary: "a & b </td>",
			Package:    model.Package{Name: "p", Version: "1"},
			References: []string{`javascript:"><x>`},
		}},
	}
	tests := []struct {
		name, tpl string
		r         *model.Report
		want      []string
		notWant   []string
	}{
		{"markdown not scanned", "markdown", notScanned, []string{"Vulnerability scanning was not run."}, []string{"| Critical"}},
		{"markdown clean", "markdown", clean, []string{
			"| 0 | 0 | 0 | 0 | 0 |", "No vulnerabilities found.",
			"### Misconfigurations\n\nCritical 0 · High 0 · Medium 0 · Low 0 · Unknown 0\n\nNo misconfigurations found.\n",
			"### Secrets\n\nCritical 0 · High 0 · Medium 0 · Low 0 · Unknown 0\n\nNo secrets found.\n",
			"### Personal data\n\nNo personal data found.\n",
		}, []string{"Suppressed", "not run", "| Check", "| Rule", "| File"}},
		{"markdown other classes not scanned", "markdown", otherNotScanned, []string{"| CVE-2024-0727 |"},
			[]string{"Misconfigurations", "Secrets", "Personal data"}},
		{"markdown secrets all suppressed", "markdown", allSuppressed, []string{
			"### Secrets\n\nCritical 0 · High 0 · Medium 0 · Low 0 · Unknown 0\n\n<details><summary>Suppressed</summary>\n\n" +
				"- aws-access-key-id in `etc/app/.env`: ignore-file (test fixture)\n- private-key in `root/.ssh/id_ed25519`: ignore-file (test fixture)\n\n</details>\n\n### Personal data",
		}, []string{"| Rule", "AKIA"}},
		{"markdown awkward findings", "markdown", awkwardFindings, []string{
			"| USER\\|1 | LOW | `` we`ird\\|path.yaml ``:2 | a \\*b\\* \\[c\\](d) | x y &lt;img&gt; |\n",
			"| generic | HIGH | `a\\|b` | - | `` k = `ab**` \\| x `` |\n",
		}, nil},
		{"html not scanned", "html", notScanned, []string{"<p>Vulnerability scanning was not run.</p>"}, []string{"<h2>"}},
		{"html awkward", "html", awkward,
			[]string{"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", "a &amp; b &lt;/td&gt;", "<td>X-1</td>",
				`"name":"\u003cscript\u003ealert(\"x\")\u003c/script\u003e"`},
			[]string{"<script>alert", "</td>\"", "<x>", "javascript:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(encode(t, builtin(t, tt.tpl), tt.r))
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

func TestHTMLWellFormed(t *testing.T) {
	doc := encode(t, builtin(t, "html"), schematest.Report())
	d := xml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(doc, []byte("<!DOCTYPE html>\n"))))
	d.Strict = false
	d.AutoClose = []string{"meta", "br"}
	for {
		_, err := d.Token()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatalf("HTML is not well formed: %v", err)
			}
			break
		}
	}
}

func TestDeterministic(t *testing.T) {
	e := builtin(t, "markdown")
	r := schematest.Report()
	first := encode(t, e, r)
	slices.Reverse(r.Inventory.Packages)
	slices.Reverse(r.Vulnerabilities)
	slices.Reverse(r.Misconfigurations)
	slices.Reverse(r.Secrets)
	slices.Reverse(r.PersonalData[0].Kinds)
	if second := encode(t, e, r); !bytes.Equal(first, second) {
		t.Error("output depends on the order of packages or findings")
	}
	if r.Vulnerabilities[0].ID != "CVE-2024-29041" || r.Misconfigurations[0].ID != "DD-IMG-004" ||
		r.Secrets[0].RuleID != "private-key" || r.PersonalData[0].Kinds[0].Kind != "email" {
		t.Error("Encode reordered the caller's report")
	}
}

func TestFuncs(t *testing.T) {
	r := schematest.Report()
	r.Vulnerabilities = append(r.Vulnerabilities, model.Vulnerability{ID: "X", Severity: model.SeverityMedium})
	tests := []struct {
		name, text, want string
	}{
		{"severityCount skips suppressed", `{{ severityCount .Vulnerabilities "MEDIUM" }}`, "2"},
		{"severityCount case", `{{ severityCount .Vulnerabilities "medium" }} {{ severityCount .Vulnerabilities "high" }}`, "2 0"},
		{"severityCount misconfigurations", `{{ severityCount .Misconfigurations "high" }} {{ severityCount .Misconfigurations "low" }}`, "2 0"},
		{"severityCount secrets", `{{ severityCount .Secrets "CRITICAL" }}`, "1"},
		{"unsuppressed", `{{ len (unsuppressed .Vulnerabilities) }} {{ len (unsuppressed .Misconfigurations) }} {{ range unsuppressed .Secrets }}{{ .RuleID }} {{ end }}`,
			"2 2 aws-access-key-id private-key "},
		{"escapeMarkdown", `{{ escapeMarkdown "a|b *c* _d_ <e> & [f]` + "`g`" + `\n#h" }}`, `a\|b \*c\* \_d\_ &lt;e&gt; &amp; \[f\]\` + "`g\\`" + ` \#h`},
		{"markdownCode", `{{ markdownCode "a|b" }} {{ markdownCode "x` + "``" + `y" }} {{ markdownCode "" }}`, "`a\\|b` ``` x``y ``` "},
		{"join strings", `{{ join ", " .Artifact.RepoTags }}`, "registry.example.com/shop/web:1.4.2, registry.example.com/shop/web:latest"},
		{"join pipeline", `{{ range .Vulnerabilities }}{{ if eq .ID "CVE-2024-0727" }}{{ .Aliases | join "+" }}{{ end }}{{ end }}`, "DSA-5639-1+GHSA-9v9h-cgj8-h64p"},
		{"join nil", `[{{ join "," .Status }}]`, "[]"},
		{"escapeXML", `{{ escapeXML "<a href='x'>&</a>" }}`, "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;"},
		{"toJSON", `{{ toJSON .Tool }}`, `{"name":"drydock","version":"0.4.0"}`},
		{"upper lower typed", `{{ upper "MiXed" }} {{ lower (index .Vulnerabilities 0).Severity }}`, "MIXED medium"},
		{"now is the report time", `{{ (now).Format "2006-01-02T15:04:05Z07:00" }}`, "2024-04-02T10:30:00Z"},
		{"digest method", `{{ (index .Artifact.Layers 0).DiffID.Short }}`, "ae2a5f4d1c5a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(encode(t, e, r)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	if _, err := Parse("{{ .Nope"); err == nil || !strings.Contains(err.Error(), "parsing template") {
		t.Errorf("Parse of a broken template: %v", err)
	}
	if _, err := Parse("{{ nosuchfunc }}"); err == nil {
		t.Error("Parse accepted an unknown function")
	}
	if _, err := Builtin("pdf"); err == nil || !strings.Contains(err.Error(), "html, markdown") {
		t.Errorf("Builtin(pdf): %v", err)
	}
	if _, err := ParseFile(filepath.Join(t.TempDir(), "missing.tpl")); err == nil {
		t.Error("ParseFile of a missing file succeeded")
	}
	var buf bytes.Buffer
	e, err := Parse("partial {{ .NoSuchField }}")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Encode(&buf, schematest.Report()); err == nil || buf.Len() != 0 {
		t.Errorf("Encode with a bad field: err %v, wrote %q", err, buf.String())
	}
	if err := (Encoder{}).Encode(&buf, schematest.Report()); err == nil {
		t.Error("Encode without a template succeeded")
	}
	if _, err := Parse(`{{ join "," 3 }}`); err != nil {
		t.Fatal(err)
	}
	e, _ = Parse(`{{ severityCount .Inventory.Packages "high" }}`)
	if err := e.Encode(&buf, schematest.Report()); err == nil || !strings.Contains(err.Error(), "not a list of vulnerabilities") {
		t.Errorf("severityCount of packages: %v", err)
	}
	e, _ = Parse(`{{ join "," 3 }}`)
	if err := e.Encode(&buf, schematest.Report()); err == nil || !strings.Contains(err.Error(), "not a list") {
		t.Errorf("join of a number: %v", err)
	}
}

func TestParseFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "count.tpl")
	if err := os.WriteFile(path, []byte(`{{ len .Inventory.Packages }}`), 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if e.Template.Name() != "count.tpl" {
		t.Errorf("template name = %q", e.Template.Name())
	}
	if got := string(encode(t, e, schematest.Report())); got != "14" {
		t.Errorf("got %q, want 14", got)
	}
}

// TestConcurrentNow checks that each Encode sees its own report's time.
func TestConcurrentNow(t *testing.T) {
	e, err := Parse(`{{ (now).Year }}`)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for year := 2000; year < 2016; year++ {
		wg.Go(func() {
			r := &model.Report{CreatedAt: time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)}
			var buf bytes.Buffer
			if err := e.Encode(&buf, r); err != nil {
				t.Error(err)
				return
			}
			if got, want := buf.String(), time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006"); got != want {
				t.Errorf("now = %s, want %s", got, want)
			}
		})
	}
	wg.Wait()
}

// TestFuncsNotScanned: the finding functions take the nil list of a
// scanner that did not run.
func TestFuncsNotScanned(t *testing.T) {
	e, err := Parse(`{{ severityCount .Vulnerabilities "high" }} {{ severityCount .Secrets "high" }} {{ len (unsuppressed .Misconfigurations) }}`)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(encode(t, e, &model.Report{})); got != "0 0 0" {
		t.Errorf("got %q, want %q", got, "0 0 0")
	}
}
