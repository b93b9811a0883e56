package rego

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/drydockhq/drydock/pkg/config"
	"github.com/drydockhq/drydock/pkg/model"
)

func load(t *testing.T, dir string) *Evaluator {
	t.Helper()
	e, err := LoadDir(context.Background(), filepath.Join("testdata", "policies", dir), Options{})
	if err != nil {
		t.Fatalf("LoadDir(%s): %v", dir, err)
	}
	return e
}

func TestLoad(t *testing.T) {
	e := load(t, "good")
	// Sorted by file; the library and the _test.rego file are not policies.
	if diff := cmp.Diff([]string{"user.image.labels", "ACME-K8S-001", "ACME-DF-001"}, e.Policies()); diff != "" {
		t.Errorf("policies (-want +got):\n%s", diff)
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tt := range []struct {
		dir  string
		want []string // prefixes of the first problems, in order
	}{
		{"bad-parse", []string{"testdata/policies/bad-parse/broken.rego:4: rego_parse_error: non-terminated string"}},
		{"bad-compile", []string{"testdata/policies/bad-compile/undefined.rego:4: rego_type_error: undefined function no_such_function"}},
		{"network", []string{"testdata/policies/network/exfiltrate.rego:4: rego_type_error: undefined function http.send"}},
	} {
		t.Run(tt.dir, func(t *testing.T) {
			_, err := LoadDir(context.Background(), filepath.Join("testdata", "policies", tt.dir), Options{})
			var pe *PolicyError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want *PolicyError", err)
			}
			if len(pe.Problems) < len(tt.want) {
				t.Fatalf("problems = %v", pe.Problems)
			}
			for i, w := range tt.want {
				if got := pe.Problems[i].String(); !strings.HasPrefix(got, w) {
					t.Errorf("problem %d = %q, want prefix %q", i, got, w)
				}
			}
		})
	}
	_, err := LoadDir(context.Background(), t.TempDir(), Options{})
	if !errors.Is(err, ErrNoPolicies) {
		t.Errorf("empty dir: %v", err)
	}
}

// TestScan runs the policies through config.ScanFS, on the same documents
// as the built-in checks.
func TestScan(t *testing.T) {
	e := load(t, "good")
	fsys := fstest.MapFS{
		"deploy.yaml": {Data: []byte(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers:
      - {name: web, image: "nginx:latest"}
      - {name: log, image: "fluent-bit:3.0"}
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: c, image: "busybox:latest"}]
`)},
		"Dockerfile": {Data: []byte("FROM golang:1.22 AS build\nRUN go build\nFROM registry.acme.example/base:1\nFROM scratch\n")},
	}
	ms, st, err := config.ScanFS(context.Background(), fsys, config.Options{Policies: e})
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 0 {
		t.Errorf("statuses: %v", st)
	}
	type row struct {
		ID       string
		Severity model.Severity
		Target   string
		Object   string
		Line     int
		Message  string
		Source   string
	}
	var got []row
	for _, m := range ms {
		if strings.HasPrefix(m.ID, "DD-") {
			continue
		}
		got = append(got, row{m.ID, m.Severity, m.Target, m.Object, m.Line, m.Message, filepath.Base(m.Source)})
	}
	want := []row{
		{"ACME-DF-001", model.SeverityCritical, "Dockerfile", "Dockerfile", 1, "stage 0 is built FROM golang:1.22 (line 1)", "trusted_registry.rego"},
		{"ACME-K8S-001", model.SeverityHigh, "deploy.yaml", "Deployment/shop/web", 2, "container web uses nginx:latest", "no_latest.rego"},
		{"ACME-K8S-001", model.SeverityHigh, "deploy.yaml", "Pod/p", 12, "container c uses busybox:latest", "no_latest.rego"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("policy findings (-want +got):\n%s", diff)
	}
	for _, m := range ms {
		if m.ID == "ACME-K8S-001" {
			if m.Title != "Images must use a release tag" || m.Resolution != "Set image to name:version." ||
				len(m.Controls) != 1 || m.Controls[0].Framework != "ACME baseline" {
				t.Errorf("metadata = %+v", m)
			}
		}
	}
}

func TestImageConfig(t *testing.T) {
	e := load(t, "good")
	cfg := &v1.ConfigFile{Config: v1.Config{User: "app", Labels: map[string]string{"a": "b"}}}
	ms, st, err := config.ScanImageConfig(context.Background(), cfg, "app:1", config.Options{Policies: e})
	if err != nil || len(st) != 0 {
		t.Fatalf("err %v, status %v", err, st)
	}
	var got []string
	for _, m := range ms {
		if !strings.HasPrefix(m.ID, "DD-") {
			got = append(got, fmt.Sprintf("%s %s %s: %s", m.ID, m.Severity, m.Title, m.Message))
		}
	}
	want := []string{"user.image.labels MEDIUM user.image.labels: image has no org.opencontainers.image.source label"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestEvaluationProblems: a runaway policy times out, a policy whose
// evaluation fails is reported, and the other policies still run.
func TestEvaluationProblems(t *testing.T) {
	srcs := map[string]string{
		"slow.rego":     "package user.slow\n\ndeny contains \"slow\" if {\n\tsome i in numbers.range(1, 100000000)\n\ti < 0\n}\n",
		"conflict.rego": "package user.conflict\n\nx := 1 if input.kind\nx := 2 if input.kind\n\ndeny contains \"c\" if x == 1\n",
		"fine.rego":     "package user.fine\n\ndeny contains input.kind if true\n",
	}
	e, err := Compile(context.Background(), srcs, Options{Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	docs := []config.Document{{Type: config.TypeKubernetes, File: "a.yaml", Object: "Pod/a", Line: 1, Input: map[string]any{"kind": "Pod"}}}
	start := time.Now()
	ms, st, err := e.Evaluate(context.Background(), docs)
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("took %v", el)
	}
	if len(ms) != 1 || ms[0].Message != "Pod" || ms[0].ID != "user.fine" {
		t.Errorf("findings = %+v", ms)
	}
	var msgs []string
	for _, s := range st {
		msgs = append(msgs, s.Path+": "+s.Message)
	}
	if len(msgs) != 2 || !strings.Contains(msgs[0], "conflict.rego: evaluating on Pod/a (a.yaml): ") ||
		!strings.Contains(msgs[1], "slow.rego: evaluating on Pod/a (a.yaml): timed out after 200ms") {
		t.Errorf("statuses = %q", msgs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := e.Evaluate(ctx, docs); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
