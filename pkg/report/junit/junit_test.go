package junit

import (
	"bytes"
	"encoding/xml"
	"flag"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/report/internal/schematest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const golden = "testdata/report.golden.xml"

func encode(t testing.TB, r *model.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := (Encoder{}).Encode(&buf, r); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return buf.Bytes()
}

func parse(t *testing.T, doc []byte) *TestSuites {
	t.Helper()
	var ts TestSuites
	if err := xml.Unmarshal(doc, &ts); err != nil {
		t.Fatalf("parsing output back: %v", err)
	}
	return &ts
}

func TestEncodeGolden(t *testing.T) {
	schematest.Golden(t, golden, encode(t, schematest.Report()), *update)
}

func TestEncodeDeterministic(t *testing.T) {
	r := schematest.Report()
	first := encode(t, r)
	slices.Reverse(r.Inventory.Packages)
	slices.Reverse(r.Vulnerabilities)
	slices.Reverse(r.Misconfigurations)
	slices.Reverse(r.Secrets)
	slices.Reverse(r.PersonalData[0].Kinds)
	if second := encode(t, r); !bytes.Equal(first, second) {
		t.Error("output depends on the order of packages or findings")
	}
}

type counts struct {
	Name                             string
	Tests, Failures, Errors, Skipped int
}

// recount counts the testcases of a suite, to check the attributes.
func recount(s TestSuite) counts {
	c := counts{Name: s.Name, Tests: len(s.Cases)}
	for _, tc := range s.Cases {
		if tc.Failure != nil {
			c.Failures++
		}
		if tc.Skipped != nil {
			c.Skipped++
		}
	}
	return c
}

func TestCounts(t *testing.T) {
	ts := parse(t, encode(t, schematest.Report()))
	var got, recounted []counts
	for _, s := range ts.Suites {
		got = append(got, counts{s.Name, s.Tests, s.Failures, s.Errors, s.Skipped})
		recounted = append(recounted, recount(s))
	}
	const img = "registry.example.com/shop/web:1.4.2"
	want := []counts{
		{img + " (apk)", 1, 0, 0, 0},
		{img + " (deb)", 4, 1, 0, 0},
		// express twice (one copy vulnerable, suppressed), wasm-pack, @babel/core,
		// and the four packages of app/package-lock.json.
		{img + " (npm)", 8, 0, 0, 1},
		{img + " (rpm)", 1, 0, 0, 0},
		{"app/deploy/web.yaml (misconfigurations)", 1, 1, 0, 0},
		// DD-IMG-001, and DD-IMG-004 suppressed.
		{img + " (misconfigurations)", 2, 1, 0, 1},
		{img + " (secrets)", 2, 2, 0, 0},
		{img + " (personal data)", 1, 1, 0, 0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("suite attributes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, recounted); diff != "" {
		t.Errorf("suite contents (-want +got):\n%s", diff)
	}
	if ts.Tests != 20 || ts.Failures != 6 || ts.Skipped != 2 || ts.Errors != 0 {
		t.Errorf("root counts = tests %d, failures %d, skipped %d, errors %d; want 20, 6, 2, 0",
			ts.Tests, ts.Failures, ts.Skipped, ts.Errors)
	}

	var failure TestCase
	for _, tc := range ts.Suites[1].Cases {
		if tc.Failure != nil {
			failure = tc
		}
	}
	if failure.Name != "libssl3 3.0.11-1~deb12u2: CVE-2024-0727" || failure.ClassName != "drydock.deb" ||
		failure.Failure.Type != "MEDIUM" ||
		failure.Failure.Message != "CVE-2024-0727 (MEDIUM) in libssl3 3.0.11-1~deb12u2; fixed in 3.0.13-1~deb12u1" {
		t.Errorf("failure = %+v", failure)
	}
	var skipped TestCase
	for _, tc := range ts.Suites[2].Cases {
		if tc.Skipped != nil {
			skipped = tc
		}
	}
	if skipped.Name != "express 4.18.2: CVE-2024-29041" || skipped.Skipped.Message != "suppressed by vex: vulnerable_code_not_in_execute_path" {
		t.Errorf("skipped = %+v", skipped)
	}
}

func TestNotScanned(t *testing.T) {
	r := schematest.Report()
	r.Vulnerabilities = nil
	r.Misconfigurations, r.Secrets, r.PersonalData = nil, nil, nil
	r.Status = []model.Status{{Source: "os/dpkg", Path: "var/lib/dpkg/status", Message: "bad <stanza> & \x01 control"}}
	doc := encode(t, r)
	ts := parse(t, doc)
	if ts.Tests != 14 || ts.Skipped != 14 || ts.Failures != 0 {
		t.Errorf("counts = tests %d, skipped %d, failures %d; want 14, 14, 0", ts.Tests, ts.Skipped, ts.Failures)
	}
	if ts.Suites[0].Cases[0].Skipped.Message != notScanned {
		t.Errorf("skip message = %q", ts.Suites[0].Cases[0].Skipped.Message)
	}
	if want := "os/dpkg: var/lib/dpkg/status: bad <stanza> & \uFFFD control"; ts.SystemErr == nil || ts.SystemErr.Text != want {
		t.Errorf("system-err = %+v, want %q", ts.SystemErr, want)
	}
}

func TestEmpty(t *testing.T) {
	ts := parse(t, encode(t, &model.Report{Vulnerabilities: []model.Vulnerability{}}))
	if ts.Tests != 0 || len(ts.Suites) != 0 {
		t.Errorf("empty report: %+v", ts)
	}
}

func TestAwkwardText(t *testing.T) {
	r := &model.Report{Vulnerabilities: []model.Vulnerability{{
		ID: "X-1", Severity: model.SeverityHigh, Summary: "ends ]]> here \x01 <b>&amp;</b> \xff",
		Package: model.Package{Name: "p<&>\"", Version: "1"},
	}}}
	ts := parse(t, encode(t, r))
	f := ts.Suites[0].Cases[0].Failure
	if f == nil {
		t.Fatal("no failure")
	}
	if want := "ends ]]> here \uFFFD <b>&amp;</b> \uFFFD\n"; !strings.HasPrefix(f.Text, want) {
		t.Errorf("failure text = %q, want prefix %q", f.Text, want)
	}
	if ts.Suites[0].Name != "artifact (unknown)" || ts.Suites[0].Cases[0].Name != "p<&>\" 1: X-1" {
		t.Errorf("names = %q, %q", ts.Suites[0].Name, ts.Suites[0].Cases[0].Name)
	}
}
