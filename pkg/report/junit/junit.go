// Package junit renders a report as JUnit XML, the test-report format CI
// servers (Jenkins, GitLab, Azure DevOps, ...) display without plugins.
//
// There is one <testsuite> per package type of the scanned artifact, named
// "<artifact> (<type>)", and in it:
//
//   - one passing <testcase> per package without findings, named
//     "<name> <version>", so the report shows what was checked;
//   - one <testcase> per finding, named "<name> <version>: <vulnerability>",
//     with a <failure> (type = severity, message = ID, severity, package and
//     fixed version; the body has the summary, CVSS, path, layer, aliases and
//     references). One testcase per finding rather than one per package
//     with several <failure>s, because JUnit readers expect at most one
//     failure per testcase (Jenkins reads only the first): this way every
//     finding is a red line of its own, with its own message;
//   - a suppressed finding is the same testcase with <skipped> and the
//     suppression as its message.
//
// When vulnerability scanning did not run (no vulnerabilities list), every
// package is a skipped testcase.
//
// The other finding classes follow, each only when its scanner ran (its
// list in the report is not nil):
//
//   - misconfigurations: one suite per target (a file, or the image for
//     image config checks), named "<target> (misconfigurations)", with one
//     testcase per finding, "<object>: <check ID>" (classname
//     "drydock.misconfiguration");
//   - secrets: one suite "<artifact> (secrets)", one testcase per finding,
//     "<path>:<line>: <rule ID>" (classname "drydock.secret"); the failure
//     shows the redacted match only, and says when a later layer deleted
//     the file;
//   - personal data: one suite "<artifact> (personal data)", one testcase
//     per file, its failure listing the kinds with counts and redacted
//     samples (classname "drydock.personal-data"; personal data has no
//     severity, the failure type is "PERSONAL-DATA").
//
// Unsuppressed findings are failures and suppressed ones skipped, as for
// vulnerabilities. A class that ran and found nothing is a suite with one
// passing testcase ("no secrets found"), so that CI shows the check ran. classname is "drydock.<type>", which Jenkins
// shows as package "drydock", class "<type>". Counts (tests, failures,
// skipped; errors is always 0) are set on every suite and on <testsuites>;
// scan statuses go to the root's <system-err>. Times are 0: drydock does not
// time findings; timestamps come from the report's creation time.
package junit

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/report"
)

// Format is the format name.
const Format report.Format = "junit"

// Encoder writes JUnit XML.
type Encoder struct{}

var _ report.Encoder = Encoder{}

// Format implements report.Encoder.
func (Encoder) Format() report.Format { return Format }

// Encode implements report.Encoder.
func (Encoder) Encode(w io.Writer, r *model.Report) error {
	if r == nil {
		return errors.New("encoding JUnit: nil report")
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(build(r)); err != nil {
		return fmt.Errorf("encoding JUnit: %w", err)
	}
	buf.WriteByte('\n')
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("writing JUnit: %w", err)
	}
	return nil
}

// TestSuites is the root element. The types are exported so that tests and
// tools can read the output back with encoding/xml.
type TestSuites struct {
	XMLName   xml.Name    `xml:"testsuites"`
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Suites    []TestSuite `xml:"testsuite"`
	SystemErr *Output     `xml:"system-err,omitempty"`
}

// Output is the text of <system-err>.
type Output struct {
	Text string `xml:",cdata"`
}

// TestSuite groups the packages of one type.
type TestSuite struct {
	Name       string     `xml:"name,attr"`
	Tests      int        `xml:"tests,attr"`
	Failures   int        `xml:"failures,attr"`
	Errors     int        `xml:"errors,attr"`
	Skipped    int        `xml:"skipped,attr"`
	Time       string     `xml:"time,attr"`
	Timestamp  string     `xml:"timestamp,attr,omitempty"`
	Properties []Property `xml:"properties>property,omitempty"`
	Cases      []TestCase `xml:"testcase"`
}

// Property is a name-value pair of a suite.
type Property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// TestCase is a package without findings, or one finding.
type TestCase struct {
	Name      string   `xml:"name,attr"`
	ClassName string   `xml:"classname,attr"`
	Time      string   `xml:"time,attr"`
	Failure   *Failure `xml:"failure,omitempty"`
	Skipped   *Skipped `xml:"skipped,omitempty"`
}

// Failure is an unsuppressed finding.
type Failure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// Skipped marks a suppressed finding, or a package not checked.
type Skipped struct {
	Message string `xml:"message,attr,omitempty"`
}

// notScanned is the skip message of packages when matching did not run.
const notScanned = "vulnerability scanning was not run"

// key identifies a package: findings carry a copy of the inventory package.
func key(p model.Package) string {
	path := ""
	if len(p.Locations) > 0 {
		path = p.Locations[0].Path
	}
	return strings.Join([]string{string(p.Type), p.Name, p.Version, path}, "\x00")
}

func typeOf(p model.Package) string { return cmp.Or(string(p.Type), "unknown") }

func comparePackages(a, b model.Package) int {
	return cmp.Or(
		strings.Compare(a.Name, b.Name),
		strings.Compare(a.Version, b.Version),
		strings.Compare(key(a), key(b)),
	)
}

// entry is one testcase before rendering.
type entry struct {
	pkg  model.Package
	vuln *model.Vulnerability // nil for a package without findings
}

func build(r *model.Report) *TestSuites {
	scanned := r.Vulnerabilities != nil
	vulnerable := map[string]bool{}
	var entries []entry
	for i := range r.Vulnerabilities {
		v := &r.Vulnerabilities[i]
		vulnerable[key(v.Package)] = true
		entries = append(entries, entry{pkg: v.Package, vuln: v})
	}
	seen := map[string]bool{}
	for _, p := range r.Inventory.Packages {
		k := key(p)
		if vulnerable[k] || seen[k] {
			continue
		}
		seen[k] = true
		entries = append(entries, entry{pkg: p})
	}
	slices.SortStableFunc(entries, func(a, b entry) int {
		if c := comparePackages(a.pkg, b.pkg); c != 0 {
			return c
		}
		var aid, bid string
		if a.vuln != nil {
			aid = a.vuln.ID
		}
		if b.vuln != nil {
			bid = b.vuln.ID
		}
		return strings.Compare(aid, bid)
	})

	byType := map[string][]entry{}
	var types []string
	for _, e := range entries {
		t := typeOf(e.pkg)
		if _, ok := byType[t]; !ok {
			types = append(types, t)
		}
		byType[t] = append(byType[t], e)
	}
	slices.Sort(types)

	artifact := cmp.Or(r.Artifact.Name, "artifact")
	root := &TestSuites{Name: "drydock " + artifact, Time: "0"}
	for _, t := range types {
		s := TestSuite{
			Name:       fmt.Sprintf("%s (%s)", artifact, t),
			Time:       "0",
			Timestamp:  suiteTime(r),
			Properties: properties(r),
		}
		for _, e := range byType[t] {
			s.Cases = append(s.Cases, testCase(e, t, scanned))
		}
		root.add(s)
	}
	for _, s := range findingSuites(r, artifact) {
		s.Timestamp = suiteTime(r)
		s.Properties = properties(r)
		root.add(s)
	}
	var errs []string
	for _, st := range r.Status {
		errs = append(errs, st.String())
	}
	if len(errs) > 0 {
		root.SystemErr = &Output{Text: sanitize(strings.Join(errs, "\n"))}
	}
	return root
}

// add counts the testcases of s and appends it.
func (root *TestSuites) add(s TestSuite) {
	for _, tc := range s.Cases {
		s.Tests++
		switch {
		case tc.Failure != nil:
			s.Failures++
		case tc.Skipped != nil:
			s.Skipped++
		}
	}
	root.Tests += s.Tests
	root.Failures += s.Failures
	root.Skipped += s.Skipped
	root.Suites = append(root.Suites, s)
}

// suiteTime is the suites' timestamp: the report's creation time, in ISO
// 8601 without a zone as JUnit has it, or "" when unknown.
func suiteTime(r *model.Report) string {
	if r.CreatedAt.IsZero() {
		return ""
	}
	return r.CreatedAt.UTC().Format("2006-01-02T15:04:05")
}

func properties(r *model.Report) []Property {
	var ps []Property
	add := func(name, value string) {
		if value != "" {
			ps = append(ps, Property{Name: name, Value: value})
		}
	}
	add("artifact", r.Artifact.Name)
	add("artifact.type", string(r.Artifact.Type))
	add("artifact.digest", string(r.Artifact.Digest))
	if os := r.Inventory.OS; os != nil {
		add("os", strings.TrimSpace(os.ID+" "+os.VersionID))
	}
	add("drydock.version", r.Tool.Version)
	return ps
}

func testCase(e entry, typ string, scanned bool) TestCase {
	p := e.pkg
	tc := TestCase{Name: p.Name + " " + p.Version, ClassName: "drydock." + typ, Time: "0"}
	v := e.vuln
	if v == nil {
		if !scanned {
			tc.Skipped = &Skipped{Message: notScanned}
		}
		return tc
	}
	tc.Name += ": " + v.ID
	if v.Suppressed != nil {
		tc.Skipped = suppressed(v.Suppressed)
		return tc
	}
	msg := fmt.Sprintf("%s (%s) in %s %s", v.ID, v.Severity, p.Name, p.Version)
	if v.FixedVersion != "" {
		msg += "; fixed in " + v.FixedVersion
	} else {
		msg += "; no fix available"
	}
	tc.Failure = &Failure{Message: msg, Type: string(v.Severity), Text: sanitize(details(v))}
	return tc
}

// details is the failure body: what a developer needs to act on a finding.
func details(v *model.Vulnerability) string {
	p := v.Package
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	if v.Summary != "" {
		line("%s", v.Summary)
	}
	line("Package: %s %s (%s)", p.Name, p.Version, typeOf(p))
	if v.MatchedBy != "" {
		line("Matched by: %s", v.MatchedBy)
	}
	line("Fixed in: %s", cmp.Or(v.FixedVersion, "no fix available"))
	sev := string(v.Severity)
	if v.SeveritySource != "" {
		sev += " (" + v.SeveritySource + ")"
	}
	line("Severity: %s", sev)
	for _, c := range v.CVSS {
		line("CVSS %s: %.1f %s", c.Version, c.Score, c.Vector)
	}
	for _, l := range p.Locations {
		if l.Layer != "" {
			line("Path: %s (layer %d, %s)", l.Path, l.LayerIndex, l.Layer)
		} else {
			line("Path: %s", l.Path)
		}
	}
	if len(v.Aliases) > 0 {
		line("Aliases: %s", strings.Join(v.Aliases, ", "))
	}
	if v.Note != "" {
		line("Note: %s", v.Note)
	}
	for _, ref := range v.References {
		line("Reference: %s", ref)
	}
	return b.String()
}

// sanitize replaces the characters XML 1.0 cannot carry (most C0 controls,
// invalid UTF-8) with U+FFFD. Attributes and character data get this from
// encoding/xml; CDATA sections, used for readable multi-line text, do not.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' ||
			r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF {
			return r
		}
		return '\uFFFD'
	}, s)
}
