// Package template renders a report with a user's Go text/template, for
// formats drydock does not ship (chat messages, HTML pages, other tools'
// inputs), as trivy's --template does.
//
// The template's data (dot) is the *model.Report (docs/report-schema.md
// lists its fields; Go field names are the JSON names capitalised:
// .Artifact.Name, .Vulnerabilities, .Inventory.Packages). The encoder hands
// the template a copy in which the vulnerabilities are sorted by severity
// (highest first), package name, version and ID, and the packages by name and
// version, so the output does not depend on the scanner's order.
//
// Functions, besides text/template's builtins:
//
//	severityCount VULNS SEVERITY  number of unsuppressed findings of a severity ("HIGH", case-insensitive)
//	join SEP LIST                 elements of a list joined with SEP (sprig's argument order, for pipelines)
//	escapeXML VALUE               VALUE escaped for XML and HTML text and attributes
//	toJSON VALUE                  VALUE as compact JSON (<, > and & escaped, safe inside HTML)
//	upper VALUE, lower VALUE      VALUE as text in upper or lower case
//	now                           the report's creation time (not the clock: output stays reproducible)
//
// Built-in example templates (Builtin): "markdown", a summary for pull
// request comments or job summaries, and "html", a standalone page.
package template

import (
	"bytes"
	"cmp"
	"embed"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/report"
)

// Format is the format name.
const Format report.Format = "template"

// Encoder executes a template on the report.
type Encoder struct {
	// Template is the parsed template. Build it with Parse, ParseFile or
	// Builtin, which install the functions the package documents; a
	// template parsed elsewhere must define them itself (Funcs).
	Template *texttemplate.Template
}

var _ report.Encoder = Encoder{}

// Format implements report.Encoder.
func (Encoder) Format() report.Format { return Format }

// Encode implements report.Encoder. Nothing is written when the template
// fails.
func (e Encoder) Encode(w io.Writer, r *model.Report) error {
	if e.Template == nil {
		return errors.New("executing template: no template")
	}
	if r == nil {
		return errors.New("executing template: nil report")
	}
	// A clone per call, so that "now" is this report's time and concurrent
	// calls do not race.
	t, err := e.Template.Clone()
	if err != nil {
		return fmt.Errorf("executing template %s: %w", e.Template.Name(), err)
	}
	created := r.CreatedAt
	t.Funcs(texttemplate.FuncMap{"now": func() time.Time { return created }})
	var buf bytes.Buffer
	if err := t.Execute(&buf, sortedCopy(r)); err != nil {
		return fmt.Errorf("executing template: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("writing template output: %w", err)
	}
	return nil
}

// Parse parses a template text.
func Parse(text string) (*Encoder, error) {
	return parse("drydock", text)
}

// ParseFile parses the template in the file at path.
func ParseFile(path string) (*Encoder, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading template: %w", err)
	}
	return parse(filepath.Base(path), string(b))
}

//go:embed contrib/*.tpl
var contrib embed.FS

// BuiltinNames lists the built-in templates.
func BuiltinNames() []string {
	entries, _ := contrib.ReadDir("contrib") // embedded: cannot fail
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".tpl"))
	}
	return names
}

// Builtin parses the built-in template name ("markdown", "html").
func Builtin(name string) (*Encoder, error) {
	b, err := contrib.ReadFile("contrib/" + name + ".tpl")
	if err != nil {
		return nil, fmt.Errorf("no built-in template %q (have %s)", name, strings.Join(BuiltinNames(), ", "))
	}
	return parse(name+".tpl", string(b))
}

func parse(name, text string) (*Encoder, error) {
	t, err := texttemplate.New(name).Funcs(Funcs()).Parse(text)
	if err != nil {
		return nil, fmt.Errorf("parsing template: %w", err)
	}
	return &Encoder{Template: t}, nil
}

// Funcs returns the functions templates may use. "now" returns the zero
// time here; Encode binds it to the report's creation time.
func Funcs() texttemplate.FuncMap {
	return texttemplate.FuncMap{
		"severityCount": severityCount,
		"join":          join,
		"escapeXML":     escapeXML,
		"toJSON":        toJSON,
		"upper":         func(v any) string { return strings.ToUpper(str(v)) },
		"lower":         func(v any) string { return strings.ToLower(str(v)) },
		"now":           func() time.Time { return time.Time{} },
	}
}

// str renders a value as text: strings and string types (model.Severity,
// model.Digest) as they are, the rest with fmt.
func str(v any) string {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
		return rv.String()
	}
	return fmt.Sprint(v)
}

func severityCount(vulns []model.Vulnerability, severity any) int {
	want := model.Severity(strings.ToUpper(str(severity)))
	n := 0
	for _, v := range vulns {
		if v.Suppressed == nil && v.Severity == want {
			n++
		}
	}
	return n
}

// join accepts any slice or array, so .Aliases, .RepoTags and .Licenses work
// alike.
func join(sep string, list any) (string, error) {
	rv := reflect.ValueOf(list)
	if !rv.IsValid() {
		return "", nil
	}
	if k := rv.Kind(); k != reflect.Slice && k != reflect.Array {
		return "", fmt.Errorf("join: %T is not a list", list)
	}
	parts := make([]string, rv.Len())
	for i := range parts {
		parts[i] = str(rv.Index(i).Interface())
	}
	return strings.Join(parts, sep), nil
}

func escapeXML(v any) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(str(v))) // a strings.Builder does not fail
	return b.String()
}

func toJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("toJSON: %w", err)
	}
	return string(b), nil
}

// sortedCopy returns a shallow copy of r with sorted vulnerabilities and
// packages; r is not changed.
func sortedCopy(r *model.Report) *model.Report {
	c := *r
	if r.Vulnerabilities != nil {
		c.Vulnerabilities = slices.Clone(r.Vulnerabilities)
		slices.SortStableFunc(c.Vulnerabilities, func(a, b model.Vulnerability) int {
			return cmp.Or(
				b.Severity.Rank()-a.Severity.Rank(),
				comparePackages(a.Package, b.Package),
				strings.Compare(a.ID, b.ID),
			)
		})
	}
	if r.Inventory.Packages != nil {
		c.Inventory.Packages = slices.Clone(r.Inventory.Packages)
		slices.SortStableFunc(c.Inventory.Packages, comparePackages)
	}
	return &c
}

func comparePackages(a, b model.Package) int {
	return cmp.Or(
		strings.Compare(a.Name, b.Name),
		strings.Compare(a.Version, b.Version),
		strings.Compare(string(a.Type), string(b.Type)),
		strings.Compare(pathOf(a), pathOf(b)),
	)
}

func pathOf(p model.Package) string {
	if len(p.Locations) == 0 {
		return ""
	}
	return p.Locations[0].Path
}
