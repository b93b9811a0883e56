package vex

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/model"
)

const (
	cdxSerial  = "8a4c2e1f-93b7-4d6a-b0c5-7e2f1d9a3b64"
	cdxLibssl3 = "pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12"
)

// cdxDoc returns a CycloneDX 1.6 document with the given metadata.component
// (a JSON object; "" for none) and vulnerabilities (JSON objects). Its
// components: an operating system with libssl3 (bom-ref "libssl3") and
// tzdata (no purl) nested in it.
func cdxDoc(image string, vulns ...string) string {
	meta := `"timestamp": "2024-01-01T00:00:00Z"`
	if image != "" {
		meta += `, "component": ` + image
	}
	return `{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "serialNumber": "urn:uuid:` + cdxSerial + `",
  "version": 1,
  "metadata": {` + meta + `},
  "components": [
    {"type": "operating-system", "bom-ref": "os", "name": "debian", "version": "12.2", "components": [
      {"type": "library", "bom-ref": "libssl3", "name": "libssl3", "purl": "` + cdxLibssl3 + `"},
      {"type": "library", "bom-ref": "tzdata", "name": "tzdata"}
    ]}
  ],
  "vulnerabilities": [` + strings.Join(vulns, ",\n") + `]
}`
}

// cdxImage is a metadata.component naming the image of the fixtures by a
// pkg:oci URL.
const cdxImage = `{"type": "container", "bom-ref": "image", "name": "web", "purl": "` + webPURL + `"}`

// cdxVuln writes a vulnerability: id, analysis and affects (JSON) and
// extra fields.
func cdxVuln(id, analysis, affects string, extra ...string) string {
	s := fmt.Sprintf(`{"id": %q, "analysis": %s, "affects": %s`, id, analysis, affects)
	for _, e := range extra {
		s += ", " + e
	}
	return s + "}"
}

// refs returns an affects list with the given refs.
func refs(rs ...string) string {
	var parts []string
	for _, r := range rs {
		parts = append(parts, fmt.Sprintf(`{"ref": %q}`, r))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func parseOne(t *testing.T, in string) Statement {
	t.Helper()
	d, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Statements) != 1 {
		t.Fatalf("%d statements, want 1", len(d.Statements))
	}
	return d.Statements[0]
}

func TestLoadCycloneDX16(t *testing.T) {
	d, err := Load(filepath.Join("testdata", "cyclonedx-1.6-web.json"))
	if err != nil {
		t.Fatal(err)
	}
	const docID = "urn:uuid:" + cdxSerial
	image := func(subs ...string) []Product {
		p := Product{Component: Component{ID: webPURL}}
		for _, s := range subs {
			p.Subcomponents = append(p.Subcomponents, Component{ID: s})
		}
		return []Product{p}
	}
	const openssl = "pkg:deb/debian/openssl@3.0.11-1~deb12u1?arch=amd64&distro=debian-12"
	want := &Document{
		ID:        docID,
		Author:    "Shop Platform Team <platform@example.com>",
		Timestamp: ts("2024-02-07T11:40:12-06:00"),
		Version:   1,
		Tooling:   "vex-writer 1.2.0",
		Statements: []Statement{
			{
				ID:              "vex-1",
				Vulnerability:   Vulnerability{ID: "https://nvd.nist.gov/vuln/detail/CVE-2023-5363", Name: "CVE-2023-5363"},
				Timestamp:       ts("2024-02-07T11:40:12-06:00"),
				Products:        image(cdxLibssl3, openssl),
				Status:          StatusNotAffected,
				Justification:   VulnerableCodeNotInExecutePath,
				ImpactStatement: "TLS is terminated at the ingress; the service never sets cipher key or IV lengths.",
				Document:        docID,
			},
			{
				ID:            "vex-2",
				Vulnerability: Vulnerability{Name: "CVE-2023-5678"},
				Timestamp:     ts("2024-02-07T11:41:03-06:00"),
				Products:      image(cdxLibssl3),
				Status:        StatusUnderInvestigation,
				Document:      docID,
				Index:         1,
			},
			{
				ID: "vex-3",
				Vulnerability: Vulnerability{
					ID:      "https://nvd.nist.gov/vuln/detail/CVE-2021-44228",
					Name:    "CVE-2021-44228",
					Aliases: []string{"GHSA-jfh8-c2jp-5v3q"},
				},
				Timestamp:   ts("2024-02-07T11:42:27-06:00"),
				Products:    image("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"),
				Status:      StatusFixed,
				StatusNotes: "JndiLookup.class is removed from the jar when the image is built",
				Document:    docID,
				Index:       2,
			},
			{
				ID:              "vex-4",
				Vulnerability:   Vulnerability{Name: "CVE-2023-5678"},
				Timestamp:       ts("2024-02-09T08:15:44-06:00"),
				LastUpdated:     ts("2024-02-09T08:15:44-06:00"),
				Products:        image(cdxLibssl3),
				Status:          StatusAffected,
				StatusNotes:     "The partner API accepts DH parameters from clients.",
				ActionStatement: "Rebuild on a base with libssl3 3.0.13-1~deb12u1 or later; response: update",
				Document:        docID,
				Index:           3,
			},
		},
	}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("Load (-want +got):\n%s", diff)
	}
}

// TestLoadCycloneDX14 reads a 1.4 document (tools as a list) for a Debian
// image that metadata.component names without a package URL: the
// statements are about packages only. Its last vulnerability has no
// analysis and is skipped.
func TestLoadCycloneDX14(t *testing.T) {
	d, err := Load(filepath.Join("testdata", "cyclonedx-1.4-debian.json"))
	if err != nil {
		t.Fatal(err)
	}
	const (
		docID = "urn:uuid:0f1c6ae4-5d1b-4f0e-9f43-2b6a1c7d8e90"
		libc6 = "pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?arch=amd64&distro=debian-12"
	)
	pkg := func(id string) []Product { return []Product{{Component: Component{ID: id}}} }
	want := &Document{
		ID:        docID,
		Author:    "Base Images Team <base-images@example.com>",
		Timestamp: ts("2023-10-05T09:00:00Z"),
		Version:   3,
		Tooling:   "cyclonedx-cli 0.25.0",
		Statements: []Statement{
			{
				ID: "vex-cve-2023-4911",
				Vulnerability: Vulnerability{
					ID:          "https://nvd.nist.gov/vuln/detail/CVE-2023-4911",
					Name:        "CVE-2023-4911",
					Description: "Buffer overflow in the GLIBC_TUNABLES parser of ld.so (Looney Tunables)",
					Aliases:     []string{"DSA-5514-1"},
				},
				Timestamp:       ts("2023-10-05T09:00:00Z"),
				Products:        pkg(libc6),
				Status:          StatusNotAffected,
				Justification:   VulnerableCodeNotInExecutePath,
				ImpactStatement: "The image ships no setuid or setgid programs, so the tunables parser never runs with elevated privileges.",
				ActionStatement: "response: will_not_fix",
				Document:        docID,
			},
			{
				Vulnerability:   Vulnerability{ID: "https://nvd.nist.gov/vuln/detail/CVE-2023-5363", Name: "CVE-2023-5363"},
				Timestamp:       ts("2023-10-25T14:30:00Z"),
				LastUpdated:     ts("2023-10-25T14:30:00Z"),
				Products:        pkg("pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64"),
				Status:          StatusFixed,
				StatusNotes:     "Fixed in 3.0.11-1~deb12u2 (DSA-5532-1).",
				ActionStatement: "response: update",
				Document:        docID,
				Index:           1,
			},
			{
				Vulnerability:   Vulnerability{Name: "CVE-2023-5678"},
				Timestamp:       ts("2023-10-05T09:00:00Z"),
				Products:        pkg(cdxLibssl3),
				Status:          StatusAffected,
				StatusNotes:     "The image's tools call DH_check on parameters read from the network.",
				ActionStatement: "Upgrade libssl3 to 3.0.13-1~deb12u1; response: update",
				Document:        docID,
				Index:           2,
			},
			{
				Vulnerability: Vulnerability{Name: "CVE-2024-2961"},
				Timestamp:     ts("2024-04-18T08:00:00Z"),
				Products:      pkg(libc6),
				Status:        StatusUnderInvestigation,
				Document:      docID,
				Index:         3,
			},
		},
	}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("Load (-want +got):\n%s", diff)
	}
}

// TestLoadCycloneDXBOMLinks reads a standalone VEX (no components) whose
// affects are BOM-Links into the image's SBOM, as Trivy documents them:
// the bom-refs are package URLs, one escaped as cyclonedx-go's BOMLink
// writes it, one as written.
func TestLoadCycloneDXBOMLinks(t *testing.T) {
	d, err := Load(filepath.Join("testdata", "cyclonedx-1.5-bomlink.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range d.Statements {
		for _, p := range s.Products {
			got = append(got, fmt.Sprintf("%s %s %s: %s", s.Vulnerability.Name, s.Status, p.ID, s.reason()))
		}
	}
	want := []string{
		"CVE-2023-4911 not_affected pkg:deb/debian/libc6@2.36-9+deb12u1?arch=amd64&distro=debian-12: " +
			"vulnerable_code_cannot_be_controlled_by_adversary: Only exploitable through setuid programs; the image has none.",
		"CVE-2020-8911 not_affected pkg:golang/github.com/aws/aws-sdk-go@1.44.234: false positive: The S3 crypto client is not used.",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("statements (-want +got):\n%s", diff)
	}
	if d.Author != "Example Corp" || !d.Statements[1].Timestamp.Equal(ts("2024-05-02T10:00:00Z")) {
		t.Errorf("author %q, timestamp %v", d.Author, d.Statements[1].Timestamp)
	}
}

// TestCycloneDXStates maps every analysis.state, and shows what a finding
// gets: the reason of a suppression, or the note.
func TestCycloneDXStates(t *testing.T) {
	tests := []struct {
		state, analysis string // analysis: more fields
		want            Status
		wantShown       string
	}{
		{"not_affected", `"justification": "code_not_present", "detail": "built without the legacy provider"`,
			StatusNotAffected, "vulnerable_code_not_present: built without the legacy provider"},
		{"not_affected", `"detail": "built without the legacy provider"`, StatusNotAffected, "built without the legacy provider"},
		{"not_affected", ``, StatusNotAffected, "not affected per VEX"},
		{"false_positive", `"detail": "the scanner matched the source package"`, StatusNotAffected,
			"false positive: the scanner matched the source package"},
		{"false_positive", ``, StatusNotAffected, "false positive"},
		{"resolved", `"detail": "patched in our build"`, StatusFixed, "fixed per VEX: patched in our build"},
		{"resolved", ``, StatusFixed, "fixed per VEX"},
		{"resolved_with_pedigree", `"detail": "backported upstream commit 5b1f4d5"`, StatusFixed, "fixed per VEX: backported upstream commit 5b1f4d5"},
		{"exploitable", `"detail": "reachable from the API", "response": ["update", "workaround_available"]`, StatusAffected,
			"VEX affected: Upgrade to 3.0.12; workaround: disable the endpoint; response: update, workaround_available (reachable from the API)"},
		{"exploitable", ``, StatusAffected, "VEX affected: Upgrade to 3.0.12; workaround: disable the endpoint"},
		{"in_triage", `"detail": "waiting for the upstream analysis"`, StatusUnderInvestigation,
			"VEX under investigation (waiting for the upstream analysis)"},
		{"in_triage", `"response": ["can_not_fix", "will_not_fix", "rollback"]`, StatusUnderInvestigation, "VEX under investigation"},
	}
	for _, tt := range tests {
		t.Run(tt.state+" "+tt.analysis, func(t *testing.T) {
			analysis := fmt.Sprintf(`{"state": %q`, tt.state)
			if tt.analysis != "" {
				analysis += ", " + tt.analysis
			}
			s := parseOne(t, cdxDoc("", cdxVuln("CVE-2023-5363", analysis+"}", refs("libssl3"),
				`"recommendation": "Upgrade to 3.0.12."`, `"workaround": "disable the endpoint"`)))
			if s.Status != tt.want {
				t.Errorf("status %s, want %s", s.Status, tt.want)
			}
			shown := s.note()
			if s.Status == StatusNotAffected || s.Status == StatusFixed {
				shown = s.reason()
			}
			if shown != tt.wantShown {
				t.Errorf("shown %q, want %q", shown, tt.wantShown)
			}
		})
	}
}

func TestCycloneDXJustifications(t *testing.T) {
	tests := []struct {
		in   string
		want Justification
	}{
		{"code_not_present", VulnerableCodeNotPresent},
		{"code_not_reachable", VulnerableCodeNotInExecutePath},
		{"requires_configuration", VulnerableCodeCannotBeControlledByAdversary},
		{"requires_dependency", VulnerableCodeCannotBeControlledByAdversary},
		{"requires_environment", VulnerableCodeCannotBeControlledByAdversary},
		{"protected_by_compiler", InlineMitigationsAlreadyExist},
		{"protected_at_runtime", InlineMitigationsAlreadyExist},
		{"protected_at_perimeter", InlineMitigationsAlreadyExist},
		{"protected_by_mitigating_control", InlineMitigationsAlreadyExist},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			s := parseOne(t, cdxDoc("", cdxVuln("CVE-2023-5363",
				fmt.Sprintf(`{"state": "not_affected", "justification": %q, "detail": "why"}`, tt.in), refs("libssl3"))))
			if s.Justification != tt.want {
				t.Errorf("justification %s, want %s", s.Justification, tt.want)
			}
			if want := string(tt.want) + ": why"; s.reason() != want {
				t.Errorf("reason %q, want %q", s.reason(), want)
			}
		})
	}
}

func TestCycloneDXRefs(t *testing.T) {
	pkgs := func(ids ...string) []Product {
		var out []Product
		for _, id := range ids {
			out = append(out, Product{Component: Component{ID: id}})
		}
		return out
	}
	image := func(subs ...string) Product {
		p := Product{Component: Component{ID: webPURL}}
		for _, s := range subs {
			p.Subcomponents = append(p.Subcomponents, Component{ID: s})
		}
		return p
	}
	const (
		other = "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#"
		same  = "urn:cdx:" + cdxSerial + "/1#"
		api   = "pkg:oci/api?repository_url=registry.example.com/shop/api"
	)
	tests := []struct {
		name  string
		doc   string // "" for cdxDoc with no metadata.component
		image string // metadata.component
		refs  []string
		want  []Product
	}{
		{name: "package URL", refs: []string{"pkg:deb/debian/libssl3"}, want: pkgs("pkg:deb/debian/libssl3")},
		{name: "bom-ref of a nested component", refs: []string{"libssl3"}, want: pkgs(cdxLibssl3)},
		{name: "several refs", refs: []string{"libssl3", "pkg:deb/debian/openssl"}, want: pkgs(cdxLibssl3, "pkg:deb/debian/openssl")},
		{name: "BOM-Link to the document", refs: []string{same + "libssl3"}, want: pkgs(cdxLibssl3)},
		{name: "BOM-Link, serial in upper case", refs: []string{"urn:cdx:" + strings.ToUpper(cdxSerial) + "/1#libssl3"}, want: pkgs(cdxLibssl3)},
		{name: "BOM-Link, escaped bom-ref", refs: []string{same + "lib%73sl3"}, want: pkgs(cdxLibssl3)},
		{name: "BOM-Link to another BOM, package URL", refs: []string{other + "pkg:deb/debian/libc6@2.36-9+deb12u1"},
			want: pkgs("pkg:deb/debian/libc6@2.36-9+deb12u1")},
		{name: "BOM-Link to another BOM, escaped package URL", refs: []string{other + "pkg%3Anpm%2F%2540babel%2Ftraverse%407.23.1"},
			want: pkgs("pkg:npm/%40babel/traverse@7.23.1")},
		{name: "BOM-Link to another BOM, no components: by bom-ref",
			doc: `{"bomFormat": "CycloneDX", "specVersion": "1.5", "serialNumber": "urn:uuid:` + cdxSerial + `",
				"metadata": {"component": {"type": "container", "bom-ref": "image-ref", "name": "web", "purl": "` + webPURL + `"}},
				"vulnerabilities": [` + cdxVuln("CVE-2023-5363", `{"state": "resolved"}`, refs(other+"image-ref")) + `]}`,
			want: pkgs(webPURL)},
		{name: "image: packages are its subcomponents", image: cdxImage, refs: []string{"libssl3", "pkg:deb/debian/openssl"},
			want: []Product{image(cdxLibssl3, "pkg:deb/debian/openssl")}},
		{name: "image: the image itself", image: cdxImage, refs: []string{"image"}, want: []Product{image()}},
		{name: "image: another image", image: cdxImage, refs: []string{"libssl3", api},
			want: []Product{image(cdxLibssl3), {Component: Component{ID: api}}}},
		{name: "container without a package URL: packages only",
			image: `{"type": "container", "bom-ref": "image", "name": "registry.example.com/shop/web", "version": "1.4.2"}`,
			refs:  []string{"libssl3"}, want: pkgs(cdxLibssl3)},
		{name: "another image without metadata.component", refs: []string{api}, want: pkgs(api)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.doc
			if in == "" {
				in = cdxDoc(tt.image, cdxVuln("CVE-2023-5363", `{"state": "resolved"}`, refs(tt.refs...)))
			}
			s := parseOne(t, in)
			if diff := cmp.Diff(tt.want, s.Products); diff != "" {
				t.Errorf("products (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCycloneDXVersions(t *testing.T) {
	tests := []struct {
		name, state, ref, versions string
		want                       []string
	}{
		{"not_affected: unaffected versions", "not_affected", "pkg:deb/debian/libssl3",
			`[{"version": "3.0.11-1~deb12u1", "status": "affected"}, {"version": "3.0.11-1~deb12u2", "status": "unaffected"},
			  {"version": "3.0.13-1~deb12u1", "status": "unaffected"}]`,
			[]string{"pkg:deb/debian/libssl3@3.0.11-1~deb12u2", "pkg:deb/debian/libssl3@3.0.13-1~deb12u1"}},
		{"version replaces the component's, qualifiers stay", "resolved", "libssl3",
			`[{"version": "3.0.11-1~deb12u2", "status": "unaffected"}]`,
			[]string{"pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12"}},
		{"exploitable: affected versions", "exploitable", "pkg:deb/debian/libssl3",
			`[{"version": "3.0.11-1~deb12u1", "status": "affected"}, {"version": "3.0.11-1~deb12u2", "status": "unaffected"}]`,
			[]string{"pkg:deb/debian/libssl3@3.0.11-1~deb12u1"}},
		{"status defaults to affected", "exploitable", "pkg:deb/debian/libssl3", `[{"version": "3.0.11-1~deb12u1"}]`,
			[]string{"pkg:deb/debian/libssl3@3.0.11-1~deb12u1"}},
		{"in_triage: affected and unknown versions", "in_triage", "pkg:deb/debian/libssl3",
			`[{"version": "1", "status": "unknown"}, {"version": "2", "status": "affected"}, {"version": "3", "status": "unaffected"}]`,
			[]string{"pkg:deb/debian/libssl3@1", "pkg:deb/debian/libssl3@2"}},
		{"range: every version", "not_affected", "libssl3",
			`[{"range": "vers:deb/>=3.0.11-1~deb12u2", "status": "unaffected"}, {"version": "3.0.11-1~deb12u2", "status": "unaffected"}]`,
			[]string{cdxLibssl3}},
		{"range of the other status is ignored", "not_affected", "pkg:deb/debian/libssl3",
			`[{"range": "vers:deb/<3.0.11-1~deb12u2", "status": "affected"}, {"version": "3.0.11-1~deb12u2", "status": "unaffected"}]`,
			[]string{"pkg:deb/debian/libssl3@3.0.11-1~deb12u2"}},
		{"empty list", "not_affected", "pkg:deb/debian/libssl3", `[]`, []string{"pkg:deb/debian/libssl3"}},
		{"rpm epoch", "resolved", "pkg:rpm/almalinux/openssl-libs?arch=x86_64", `[{"version": "1:3.0.7-27.el9", "status": "unaffected"}]`,
			[]string{"pkg:rpm/almalinux/openssl-libs@1:3.0.7-27.el9?arch=x86_64"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			affects := fmt.Sprintf(`[{"ref": %q, "versions": %s}]`, tt.ref, tt.versions)
			s := parseOne(t, cdxDoc("", cdxVuln("CVE-2023-5363", fmt.Sprintf(`{"state": %q, "justification": "code_not_present"}`, tt.state), affects)))
			var got []string
			for _, p := range s.Products {
				got = append(got, p.ID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("products (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCycloneDXTimestamps(t *testing.T) {
	tests := []struct {
		analysis, metadata string
		want, wantUpdated  string // "" for zero
	}{
		{`"firstIssued": "2024-02-01T00:00:00Z", "lastUpdated": "2024-03-01T12:00:00+01:00"`, `"timestamp": "2024-01-01T00:00:00Z"`,
			"2024-03-01T12:00:00+01:00", "2024-03-01T12:00:00+01:00"},
		{`"firstIssued": "2024-02-01T00:00:00Z"`, `"timestamp": "2024-01-01T00:00:00Z"`, "2024-02-01T00:00:00Z", ""},
		{`"lastUpdated": "2024-03-01T00:00:00Z"`, ``, "2024-03-01T00:00:00Z", "2024-03-01T00:00:00Z"},
		{``, `"timestamp": "2024-01-01T00:00:00Z"`, "2024-01-01T00:00:00Z", ""},
		{``, ``, "", ""},
	}
	for _, tt := range tests {
		analysis := `{"state": "resolved"`
		if tt.analysis != "" {
			analysis += ", " + tt.analysis
		}
		in := `{"bomFormat": "CycloneDX", "specVersion": "1.6", "metadata": {` + tt.metadata + `}, "vulnerabilities": [` +
			cdxVuln("CVE-2023-5363", analysis+"}", refs("pkg:deb/debian/libssl3")) + `]}`
		s := parseOne(t, in)
		tm := func(s string) string {
			if s == "" {
				return "0001-01-01T00:00:00Z"
			}
			return ts(s).Format("2006-01-02T15:04:05Z07:00")
		}
		got := []string{s.Timestamp.Format("2006-01-02T15:04:05Z07:00"), s.LastUpdated.Format("2006-01-02T15:04:05Z07:00")}
		if diff := cmp.Diff([]string{tm(tt.want), tm(tt.wantUpdated)}, got); diff != "" {
			t.Errorf("analysis {%s}, metadata {%s}: timestamp, last updated (-want +got):\n%s", tt.analysis, tt.metadata, diff)
		}
	}
}

func TestCycloneDXSkipsUnanalysed(t *testing.T) {
	in := cdxDoc("",
		`{"id": "CVE-2023-5363", "ratings": [{"severity": "high"}], "affects": [{"ref": "libssl3"}]}`,
		`{"id": "CVE-2023-5678", "analysis": {"detail": "no state yet"}, "affects": [{"ref": "libssl3"}]}`,
		`{"id": "CVE-2023-6129", "analysis": {"state": ""}}`,
		cdxVuln("CVE-2024-0727", `{"state": "in_triage"}`, refs("libssl3")),
	)
	d, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Statements) != 1 || d.Statements[0].Vulnerability.Name != "CVE-2024-0727" || d.Statements[0].Index != 3 {
		t.Errorf("statements %+v, want CVE-2024-0727 at index 3", d.Statements)
	}

	d, err = Parse(strings.NewReader(cdxDoc("", `{"id": "CVE-2023-5363"}`)))
	if err != nil || len(d.Statements) != 0 {
		t.Errorf("no analysis at all: %v, %v", d, err)
	}
}

func TestCycloneDXErrors(t *testing.T) {
	vuln := func(analysis, affects string) string {
		return cdxDoc("", cdxVuln("CVE-2023-5363", analysis, affects))
	}
	const other = "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#"
	tests := []struct {
		name, in, want string
	}{
		{"JSON syntax", "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\",,\n}",
			"line 3, column 24: invalid JSON: invalid character ',' looking for beginning of object key string"},
		{"truncated", `{"bomFormat": "CycloneDX", "specVersion": "1.6", "vulnerabilities": [`,
			"invalid JSON: unexpected end of the document"},
		{"data after", `{"bomFormat": "CycloneDX", "specVersion": "1.6"} {}`, "line 1, column 50: data after the JSON document"},
		{"wrong type", "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\",\n\"vulnerabilities\": [\n  {\"id\": \"CVE-2023-5363\", \"affects\": [{\"ref\": 7}]}]}",
			"line 3: vulnerabilities.affects.ref: want a string, found number"},
		{"wrong type in a field the decoder reads itself", "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\",\n\"metadata\": {\n  \"tools\": 7}}",
			"line 3: metadata.tools: want an object, found number"},
		{"XML", `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1">`,
			"this looks like an XML document: VEX documents are read in JSON (OpenVEX, CycloneDX)"},
		{"other bomFormat", `{"bomFormat": "SPDX"}`, `"bomFormat" "SPDX": not a CycloneDX document (want "CycloneDX") nor an OpenVEX one`},
		{"no specVersion", `{"bomFormat": "CycloneDX"}`, `missing "specVersion": want "1.4", "1.5", "1.6" or "1.7"`},
		{"specVersion 1.3", `{"bomFormat": "CycloneDX", "specVersion": "1.3"}`,
			`"specVersion" "1.3": CycloneDX has vulnerabilities (VEX) from 1.4`},
		{"specVersion 2.0", `{"bomFormat": "CycloneDX", "specVersion": "2.0"}`, `"specVersion" "2.0": want "1.4", "1.5", "1.6" or "1.7"`},
		{"specVersion number", `{"bomFormat": "CycloneDX", "specVersion": 1.6}`, `"specVersion" 1.6: want a string, "1.4", "1.5", "1.6" or "1.7"`},
		{"no vulnerabilities", `{"bomFormat": "CycloneDX", "specVersion": "1.6", "vulnerabilities": []}`,
			`no "vulnerabilities": a CycloneDX VEX document lists them with their analysis`},
		{"bad metadata timestamp", `{"bomFormat": "CycloneDX", "specVersion": "1.6", "metadata": {"timestamp": "2024-01-01"},
			"vulnerabilities": [{"id": "CVE-2023-5363", "analysis": {"state": "resolved"}, "affects": [{"ref": "pkg:deb/debian/libssl3"}]}]}`,
			`metadata.timestamp "2024-01-01": want an RFC 3339 time (2023-01-16T19:07:16Z)`},
		{"unknown state", vuln(`{"state": "unaffected"}`, refs("libssl3")),
			`vulnerabilities[0] (CVE-2023-5363): analysis.state "unaffected": want not_affected, false_positive, resolved, resolved_with_pedigree, exploitable or in_triage`},
		{"unknown justification", vuln(`{"state": "not_affected", "justification": "vulnerable_code_not_present"}`, refs("libssl3")),
			`vulnerabilities[0] (CVE-2023-5363): analysis.justification "vulnerable_code_not_present": want code_not_present, code_not_reachable, ` +
				`requires_configuration, requires_dependency, requires_environment, protected_by_compiler, protected_at_runtime, ` +
				`protected_at_perimeter or protected_by_mitigating_control`},
		{"unknown response", vuln(`{"state": "exploitable", "response": ["update", "upgrade"]}`, refs("libssl3")),
			`vulnerabilities[0] (CVE-2023-5363): analysis.response[1] "upgrade": want can_not_fix, will_not_fix, update, rollback or workaround_available`},
		{"bad analysis timestamps", vuln(`{"state": "resolved", "firstIssued": "yesterday", "lastUpdated": "2024-13-01T00:00:00Z"}`, refs("libssl3")),
			"vulnerabilities[0] (CVE-2023-5363): analysis.firstIssued \"yesterday\": want an RFC 3339 time (2023-01-16T19:07:16Z)\n" +
				"vulnerabilities[0] (CVE-2023-5363): analysis.lastUpdated \"2024-13-01T00:00:00Z\": want an RFC 3339 time (2023-01-16T19:07:16Z)"},
		{"no affects", vuln(`{"state": "resolved"}`, `[]`),
			`vulnerabilities[0] (CVE-2023-5363): no "affects": the statement must say which software it is about`},
		{"empty ref", vuln(`{"state": "resolved"}`, `[{"ref": " "}]`), `vulnerabilities[0] (CVE-2023-5363): affects[0]: missing "ref"`},
		{"unknown bom-ref", vuln(`{"state": "resolved"}`, refs("libssl")),
			`vulnerabilities[0] (CVE-2023-5363): affects[0]: ref "libssl" is neither a package URL nor the bom-ref of a component of the document`},
		{"component without purl", vuln(`{"state": "resolved"}`, refs("tzdata")),
			`vulnerabilities[0] (CVE-2023-5363): affects[0]: ref "tzdata": component "tzdata" has no purl`},
		{"bad package URL", vuln(`{"state": "resolved"}`, refs("pkg:deb")),
			`vulnerabilities[0] (CVE-2023-5363): affects[0]: ref "pkg:deb": invalid package URL: purl is missing type or name`},
		{"BOM-Link to a whole BOM", vuln(`{"state": "resolved"}`, refs("urn:cdx:"+cdxSerial+"/1")),
			`vulnerabilities[0] (CVE-2023-5363): affects[0]: ref "urn:cdx:` + cdxSerial + `/1": the BOM-Link names a whole BOM, not a component`},
		{"BOM-Link to a component of another BOM", vuln(`{"state": "resolved"}`, refs(other+"libssl3")),
			`vulnerabilities[0] (CVE-2023-5363): affects[0]: ref "` + other + `libssl3": names a component of another BOM by a bom-ref that is not a package URL`},
		{"versions: none for the state", vuln(`{"state": "not_affected", "justification": "code_not_present"}`,
			`[{"ref": "libssl3", "versions": [{"version": "3.0.11-1~deb12u1", "status": "affected"}]}]`),
			`vulnerabilities[0] (CVE-2023-5363): affects[0]: no version with status "unaffected", which a not_affected statement is about`},
		{"versions: bad entries", vuln(`{"state": "in_triage"}`,
			`[{"ref": "libssl3", "versions": [{"version": "1", "status": "fixed"}, {"status": "affected"}, {"version": "2", "status": "unaffected"}]}]`),
			"vulnerabilities[0] (CVE-2023-5363): affects[0].versions[0]: status \"fixed\": want affected, unaffected or unknown\n" +
				"vulnerabilities[0] (CVE-2023-5363): affects[0].versions[1]: neither version nor range"},
		{"several problems", cdxDoc("",
			`{"analysis": {"state": "resolved"}, "affects": [{"ref": "libssl3"}]}`,
			`{"id": "CVE-2023-5363", "analysis": {"detail": "skipped: no state"}, "affects": [{"ref": "nothing"}]}`,
			cdxVuln("CVE-2023-5678", `{"state": "exploitable", "justification": "code_not_reachable"}`, refs("libssl3", "nothing"))+`,
			{"id": "CVE-2024-0727", "analysis": {"state": "not-affected"}}`),
			strings.Join([]string{
				`vulnerabilities[0]: missing id`,
				`vulnerabilities[2] (CVE-2023-5678): affects[1]: ref "nothing" is neither a package URL nor the bom-ref of a component of the document`,
				`vulnerabilities[3] (CVE-2024-0727): analysis.state "not-affected": want not_affected, false_positive, resolved, ` +
					`resolved_with_pedigree, exploitable or in_triage`,
				`vulnerabilities[3] (CVE-2024-0727): no "affects": the statement must say which software it is about`,
			}, "\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("Parse succeeded (%d statements), want error", len(d.Statements))
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadCycloneDXErrorNamesFile(t *testing.T) {
	path := filepath.Join("testdata", "cyclonedx-1.6-web.json")
	d, err := Load(path)
	if err != nil || len(d.Statements) != 4 {
		t.Fatalf("Load: %v", err)
	}
	_, err = Load(filepath.Join(t.TempDir(), "missing.cdx.json"))
	if err == nil || !strings.Contains(err.Error(), "reading VEX document") {
		t.Errorf("Load of a missing file: %v", err)
	}
}

// TestApplyCycloneDX applies the CycloneDX VEX of the image that
// TestApplyVexctlDocument applies in OpenVEX, with the same statements
// (the image is metadata.component, by digest): the same outcome.
func TestApplyCycloneDX(t *testing.T) {
	d, err := Load(filepath.Join("testdata", "cyclonedx-1.6-web.json"))
	if err != nil {
		t.Fatal(err)
	}
	vs := findings()
	res := d.Apply(vs, Subjects(model.Artifact{
		Name: "registry:registry.example.com/shop/web:1.4.2", Type: model.ArtifactImage, Digest: webDigest,
	})...)
	tls := "vulnerable_code_not_in_execute_path: TLS is terminated at the ingress; the service never sets cipher key or IV lengths."
	want := []string{
		"CVE-2023-5363 libssl3: vex: " + tls,
		"CVE-2023-5678 libssl3: note: VEX affected: Rebuild on a base with libssl3 3.0.13-1~deb12u1 or later; response: update " +
			"(The partner API accepts DH parameters from clients.)",
		"CVE-2023-5363 openssl: vex: " + tls,
		"CVE-2021-44228 org.apache.logging.log4j:log4j-core: vex: fixed per VEX: JndiLookup.class is removed from the jar when the image is built",
		kernel,
	}
	if diff := cmp.Diff(want, outcome(vs)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	wantSummary := []string{"suppressed 3, noted 1", "statement 0: 2/0", "statement 1: 0/1", "statement 2: 1/0", "statement 3: 1/0"}
	if diff := cmp.Diff(wantSummary, summary(res)); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}

	// Another build of the image: the document is about that digest only.
	vs = findings()
	res = d.Apply(vs, "registry.example.com/shop/web:1.4.2", "sha256:"+strings.Repeat("0", 64))
	if diff := cmp.Diff([]string{kernel}, outcome(vs)); diff != "" {
		t.Errorf("other digest: findings (-want +got):\n%s", diff)
	}
	if n := len(res.Unused()); n != 4 {
		t.Errorf("other digest: %d unused statements, want 4", n)
	}
}

// TestApplyCycloneDXPackages applies a document about packages (its
// metadata.component is not an image URL): it applies to any artifact,
// with or without subjects, and its versions narrow what it covers.
func TestApplyCycloneDXPackages(t *testing.T) {
	d, err := Load(filepath.Join("testdata", "cyclonedx-1.4-debian.json"))
	if err != nil {
		t.Fatal(err)
	}
	libc6 := model.Package{
		Name: "libc6", Version: "2.36-9+deb12u1", Type: model.TypeDeb, Ecosystem: "Debian:12", Arch: "amd64",
		PURL:   "pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?arch=amd64&distro=debian-12",
		Source: &model.SourcePackage{Name: "glibc", Version: "2.36-9+deb12u1"},
	}
	for _, subjects := range [][]string{nil, {"debian:12"}, {"registry.example.com/other:1"}} {
		vs := append(findings(),
			model.Vulnerability{ID: "CVE-2023-4911", Aliases: []string{"DSA-5514-1"}, Package: libc6},
			model.Vulnerability{ID: "CVE-2024-2961", Package: libc6},
			model.Vulnerability{ID: "CVE-2023-4806", Package: libc6},
		)
		res := d.Apply(vs, subjects...)
		want := []string{
			// The document says fixed in 3.0.11-1~deb12u2: this is deb12u1.
			"CVE-2023-5678 libssl3: note: VEX affected: Upgrade libssl3 to 3.0.13-1~deb12u1; response: update " +
				"(The image's tools call DH_check on parameters read from the network.)",
			kernel,
			"CVE-2023-4911 libc6: vex: vulnerable_code_not_in_execute_path: " +
				"The image ships no setuid or setgid programs, so the tunables parser never runs with elevated privileges.",
			"CVE-2024-2961 libc6: note: VEX under investigation",
		}
		if diff := cmp.Diff(want, outcome(vs)); diff != "" {
			t.Errorf("subjects %q: findings (-want +got):\n%s", subjects, diff)
		}
		wantSummary := []string{"suppressed 1, noted 2", "statement 0: 1/0", "statement 1: 0/0", "statement 2: 1/0", "statement 3: 1/0"}
		if diff := cmp.Diff(wantSummary, summary(res)); diff != "" {
			t.Errorf("subjects %q: result (-want +got):\n%s", subjects, diff)
		}
	}
}

// TestMergeCycloneDXOpenVEX merges an OpenVEX and a CycloneDX document:
// the later statement wins across formats.
func TestMergeCycloneDXOpenVEX(t *testing.T) {
	open := doc(t, stmt("CVE-2023-5363", image(webPURL, "pkg:deb/debian/libssl3"), "under_investigation", `"timestamp": "2024-01-02T00:00:00Z"`))
	cdx, err := Parse(strings.NewReader(cdxDoc("", cdxVuln("CVE-2023-5363",
		`{"state": "not_affected", "justification": "protected_at_runtime", "lastUpdated": "2024-01-03T00:00:00Z"}`, refs("libssl3")))))
	if err != nil {
		t.Fatal(err)
	}
	for _, order := range [][]*Document{{open, cdx}, {cdx, open}} {
		vs := findings()
		Merge(order...).Apply(vs, webDigest)
		want := []string{"CVE-2023-5363 libssl3: vex: inline_mitigations_already_exist", kernel}
		if diff := cmp.Diff(want, outcome(vs)); diff != "" {
			t.Errorf("findings (-want +got):\n%s", diff)
		}
	}
}
