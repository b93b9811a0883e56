package match

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/vulndb"
	"github.com/drydockhq/drydock/pkg/vulndb/ingest"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// realStore holds the real advisories the boundary tests use.
func realStore(t *testing.T) *vulndb.Memory {
	t.Helper()
	var es []*osv.Entry
	es = append(es, loadZip(t, "osv-ghsa-curated.zip", nil,
		"GHSA-jfh8-c2jp-5v3q", // Log4Shell, CVE-2021-44228
		"GHSA-7rjr-3q55-vv33", // log4j CVE-2021-45046
		"GHSA-p6xc-xr62-6r2g", // log4j CVE-2021-45105
		"GHSA-8489-44mv-ggj8", // log4j CVE-2021-44832
		"GHSA-jf85-cpcp-j695", // lodash CVE-2019-10744
		"GHSA-p6mc-m468-83gw", // lodash CVE-2020-8203
		"GHSA-m5vv-6r4h-3vj9", // azidentity CVE-2024-35255, also GO-2024-2918
	)...)
	es = append(es, loadZip(t, "osv-go-vulndb.zip", nil,
		"GO-2023-2102", // HTTP/2 rapid reset: golang.org/x/net and stdlib
		"GO-2024-2918", // azidentity, alias of GHSA-m5vv-6r4h-3vj9
		"GO-2024-2442", // withdrawn
	)...)
	es = append(es, loadZip(t, "osv-pypi-pypa.zip", nil, "PYSEC-2023-74")...) // requests CVE-2023-32681
	es = append(es, loadZip(t, "osv-almalinux.zip", nil,
		"almalinux9/ALSA-2023:3722", // openssl 1:3.0.7-16.el9_2
		"almalinux8/ALSA-2023:1405", // openssl (AlmaLinux 8)
	)...)
	es = append(es, loadZip(t, "osv-debian12-changelogs.zip", nil,
		"DEBCL-CVE-2023-5363-openssl", // fixed 3.0.11-1~deb12u2
		"DEBCL-CVE-2023-5678-openssl", // fixed 3.0.13-1~deb12u1
		"DEBCL-CVE-2022-2196-linux",   // fixed 6.1.15-1
	)...)
	return vulndb.NewMemory(es...)
}

func matchOne(t *testing.T, m *Matcher, p model.Package) []model.Vulnerability {
	t.Helper()
	got, err := m.Match(context.Background(), &model.Inventory{Packages: []model.Package{p}})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func find(vs []model.Vulnerability, id string) *model.Vulnerability {
	for i := range vs {
		if vs[i].ID == id || slices.Contains(vs[i].Aliases, id) {
			return &vs[i]
		}
	}
	return nil
}

func deb(eco model.Ecosystem, name, ver, src, srcVer string) model.Package {
	p := model.Package{Name: name, Version: ver, Type: model.TypeDeb, Ecosystem: eco}
	if src != "" {
		p.Source = &model.SourcePackage{Name: src, Version: srcVer}
	}
	return p
}

func lang(eco model.Ecosystem, typ model.PackageType, name, ver string) model.Package {
	return model.Package{Name: name, Version: ver, Type: typ, Ecosystem: eco}
}

func rpm(eco model.Ecosystem, name, ver string) model.Package {
	return model.Package{Name: name, Version: ver, Type: model.TypeRPM, Ecosystem: eco,
		Source: &model.SourcePackage{Name: "openssl", Version: ver}}
}

// TestBoundaries matches real advisories at and around their boundary
// versions: introduced is affected, fixed is not, the version just below
// fixed is, and advisories never cross ecosystems or releases.
func TestBoundaries(t *testing.T) {
	m := New(realStore(t), Options{})
	const (
		log4j   = "org.apache.logging.log4j:log4j-core"
		ossl9   = "AlmaLinux:9"
		deb12   = model.Ecosystem("Debian:12")
		sslFix  = "3.0.11-1~deb12u2"
		sslPrev = "3.0.11-1~deb12u1"
	)
	tests := []struct {
		name      string
		pkg       model.Package
		id        string
		affected  bool
		fixed     string
		matchedBy string
	}{
		// Log4Shell: [0, 2.3.1) ∪ [2.4, 2.12.2) ∪ [2.13.0, 2.15.0) after the backports.
		{"log4j 2.0-beta9 (first vulnerable release)", lang("Maven", model.TypeMaven, log4j, "2.0-beta9"), "CVE-2021-44228", true, "2.3.1", "package " + log4j + " 2.0-beta9"},
		{"log4j 2.3.1 (Java 6 fix)", lang("Maven", model.TypeMaven, log4j, "2.3.1"), "CVE-2021-44228", false, "", ""},
		{"log4j 2.4 (introduced again)", lang("Maven", model.TypeMaven, log4j, "2.4"), "CVE-2021-44228", true, "2.12.2", ""},
		{"log4j 2.12.1", lang("Maven", model.TypeMaven, log4j, "2.12.1"), "CVE-2021-44228", true, "2.12.2", ""},
		{"log4j 2.12.2 (Java 7 fix)", lang("Maven", model.TypeMaven, log4j, "2.12.2"), "CVE-2021-44228", false, "", ""},
		{"log4j 2.13.0", lang("Maven", model.TypeMaven, log4j, "2.13.0"), "CVE-2021-44228", true, "2.15.0", ""},
		{"log4j 2.14.1", lang("Maven", model.TypeMaven, log4j, "2.14.1"), "CVE-2021-44228", true, "2.15.0", ""},
		{"log4j 2.15.0 (fixed)", lang("Maven", model.TypeMaven, log4j, "2.15.0"), "CVE-2021-44228", false, "", ""},
		{"log4j 2.15.0 has CVE-2021-45046", lang("Maven", model.TypeMaven, log4j, "2.15.0"), "CVE-2021-45046", true, "2.16.0", ""},
		{"log4j-api is another package", lang("Maven", model.TypeMaven, "org.apache.logging.log4j:log4j-api", "2.14.1"), "CVE-2021-44228", false, "", ""},
		{"log4j in npm is another ecosystem", lang("npm", model.TypeNPM, log4j, "2.14.1"), "CVE-2021-44228", false, "", ""},

		{"lodash 4.17.11", lang("npm", model.TypeNPM, "lodash", "4.17.11"), "CVE-2019-10744", true, "4.17.12", "package lodash 4.17.11"},
		{"lodash 4.17.12 (fixed)", lang("npm", model.TypeNPM, "lodash", "4.17.12"), "CVE-2019-10744", false, "", ""},
		{"lodash 4.17.19", lang("npm", model.TypeNPM, "lodash", "4.17.19"), "CVE-2020-8203", true, "4.17.20", ""},
		{"lodash 4.17.20 (fixed)", lang("npm", model.TypeNPM, "lodash", "4.17.20"), "CVE-2020-8203", false, "", ""},
		{"lodash-es 4.17.13 (own fixed version)", lang("npm", model.TypeNPM, "lodash-es", "4.17.13"), "CVE-2019-10744", true, "4.17.14", ""},
		{"lodash without ecosystem, by type", model.Package{Name: "lodash", Version: "4.17.11", Type: model.TypeNPM}, "CVE-2019-10744", true, "4.17.12", ""},

		{"x/net v0.16.0", lang("Go", model.TypeGolang, "golang.org/x/net", "v0.16.0"), "CVE-2023-39325", true, "0.17.0", "package golang.org/x/net v0.16.0"},
		{"x/net v0.17.0 (fixed)", lang("Go", model.TypeGolang, "golang.org/x/net", "v0.17.0"), "CVE-2023-39325", false, "", ""},
		{"x/net pseudo-version", lang("Go", model.TypeGolang, "golang.org/x/net", "v0.0.0-20230310195148-d3bfd1a8f9c5"), "CVE-2023-39325", true, "0.17.0", ""},
		{"stdlib go1.20.9", lang("Go", model.TypeGolang, "stdlib", "go1.20.9"), "CVE-2023-39325", true, "1.20.10", "package stdlib 1.20.9"},
		{"stdlib go1.20.10 (fixed)", lang("Go", model.TypeGolang, "stdlib", "go1.20.10"), "CVE-2023-39325", false, "", ""},
		{"stdlib go1.21.0 (introduced 1.21.0-0)", lang("Go", model.TypeGolang, "stdlib", "go1.21.0"), "CVE-2023-39325", true, "1.21.3", ""},
		{"stdlib go1.21.3 (fixed)", lang("Go", model.TypeGolang, "stdlib", "go1.21.3"), "CVE-2023-39325", false, "", ""},

		{"requests 2.2.1 (before introduced)", lang("PyPI", model.TypePyPI, "requests", "2.2.1"), "CVE-2023-32681", false, "", ""},
		{"requests 2.3.0 (introduced)", lang("PyPI", model.TypePyPI, "requests", "2.3.0"), "CVE-2023-32681", true, "2.31.0", ""},
		{"requests 2.30.0", lang("PyPI", model.TypePyPI, "requests", "2.30.0"), "CVE-2023-32681", true, "2.31.0", ""},
		{"requests 2.31.0 (fixed)", lang("PyPI", model.TypePyPI, "requests", "2.31.0"), "CVE-2023-32681", false, "", ""},
		{"Requests (PEP 503 name)", lang("PyPI", model.TypePyPI, "Requests", "2.30.0"), "CVE-2023-32681", true, "2.31.0", ""},

		{"openssl-libs just below fixed", rpm(ossl9, "openssl-libs", "1:3.0.7-6.el9_2"), "ALSA-2023:3722", true, "1:3.0.7-16.el9_2", "package openssl-libs 1:3.0.7-6.el9_2"},
		{"openssl-libs at fixed", rpm(ossl9, "openssl-libs", "1:3.0.7-16.el9_2"), "ALSA-2023:3722", false, "", ""},
		{"openssl-libs above fixed", rpm(ossl9, "openssl-libs", "1:3.0.7-27.el9"), "ALSA-2023:3722", false, "", ""},
		{"openssl-libs without epoch is older", rpm(ossl9, "openssl-libs", "3.0.8-1.el9"), "ALSA-2023:3722", true, "1:3.0.7-16.el9_2", ""},
		{"AlmaLinux 8 package, AlmaLinux 9 advisory", rpm("AlmaLinux:8", "openssl-libs", "1:3.0.7-6.el9_2"), "ALSA-2023:3722", false, "", ""},

		{"Debian source just below fixed", deb(deb12, "libssl3", sslPrev, "openssl", sslPrev), "CVE-2023-5363", true, sslFix, "source openssl " + sslPrev},
		{"Debian source at fixed", deb(deb12, "libssl3", sslFix, "openssl", sslFix), "CVE-2023-5363", false, "", ""},
		{"Debian binNMU of a vulnerable source", deb(deb12, "libssl3", sslPrev+"+b1", "openssl", sslPrev), "CVE-2023-5363", true, sslFix, "source openssl " + sslPrev},
		{"Debian binNMU of the fixed source", deb(deb12, "libssl3", sslFix+"+b1", "openssl", sslFix), "CVE-2023-5363", false, "", ""},
		{"Debian binary named as its source", deb(deb12, "openssl", sslPrev, "", ""), "CVE-2023-5363", true, sslFix, "source openssl " + sslPrev},
		{"Debian binary name is not matched", deb(deb12, "libssl3", sslPrev, "libssl3-src", sslPrev), "CVE-2023-5363", false, "", ""},
		{"Debian 11 package, Debian 12 advisory", deb("Debian:11", "libssl3", sslPrev, "openssl", sslPrev), "CVE-2023-5363", false, "", ""},
		{"Debian without release, Debian 12 advisory", deb("Debian", "libssl3", sslPrev, "openssl", sslPrev), "CVE-2023-5363", false, "", ""},
		{"Ubuntu package, Debian advisory", deb("Ubuntu:22.04", "libssl3", sslPrev, "openssl", sslPrev), "CVE-2023-5363", false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := matchOne(t, m, tt.pkg)
			v := find(got, tt.id)
			if (v != nil) != tt.affected {
				t.Fatalf("%s affected = %v, want %v (findings: %v)", tt.id, v != nil, tt.affected, ids(got))
			}
			if v == nil {
				return
			}
			if v.FixedVersion != tt.fixed {
				t.Errorf("FixedVersion = %q, want %q", v.FixedVersion, tt.fixed)
			}
			if tt.matchedBy != "" && v.MatchedBy != tt.matchedBy {
				t.Errorf("MatchedBy = %q, want %q", v.MatchedBy, tt.matchedBy)
			}
			if diff := cmp.Diff(tt.pkg, v.Package); diff != "" {
				t.Errorf("Package (-want +got):\n%s", diff)
			}
		})
	}
}

func ids(vs []model.Vulnerability) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.ID)
	}
	return out
}

func ptime(t *testing.T, s string) *time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return &tm
}

func refs(es ...*osv.Entry) []string {
	var out []string
	for _, e := range es {
		for _, r := range e.References {
			if !slices.Contains(out, r.URL) {
				out = append(out, r.URL)
			}
		}
	}
	return out
}

// TestFindingFields checks every field of real findings.
func TestFindingFields(t *testing.T) {
	ctx := context.Background()
	store := realStore(t)
	entry := func(id string) *osv.Entry {
		for _, eco := range []model.Ecosystem{"Maven", "Debian:12", "Go"} {
			for _, name := range []string{"org.apache.logging.log4j:log4j-core", "openssl", "github.com/Azure/azure-sdk-for-go/sdk/azidentity"} {
				es, _ := store.Affecting(ctx, eco, name)
				for _, e := range es {
					if e.ID == id {
						return e
					}
				}
			}
		}
		t.Fatalf("%s not in store", id)
		return nil
	}
	layer := model.Digest("sha256:1111111111111111111111111111111111111111111111111111111111111111")
	libssl := deb("Debian:12", "libssl3", "3.0.11-1~deb12u1+b1", "openssl", "3.0.11-1~deb12u1")
	libssl.Locations = []model.Location{{Path: "var/lib/dpkg/status", Layer: layer, LayerIndex: 0}}
	libssl.FoundBy = "os/dpkg"
	log4j := lang("Maven", model.TypeMaven, "org.apache.logging.log4j:log4j-core", "2.14.1")
	log4j.Locations = []model.Location{{Path: "app/lib/log4j-core-2.14.1.jar", Layer: layer, LayerIndex: 2}}
	azid := lang("Go", model.TypeGolang, "github.com/Azure/azure-sdk-for-go/sdk/azidentity", "v1.5.2")

	tests := []struct {
		name string
		pkg  model.Package
		want []model.Vulnerability
	}{
		{
			name: "Log4Shell",
			pkg:  log4j,
			want: []model.Vulnerability{
				{
					ID: "CVE-2021-44228", Aliases: []string{"GHSA-jfh8-c2jp-5v3q"}, Advisories: []string{"GHSA-jfh8-c2jp-5v3q"},
					Summary: "Remote code injection in Log4j", Package: log4j,
					MatchedBy: "package org.apache.logging.log4j:log4j-core 2.14.1", FixedVersion: "2.15.0",
					Severity: model.SeverityCritical, SeveritySource: "CVSS:3.1",
					CVSS:       []model.CVSS{{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", Score: 10, Source: "GHSA-jfh8-c2jp-5v3q"}},
					References: refs(entry("GHSA-jfh8-c2jp-5v3q")),
					Published:  &entry("GHSA-jfh8-c2jp-5v3q").Published, Modified: &entry("GHSA-jfh8-c2jp-5v3q").Modified,
					DataSource: "Maven",
				},
				{
					ID: "CVE-2021-44832", Aliases: []string{"GHSA-8489-44mv-ggj8"}, Advisories: []string{"GHSA-8489-44mv-ggj8"},
					Summary: entry("GHSA-8489-44mv-ggj8").Summary, Package: log4j,
					MatchedBy: "package org.apache.logging.log4j:log4j-core 2.14.1", FixedVersion: "2.17.1",
					Severity: model.SeverityMedium, SeveritySource: "CVSS:3.1",
					CVSS:       []model.CVSS{{Version: "3.1", Vector: entry("GHSA-8489-44mv-ggj8").Severity[0].Score, Score: 6.6, Source: "GHSA-8489-44mv-ggj8"}},
					References: refs(entry("GHSA-8489-44mv-ggj8")),
					Published:  &entry("GHSA-8489-44mv-ggj8").Published, Modified: &entry("GHSA-8489-44mv-ggj8").Modified,
					DataSource: "Maven",
				},
			},
		},
		{
			name: "Debian binNMU, severity from the upload urgency",
			pkg:  libssl,
			want: []model.Vulnerability{
				{
					ID: "CVE-2023-5363", Advisories: []string{"DEBCL-CVE-2023-5363-openssl"},
					Aliases: []string{"DEBCL-CVE-2023-5363-openssl"},
					Summary: "CVE-2023-5363 (Incorrect cipher key and IV length processing).", Package: libssl,
					MatchedBy: "source openssl 3.0.11-1~deb12u1", FixedVersion: "3.0.11-1~deb12u2",
					Severity: model.SeverityMedium, SeveritySource: "Debian urgency",
					References: []string{"https://security-tracker.debian.org/tracker/CVE-2023-5363"},
					Published:  ptime(t, "2023-10-23T17:52:22Z"), Modified: ptime(t, "2023-10-23T17:52:22Z"),
					DataSource: "Debian",
				},
				{
					ID: "CVE-2023-5678", Advisories: []string{"DEBCL-CVE-2023-5678-openssl"},
					Aliases: []string{"DEBCL-CVE-2023-5678-openssl"},
					Summary: entry("DEBCL-CVE-2023-5678-openssl").Summary, Package: libssl,
					MatchedBy: "source openssl 3.0.11-1~deb12u1", FixedVersion: "3.0.13-1~deb12u1",
					Severity: model.SeverityMedium, SeveritySource: "Debian urgency",
					References: []string{"https://security-tracker.debian.org/tracker/CVE-2023-5678"},
					Published:  ptime(t, "2024-03-03T09:47:43Z"), Modified: ptime(t, "2024-03-03T09:47:43Z"),
					DataSource: "Debian",
				},
			},
		},
		{
			// GO-2024-2918 and GHSA-m5vv-6r4h-3vj9 describe the same flaw
			// (both alias CVE-2024-35255): one finding, the GHSA's CVSS
			// severity, the earliest publication and latest modification.
			name: "alias folding across databases",
			pkg:  azid,
			want: []model.Vulnerability{
				{
					ID: "CVE-2024-35255", Aliases: []string{"GHSA-m5vv-6r4h-3vj9", "GO-2024-2918"},
					Advisories: []string{"GHSA-m5vv-6r4h-3vj9", "GO-2024-2918"},
					Summary:    entry("GHSA-m5vv-6r4h-3vj9").Summary, Package: azid,
					MatchedBy: "package github.com/Azure/azure-sdk-for-go/sdk/azidentity v1.5.2", FixedVersion: "1.6.0",
					Severity: model.SeverityMedium, SeveritySource: "CVSS:3.1",
					CVSS:       []model.CVSS{{Version: "3.1", Vector: "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", Score: 5.5, Source: "GHSA-m5vv-6r4h-3vj9"}},
					References: refs(entry("GHSA-m5vv-6r4h-3vj9"), entry("GO-2024-2918")),
					Published:  &entry("GHSA-m5vv-6r4h-3vj9").Published, Modified: &entry("GHSA-m5vv-6r4h-3vj9").Modified,
					DataSource: "Go",
				},
			},
		},
	}
	m := New(store, Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := matchOne(t, m, tt.pkg)
			if tt.name == "Log4Shell" {
				// 2.14.1 is also affected by CVE-2021-45046 and -45105;
				// keep the comparison to two findings.
				got = slices.DeleteFunc(got, func(v model.Vulnerability) bool {
					return v.ID == "CVE-2021-45046" || v.ID == "CVE-2021-45105"
				})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestKernelHeaders: findings on packages built from the Debian source
// "linux" are kept but suppressed, unless IncludeKernelHeaders.
func TestKernelHeaders(t *testing.T) {
	store := realStore(t)
	hdr := deb("Debian:12", "linux-libc-dev", "6.1.12-1", "linux", "6.1.12-1")
	for _, include := range []bool{false, true} {
		got := matchOne(t, New(store, Options{IncludeKernelHeaders: include}), hdr)
		v := find(got, "CVE-2022-2196")
		if v == nil {
			t.Fatalf("include=%v: CVE-2022-2196 not found in %v", include, ids(got))
		}
		if v.FixedVersion != "6.1.15-1" {
			t.Errorf("FixedVersion = %q", v.FixedVersion)
		}
		switch {
		case include && v.Suppressed != nil:
			t.Errorf("IncludeKernelHeaders: finding suppressed: %+v", v.Suppressed)
		case !include && (v.Suppressed == nil || v.Suppressed.By != SuppressedByKernelHeaders || v.Suppressed.Reason == ""):
			t.Errorf("default: Suppressed = %+v, want By %q with a reason", v.Suppressed, SuppressedByKernelHeaders)
		}
	}
	// Other packages are never suppressed.
	got := matchOne(t, New(store, Options{}), deb("Debian:12", "libssl3", "3.0.11-1~deb12u1", "openssl", "3.0.11-1~deb12u1"))
	for _, v := range got {
		if v.Suppressed != nil {
			t.Errorf("%s on libssl3 suppressed", v.ID)
		}
	}
}

func TestIsKernelSource(t *testing.T) {
	tests := []struct {
		eco    model.Ecosystem
		source string
		want   bool
	}{
		{"Debian:12", "linux", true},
		{"Debian:12", "linux-signed-amd64", true},
		{"Ubuntu:22.04", "linux-aws", true},
		{"Ubuntu:22.04", "linux-hwe-5.15", true},
		{"Debian:12", "linux-base", false},
		{"Debian:12", "linux-atm", false},
		{"Debian:12", "linuxdoc-tools", false},
		{"Debian:12", "util-linux", false},
		{"AlmaLinux:9", "linux", false},
		{"Alpine:v3.18", "linux-lts", false},
	}
	for _, tt := range tests {
		if got := isKernelSource(tt.eco, tt.source); got != tt.want {
			t.Errorf("isKernelSource(%q, %q) = %v, want %v", tt.eco, tt.source, got, tt.want)
		}
	}
}

// TestWithdrawn: a withdrawn advisory (GO-2024-2442) never matches.
func TestWithdrawn(t *testing.T) {
	got := matchOne(t, New(realStore(t), Options{}), lang("Go", model.TypeGolang, "github.com/gravitational/teleport", "v14.0.0"))
	if len(got) != 0 {
		t.Errorf("findings for a withdrawn advisory: %v", ids(got))
	}
}

// alpineSecdb converts releases of the real Alpine secdb (native YAML) to
// OSV the way pkg/vulndb/ingest documents it: one advisory
// ALPINE-<CVE>-<origin> with one affected[] entry per release, introduced
// 0, fixed <version>.
func alpineSecdb(t *testing.T, files ...string) []*osv.Entry {
	t.Helper()
	zr, err := zip.OpenReader(filepath.Join(dataDir(t), "alpine-secdb-v3.3-v3.11.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out []*osv.Entry
	byID := map[string]*osv.Entry{}
	for _, name := range files {
		rc, err := zr.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		var db struct {
			DistroVersion string `yaml:"distroversion"`
			Packages      []struct {
				Pkg struct {
					Name     string              `yaml:"name"`
					Secfixes map[string][]string `yaml:"secfixes"`
				} `yaml:"pkg"`
			} `yaml:"packages"`
		}
		err = yaml.NewDecoder(rc).Decode(&db)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, p := range db.Packages {
			for fixed, cves := range p.Pkg.Secfixes {
				for _, cve := range cves {
					cve, _, _ = strings.Cut(cve, " ")
					if fixed == "0" || !strings.HasPrefix(cve, "CVE-") {
						continue
					}
					id := "ALPINE-" + cve + "-" + p.Pkg.Name
					e := byID[id]
					if e == nil {
						e = &osv.Entry{ID: id, Aliases: []string{cve}}
						byID[id] = e
						out = append(out, e)
					}
					e.Affected = append(e.Affected, osv.Affected{
						Package: osv.Package{Ecosystem: "Alpine:" + db.DistroVersion, Name: p.Pkg.Name},
						Ranges:  []osv.Range{{Type: osv.RangeEcosystem, Events: []osv.Event{{Introduced: "0"}, {Fixed: fixed}}}},
					})
				}
			}
		}
	}
	return out
}

// TestAlpineSecdb matches Alpine packages by origin against the real secdb:
// alpine:3.10 ships musl 1.1.22-r3, the fixed version of CVE-2019-14697
// (README of the data). The cases run against an in-memory store and
// against a real DB file built by pkg/vulndb/ingest and read by vulndb.Open.
func TestAlpineSecdb(t *testing.T) {
	ctx := context.Background()
	stores := map[string]vulndb.Store{
		"memory": vulndb.NewMemory(alpineSecdb(t, "v3.3/main.yaml", "v3.9/main.yaml", "v3.10/main.yaml", "v3.11/main.yaml")...),
	}
	if !testing.Short() {
		db := filepath.Join(t.TempDir(), "alpine.db")
		if _, err := ingest.Build(ctx, db, []string{filepath.Join(dataDir(t), "alpine-secdb-v3.3-v3.11.zip")}, ingest.Options{}); err != nil {
			t.Fatalf("building DB: %v", err)
		}
		store, err := vulndb.Open(db)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		stores["db"] = store
	}
	musl := func(eco model.Ecosystem, name, ver string) model.Package {
		return model.Package{Name: name, Version: ver, Type: model.TypeAPK, Ecosystem: eco,
			Source: &model.SourcePackage{Name: "musl", Version: ver}}
	}
	tests := []struct {
		name     string
		pkg      model.Package
		affected bool
	}{
		{"musl just below fixed", musl("Alpine:v3.10", "musl", "1.1.22-r2"), true},
		{"musl-utils (origin musl) below fixed", musl("Alpine:v3.10", "musl-utils", "1.1.22-r2"), true},
		{"musl at fixed (alpine:3.10 image)", musl("Alpine:v3.10", "musl", "1.1.22-r3"), false},
		{"musl above fixed", musl("Alpine:v3.11", "musl", "1.1.24-r0"), false},
		{"release without the advisory", musl("Alpine:v3.3", "musl", "1.1.12-r5"), false},
		{"release not in the data (secdb covers v3.3-v3.11)", musl("Alpine:v3.12", "musl", "1.1.22-r2"), false},
		{"v3.9 below its own fix (1.1.20-r5)", musl("Alpine:v3.9", "musl", "1.1.20-r4"), true},
		{"v3.9 at its fix", musl("Alpine:v3.9", "musl", "1.1.20-r5"), false},
	}
	for storeName, store := range stores {
		m := New(store, Options{})
		for _, tt := range tests {
			t.Run(storeName+"/"+tt.name, func(t *testing.T) {
				got := matchOne(t, m, tt.pkg)
				v := find(got, "CVE-2019-14697")
				if (v != nil) != tt.affected {
					t.Fatalf("affected = %v, want %v (%v)", v != nil, tt.affected, ids(got))
				}
				if v == nil {
					return
				}
				wantFix := "1.1.22-r3"
				if tt.pkg.Ecosystem == "Alpine:v3.9" {
					wantFix = "1.1.20-r5"
				}
				if v.FixedVersion != wantFix || v.MatchedBy != "origin musl "+tt.pkg.Version || v.DataSource != "Alpine" {
					t.Errorf("FixedVersion %q, MatchedBy %q, DataSource %q", v.FixedVersion, v.MatchedBy, v.DataSource)
				}
			})
		}
	}
}

// TestOrder: output is sorted by package (type, name, version, path), then
// ID, whatever the inventory order.
func TestOrder(t *testing.T) {
	m := New(realStore(t), Options{})
	pkgs := []model.Package{
		lang("npm", model.TypeNPM, "lodash", "4.17.11"),
		deb("Debian:12", "openssl", "3.0.11-1~deb12u1", "", ""),
		deb("Debian:12", "libssl3", "3.0.11-1~deb12u1", "openssl", "3.0.11-1~deb12u1"),
		lang("Maven", model.TypeMaven, "org.apache.logging.log4j:log4j-core", "2.14.1"),
	}
	var first []string
	for round := range 2 {
		inv := &model.Inventory{Packages: slices.Clone(pkgs)}
		if round == 1 {
			slices.Reverse(inv.Packages)
		}
		got, err := m.Match(context.Background(), inv)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, v := range got {
			keys = append(keys, string(v.Package.Type)+" "+v.Package.Name+" "+v.ID)
		}
		if !slices.IsSorted(keys) {
			t.Errorf("not sorted: %q", keys)
		}
		if round == 0 {
			first = keys
		} else if diff := cmp.Diff(first, keys); diff != "" {
			t.Errorf("order depends on the inventory (-first +reversed):\n%s", diff)
		}
	}
}

// TestUnparseable: an advisory range whose versions do not parse is skipped
// with a warning; the advisory's other ranges still count; a package whose
// version does not parse is not matched. Nothing crashes.
func TestUnparseable(t *testing.T) {
	e := &osv.Entry{
		ID: "TEST-1",
		Affected: []osv.Affected{{
			Package: osv.Package{Ecosystem: "Debian:12", Name: "openssl"},
			Ranges: []osv.Range{
				{Type: osv.RangeEcosystem, Events: []osv.Event{{Introduced: "0"}, {Fixed: "x:1.0"}}},
				{Type: osv.RangeEcosystem, Events: []osv.Event{{Introduced: "3.0"}, {Fixed: "3.1"}}},
				{Type: osv.RangeGit, Repo: "https://github.com/openssl/openssl", Events: []osv.Event{{Introduced: "0"}, {Fixed: "abcdef"}}},
			},
		}},
	}
	var buf bytes.Buffer
	m := New(vulndb.NewMemory(e), Options{Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	got := matchOne(t, m, deb("Debian:12", "openssl", "3.0.5-1", "", ""))
	if v := find(got, "TEST-1"); v == nil || v.FixedVersion != "3.1" {
		t.Errorf("findings = %+v, want TEST-1 fixed in 3.1", got)
	}
	if !strings.Contains(buf.String(), "advisory range skipped") || !strings.Contains(buf.String(), "TEST-1") {
		t.Errorf("no warning logged: %q", buf.String())
	}
	buf.Reset()
	if got := matchOne(t, m, deb("Debian:12", "openssl", "x:y", "", "")); len(got) != 0 {
		t.Errorf("unparseable package version matched: %v", ids(got))
	}
	if !strings.Contains(buf.String(), "package version does not parse") {
		t.Errorf("no warning logged: %q", buf.String())
	}
}

type failingStore struct{ vulndb.Store }

func (failingStore) Affecting(context.Context, model.Ecosystem, string) ([]*osv.Entry, error) {
	return nil, vulndb.ErrClosed
}

func TestStoreError(t *testing.T) {
	_, err := New(failingStore{}, Options{}).Match(context.Background(), &model.Inventory{Packages: []model.Package{lang("npm", model.TypeNPM, "lodash", "1.0.0")}})
	if !errors.Is(err, vulndb.ErrClosed) || !strings.Contains(err.Error(), "lodash") {
		t.Errorf("err = %v, want a wrapped ErrClosed naming the package", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := New(vulndb.NewMemory(), Options{}).Match(ctx, &model.Inventory{Packages: []model.Package{lang("npm", model.TypeNPM, "lodash", "1.0.0")}}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
	if got, err := New(vulndb.NewMemory(), Options{}).Match(context.Background(), nil); got != nil || err != nil {
		t.Errorf("nil inventory: %v, %v", got, err)
	}
}

// TestSharedFindings: binary packages of one source get equal findings that
// do not alias each other in a way an append could break.
func TestSharedFindings(t *testing.T) {
	src := "3.0.11-1~deb12u1"
	inv := &model.Inventory{Packages: []model.Package{
		deb("Debian:12", "libssl3", src, "openssl", src),
		deb("Debian:12", "openssl", src, "openssl", src),
	}}
	got, err := New(realStore(t), Options{}).Match(context.Background(), inv)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[0].Package.Name != "libssl3" || got[2].Package.Name != "openssl" {
		t.Fatalf("findings: %v", ids(got))
	}
	a, b := got[0], got[2]
	a.Package, b.Package = model.Package{}, model.Package{}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("findings of one source differ (-libssl3 +openssl):\n%s", diff)
	}
	got[0].Aliases = append(got[0].Aliases, "X-1")
	got[0].References = append(got[0].References, "https://example.org")
	if slices.Contains(got[2].Aliases, "X-1") || slices.Contains(got[2].References, "https://example.org") {
		t.Error("append to one finding's slices changed another's")
	}
}

// TestParallel: a large inventory is evaluated on several goroutines; the
// result is the same as on one. (Run with -race.)
func TestParallel(t *testing.T) {
	var pkgs []model.Package
	for minor := range 18 {
		for patch := range 22 {
			v := fmt.Sprintf("4.%d.%d", minor, patch)
			pkgs = append(pkgs, lang("npm", model.TypeNPM, "lodash", v), lang("npm", model.TypeNPM, "lodash-es", v))
		}
	}
	for _, v := range []string{"2.0-beta9", "2.3", "2.3.1", "2.4", "2.12.1", "2.12.2", "2.13.0", "2.14.1", "2.15.0", "2.16.0", "2.17.0", "2.17.1"} {
		pkgs = append(pkgs, lang("Maven", model.TypeMaven, "org.apache.logging.log4j:log4j-core", v))
	}
	for u := range 30 {
		v := fmt.Sprintf("3.0.%d-1~deb12u1", u)
		pkgs = append(pkgs, deb("Debian:12", "libssl3", v, "openssl", v), deb("Debian:12", "openssl", v, "openssl", v))
	}
	inv := &model.Inventory{Packages: pkgs}
	m := New(realStore(t), Options{})
	prev := runtime.GOMAXPROCS(1)
	seq, err := m.Match(context.Background(), inv)
	runtime.GOMAXPROCS(max(prev, 4))
	par, err2 := m.Match(context.Background(), inv)
	runtime.GOMAXPROCS(prev)
	if err != nil || err2 != nil {
		t.Fatal(err, err2)
	}
	if len(seq) < 500 {
		t.Fatalf("only %d findings", len(seq))
	}
	if diff := cmp.Diff(seq, par); diff != "" {
		t.Errorf("parallel result differs (-sequential +parallel):\n%s", diff)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.Match(ctx, inv); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}

// TestMitigation: a log4j-core jar without JndiLookup.class still has its
// Log4Shell findings, with the mitigation as a note; other flaws of the
// same package get no note.
func TestMitigation(t *testing.T) {
	m := New(realStore(t), Options{})
	p := lang("Maven", model.TypeMaven, "org.apache.logging.log4j:log4j-core", "2.14.1")
	p.Mitigations = []model.Mitigation{{IDs: []string{"CVE-2021-44228", "CVE-2021-45046"}, Note: "JndiLookup.class removed"}}
	got := matchOne(t, m, p)
	for id, want := range map[string]string{
		"CVE-2021-44228": "mitigated: JndiLookup.class removed",
		"CVE-2021-45046": "mitigated: JndiLookup.class removed",
		"CVE-2021-44832": "",
	} {
		v := find(got, id)
		if v == nil {
			t.Errorf("%s: not reported", id)
			continue
		}
		if v.Note != want {
			t.Errorf("%s: note %q, want %q", id, v.Note, want)
		}
		if v.Suppressed != nil {
			t.Errorf("%s: suppressed %+v; a mitigation is a note, not a suppression", id, v.Suppressed)
		}
	}
}
