package match

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
	"github.com/google/go-cmp/cmp"
)

func TestFold(t *testing.T) {
	q := query{eco: "npm", name: "pkg", version: "1.0.0", by: "package"}
	day := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	rec := func(id string, aliases []string, fixed string, sev string, d int) hit {
		e := &osv.Entry{ID: id, Aliases: aliases, Published: day(d), Modified: day(d + 10),
			References: []osv.Reference{{Type: "WEB", URL: "https://example.org/" + id}}}
		if sev != "" {
			e.DatabaseSpecific = json.RawMessage(`{"severity":"` + sev + `"}`)
		}
		return hit{entry: e, fixed: fixed}
	}
	tests := []struct {
		name string
		hits []hit
		want []model.Vulnerability
	}{
		{
			name: "chain A-B-C folds into one, CVE first, max fixed, highest severity",
			hits: []hit{
				rec("GHSA-cccc", []string{"OSV-2"}, "1.2.0", "LOW", 3),
				rec("GHSA-aaaa", []string{"CVE-2024-0002", "OSV-1"}, "1.0.5", "HIGH", 1),
				rec("GO-2024-0001", []string{"OSV-1", "OSV-2"}, "1.1.0", "MODERATE", 2),
			},
			want: []model.Vulnerability{{
				ID:             "CVE-2024-0002",
				Aliases:        []string{"GHSA-aaaa", "GHSA-cccc", "GO-2024-0001", "OSV-1", "OSV-2"},
				Advisories:     []string{"GHSA-aaaa", "GHSA-cccc", "GO-2024-0001"},
				MatchedBy:      "package pkg 1.0.0",
				FixedVersion:   "1.2.0",
				Severity:       model.SeverityHigh,
				SeveritySource: "GHSA",
				References:     []string{"https://example.org/GHSA-aaaa", "https://example.org/GHSA-cccc", "https://example.org/GO-2024-0001"},
				Published:      ptr(day(1)), Modified: ptr(day(13)),
				DataSource: "npm",
			}},
		},
		{
			name: "one record without a fix: no single version fixes the flaw",
			hits: []hit{rec("A-1", []string{"CVE-2024-0001"}, "2.0.0", "", 1), rec("B-1", []string{"CVE-2024-0001"}, "", "", 1)},
			want: []model.Vulnerability{{
				ID: "CVE-2024-0001", Aliases: []string{"A-1", "B-1"}, Advisories: []string{"A-1", "B-1"},
				MatchedBy: "package pkg 1.0.0", Severity: model.SeverityUnknown,
				References: []string{"https://example.org/A-1", "https://example.org/B-1"},
				Published:  ptr(day(1)), Modified: ptr(day(11)), DataSource: "npm",
			}},
		},
		{
			name: "disjoint records stay apart; the lowest CVE names a record with two",
			hits: []hit{rec("X-1", []string{"CVE-2021-44228", "CVE-2021-4104"}, "", "", 1), rec("Y-1", nil, "3.0.0", "", 1)},
			want: []model.Vulnerability{
				{
					ID: "CVE-2021-4104", Aliases: []string{"CVE-2021-44228", "X-1"}, Advisories: []string{"X-1"},
					MatchedBy: "package pkg 1.0.0", Severity: model.SeverityUnknown,
					References: []string{"https://example.org/X-1"},
					Published:  ptr(day(1)), Modified: ptr(day(11)), DataSource: "npm",
				},
				{
					ID: "Y-1", Advisories: []string{"Y-1"}, FixedVersion: "3.0.0",
					MatchedBy: "package pkg 1.0.0", Severity: model.SeverityUnknown,
					References: []string{"https://example.org/Y-1"},
					Published:  ptr(day(1)), Modified: ptr(day(11)), DataSource: "npm",
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, fold(direct{}, q, tt.hits)); diff != "" {
				t.Errorf("fold (-want +got):\n%s", diff)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestRecordSeverity(t *testing.T) {
	const (
		v31crit       = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"                    // 10.0
		v31med        = "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N"                    // 5.5
		v31none       = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"                    // 0.0
		v40high       = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N" // 8.7
		v2high        = "AV:N/AC:L/Au:N/C:P/I:P/A:P"                                      // 7.5
		v30low        = "CVSS:3.0/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"                    // 1.6
		bad           = "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"                    // invalid
		ubuntu        = osv.SeverityUbuntu
		cv3, cv4, cv2 = osv.SeverityCVSSv3, osv.SeverityCVSSv4, osv.SeverityCVSSv2
	)
	aff := func(sev []osv.Severity, db, es string) *osv.Affected {
		a := &osv.Affected{Severity: sev}
		if db != "" {
			a.DatabaseSpecific = json.RawMessage(db)
		}
		if es != "" {
			a.EcosystemSpecific = json.RawMessage(es)
		}
		return a
	}
	tests := []struct {
		name       string
		eco        model.Ecosystem
		entry      osv.Entry
		hits       []*osv.Affected
		want       model.Severity
		wantSource string
		wantCVSS   int
	}{
		{"CVSS 3.1 critical", "Maven", osv.Entry{Severity: []osv.Severity{{Type: cv3, Score: v31crit}}}, nil, model.SeverityCritical, "CVSS:3.1", 1},
		{"CVSS 4.0 preferred over 3.1", "npm", osv.Entry{Severity: []osv.Severity{{Type: cv3, Score: v31med}, {Type: cv4, Score: v40high}}}, nil, model.SeverityHigh, "CVSS:4.0", 2},
		{"CVSS 0.0 NONE counts as LOW", "npm", osv.Entry{Severity: []osv.Severity{{Type: cv3, Score: v31none}}}, nil, model.SeverityLow, "CVSS:3.1", 1},
		{"CVSS 3.0 low", "npm", osv.Entry{Severity: []osv.Severity{{Type: cv3, Score: v30low}}}, nil, model.SeverityLow, "CVSS:3.0", 1},
		{"CVSS v2 only", "PyPI", osv.Entry{Severity: []osv.Severity{{Type: cv2, Score: v2high}}}, nil, model.SeverityHigh, "CVSS:2.0", 1},
		{"affected-level CVSS", "crates.io", osv.Entry{}, []*osv.Affected{aff([]osv.Severity{{Type: cv3, Score: v31med}}, "", "")}, model.SeverityMedium, "CVSS:3.1", 1},
		{"invalid vector falls through to GHSA", "npm", osv.Entry{Severity: []osv.Severity{{Type: cv3, Score: bad}}, DatabaseSpecific: json.RawMessage(`{"severity":"MODERATE"}`)}, nil, model.SeverityMedium, "GHSA", 0},
		{"CVSS beats GHSA word", "npm", osv.Entry{Severity: []osv.Severity{{Type: cv3, Score: v31med}}, DatabaseSpecific: json.RawMessage(`{"severity":"CRITICAL"}`)}, nil, model.SeverityMedium, "CVSS:3.1", 1},
		{"Ubuntu priority", "Ubuntu:20.04", osv.Entry{}, []*osv.Affected{aff([]osv.Severity{{Type: ubuntu, Score: "negligible"}}, "", "")}, model.SeverityLow, "Ubuntu priority", 0},
		{"Debian changelog urgency", "Debian:12", osv.Entry{}, []*osv.Affected{aff(nil, `{"urgency":"emergency"}`, "")}, model.SeverityCritical, "Debian urgency", 0},
		{"Debian tracker urgency", "Debian:12", osv.Entry{}, []*osv.Affected{aff(nil, "", `{"urgency":"unimportant","status":"resolved"}`)}, model.SeverityLow, "Debian urgency", 0},
		{"Debian urgency not yet assigned", "Debian:12", osv.Entry{}, []*osv.Affected{aff(nil, "", `{"urgency":"not yet assigned"}`)}, model.SeverityUnknown, "", 0},
		{"AlmaLinux summary rating", "AlmaLinux:9", osv.Entry{Summary: "Important: openssl security update"}, nil, model.SeverityHigh, "AlmaLinux severity", 0},
		{"summary prefix ignored outside RPM distros", "npm", osv.Entry{Summary: "Critical: something"}, nil, model.SeverityUnknown, "", 0},
		{"rubysec score", "RubyGems", osv.Entry{DatabaseSpecific: json.RawMessage(`{"cvss_v3":9.8}`)}, nil, model.SeverityCritical, "CVSS score", 0},
		{"nothing", "Go", osv.Entry{DatabaseSpecific: json.RawMessage(`{"url":"https://pkg.go.dev/vuln/GO-1"}`)}, nil, model.SeverityUnknown, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.entry.ID = "TEST-1"
			got := recordSeverity(&tt.entry, tt.hits, tt.eco)
			if got.level != tt.want || got.source != tt.wantSource || len(got.cvss) != tt.wantCVSS {
				t.Errorf("severity = %s %q with %d CVSS; want %s %q with %d", got.level, got.source, len(got.cvss), tt.want, tt.wantSource, tt.wantCVSS)
			}
		})
	}
}

func TestStringField(t *testing.T) {
	tests := []struct {
		raw, key string
		want     string
		ok       bool
	}{
		{`{"source": "changelog", "urgency": "medium"}`, "urgency", "medium", true},
		{`{"urgency":"high"}`, "urgency", "high", true},
		{`{"note": "\"urgency\" is low", "urgency": "emergency"}`, "urgency", "emergency", true},
		{`{"status": "needs-triage", "priority": "low"}`, "status", "needs-triage", true},
		{`{"urgency": "a\"b\u00e9"}`, "urgency", "a\"bé", true},
		{`{"urgency": 3}`, "urgency", "", false},
		{`{"urgency": "unterminated`, "urgency", "", false},
		{``, "urgency", "", false},
	}
	for _, tt := range tests {
		got, ok := stringField([]byte(tt.raw), tt.key)
		if got != tt.want || ok != tt.ok {
			t.Errorf("stringField(%s, %q) = %q, %v; want %q, %v", tt.raw, tt.key, got, ok, tt.want, tt.ok)
		}
	}
}

func TestStatusNotes(t *testing.T) {
	a := &osv.Affected{Package: osv.Package{Ecosystem: "Ubuntu:20.04", Name: "openssl"},
		EcosystemSpecific: json.RawMessage(`{"priority":"medium","status":"needs-triage"}`)}
	want := []string{"Ubuntu:20.04 status needs-triage: the distribution has not assessed this package yet"}
	if diff := cmp.Diff(want, statusNotes(a)); diff != "" {
		t.Errorf("statusNotes (-want +got):\n%s", diff)
	}
	a.EcosystemSpecific = json.RawMessage(`{"status":"released"}`)
	if got := statusNotes(a); got != nil {
		t.Errorf("statusNotes(released) = %q", got)
	}
}
