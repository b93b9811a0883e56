package checks

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/model"
)

// TestCatalog checks the catalogue's invariants: IDs are unique, ordered
// and prefixed by family; every text field is set; every framework is one of
// the known names; every ID constant of catalog.go is in the catalogue.
func TestCatalog(t *testing.T) {
	prefix := map[Family]string{FamilyImage: "DD-IMG-", FamilyDockerfile: "DD-DF-", FamilyKubernetes: "DD-K8S-"}
	frameworks := []string{CISDocker, CISKubernetes, PSSBaseline, PSSRestricted, GDPR, CCPA, PDPO}
	severities := []model.Severity{model.SeverityLow, model.SeverityMedium, model.SeverityHigh, model.SeverityCritical}
	idRe := regexp.MustCompile(`^DD-(IMG|DF|K8S)-\d{3}$`)
	cat := Catalog()
	seen := map[string]bool{}
	for i, c := range cat {
		if !idRe.MatchString(c.ID) || !strings.HasPrefix(c.ID, prefix[c.Family]) {
			t.Errorf("%s: bad ID for family %q", c.ID, c.Family)
		}
		if seen[c.ID] {
			t.Errorf("%s: duplicate", c.ID)
		}
		seen[c.ID] = true
		if i > 0 && cat[i-1].Family == c.Family && cat[i-1].ID >= c.ID {
			t.Errorf("%s: out of order after %s", c.ID, cat[i-1].ID)
		}
		if c.Title == "" || c.Description == "" || c.Resolution == "" {
			t.Errorf("%s: missing text", c.ID)
		}
		if !slices.Contains(severities, c.Severity) {
			t.Errorf("%s: severity %q", c.ID, c.Severity)
		}
		for _, ctl := range c.Controls {
			if !slices.Contains(frameworks, ctl.Framework) || ctl.ID == "" {
				t.Errorf("%s: control %+v", c.ID, ctl)
			}
		}
	}
	// Every ID constant is catalogued.
	f, err := parser.ParseFile(token.NewFileSet(), "catalog.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	consts := 0
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Values) != 1 {
			return true
		}
		lit, ok := vs.Values[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		id, _ := strconv.Unquote(lit.Value)
		if idRe.MatchString(id) {
			consts++
			if _, ok := Lookup(id); !ok {
				t.Errorf("constant %s = %q is not in the catalogue", vs.Names[0].Name, id)
			}
		}
		return true
	})
	if consts != len(cat) {
		t.Errorf("%d ID constants, %d catalogue entries", consts, len(cat))
	}
}

func TestCatalogIsACopy(t *testing.T) {
	a := Catalog()
	a[0].Title = "changed"
	a[0].Controls[0].ID = "changed"
	if b := Catalog(); b[0].Title == "changed" || b[0].Controls[0].ID == "changed" {
		t.Error("Catalog returns shared state")
	}
}

func TestFinding(t *testing.T) {
	m := Finding(IMGRoot, "img", "image config", 0, "msg")
	if m.ID != IMGRoot || m.Title == "" || m.Severity != model.SeverityHigh || m.Source != Source || len(m.Controls) != 1 {
		t.Errorf("Finding = %+v", m)
	}
	defer func() {
		if recover() == nil {
			t.Error("unknown ID did not panic")
		}
	}()
	Finding("DD-NOPE-001", "", "", 0, "")
}

func TestCompliance(t *testing.T) {
	for _, s := range []string{"", "pss-baseline", "PSS-Restricted", "cis-docker", "cis-k8s", "gdpr", "ccpa", "pdpo"} {
		if _, err := ParseCompliance(s); err != nil {
			t.Errorf("ParseCompliance(%q): %v", s, err)
		}
	}
	if _, err := ParseCompliance("nist"); err == nil || !strings.Contains(err.Error(), "pss-baseline") {
		t.Errorf("ParseCompliance(nist) = %v", err)
	}
	var ms []model.Misconfiguration
	for _, c := range Catalog() {
		ms = append(ms, Finding(c.ID, "t", "o", 1, "m"))
	}
	ms = append(ms, model.Misconfiguration{ID: "USER-1", Source: "policy.rego"})
	count := func(c Compliance) []string {
		var out []string
		for _, m := range Filter(ms, c) {
			out = append(out, m.ID)
		}
		return out
	}
	if n := len(count("")); n != len(ms) {
		t.Errorf("no profile kept %d of %d", n, len(ms))
	}
	baseline := count(CompliancePSSBaseline)
	restricted := count(CompliancePSSRestricted)
	want := []string{K8SPrivileged, K8SCapsBaseline, K8SHostNamespaces, K8SHostPath, K8SHostPort, K8SSeccompUnconfined, K8SAppArmor}
	if diff := cmp.Diff(want, baseline); diff != "" {
		t.Errorf("pss-baseline (-want +got):\n%s", diff)
	}
	for _, id := range baseline {
		if !slices.Contains(restricted, id) {
			t.Errorf("pss-restricted lacks baseline check %s", id)
		}
	}
	for _, id := range []string{K8SPrivEscalation, K8SRunAsNonRoot, K8SRunAsRootUser, K8SCapsRestricted, K8SSeccompMissing} {
		if !slices.Contains(restricted, id) || slices.Contains(baseline, id) {
			t.Errorf("%s: restricted only expected", id)
		}
	}
	docker := count(ComplianceCISDocker)
	for _, id := range docker {
		if !strings.HasPrefix(id, "DD-IMG-") && !strings.HasPrefix(id, "DD-DF-") {
			t.Errorf("cis-docker selects %s", id)
		}
	}
	for _, id := range []string{K8SNoNetworkPolicy, K8SRBACWildcard, K8SIngressNoTLS, K8SCertExpired, DFSecret, IMGSecret} {
		if !slices.Contains(count(ComplianceGDPR), id) || !slices.Contains(count(CompliancePDPO), id) || !slices.Contains(count(ComplianceCCPA), id) {
			t.Errorf("%s not selected by the privacy profiles", id)
		}
	}
}

func TestSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"DB_PASSWORD": true, "dbPassword": true, "MYSQL_ROOT_PASSWORD": true, "API_KEY": true, "api-key": true,
		"AWS_SECRET_ACCESS_KEY": true, "STRIPE_KEY": true, "GITHUB_TOKEN": true, "client_secret": true,
		"PRIVATE_KEY": true, "GOOGLE_APPLICATION_CREDENTIALS": true, "spring.datasource.password": true,
		"APIKEY": true, "passphrase": true,

		"GPG_KEY": false, "GPG_KEYS": false, "PUBLIC_KEY": false, "SSH_PUBLIC_KEY": false, "KEY": false,
		"MYSQL_PASSWORD_FILE": false, "TOKEN_URL": false, "SECRET_NAME": false, "AWS_ACCESS_KEY_ID": false,
		"PASSWORD_MIN_LENGTH": false, "PATH": false, "MONKEY": false, "PWD": false, "KEYCLOAK_URL": false,
		"": false, "CLIENT_ID": false,
	} {
		if got := SecretName(name); got != want {
			t.Errorf("SecretName(%q) = %v, want %v", name, got, want)
		}
	}
	for v, want := range map[string]bool{"hunter2": true, "": false, "  ": false, "$DB_PASS": false, "${X}": false, "/run/secrets/x": false, "true": false} {
		if got := LiteralSecretValue(v); got != want {
			t.Errorf("LiteralSecretValue(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestIsRootUser(t *testing.T) {
	for u, want := range map[string]bool{"": true, "root": true, "0": true, "0:0": true, "root:staff": true, " 0 ": true,
		"1000": false, "app": false, "nobody:nogroup": false, "10001:0": false, "00": true, "$USER": false} {
		if got := IsRootUser(u); got != want {
			t.Errorf("IsRootUser(%q) = %v, want %v", u, got, want)
		}
	}
}

func TestAdminPort(t *testing.T) {
	type res struct {
		Port int
		Svc  string
		OK   bool
	}
	for spec, want := range map[string]res{
		"22": {22, "SSH", true}, "22/tcp": {22, "SSH", true}, "3389/TCP": {3389, "RDP", true},
		"5900-5910/tcp": {5900, "VNC", true}, "2000-3000": {2375, "Docker API (plain HTTP)", true},
		"22/udp": {}, "80": {}, "8080-8090": {}, "x": {}, "30-20": {}, "": {},
	} {
		p, s, ok := AdminPort(spec)
		if diff := cmp.Diff(want, res{p, s, ok}); diff != "" {
			t.Errorf("AdminPort(%q) (-want +got):\n%s", spec, diff)
		}
	}
}

func TestParseImageRef(t *testing.T) {
	for s, want := range map[string]ImageRef{
		"nginx":                           {Name: "nginx"},
		"nginx:1.27":                      {Name: "nginx", Tag: "1.27"},
		"localhost:5000/app":              {Name: "localhost:5000/app"},
		"localhost:5000/app:latest":       {Name: "localhost:5000/app", Tag: "latest"},
		"gcr.io/x/y@sha256:abc":           {Name: "gcr.io/x/y", Digest: "sha256:abc"},
		"gcr.io/x/y:1.0@sha256:abc":       {Name: "gcr.io/x/y", Tag: "1.0", Digest: "sha256:abc"},
		"registry.k8s.io/pause:3.9 ":      {Name: "registry.k8s.io/pause", Tag: "3.9"},
		"docker.io/library/alpine:3.20":   {Name: "docker.io/library/alpine", Tag: "3.20"},
		"[::1]:5000/app:v1":               {Name: "[::1]:5000/app", Tag: "v1"},
		"example.com:443/team/app@sha256": {Name: "example.com:443/team/app", Digest: "sha256"},
	} {
		if diff := cmp.Diff(want, ParseImageRef(s)); diff != "" {
			t.Errorf("ParseImageRef(%q) (-want +got):\n%s", s, diff)
		}
	}
	for s, want := range map[string]string{"nginx": "no tag", "nginx:latest": "latest tag", "nginx:latest@sha256:x": "", "nginx:1": ""} {
		if got := ParseImageRef(s).Unpinned(); got != want {
			t.Errorf("Unpinned(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestPipeToShell(t *testing.T) {
	for cmd, want := range map[string]bool{
		"curl -fsSL https://get.docker.com | sh":                          true,
		"wget -qO- https://x/install.sh | sudo bash -s -- --yes":          true,
		"set -e; curl -sL https://deb.nodesource.com/setup | bash -":      true,
		`sh -c "$(curl -fsSL https://raw.example.com/install.sh)"`:        true,
		"bash <(curl -s https://x/y.sh)":                                  true,
		"curl -s https://x | python3 -":                                   true,
		"curl -fsSLo x.sh https://x/y.sh && sha256sum -c sums && sh x.sh": false,
		"echo abc | sha256sum -c -":                                       false,
		"curl -s https://x | tar xz":                                      false,
		"cat file | sh":                                                   false,
		"curl https://x || sh fallback.sh":                                false,
	} {
		if got := PipeToShell(cmd); got != want {
			t.Errorf("PipeToShell(%q) = %v, want %v", cmd, got, want)
		}
	}
}
