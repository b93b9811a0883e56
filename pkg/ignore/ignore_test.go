package ignore

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/model"
)

// findings returns findings as the matcher produces them for a Debian 12
// image with openssl 3.0.11-1~deb12u1 and a log4j-core 2.14.1 jar, with
// the real IDs of the staged advisories (DEBCL-CVE-2023-5363-openssl,
// GHSA-jfh8-c2jp-5v3q).
func findings() []model.Vulnerability {
	libssl3 := model.Package{
		Name: "libssl3", Version: "3.0.11-1~deb12u1", Type: model.TypeDeb, Ecosystem: "Debian:12",
		PURL:   "pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl",
		Source: &model.SourcePackage{Name: "openssl", Version: "3.0.11-1~deb12u1"},
	}
	openssl := model.Package{
		Name: "openssl", Version: "3.0.11-1~deb12u1", Type: model.TypeDeb, Ecosystem: "Debian:12",
		PURL:   "pkg:deb/debian/openssl@3.0.11-1~deb12u1?arch=amd64&distro=debian-12",
		Source: &model.SourcePackage{Name: "openssl", Version: "3.0.11-1~deb12u1"},
	}
	log4j := model.Package{
		Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1", Type: model.TypeMaven, Ecosystem: "Maven",
		PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
	}
	// No PURL recorded: Apply derives one.
	linux := model.Package{
		Name: "linux-libc-dev", Version: "6.1.0-1", Type: model.TypeDeb, Ecosystem: "Debian:12",
		Source: &model.SourcePackage{Name: "linux", Version: "6.1.0-1"},
	}
	return []model.Vulnerability{
		{ID: "CVE-2023-5363", Aliases: []string{"DEBCL-CVE-2023-5363-openssl"}, Advisories: []string{"DEBCL-CVE-2023-5363-openssl"}, Package: libssl3, FixedVersion: "3.0.11-1~deb12u2"},
		{ID: "CVE-2023-5678", Aliases: []string{"DEBCL-CVE-2023-5678-openssl"}, Advisories: []string{"DEBCL-CVE-2023-5678-openssl"}, Package: libssl3, FixedVersion: "3.0.13-1~deb12u1"},
		{ID: "CVE-2023-5363", Aliases: []string{"DEBCL-CVE-2023-5363-openssl"}, Advisories: []string{"DEBCL-CVE-2023-5363-openssl"}, Package: openssl, FixedVersion: "3.0.11-1~deb12u2"},
		{ID: "CVE-2021-44228", Aliases: []string{"GHSA-jfh8-c2jp-5v3q"}, Advisories: []string{"GHSA-jfh8-c2jp-5v3q"}, Package: log4j, FixedVersion: "2.15.0"},
		{ID: "CVE-2022-2196", Aliases: []string{"DEBCL-CVE-2022-2196-linux"}, Advisories: []string{"DEBCL-CVE-2022-2196-linux"}, Package: linux,
			Suppressed: &model.Suppressed{By: "kernel-headers", Reason: "kernel"}},
	}
}

// suppressions renders the Suppressed of each finding: "ID package: by: reason".
func suppressions(vs []model.Vulnerability) []string {
	var out []string
	for _, v := range vs {
		if v.Suppressed != nil {
			out = append(out, fmt.Sprintf("%s %s: %s: %s", v.ID, v.Package.Name, v.Suppressed.By, v.Suppressed.Reason))
		}
	}
	return out
}

// summary renders a Result by entry line.
func summary(r Result) []string {
	out := []string{fmt.Sprintf("suppressed %d", r.Suppressed)}
	for _, m := range r.Matched {
		out = append(out, fmt.Sprintf("matched line %d: %d", m.Entry.Line, m.Findings))
	}
	for _, m := range r.Expired {
		out = append(out, fmt.Sprintf("expired line %d: %d", m.Entry.Line, m.Findings))
	}
	for _, e := range r.Stale {
		out = append(out, fmt.Sprintf("stale line %d", e.Line))
	}
	return out
}

const kernel = "CVE-2022-2196 linux-libc-dev: kernel-headers: kernel"

func TestApply(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		file        string // entries of the "ignore:" list
		wantSupp    []string
		wantSummary []string
	}{
		{
			name: "ID only: every package",
			file: `
  - id: CVE-2023-5363
    reason: TLS disabled`,
			wantSupp: []string{
				"CVE-2023-5363 libssl3: ignore-file: TLS disabled",
				"CVE-2023-5363 openssl: ignore-file: TLS disabled",
				kernel,
			},
			wantSummary: []string{"suppressed 2", "matched line 2: 2"},
		},
		{
			name: "source package name matches its binaries",
			file: `
  - id: CVE-2023-5363
    package: openssl
    reason: TLS disabled
    expires: 2026-12-31`,
			wantSupp: []string{
				"CVE-2023-5363 libssl3: ignore-file: TLS disabled (until 2026-12-31)",
				"CVE-2023-5363 openssl: ignore-file: TLS disabled (until 2026-12-31)",
				kernel,
			},
			wantSummary: []string{"suppressed 2", "matched line 2: 2"},
		},
		{
			name: "binary package name",
			file: `
  - id: cve-2023-5363
    package: libssl3
    version: 3.0.11-1~deb12u1
    reason: r`,
			wantSupp:    []string{"CVE-2023-5363 libssl3: ignore-file: r", kernel},
			wantSummary: []string{"suppressed 1", "matched line 2: 1"},
		},
		{
			name: "wrong version matches nothing",
			file: `
  - id: CVE-2023-5363
    package: libssl3
    version: 3.0.11-1~deb12u2
    reason: r`,
			wantSupp:    []string{kernel},
			wantSummary: []string{"suppressed 0", "stale line 2"},
		},
		{
			name: "source version",
			file: `
  - id: CVE-2023-5678
    package: openssl
    version: 3.0.11-1~deb12u1
    reason: r`,
			wantSupp:    []string{"CVE-2023-5678 libssl3: ignore-file: r", kernel},
			wantSummary: []string{"suppressed 1", "matched line 2: 1"},
		},
		{
			name: "package URL without version matches source and binary",
			file: `
  - id: CVE-2023-5363
    package: pkg:deb/debian/openssl
    reason: r`,
			wantSupp: []string{
				"CVE-2023-5363 libssl3: ignore-file: r",
				"CVE-2023-5363 openssl: ignore-file: r",
				kernel,
			},
			wantSummary: []string{"suppressed 2", "matched line 2: 2"},
		},
		{
			name: "package URL with qualifiers present in the package's",
			file: `
  - id: CVE-2023-5363
    package: pkg:deb/debian/libssl3@3.0.11-1~deb12u1?distro=debian-12
    reason: r`,
			wantSupp:    []string{"CVE-2023-5363 libssl3: ignore-file: r", kernel},
			wantSummary: []string{"suppressed 1", "matched line 2: 1"},
		},
		{
			name: "package URL with other qualifier value",
			file: `
  - id: CVE-2023-5363
    package: pkg:deb/debian/libssl3?distro=debian-11
    reason: r`,
			wantSupp:    []string{kernel},
			wantSummary: []string{"suppressed 0", "stale line 2"},
		},
		{
			name: "package URL with another version",
			file: `
  - id: CVE-2023-5363
    package: pkg:deb/debian/libssl3@3.0.11-1~deb12u2
    reason: r`,
			wantSupp:    []string{kernel},
			wantSummary: []string{"suppressed 0", "stale line 2"},
		},
		{
			name: "package URL of another type",
			file: `
  - id: CVE-2023-5363
    package: pkg:apk/alpine/openssl
    reason: r`,
			wantSupp:    []string{kernel},
			wantSummary: []string{"suppressed 0", "stale line 2"},
		},
		{
			name: "alias and Maven package URL",
			file: `
  - id: GHSA-jfh8-c2jp-5v3q
    package: pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1
    reason: JndiLookup.class removed`,
			wantSupp:    []string{"CVE-2021-44228 org.apache.logging.log4j:log4j-core: ignore-file: JndiLookup.class removed", kernel},
			wantSummary: []string{"suppressed 1", "matched line 2: 1"},
		},
		{
			name: "Maven name",
			file: `
  - id: CVE-2021-44228
    package: org.apache.logging.log4j:log4j-core
    reason: r`,
			wantSupp:    []string{"CVE-2021-44228 org.apache.logging.log4j:log4j-core: ignore-file: r", kernel},
			wantSummary: []string{"suppressed 1", "matched line 2: 1"},
		},
		{
			name: "advisory ID",
			file: `
  - id: DEBCL-CVE-2023-5678-openssl
    reason: r`,
			wantSupp:    []string{"CVE-2023-5678 libssl3: ignore-file: r", kernel},
			wantSummary: []string{"suppressed 1", "matched line 2: 1"},
		},
		{
			name: "expired entry stops ignoring",
			file: `
  - id: CVE-2021-44228
    reason: r
    expires: 2026-03-01
  - id: CVE-2023-5363
    reason: s
    expires: 2026-03-01T09:00:01Z`,
			wantSupp:    []string{"CVE-2023-5363 libssl3: ignore-file: s (until 2026-03-01T09:00:01Z)", "CVE-2023-5363 openssl: ignore-file: s (until 2026-03-01T09:00:01Z)", kernel},
			wantSummary: []string{"suppressed 2", "matched line 5: 2", "expired line 2: 1"},
		},
		{
			name: "already suppressed finding keeps its reason, entry counts as matched",
			file: `
  - id: CVE-2022-2196
    package: linux
    reason: r`,
			wantSupp:    []string{kernel},
			wantSummary: []string{"suppressed 0", "matched line 2: 1"},
		},
		{
			name: "first matching entry gives the reason; the later one is not stale",
			file: `
  - id: CVE-2023-5363
    package: libssl3
    reason: first
  - id: CVE-2023-5363
    reason: second`,
			wantSupp: []string{
				"CVE-2023-5363 libssl3: ignore-file: first",
				"CVE-2023-5363 openssl: ignore-file: second",
				kernel,
			},
			wantSummary: []string{"suppressed 2", "matched line 2: 1", "matched line 5: 2"},
		},
		{
			name: "expired entry does not hide a later unexpired one",
			file: `
  - id: CVE-2021-44228
    reason: old
    expires: 2020-01-01
  - id: CVE-2021-44228
    reason: new`,
			wantSupp:    []string{"CVE-2021-44228 org.apache.logging.log4j:log4j-core: ignore-file: new", kernel},
			wantSummary: []string{"suppressed 1", "matched line 5: 1", "expired line 2: 1"},
		},
		{
			name: "package URL derived when the package has none",
			file: `
  - id: CVE-2022-2196
    package: pkg:deb/debian/linux-libc-dev@6.1.0-1
    reason: r`,
			wantSupp:    []string{kernel},
			wantSummary: []string{"suppressed 0", "matched line 2: 1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(strings.NewReader("ignore:" + tt.file + "\n"))
			if err != nil {
				t.Fatal(err)
			}
			vs := findings()
			res := f.Apply(vs, now)
			if diff := cmp.Diff(tt.wantSupp, suppressions(vs)); diff != "" {
				t.Errorf("suppressions (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantSummary, summary(res)); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestApplyDoesNotShareSuppressed(t *testing.T) {
	f, err := Parse(strings.NewReader("ignore:\n  - id: CVE-2023-5363\n    reason: r\n"))
	if err != nil {
		t.Fatal(err)
	}
	vs := findings()
	f.Apply(vs, time.Now())
	if vs[0].Suppressed == vs[2].Suppressed {
		t.Error("findings share one *Suppressed; editing one would edit both")
	}
}

func TestWarnings(t *testing.T) {
	f, err := Load("testdata/example.drydockignore")
	if err != nil {
		t.Fatal(err)
	}
	vs := findings()
	res := f.Apply(vs, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	want := []string{
		"testdata/example.drydockignore:4: ignore entry for CVE-2023-5363 (openssl) expired on 2026-12-31; 2 findings reported again",
		"testdata/example.drydockignore:9: ignore entry for GHSA-jfh8-c2jp-5v3q (pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1) expired on 2025-06-30T12:00:00Z; 1 finding reported again",
	}
	if diff := cmp.Diff(want, res.Warnings()); diff != "" {
		t.Errorf("Warnings (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"CVE-2023-5678 libssl3: ignore-file: DH key generation not used", kernel}, suppressions(vs)); diff != "" {
		t.Errorf("suppressions (-want +got):\n%s", diff)
	}

	res = f.Apply(findings()[3:4], time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	want = []string{
		"testdata/example.drydockignore:4: ignore entry for CVE-2023-5363 (openssl) matched no finding",
		"testdata/example.drydockignore:14: ignore entry for CVE-2023-5678 (libssl3 3.0.11-1~deb12u1) matched no finding",
	}
	if diff := cmp.Diff(want, res.Warnings()); diff != "" {
		t.Errorf("Warnings (-want +got):\n%s", diff)
	}
}

func TestApplyTrivy(t *testing.T) {
	f, err := Load("testdata/trivyignore") // not named .trivyignore: read as YAML
	if err == nil {
		t.Fatalf("Load read a plain-text file as YAML: %+v", f)
	}
	f, err = ParseTrivy(strings.NewReader("CVE-2023-5363 # TLS disabled\nGHSA-jfh8-c2jp-5v3q exp:2026-01-01\n"))
	if err != nil {
		t.Fatal(err)
	}
	vs := findings()
	res := f.Apply(vs, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	want := []string{
		"CVE-2023-5363 libssl3: ignore-file: TLS disabled",
		"CVE-2023-5363 openssl: ignore-file: TLS disabled",
		kernel,
	}
	if diff := cmp.Diff(want, suppressions(vs)); diff != "" {
		t.Errorf("suppressions (-want +got):\n%s", diff)
	}
	wantWarn := []string{"line 2: ignore entry for GHSA-jfh8-c2jp-5v3q expired on 2026-01-01; 1 finding reported again"}
	if diff := cmp.Diff(wantWarn, res.Warnings()); diff != "" {
		t.Errorf("Warnings (-want +got):\n%s", diff)
	}
}
