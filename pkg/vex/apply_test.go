package vex

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/package-url/packageurl-go"

	"github.com/drydockhq/drydock/pkg/model"
)

// findings returns findings as the matcher produces them for the image
// registry.example.com/shop/web (Debian 12, openssl 3.0.11-1~deb12u1, a
// log4j-core 2.14.1 jar), with the real IDs of the staged advisories
// (DEBCL-CVE-2023-5363-openssl, GHSA-jfh8-c2jp-5v3q, ...).
func findings() []model.Vulnerability {
	libssl3 := model.Package{
		Name: "libssl3", Version: "3.0.11-1~deb12u1", Type: model.TypeDeb, Ecosystem: "Debian:12", Arch: "amd64",
		PURL:   "pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl",
		Source: &model.SourcePackage{Name: "openssl", Version: "3.0.11-1~deb12u1"},
	}
	openssl := model.Package{
		Name: "openssl", Version: "3.0.11-1~deb12u1", Type: model.TypeDeb, Ecosystem: "Debian:12", Arch: "amd64",
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
		{ID: "CVE-2023-5363", Aliases: []string{"DEBCL-CVE-2023-5363-openssl"}, Advisories: []string{"DEBCL-CVE-2023-5363-openssl"}, Package: libssl3},
		{ID: "CVE-2023-5678", Aliases: []string{"DEBCL-CVE-2023-5678-openssl"}, Advisories: []string{"DEBCL-CVE-2023-5678-openssl"}, Package: libssl3},
		{ID: "CVE-2023-5363", Aliases: []string{"DEBCL-CVE-2023-5363-openssl"}, Advisories: []string{"DEBCL-CVE-2023-5363-openssl"}, Package: openssl},
		{ID: "CVE-2021-44228", Aliases: []string{"GHSA-jfh8-c2jp-5v3q"}, Advisories: []string{"GHSA-jfh8-c2jp-5v3q"}, Package: log4j,
			Note: "mitigation found"},
		{ID: "CVE-2022-2196", Aliases: []string{"DEBCL-CVE-2022-2196-linux"}, Advisories: []string{"DEBCL-CVE-2022-2196-linux"}, Package: linux,
			Suppressed: &model.Suppressed{By: "kernel-headers", Reason: "kernel"}},
	}
}

// outcome renders what Apply changed: "ID package: by: reason" for
// suppressed findings, "ID package: note: …" for notes.
func outcome(vs []model.Vulnerability) []string {
	var out []string
	for _, v := range vs {
		if v.Suppressed != nil {
			out = append(out, fmt.Sprintf("%s %s: %s: %s", v.ID, v.Package.Name, v.Suppressed.By, v.Suppressed.Reason))
		}
		if v.Note != "" && v.Note != "mitigation found" {
			out = append(out, fmt.Sprintf("%s %s: note: %s", v.ID, v.Package.Name, v.Note))
		}
	}
	return out
}

// summary renders a Result: the counts, then "statement i: decided/superseded".
func summary(r Result) []string {
	out := []string{fmt.Sprintf("suppressed %d, noted %d", r.Suppressed, r.Noted)}
	for _, s := range r.Statements {
		out = append(out, fmt.Sprintf("statement %d: %d/%d", s.Statement.Index, s.Findings, s.Superseded))
	}
	return out
}

const kernel = "CVE-2022-2196 linux-libc-dev: kernel-headers: kernel"

// doc builds a document from statements (JSON objects); the document's
// timestamp is 2024-01-01.
func doc(t *testing.T, statements ...string) *Document {
	t.Helper()
	d, err := Parse(strings.NewReader(header + strings.Join(statements, ",") + "]}"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// stmt writes a statement: vulnerability name, products JSON, status and
// extra fields.
func stmt(vuln, products, status string, extra ...string) string {
	s := fmt.Sprintf(`{"vulnerability": {"name": %q}, "products": %s, "status": %q`, vuln, products, status)
	for _, e := range extra {
		s += ", " + e
	}
	return s + "}"
}

const ncp = `"justification": "component_not_present"`

// image returns a products list with one product, id, and subcomponents.
func image(id string, subs ...string) string {
	s := fmt.Sprintf(`[{"@id": %q`, id)
	if len(subs) > 0 {
		s += `, "subcomponents": [`
		for i, sub := range subs {
			if i > 0 {
				s += ", "
			}
			s += fmt.Sprintf(`{"@id": %q}`, sub)
		}
		s += "]"
	}
	return s + "}]"
}

func TestApply(t *testing.T) {
	subjects := []string{webDigest, "registry.example.com/shop/web:1.4.2"}
	otherDigest := "sha256:" + strings.Repeat("ab", 32)
	tests := []struct {
		name        string
		statements  []string
		subjects    []string // nil: the default subjects
		want        []string
		wantSummary []string
	}{
		{
			name:       "image by digest, no subcomponents: every package",
			statements: []string{stmt("CVE-2023-5363", image(webPURL), "not_affected", ncp)},
			want: []string{
				"CVE-2023-5363 libssl3: vex: component_not_present",
				"CVE-2023-5363 openssl: vex: component_not_present",
				kernel,
			},
			wantSummary: []string{"suppressed 2, noted 0", "statement 0: 2/0"},
		},
		{
			name:        "image with another digest",
			statements:  []string{stmt("CVE-2023-5363", image("pkg:oci/web@"+otherDigest+"?repository_url=registry.example.com/shop/web"), "not_affected", ncp)},
			want:        []string{kernel},
			wantSummary: []string{"suppressed 0, noted 0", "statement 0: 0/0"},
		},
		{
			name:       "image by reference and tag",
			statements: []string{stmt("CVE-2023-5363", image("registry.example.com/shop/web:1.4.2"), "fixed")},
			want: []string{
				"CVE-2023-5363 libssl3: vex: fixed per VEX",
				"CVE-2023-5363 openssl: vex: fixed per VEX",
				kernel,
			},
			wantSummary: []string{"suppressed 2, noted 0", "statement 0: 2/0"},
		},
		{
			name:        "image by reference with another tag",
			statements:  []string{stmt("CVE-2023-5363", image("registry.example.com/shop/web:1.4.3"), "fixed")},
			want:        []string{kernel},
			wantSummary: []string{"suppressed 0, noted 0", "statement 0: 0/0"},
		},
		{
			name:       "image by repository, any tag",
			statements: []string{stmt("CVE-2023-5363", image("pkg:oci/web?repository_url=registry.example.com%2Fshop%2Fweb"), "fixed")},
			want: []string{
				"CVE-2023-5363 libssl3: vex: fixed per VEX",
				"CVE-2023-5363 openssl: vex: fixed per VEX",
				kernel,
			},
			wantSummary: []string{"suppressed 2, noted 0", "statement 0: 2/0"},
		},
		{
			name:        "image by name only, another name",
			statements:  []string{stmt("CVE-2023-5363", image("pkg:oci/api"), "fixed")},
			want:        []string{kernel},
			wantSummary: []string{"suppressed 0, noted 0", "statement 0: 0/0"},
		},
		{
			name: "image by hash",
			statements: []string{stmt("CVE-2023-5363",
				`[{"hashes": {"sha-256": "4dbb1efc9c4f883128bd77839566dafbc05d0e2fb4af6ce1172b68170b1d57d9"}, "subcomponents": [{"identifiers": {"purl": "pkg:deb/debian/openssl"}}]}]`,
				"not_affected", `"impact_statement": "openssl CLI never run"`)},
			want:        []string{"CVE-2023-5363 openssl: vex: openssl CLI never run", kernel},
			wantSummary: []string{"suppressed 1, noted 0", "statement 0: 1/0"},
		},
		{
			name:        "subcomponent without version",
			statements:  []string{stmt("CVE-2023-5363", image(webPURL, "pkg:deb/debian/libssl3"), "not_affected", ncp)},
			want:        []string{"CVE-2023-5363 libssl3: vex: component_not_present", kernel},
			wantSummary: []string{"suppressed 1, noted 0", "statement 0: 1/0"},
		},
		{
			name:        "subcomponent with another version",
			statements:  []string{stmt("CVE-2023-5363", image(webPURL, "pkg:deb/debian/libssl3@3.0.11-1~deb12u2"), "not_affected", ncp)},
			want:        []string{kernel},
			wantSummary: []string{"suppressed 0, noted 0", "statement 0: 0/0"},
		},
		{
			name:        "subcomponent with the package's qualifiers",
			statements:  []string{stmt("CVE-2023-5363", image(webPURL, "pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12"), "not_affected", ncp)},
			want:        []string{"CVE-2023-5363 libssl3: vex: component_not_present", kernel},
			wantSummary: []string{"suppressed 1, noted 0", "statement 0: 1/0"},
		},
		{
			name:        "subcomponent for another architecture",
			statements:  []string{stmt("CVE-2023-5363", image(webPURL, "pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=arm64"), "not_affected", ncp)},
			want:        []string{kernel},
			wantSummary: []string{"suppressed 0, noted 0", "statement 0: 0/0"},
		},
		{
			name:        "source package does not cover its binaries",
			statements:  []string{stmt("CVE-2023-5363", image(webPURL, "pkg:deb/debian/openssl"), "not_affected", ncp)},
			want:        []string{"CVE-2023-5363 openssl: vex: component_not_present", kernel},
			wantSummary: []string{"suppressed 1, noted 0", "statement 0: 1/0"},
		},
		{
			name:        "subcomponents of another image",
			statements:  []string{stmt("CVE-2023-5363", image("pkg:oci/api@"+otherDigest, "pkg:deb/debian/libssl3"), "not_affected", ncp)},
			want:        []string{kernel},
			wantSummary: []string{"suppressed 0, noted 0", "statement 0: 0/0"},
		},
		{
			name: "product is the package, by alias",
			statements: []string{stmt("GHSA-jfh8-c2jp-5v3q", image("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"), "not_affected",
				`"justification": "vulnerable_code_not_in_execute_path", "impact_statement": "no user input is logged"`)},
			want:        []string{"CVE-2021-44228 org.apache.logging.log4j:log4j-core: vex: vulnerable_code_not_in_execute_path: no user input is logged", kernel},
			wantSummary: []string{"suppressed 1, noted 0", "statement 0: 1/0"},
		},
		{
			name: "statement alias names the finding's ID",
			statements: []string{`{"vulnerability": {"name": "GHSA-xxxx-xxxx-xxxx", "aliases": ["cve-2021-44228"]},
				"products": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core"}], "status": "fixed"}`},
			want:        []string{"CVE-2021-44228 org.apache.logging.log4j:log4j-core: vex: fixed per VEX", kernel},
			wantSummary: []string{"suppressed 1, noted 0", "statement 0: 1/0"},
		},
		{
			name: "package product with subcomponents is not matched",
			statements: []string{stmt("CVE-2021-44228", `[{"@id": "pkg:maven/org.springframework.boot/spring-boot@2.6.0",
				"subcomponents": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core"}]}]`, "not_affected", ncp)},
			want:        []string{kernel},
			wantSummary: []string{"suppressed 0, noted 0", "statement 0: 0/0"},
		},
		{
			name: "latest statement wins",
			statements: []string{
				stmt("CVE-2023-5363", image(webPURL), "under_investigation", `"timestamp": "2024-01-02T00:00:00Z"`),
				stmt("CVE-2023-5363", image(webPURL, "pkg:deb/debian/libssl3"), "not_affected", ncp, `"timestamp": "2024-01-03T00:00:00Z"`),
				stmt("CVE-2023-5363", image(webPURL), "affected", `"action_statement": "update"`), // document's timestamp: oldest
			},
			want: []string{
				"CVE-2023-5363 libssl3: vex: component_not_present",
				"CVE-2023-5363 openssl: note: VEX under investigation",
				kernel,
			},
			wantSummary: []string{"suppressed 1, noted 1", "statement 0: 1/1", "statement 1: 1/0", "statement 2: 0/2"},
		},
		{
			name: "affected after not_affected",
			statements: []string{
				stmt("CVE-2021-44228", image("pkg:maven/org.apache.logging.log4j/log4j-core"), "affected",
					`"action_statement": "Upgrade to 2.17.1"`, `"status_notes": "JndiLookup is used"`, `"timestamp": "2024-02-01T00:00:00Z"`),
				stmt("CVE-2021-44228", image("pkg:maven/org.apache.logging.log4j/log4j-core"), "not_affected", ncp, `"timestamp": "2024-01-31T00:00:00Z"`),
			},
			want:        []string{"CVE-2021-44228 org.apache.logging.log4j:log4j-core: note: mitigation found; VEX affected: Upgrade to 2.17.1 (JndiLookup is used)", kernel},
			wantSummary: []string{"suppressed 0, noted 1", "statement 0: 1/0", "statement 1: 0/1"},
		},
		{
			name: "timestamps compare as instants",
			statements: []string{
				stmt("CVE-2021-44228", image("pkg:maven/org.apache.logging.log4j/log4j-core"), "affected",
					`"action_statement": "Upgrade to 2.17.1"`, `"timestamp": "2024-02-01T00:00:00+01:00"`),
				stmt("CVE-2021-44228", image("pkg:maven/org.apache.logging.log4j/log4j-core"), "not_affected", ncp, `"timestamp": "2024-01-31T23:30:00Z"`),
			},
			want:        []string{"CVE-2021-44228 org.apache.logging.log4j:log4j-core: vex: component_not_present", kernel},
			wantSummary: []string{"suppressed 1, noted 0", "statement 0: 0/1", "statement 1: 1/0"},
		},
		{
			name: "equal timestamps: the later statement",
			statements: []string{
				stmt("CVE-2023-5363", image(webPURL), "fixed"),
				stmt("CVE-2023-5363", image(webPURL), "under_investigation", `"timestamp": "2024-01-01T01:00:00+01:00"`),
			},
			want: []string{
				"CVE-2023-5363 libssl3: note: VEX under investigation",
				"CVE-2023-5363 openssl: note: VEX under investigation",
				kernel,
			},
			wantSummary: []string{"suppressed 0, noted 2", "statement 0: 0/2", "statement 1: 2/0"},
		},
		{
			name:        "already suppressed finding keeps its Suppressed",
			statements:  []string{stmt("CVE-2022-2196", image("pkg:deb/debian/linux-libc-dev"), "not_affected", ncp)},
			want:        []string{kernel},
			wantSummary: []string{"suppressed 0, noted 0", "statement 0: 1/0"},
		},
		{
			name:        "no subjects: image statements do not apply",
			statements:  []string{stmt("CVE-2023-5363", image(webPURL), "not_affected", ncp)},
			subjects:    []string{},
			want:        []string{kernel},
			wantSummary: []string{"suppressed 0, noted 0", "statement 0: 0/0"},
		},
		{
			name:        "advisory ID",
			statements:  []string{stmt("DEBCL-CVE-2023-5678-openssl", image(webPURL), "fixed")},
			want:        []string{"CVE-2023-5678 libssl3: vex: fixed per VEX", kernel},
			wantSummary: []string{"suppressed 1, noted 0", "statement 0: 1/0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := doc(t, tt.statements...)
			subj := subjects
			if tt.subjects != nil {
				subj = tt.subjects
			}
			vs := findings()
			res := d.Apply(vs, subj...)
			if diff := cmp.Diff(tt.want, outcome(vs)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantSummary, summary(res)); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestApplyVexctlDocument(t *testing.T) {
	d, err := Load(filepath.Join("testdata", "vexctl-v0.2.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	vs := findings()
	res := d.Apply(vs, Subjects(model.Artifact{
		Name: "registry:registry.example.com/shop/web:1.4.2", Type: model.ArtifactImage, Digest: webDigest,
	})...)
	want := []string{
		"CVE-2023-5363 libssl3: vex: vulnerable_code_not_in_execute_path: TLS is terminated at the ingress; the service never sets cipher key or IV lengths.",
		"CVE-2023-5678 libssl3: note: VEX affected: Rebuild on a base with libssl3 3.0.13-1~deb12u1 or later",
		"CVE-2023-5363 openssl: vex: vulnerable_code_not_in_execute_path: TLS is terminated at the ingress; the service never sets cipher key or IV lengths.",
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
	if len(res.Unused()) != 0 {
		t.Errorf("Unused = %v", res.Unused())
	}

	// Another build of the image: statements pinned to the digest do not apply.
	vs = findings()
	res = d.Apply(vs, "registry.example.com/shop/web:1.4.2", "sha256:"+strings.Repeat("0", 64))
	if diff := cmp.Diff([]string{kernel}, outcome(vs)); diff != "" {
		t.Errorf("other digest: findings (-want +got):\n%s", diff)
	}
	if n := len(res.Unused()); n != 4 {
		t.Errorf("other digest: %d unused statements, want 4", n)
	}
}

func TestMerge(t *testing.T) {
	older := doc(t, stmt("CVE-2023-5363", image(webPURL), "under_investigation"))
	newer, err := Parse(strings.NewReader(strings.Replace(header, "2024-01-01", "2024-03-01", 1) +
		stmt("CVE-2023-5363", image(webPURL, "pkg:deb/debian/libssl3"), "not_affected", ncp) + "]}"))
	if err != nil {
		t.Fatal(err)
	}
	for _, order := range [][]*Document{{older, newer}, {newer, nil, older}} {
		m := Merge(order...)
		vs := findings()
		m.Apply(vs, webDigest)
		want := []string{
			"CVE-2023-5363 libssl3: vex: component_not_present",
			"CVE-2023-5363 openssl: note: VEX under investigation",
			kernel,
		}
		if diff := cmp.Diff(want, outcome(vs)); diff != "" {
			t.Errorf("findings (-want +got):\n%s", diff)
		}
		if !m.Timestamp.Equal(ts("2024-03-01T00:00:00Z")) || len(m.Statements) != 2 {
			t.Errorf("merged: timestamp %v, %d statements", m.Timestamp, len(m.Statements))
		}
	}
}

func TestSubjectMatches(t *testing.T) {
	const (
		digest = "sha256:4dbb1efc9c4f883128bd77839566dafbc05d0e2fb4af6ce1172b68170b1d57d9"
		other  = "sha256:0000000000000000000000000000000000000000000000000000000000000000"
	)
	tests := []struct {
		subjects []string
		product  string
		want     bool
	}{
		{[]string{"debian:12"}, "docker.io/library/debian:12", true},
		{[]string{"debian:12"}, "index.docker.io/library/debian", true},
		{[]string{"debian:12"}, "debian:11", false},
		{[]string{"debian"}, "debian:latest", true},
		{[]string{"debian:12"}, "pkg:oci/debian", true},
		{[]string{"debian:12"}, "pkg:oci/debian?repository_url=docker.io/library/debian&tag=12", true},
		{[]string{"debian:12"}, "pkg:oci/debian?repository_url=index.docker.io%2Flibrary%2Fdebian&tag=11", false},
		{[]string{"debian:12"}, "pkg:oci/debian?repository_url=ghcr.io/library/debian", false},
		{[]string{"registry.k8s.io/kube-apiserver:v1.26.0"}, "pkg:oci/kube-apiserver?repository_url=registry.k8s.io&tag=v1.26.0", true},
		{[]string{"registry.k8s.io/kube-apiserver:v1.26.0"}, "registry.k8s.io/kube-apiserver:v1.26.0", true},
		{[]string{"registry.k8s.io/kube-apiserver:v1.26.0"}, "registry.k8s.io/kube-scheduler", false},
		{[]string{"localhost:5000/shop/web:1"}, "localhost:5000/shop/web", true},
		{[]string{"shop/web:1@" + digest}, "pkg:oci/web@" + digest, true},
		{[]string{"shop/web:1@" + digest}, "pkg:oci/web@" + other, false},
		{[]string{"shop/web:1"}, "pkg:oci/web@" + digest, false},                // digest unknown
		{[]string{digest}, "mirror.example.com/web@" + digest, true},            // content address: any repository
		{[]string{digest}, "pkg:oci/web?repository_url=example.com/web", false}, // no name known
		{[]string{digest}, strings.ToUpper(digest[7:]), false},
		{[]string{"pkg:oci/web@" + digest + "?repository_url=example.com/shop/web"}, "example.com/shop/web", true},
		{[]string{"debian:12"}, "pkg:deb/debian/openssl", false},
		{[]string{"debian:12"}, "https://example.com/products/debian", false},
		{[]string{"debian:12"}, "debian:12:13", false},
		{nil, "debian", false},
	}
	for _, tt := range tests {
		s := newSubject(tt.subjects)
		if got := s.matches(&Component{ID: tt.product}); got != tt.want {
			t.Errorf("subjects %q, product %q: %v, want %v", tt.subjects, tt.product, got, tt.want)
		}
	}
}

func TestSubjects(t *testing.T) {
	tests := []struct {
		a    model.Artifact
		want []string
	}{
		{model.Artifact{Name: "registry:ghcr.io/shop/web:1.4.2", Type: model.ArtifactImage, Digest: webDigest},
			[]string{webDigest, "ghcr.io/shop/web:1.4.2"}},
		{model.Artifact{Name: "docker://debian:12", Type: model.ArtifactImage}, []string{"debian:12"}},
		{model.Artifact{Name: "debian:12", Type: model.ArtifactImage, RepoTags: []string{"debian:12"}}, []string{"debian:12", "debian:12"}},
		{model.Artifact{Name: "docker-archive:web.tar", Type: model.ArtifactImage, Digest: webDigest, RepoTags: []string{"shop/web:1.4.2"}},
			[]string{webDigest, "shop/web:1.4.2"}},
		{model.Artifact{Name: "alpine-310.tar.gz", Type: model.ArtifactImage}, nil},
		{model.Artifact{Name: "./layout", Type: model.ArtifactImage}, nil},
		{model.Artifact{Name: ".", Type: model.ArtifactFilesystem}, nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, Subjects(tt.a)); diff != "" {
			t.Errorf("Subjects(%+v) (-want +got):\n%s", tt.a, diff)
		}
	}
}

func TestMatchPURL(t *testing.T) {
	tests := []struct {
		pattern, pkg string
		want         bool
	}{
		{"pkg:apk/alpine/libcrypto3?distro=3.19.1", "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=alpine-3.19.1", true},
		{"pkg:apk/alpine/libcrypto3?distro=alpine-3.19.1", "pkg:apk/alpine/libcrypto3@3.1.4-r5?distro=3.19.1", true},
		{"pkg:apk/alpine/libcrypto3?distro=3.18.0", "pkg:apk/alpine/libcrypto3@3.1.4-r5?distro=alpine-3.19.1", false},
		{"pkg:rpm/almalinux/openssl-libs@3.0.7-25.el9_3?epoch=1", "pkg:rpm/almalinux/openssl-libs@3.0.7-25.el9_3?arch=x86_64&epoch=1", true},
		{"pkg:rpm/almalinux/openssl-libs@1:3.0.7-25.el9_3", "pkg:rpm/almalinux/openssl-libs@3.0.7-25.el9_3?epoch=1", true},
		{"pkg:rpm/almalinux/openssl-libs@3.0.7-25.el9_3?epoch=2", "pkg:rpm/almalinux/openssl-libs@3.0.7-25.el9_3?epoch=1", false},
		{"pkg:rpm/almalinux/openssl-libs@3.0.7-25.el9_3", "pkg:rpm/almalinux/openssl-libs@3.0.7-25.el9_3?epoch=1", true},
		{"pkg:pypi/PyYAML@6.0", "pkg:pypi/pyyaml@6.0", true},
		{"pkg:golang/golang.org/x/net@v0.16.0", "pkg:golang/golang.org/x/net@v0.16.0", true},
		{"pkg:golang/golang.org/x/net@0.16.0", "pkg:golang/golang.org/x/net@v0.16.0", false},
		{"pkg:npm/%40babel/traverse", "pkg:npm/%40babel/traverse@7.23.1", true},
		{"pkg:npm/traverse", "pkg:npm/%40babel/traverse@7.23.1", false},
		{"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", false},
		{"pkg:deb/debian/libssl3@3.0.11-1~deb12u1", "pkg:deb/debian/libssl3@3.0.11-1%7Edeb12u1?arch=amd64", true},
	}
	for _, tt := range tests {
		r := &packageRef{u: parsePURL(t, tt.pkg)}
		if got := r.matches(&Component{ID: tt.pattern}); got != tt.want {
			t.Errorf("pattern %s, package %s: %v, want %v", tt.pattern, tt.pkg, got, tt.want)
		}
	}
}

func parsePURL(t *testing.T, s string) *packageurl.PackageURL {
	t.Helper()
	u, err := packageurl.FromString(s)
	if err != nil {
		t.Fatal(err)
	}
	return &u
}
