package config

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/drydockhq/drydock/pkg/config/checks"
	"github.com/drydockhq/drydock/pkg/model"
)

var now = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

func read(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tree is a project directory: real manifests and Dockerfiles next to files
// that are not ours or are broken.
func tree(t *testing.T) fstest.MapFS {
	return fstest.MapFS{
		"deploy/ingress-nginx.yaml":   {Data: read(t, "k8s/testdata/real/ingress-nginx-1.5.2-cloud-deploy.yaml")},
		"deploy/ccm.yml":              {Data: read(t, "k8s/testdata/real/website-ccm-example.yaml")},
		"deploy/netpol.json":          {Data: []byte(`{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"deny","namespace":"kube-system"},"spec":{"podSelector":{}}}`)},
		"deploy/gateway.yaml":         {Data: []byte("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw}\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r1}\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r2}\n")},
		"deploy/broken.yaml":          {Data: []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n")},
		"deploy/blob.yaml":            {Data: []byte("\x00\x01binary\x02")},
		"chart/templates/deploy.yaml": {Data: []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n")},
		"chart/values.yaml":           {Data: []byte("replicaCount: 1\nimage: {repository: nginx}\n")},
		".github/workflows/ci.yml":    {Data: []byte("name: CI\non: push\njobs: {}\n")},
		"package.json":                {Data: []byte(`{"name": "x"}`)},
		"node_modules/x/deploy.yaml":  {Data: []byte("apiVersion: v1\nkind: Pod\nmetadata: {name: ignored}\nspec: {hostPID: true}\n")},
		"app/Dockerfile":              {Data: read(t, "dockerfile/testdata/real/docker-library-python-3.12-slim-bookworm.Dockerfile")},
		"app/Dockerfile.dev":          {Data: []byte("FROM node\nRUN curl -sL https://x/setup | bash\n")},
		"app/notes.txt":               {Data: []byte("FROM scratch\n")},
		"app/broken.Dockerfile":       {Data: []byte("RUN echo no from\n")},
		"deploy/huge.yaml":            {Data: make([]byte, MaxFileSize+1)},
	}
}

func TestScanFS(t *testing.T) {
	ms, st, err := ScanFS(context.Background(), tree(t), Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, m := range ms {
		counts[m.Target]++
	}
	var files []string
	for f := range counts {
		files = append(files, f)
	}
	sort.Strings(files)
	want := []string{"app/Dockerfile", "app/Dockerfile.dev", "deploy/ccm.yml", "deploy/ingress-nginx.yaml"}
	if diff := cmp.Diff(want, files); diff != "" {
		t.Errorf("files with findings (-want +got):\n%s", diff)
	}
	var got []string
	for _, s := range st {
		if s.Source != StatusSource {
			t.Errorf("status source %q", s.Source)
		}
		got = append(got, s.Path+": "+s.Message)
	}
	wantStatus := []string{
		"app/broken.Dockerfile: parsing Dockerfile: not a Dockerfile (no FROM instruction)",
		"chart/templates/deploy.yaml: unrendered Helm template skipped: scan `helm template` output instead",
		// yaml.v3 reports this error at the line before the unclosed
		// flow sequence (its context mark is 0-based).
		"deploy/broken.yaml: line 3: invalid YAML document: did not find expected ',' or ']'",
		"deploy/gateway.yaml: kinds not checked by built-in checks: Gateway, HTTPRoute (2)",
		fmt.Sprintf("deploy/huge.yaml: larger than %d bytes, skipped", MaxFileSize),
	}
	if diff := cmp.Diff(wantStatus, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	// The NetworkPolicy in netpol.json covers kube-system (ccm.yml's
	// DaemonSet) across files; ingress-nginx has none.
	var ns []string
	for _, m := range ms {
		if m.ID == checks.K8SNoNetworkPolicy {
			ns = append(ns, m.Object)
		}
	}
	if diff := cmp.Diff([]string{"Namespace/ingress-nginx"}, ns); diff != "" {
		t.Errorf("namespaces without NetworkPolicy (-want +got):\n%s", diff)
	}
	// Sorted by target, line, ID.
	if !slices.IsSortedFunc(ms, func(a, b model.Misconfiguration) int {
		if a.Target != b.Target {
			return strings.Compare(a.Target, b.Target)
		}
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return strings.Compare(a.ID, b.ID)
	}) {
		t.Error("findings not sorted")
	}
}

func TestScanDir(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "k8s")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "pod.yaml"), read(t, "k8s/testdata/real/website-konnectivity-server.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	ms, _, err := ScanDir(context.Background(), dir, Options{Now: now, Compliance: checks.CompliancePSSBaseline})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, fmt.Sprintf("%s:%d %s", m.Target, m.Line, m.ID))
	}
	want := []string{
		"k8s/pod.yaml:8 DD-K8S-007",
		"k8s/pod.yaml:44 DD-K8S-009", "k8s/pod.yaml:47 DD-K8S-009", "k8s/pod.yaml:50 DD-K8S-009",
		"k8s/pod.yaml:63 DD-K8S-008", "k8s/pod.yaml:66 DD-K8S-008", "k8s/pod.yaml:70 DD-K8S-008",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pss-baseline findings (-want +got):\n%s", diff)
	}
	// A single file works too, named as given.
	ms, _, err = ScanDir(context.Background(), filepath.Join(sub, "pod.yaml"), Options{Now: now, Compliance: checks.CompliancePSSBaseline})
	if err != nil || len(ms) != len(want) || ms[0].Target != filepath.Join(sub, "pod.yaml") {
		t.Errorf("single file: %d findings, err %v", len(ms), err)
	}
	if _, _, err := ScanDir(context.Background(), filepath.Join(dir, "missing"), Options{}); err == nil {
		t.Error("missing dir: no error")
	}
}

// TestScanFileStdin scans Helm output and a Dockerfile piped in.
func TestScanFileStdin(t *testing.T) {
	helm := append([]byte("---\n# Source: ingress-nginx/templates/controller-deployment.yaml\n"), read(t, "k8s/testdata/real/ingress-nginx-1.5.2-cloud-deploy.yaml")...)
	ms, st, err := ScanFile(context.Background(), "-", helm, Options{Now: now, Compliance: checks.ComplianceCISKubernetes})
	if err != nil || len(st) != 0 {
		t.Fatalf("err %v, status %v", err, st)
	}
	if len(ms) == 0 || ms[0].Target != "-" {
		t.Fatalf("findings: %+v", ms)
	}
	for _, m := range ms {
		if !strings.HasPrefix(m.ID, "DD-K8S-") {
			t.Errorf("cis-k8s kept %s", m.ID)
		}
	}
	ms, _, err = ScanFile(context.Background(), "", []byte("# syntax=docker/dockerfile:1\nFROM alpine\nUSER root\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, m := range ms {
		ids[m.ID] = true
	}
	if !ids[checks.DFRoot] || !ids[checks.DFUnpinnedBase] {
		t.Errorf("Dockerfile on stdin: %v", ids)
	}
	_, st, _ = ScanFile(context.Background(), "-", []byte("just: yaml\n"), Options{})
	if len(st) != 1 || !strings.Contains(st[0].Message, "no Kubernetes objects") {
		t.Errorf("non-manifest on stdin: %v", st)
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := ScanFS(ctx, tree(t), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("ScanFS err = %v", err)
	}
	if _, _, err := ScanFile(ctx, "x.yaml", read(t, "k8s/testdata/real/website-zookeeper.yaml"), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("ScanFile err = %v", err)
	}
}

func TestScanImageConfig(t *testing.T) {
	cfg := &v1.ConfigFile{Config: v1.Config{User: "root", Env: []string{"API_TOKEN=abc"}}}
	ms, _, err := ScanImageConfig(context.Background(), cfg, "app:1", Options{Compliance: checks.ComplianceGDPR})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].ID != checks.IMGSecret {
		t.Errorf("gdpr findings: %+v", ms)
	}
}

// fakePolicies records the documents it is given and reports one finding
// per document.
type fakePolicies struct{ docs []Document }

func (f *fakePolicies) Evaluate(_ context.Context, docs []Document) ([]model.Misconfiguration, []model.Status, error) {
	f.docs = docs
	var out []model.Misconfiguration
	for _, d := range docs {
		out = append(out, model.Misconfiguration{ID: "USER-001", Target: d.File, Object: d.Object, Line: d.Line, Source: "p.rego"})
	}
	return out, []model.Status{{Source: "rego", Message: "ok"}}, nil
}

func TestPolicyDocuments(t *testing.T) {
	fs := fstest.MapFS{
		"Dockerfile": {Data: []byte("ARG V=1\nFROM alpine:3.20 AS base\nRUN echo hi\nUSER 1000\n")},
		"pod.yaml": {Data: []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {n: 1}\n  annotations:\n    created: 2024-01-01T00:00:00Z\nspec:\n  containers: [{name: c, image: 'nginx:1.27'}]\n" +
			"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {1: one}\n")},
	}
	p := &fakePolicies{}
	ms, st, err := ScanFS(context.Background(), fs, Options{Policies: p, Compliance: ""})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.docs) != 3 {
		t.Fatalf("documents = %d, want 3", len(p.docs))
	}
	df, pod, cm := p.docs[0], p.docs[1], p.docs[2]
	if df.Type != TypeDockerfile || df.Input["kind"] != "Dockerfile" {
		t.Errorf("dockerfile doc = %+v", df)
	}
	stages := df.Input["stages"].([]any)
	st0 := stages[0].(map[string]any)
	ins := st0["instructions"].([]any)[0].(map[string]any)
	if st0["name"] != "base" || st0["line"] != 2 || ins["cmd"] != "run" || ins["line"] != 3 {
		t.Errorf("stage = %v", st0)
	}
	if pod.Type != TypeKubernetes || pod.Object != "Pod/p" || pod.Line != 1 {
		t.Errorf("pod doc = %+v", pod)
	}
	meta := pod.Input["_drydock"].(map[string]any)
	if meta["file"] != "pod.yaml" || meta["line"] != 1 || meta["type"] != TypeKubernetes {
		t.Errorf("_drydock = %v", meta)
	}
	ann := pod.Input["metadata"].(map[string]any)["annotations"].(map[string]any)
	if ann["created"] != "2024-01-01T00:00:00Z" {
		t.Errorf("timestamp = %#v", ann["created"])
	}
	if data := cm.Input["data"].(map[string]any); data["1"] != "one" {
		t.Errorf("non-string key = %#v", data)
	}
	users := 0
	for _, m := range ms {
		if m.ID == "USER-001" {
			users++
		}
	}
	if users != 3 || len(st) != 1 {
		t.Errorf("user findings %d, statuses %v", users, st)
	}
	// The compliance filter applies to policy findings too: they map to
	// no control.
	ms, _, _ = ScanFS(context.Background(), fs, Options{Policies: p, Compliance: checks.ComplianceGDPR})
	for _, m := range ms {
		if m.ID == "USER-001" {
			t.Errorf("gdpr kept an unmapped policy finding")
		}
	}
}

func TestDetect(t *testing.T) {
	for name, want := range map[string]Kind{
		"Dockerfile": KindDockerfile, "sub/Containerfile": KindDockerfile, "Dockerfile.prod": KindDockerfile,
		"api.Dockerfile": KindDockerfile, "DOCKERFILE": KindDockerfile, "a.yaml": KindYAML, "b.YML": KindYAML,
		"c.json": KindYAML, "README.md": KindUnknown, "dockerfiles/x.sh": KindUnknown,
	} {
		if got := Detect(name); got != want {
			t.Errorf("Detect(%q) = %v, want %v", name, got, want)
		}
	}
}
