package k8s

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/config/checks"
	"github.com/drydockhq/drydock/pkg/model"
)

// now is the fixed clock of the tests.
var now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func decodeFile(t *testing.T, file string) []*Object {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	objs, warnings, err := Decode(context.Background(), file, b)
	if err != nil {
		t.Fatalf("Decode(%s): %v", file, err)
	}
	if len(warnings) > 0 {
		t.Errorf("Decode(%s) warnings: %q", file, warnings)
	}
	return objs
}

func run(t *testing.T, objs []*Object) []model.Misconfiguration {
	t.Helper()
	ms, warnings := Check(context.Background(), objs, Options{Now: now})
	for _, w := range warnings {
		t.Errorf("warning: %+v", w)
	}
	return ms
}

func idsOf(ms []model.Misconfiguration) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.ID)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

func TestDecode(t *testing.T) {
	src := `# leading comment
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: a, namespace: ns1}
- apiVersion: v1
  kind: Secret
  metadata:
    name: b
---
--- # empty document above
apiVersion: apps/v1
kind: Deployment
metadata:
  generateName: web-
...
---
{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "json"}}
--- {apiVersion: v1, kind: Service, metadata: {name: inline}}
---
just: a map
---
- a
- list
`
	objs, warnings, err := Decode(context.Background(), "x.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		ID   string
		Line int
	}
	var got []row
	for _, o := range objs {
		got = append(got, row{o.ID(), o.Line})
	}
	want := []row{
		{"ConfigMap/ns1/a", 6},
		{"Secret/b", 9},
		{"Deployment/web-*", 15},
		{"Pod/json", 21},
		{"Service/inline", 22},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings: %q", warnings)
	}
	// Node lines are file lines.
	if l := lineOf(objs[2].Node, "metadata", "generateName"); l != 18 {
		t.Errorf("generateName line = %d, want 18", l)
	}
}

func TestDecodeBadInput(t *testing.T) {
	for _, tt := range []struct {
		name        string
		data        string
		objs        int
		warning     string // substring of the first warning
		err         string // substring of the error
		notManifest bool
	}{
		{name: "invalid document among good ones",
			data:    "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\n  metadata: [\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: c}\n",
			objs:    2,
			warning: "line 7: invalid YAML document: mapping values are not allowed"},
		{name: "only invalid", data: "apiVersion: v1\nkind: Pod\n  bad: [\n", warning: "invalid YAML document", notManifest: true},
		{name: "other invalid YAML", data: "name: CI\n  on: [\n", notManifest: true},
		{name: "no kind", data: "apiVersion: v1\nmetadata: {name: a}\n", warning: "without apiVersion or kind", notManifest: true},
		{name: "not kubernetes", data: "name: CI\non: [push]\njobs: {}\n", notManifest: true},
		{name: "binary", data: "\x7fELF\x02\x01\x01\x00\x00\x00", notManifest: true, err: "binary"},
		{name: "invalid utf-8", data: "kind: \xff\xfe", notManifest: true, err: "binary"},
		{name: "empty", data: "", notManifest: true},
		{name: "too large", data: strings.Repeat("#", MaxFileSize+1), err: "larger than"},
		{name: "list item without kind", data: "apiVersion: v1\nkind: List\nitems:\n- {metadata: {name: x}}\n- {apiVersion: v1, kind: Pod, metadata: {name: y}}\n",
			objs: 1, warning: "line 4: List item without apiVersion or kind"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			objs, warnings, err := Decode(context.Background(), "f.yaml", []byte(tt.data))
			if len(objs) != tt.objs {
				t.Errorf("objects = %d, want %d", len(objs), tt.objs)
			}
			if tt.warning != "" && (len(warnings) == 0 || !strings.Contains(warnings[0], tt.warning)) {
				t.Errorf("warnings = %q, want %q", warnings, tt.warning)
			}
			if tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("err = %v, want %q", err, tt.err)
			}
			if tt.err == "" && !tt.notManifest && err != nil {
				t.Errorf("err = %v", err)
			}
			if got := errors.Is(err, ErrNotManifest); got != tt.notManifest {
				t.Errorf("errors.Is(%v, ErrNotManifest) = %v, want %v", err, got, tt.notManifest)
			}
		})
	}
}

// TestAliasBomb feeds "billion laughs" documents: parsing keeps aliases as
// nodes (cheap); the checks follow only fixed paths, and where they decode a
// subtree into structs, yaml.v3's alias expansion limit stops the expansion,
// reported as a warning, in well under a second.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	laughs := func(prefix string) {
		fmt.Fprintf(&b, "%s0: &%s0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n", prefix, prefix)
		for i := 1; i < 10; i++ {
			p := fmt.Sprintf("*%s%d", prefix, i-1)
			fmt.Fprintf(&b, "%s%d: &%s%d [%s,%s,%s,%s,%s,%s,%s,%s,%s]\n", prefix, i, prefix, i, p, p, p, p, p, p, p, p, p)
		}
	}
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\n")
	laughs("a")
	b.WriteString("data: {x: *a9}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\n")
	laughs("x")
	b.WriteString("spec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    resources: {limits: {cpu: *x9}}\n")
	b.WriteString("  initContainers: *x9\n")
	start := time.Now()
	objs, _, err := Decode(context.Background(), "bomb.yaml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	_, warnings := Check(context.Background(), objs, Options{Now: now})
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("took %v", el)
	}
	found := false
	for _, w := range warnings {
		if strings.Contains(w.Message, "excessive aliasing") {
			found = true
		}
	}
	if !found || len(warnings) > maxWarnings+1 {
		t.Errorf("warnings = %+v", warnings)
	}
}

func TestDecodeDeepNesting(t *testing.T) {
	data := "apiVersion: v1\nkind: Pod\nmetadata: {name: deep}\nspec: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n"
	objs, warnings, err := Decode(context.Background(), "deep.yaml", []byte(data))
	if err == nil && len(objs) > 0 {
		// yaml.v3 accepts it: the checks must still not crash.
		Check(context.Background(), objs, Options{Now: now})
	}
	if err == nil && len(warnings) == 0 && len(objs) == 0 {
		t.Error("no objects, no warning, no error")
	}
}

// TestChecks runs every DD-K8S check on its hit and pass fixtures
// (testdata/checks/<ID>.hit.yaml / .pass.yaml). The certificate checks use
// certificates generated here (testCertSecrets).
func TestChecks(t *testing.T) {
	generated := map[string]bool{checks.K8SCertExpired: true, checks.K8SCertExpiring: true}
	for _, c := range checks.Catalog() {
		if c.Family != checks.FamilyKubernetes || generated[c.ID] {
			continue
		}
		t.Run(c.ID, func(t *testing.T) {
			hit := filepath.Join("testdata", "checks", c.ID+".hit.yaml")
			pass := filepath.Join("testdata", "checks", c.ID+".pass.yaml")
			if got := idsOf(run(t, decodeFile(t, hit))); !slices.Contains(got, c.ID) {
				t.Errorf("%s: %s not reported (got %v)", hit, c.ID, got)
			}
			if got := idsOf(run(t, decodeFile(t, pass))); slices.Contains(got, c.ID) {
				t.Errorf("%s: %s reported", pass, c.ID)
			}
		})
	}
}

// certPEM makes a self-signed certificate valid until notAfter.
func certPEM(t *testing.T, cn string, notAfter time.Time) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: cn},
		DNSNames:     []string{cn},
		NotBefore:    notAfter.Add(-90 * 24 * time.Hour),
		NotAfter:     notAfter,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func tlsSecret(name string, crt []byte, stringData bool) string {
	if stringData {
		indented := "    " + strings.ReplaceAll(strings.TrimSpace(string(crt)), "\n", "\n    ")
		return fmt.Sprintf("apiVersion: v1\nkind: Secret\nmetadata: {name: %s, namespace: web}\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: |\n%s\n", name, indented)
	}
	return fmt.Sprintf("apiVersion: v1\nkind: Secret\nmetadata: {name: %s, namespace: web}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: %s\n  tls.key: \"\"\n",
		name, base64.StdEncoding.EncodeToString(crt))
}

func TestCertificates(t *testing.T) {
	expired := certPEM(t, "old.example.com", now.Add(-24*time.Hour))
	soon := certPEM(t, "soon.example.com", now.Add(10*24*time.Hour))
	fine := certPEM(t, "fine.example.com", now.Add(90*24*time.Hour))
	docs := strings.Join([]string{
		tlsSecret("expired", expired, false),
		tlsSecret("soon", soon, true),
		tlsSecret("fine", fine, false),
		// A chain: the leaf comes first and decides.
		tlsSecret("chain", append(slices.Clone(fine), expired...), false),
		tlsSecret("garbage", []byte("not a certificate"), false),
	}, "---\n")
	objs, _, err := Decode(context.Background(), "tls.yaml", []byte(docs))
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ ID, Object, Message string }
	var got []row
	for _, m := range run(t, objs) {
		got = append(got, row{m.ID, m.Object, m.Message})
	}
	want := []row{
		{checks.K8SCertExpired, "Secret/web/expired", `certificate "old.example.com" expired on 2025-05-31 (1 days ago)`},
		{checks.K8SCertExpiring, "Secret/web/soon", `certificate "soon.example.com" expires on 2025-06-11 (in 10 days)`},
		{checks.K8SSecretUnreadable, "Secret/web/garbage", "tls.crt holds no PEM certificate"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestRealManifests runs the checks on manifests written by others
// (testdata/real/README.md) and pins what they report.
func TestRealManifests(t *testing.T) {
	var all []*Object
	for _, tt := range []struct {
		file string
		want []string
	}{
		// A Pod with runAsUser 1000 and allowPrivilegeEscalation false:
		// still short of PSS restricted.
		{"website-security-context.yaml", []string{"DD-K8S-003", "DD-K8S-006", "DD-K8S-010", "DD-K8S-011", "DD-K8S-013", "DD-K8S-015", "DD-K8S-017", "DD-K8S-018"}},
		{"website-deployment.yaml", []string{"DD-K8S-002", "DD-K8S-003", "DD-K8S-006", "DD-K8S-010", "DD-K8S-011", "DD-K8S-013", "DD-K8S-015", "DD-K8S-017", "DD-K8S-018"}},
		{"website-zookeeper.yaml", []string{"DD-K8S-002", "DD-K8S-003", "DD-K8S-006", "DD-K8S-010", "DD-K8S-011", "DD-K8S-013", "DD-K8S-015", "DD-K8S-017", "DD-K8S-018"}},
		// The password comes from a Secret: no DD-K8S-026.
		{"website-wordpress-mysql.yaml", []string{"DD-K8S-002", "DD-K8S-003", "DD-K8S-006", "DD-K8S-010", "DD-K8S-011", "DD-K8S-013", "DD-K8S-015", "DD-K8S-017", "DD-K8S-018"}},
		// cluster-admin bound to the controller's service account.
		{"website-ccm-example.yaml", []string{"DD-K8S-002", "DD-K8S-003", "DD-K8S-006", "DD-K8S-010", "DD-K8S-011", "DD-K8S-013", "DD-K8S-017", "DD-K8S-018", "DD-K8S-020"}},
		// hostNetwork, hostPath and hostPorts.
		{"website-konnectivity-server.yaml", []string{"DD-K8S-002", "DD-K8S-003", "DD-K8S-006", "DD-K8S-007", "DD-K8S-008", "DD-K8S-009", "DD-K8S-010", "DD-K8S-011", "DD-K8S-013", "DD-K8S-015", "DD-K8S-017", "DD-K8S-018"}},
		// JSON-like flow YAML with comments.
		{"website-konnectivity-agent.yaml", []string{"DD-K8S-002", "DD-K8S-003", "DD-K8S-006", "DD-K8S-010", "DD-K8S-011", "DD-K8S-013", "DD-K8S-017", "DD-K8S-018"}},
		{"website-my-scheduler.yaml", []string{"DD-K8S-002", "DD-K8S-003", "DD-K8S-006", "DD-K8S-010", "DD-K8S-011", "DD-K8S-013", "DD-K8S-017", "DD-K8S-018"}},
		{"website-tls-example-ingress.yaml", nil},
		{"website-networkpolicy.yaml", nil},
		// Helm-rendered: images pinned by digest, the controller adds
		// NET_BIND_SERVICE after dropping ALL, its Role reads Secrets.
		{"ingress-nginx-1.5.2-cloud-deploy.yaml", []string{"DD-K8S-002", "DD-K8S-003", "DD-K8S-006", "DD-K8S-010", "DD-K8S-011", "DD-K8S-013", "DD-K8S-018", "DD-K8S-028"}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			objs := decodeFile(t, filepath.Join("testdata", "real", tt.file))
			all = append(all, objs...)
			if diff := cmp.Diff(tt.want, idsOf(run(t, objs))); diff != "" {
				t.Errorf("check IDs (-want +got):\n%s", diff)
			}
		})
	}
	// Across all files, the NetworkPolicy in "default" does not cover the
	// objects without a namespace: namespaces are compared as written.
	var nsFindings []string
	for _, m := range run(t, all) {
		if m.ID == checks.K8SNoNetworkPolicy {
			nsFindings = append(nsFindings, m.Object)
		}
	}
	want := []string{"Namespace/(unspecified)", "Namespace/ingress-nginx", "Namespace/kube-system"}
	sort.Strings(nsFindings)
	if diff := cmp.Diff(want, nsFindings); diff != "" {
		t.Errorf("namespaces without NetworkPolicy (-want +got):\n%s", diff)
	}
}

// TestFindingDetails pins objects, lines and messages on real manifests.
func TestFindingDetails(t *testing.T) {
	objs := decodeFile(t, filepath.Join("testdata", "real", "website-konnectivity-server.yaml"))
	objs = append(objs, decodeFile(t, filepath.Join("testdata", "real", "website-ccm-example.yaml"))...)
	objs = append(objs, decodeFile(t, filepath.Join("testdata", "real", "ingress-nginx-1.5.2-cloud-deploy.yaml"))...)
	var got []string
	for _, m := range run(t, objs) {
		switch m.ID {
		case checks.K8SHostNamespaces, checks.K8SHostPath, checks.K8SHostPort, checks.K8SClusterAdmin, checks.K8SRBACSecretsAccess, checks.K8SPrivEscalation:
			got = append(got, fmt.Sprintf("%s:%d %s %s: %s", filepath.Base(m.Target), m.Line, m.ID, m.Object, m.Message))
		}
	}
	want := []string{
		"ingress-nginx-1.5.2-cloud-deploy.yaml:52 DD-K8S-028 Role/ingress-nginx/ingress-nginx: rule 2 allows get, list, watch on secrets",
		"ingress-nginx-1.5.2-cloud-deploy.yaml:136 DD-K8S-028 Role/ingress-nginx/ingress-nginx-admission: rule 1 allows get, create on secrets",
		"ingress-nginx-1.5.2-cloud-deploy.yaml:154 DD-K8S-028 ClusterRole/ingress-nginx: rule 1 allows list, watch on secrets",
		"ingress-nginx-1.5.2-cloud-deploy.yaml:482 DD-K8S-002 Deployment/ingress-nginx/ingress-nginx-controller: container controller sets allowPrivilegeEscalation: true",
		"website-ccm-example.yaml:22 DD-K8S-020 ClusterRoleBinding/system:cloud-controller-manager: cluster-admin is bound to service account kube-system/cloud-controller-manager",
		"website-ccm-example.yaml:44 DD-K8S-002 DaemonSet/kube-system/cloud-controller-manager: container cloud-controller-manager does not set allowPrivilegeEscalation: false",
		"website-konnectivity-server.yaml:8 DD-K8S-007 Pod/kube-system/konnectivity-server: pod shares the host's namespaces: hostNetwork",
		"website-konnectivity-server.yaml:10 DD-K8S-002 Pod/kube-system/konnectivity-server: container konnectivity-server-container does not set allowPrivilegeEscalation: false",
		"website-konnectivity-server.yaml:44 DD-K8S-009 Pod/kube-system/konnectivity-server: container konnectivity-server-container binds host port 8132",
		"website-konnectivity-server.yaml:47 DD-K8S-009 Pod/kube-system/konnectivity-server: container konnectivity-server-container binds host port 8133",
		"website-konnectivity-server.yaml:50 DD-K8S-009 Pod/kube-system/konnectivity-server: container konnectivity-server-container binds host port 8134",
		"website-konnectivity-server.yaml:63 DD-K8S-008 Pod/kube-system/konnectivity-server: volume k8s-certs mounts host path /etc/kubernetes/pki",
		"website-konnectivity-server.yaml:66 DD-K8S-008 Pod/kube-system/konnectivity-server: volume kubeconfig mounts host path /etc/kubernetes/konnectivity-server.conf",
		"website-konnectivity-server.yaml:70 DD-K8S-008 Pod/kube-system/konnectivity-server: volume konnectivity-uds mounts host path /etc/kubernetes/konnectivity-server",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

func TestTypeErrorsAreWarnings(t *testing.T) {
	src := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n  containers:\n  - name: c\n    image: nginx:1.27\n    ports:\n    - containerPort: http\n    securityContext:\n      privileged: true\n"
	objs, _, err := Decode(context.Background(), "p.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	ms, warnings := Check(context.Background(), objs, Options{Now: now})
	if len(warnings) != 1 || warnings[0].Line != 5 || !strings.Contains(warnings[0].Message, "Pod/p: line 10: cannot unmarshal") {
		t.Errorf("warnings = %+v", warnings)
	}
	if got := idsOf(ms); !slices.Contains(got, checks.K8SPrivileged) || !slices.Contains(got, checks.K8SHostNamespaces) {
		t.Errorf("the other fields were not checked: %v", got)
	}
}

func FuzzDecode(f *testing.F) {
	for _, dir := range []string{"checks", "real"} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.yaml"))
		for _, file := range files {
			if b, err := os.ReadFile(file); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("--- {a: 1}\n...\n---\n- x\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		objs, _, err := Decode(context.Background(), "f.yaml", data)
		if err != nil {
			return
		}
		for _, o := range objs {
			if o.Line < 1 {
				t.Fatalf("object %s at line %d", o.ID(), o.Line)
			}
		}
		Check(context.Background(), objs, Options{Now: now})
	})
}

// BenchmarkDecodeAndCheck measures manifests per second on one large
// multi-document file (the real manifests repeated to 1,000+ objects).
func BenchmarkDecodeAndCheck(b *testing.B) {
	var buf bytes.Buffer
	files, _ := filepath.Glob(filepath.Join("testdata", "real", "*.yaml"))
	objects := 0
	for buf.Len() < 2<<20 {
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				b.Fatal(err)
			}
			buf.WriteString("---\n")
			buf.Write(data)
			buf.WriteString("\n")
		}
	}
	data := buf.Bytes()
	objs, _, err := Decode(context.Background(), "big.yaml", data)
	if err != nil {
		b.Fatal(err)
	}
	objects = len(objs)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		objs, _, err := Decode(context.Background(), "big.yaml", data)
		if err != nil {
			b.Fatal(err)
		}
		Check(context.Background(), objs, Options{Now: now})
	}
	b.ReportMetric(float64(objects*b.N)/b.Elapsed().Seconds(), "objects/s")
}
