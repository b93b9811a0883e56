// Package template renders a report with a user's Go text/template, for
// formats drydock does not ship (chat messages, HTML pages, other tools'
// inputs), as trivy's --template does.
//
// The template's data (dot) is the *model.Report (docs/report-schema.md
// lists its fields; Go field names are the JSON names capitalised:
// .Artifact.Name, .Vulnerabilities, .Inventory.Packages, .Misconfigurations,
// .Secrets, .PersonalData). The encoder hands the template a copy in which
// the findings are sorted, so the output does not depend on the scanner's
// order: vulnerabilities by severity (highest first), package name, version
// and ID; misconfigurations by severity, ID, target and line; secrets by
// severity, path and line; personal data by path, each file's kinds by
// kind; and the packages by name and version.
//
// Functions, besides text/template's builtins:
//
//	severityCount LIST SEVERITY  number of unsuppressed findings of a severity ("HIGH", case-insensitive)
//	                             in .Vulnerabilities, .Misconfigurations or .Secrets
//	unsuppressed LIST            the findings of such a list that are not suppressed
//	join SEP LIST                elements of a list joined with SEP (sprig's argument order, for pipelines)
//	escapeXML VALUE              VALUE escaped for XML and HTML text and attributes
//	escapeMarkdown VALUE         VALUE as literal Markdown text on one line, safe in a table cell
//	markdownCode VALUE           VALUE as a Markdown code span on one line, safe in a table cell
//	toJSON VALUE                 VALUE as compact JSON (<, > and & escaped, safe inside HTML)
//	upper VALUE, lower VALUE     VALUE as text in upper or lower case
//	now                          the report's creation time (not the clock: output stays reproducible)
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
		"severityCount":  severityCount,
		"unsuppressed":   unsuppressed,
		"join":           join,
		"escapeXML":      escapeXML,
		"escapeMarkdown": escapeMarkdown,
		"markdownCode":   markdownCode,
		"toJSON":         toJSON,
		"upper":          func(v any) string { return strings.ToUpper(str(v)) },
		"lower":          func(v any) string { return strings.ToLower(str(v)) },
		"now":            func() time.Time { return time.Time{} },
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

// finding is what severityCount and unsuppressed read of a finding.
type finding interface {
	model.Vulnerability | model.Misconfiguration | model.Secret
}

func severityOf[F finding](f F) (model.Severity, *model.Suppressed) {
	switch f := any(f).(type) {
	case model.Vulnerability:
		return f.Severity, f.Suppressed
	case model.Misconfiguration:
		return f.Severity, f.Suppressed
	case model.Secret:
		return f.Severity, f.Suppressed
	}
	panic("unreachable")
}

func count[F finding](list []F, want model.Severity) int {
	n := 0
	for _, f := range list {
		if sev, sup := severityOf(f); sup == nil && sev == want {
			n++
		}
	}
	return n
}

func severityCount(list any, severity any) (int, error) {
	want := model.Severity(strings.ToUpper(str(severity)))
	switch l := list.(type) {
	case []model.Vulnerability:
		return count(l, want), nil
	case []model.Misconfiguration:
		return count(l, want), nil
	case []model.Secret:
		return count(l, want), nil
	}
	return 0, fmt.Errorf("severityCount: %T is not a list of vulnerabilities, misconfigurations or secrets", list)
}

func keep[F finding](list []F) []F {
	return slices.DeleteFunc(slices.Clone(list), func(f F) bool {
		_, sup := severityOf(f)
		return sup != nil
	})
}

func unsuppressed(list any) (any, error) {
	switch l := list.(type) {
	case []model.Vulnerability:
		return keep(l), nil
	case []model.Misconfiguration:
		return keep(l), nil
	case []model.Secret:
		return keep(l), nil
	}
	return nil, fmt.Errorf("unsuppressed: %T is not a list of vulnerabilities, misconfigurations or secrets", list)
}

// mdText escapes Markdown's inline syntax, and the pipes of table cells.
var mdText = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;",
	"|", `\|`, "#", `\#`, "~", `\~`, "&", "&amp;", "\r\n", " ", "\n", " ", "\r", " ",
)

func escapeMarkdown(v any) string { return mdText.Replace(str(v)) }

// markdownCode makes a code span of v: fenced with more backticks than v
// has in a row, on one line, with pipes escaped for table cells (GitHub
// Flavored Markdown unescapes them inside code spans).
func markdownCode(v any) string {
	s := strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "|", `\|`).Replace(str(v))
	if s == "" {
		return ""
	}
	run, longest := 0, 0
	for _, c := range s {
		if c == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if longest > 0 || strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ") {
		// A space on each side keeps a backtick at an edge out of the
		// fence; the renderer strips one of each.
		s = " " + s + " "
	}
	return fence + s + fence
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

// sortedCopy returns a shallow copy of r with sorted findings and packages;
// r is not changed.
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
	if r.Misconfigurations != nil {
		c.Misconfigurations = slices.Clone(r.Misconfigurations)
		slices.SortStableFunc(c.Misconfigurations, func(a, b model.Misconfiguration) int {
			return cmp.Or(
				b.Severity.Rank()-a.Severity.Rank(),
				strings.Compare(a.ID, b.ID),
				strings.Compare(a.Target, b.Target),
				a.Line-b.Line,
				strings.Compare(a.Object, b.Object),
				strings.Compare(a.Message, b.Message),
			)
		})
	}
	if r.Secrets != nil {
		c.Secrets = slices.Clone(r.Secrets)
		slices.SortStableFunc(c.Secrets, func(a, b model.Secret) int {
			return cmp.Or(
				b.Severity.Rank()-a.Severity.Rank(),
				strings.Compare(a.Location.Path, b.Location.Path),
				a.Line-b.Line,
				strings.Compare(a.RuleID, b.RuleID),
				a.Location.LayerIndex-b.Location.LayerIndex,
			)
		})
	}
	if r.PersonalData != nil {
		c.PersonalData = slices.Clone(r.PersonalData)
		for i := range c.PersonalData {
			p := &c.PersonalData[i]
			p.Kinds = slices.Clone(p.Kinds)
			slices.SortStableFunc(p.Kinds, func(a, b model.PIIKind) int { return strings.Compare(a.Kind, b.Kind) })
		}
		slices.SortStableFunc(c.PersonalData, func(a, b model.PersonalData) int {
			return cmp.Or(
				strings.Compare(a.Location.Path, b.Location.Path),
				a.Location.LayerIndex-b.Location.LayerIndex,
			)
		})
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
