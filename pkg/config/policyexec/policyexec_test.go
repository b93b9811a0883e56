package policyexec_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/config"
	"github.com/drydockhq/drydock/pkg/config/policyexec"
	"github.com/drydockhq/drydock/pkg/model"
)

// fakeEvaluator reports one finding per document, echoing its input's
// "replicas" so that tests see what crossed the process boundary.
type fakeEvaluator struct{ id string }

func (f fakeEvaluator) Evaluate(_ context.Context, docs []config.Document) ([]model.Misconfiguration, []model.Status, error) {
	var ms []model.Misconfiguration
	for _, d := range docs {
		n, _ := d.Input["replicas"].(json.Number)
		ms = append(ms, model.Misconfiguration{ID: f.id, Target: d.File, Object: d.Object, Line: d.Line, Message: "replicas=" + n.String()})
	}
	return ms, []model.Status{{Source: "rego", Path: f.id, Message: "evaluated"}}, nil
}

// fakeLoad loads "ok*" paths, fails "broken*" with problems and anything
// else with a plain error.
func fakeLoad(_ context.Context, path string, timeout time.Duration) (config.Evaluator, error) {
	base := filepath.Base(path)
	switch {
	case strings.HasPrefix(base, "ok"):
		return fakeEvaluator{id: base + "@" + timeout.String()}, nil
	case strings.HasPrefix(base, "broken"):
		return nil, &policyexec.Error{Problems: []policyexec.Problem{{File: base + "/x.rego", Line: 4, Message: "rego_parse_error: unexpected eof"}}}
	}
	return nil, errors.New("no policies with a deny rule")
}

// TestMain lets the test binary play the helper: with DRYDOCK_FAKE_HELPER
// set it serves one request with fakeLoad, as cmd/drydock-rego does with
// the real Rego loader.
func TestMain(m *testing.M) {
	switch os.Getenv("DRYDOCK_FAKE_HELPER") {
	case "serve":
		if err := policyexec.Serve(context.Background(), os.Stdin, os.Stdout, fakeLoad); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	case "crash":
		os.Stderr.WriteString("panic: something broke\n")
		os.Exit(2)
	case "old":
		os.Stdout.WriteString(`{"protocol": 0}`)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func helper(t *testing.T, mode string) string {
	t.Helper()
	t.Setenv("DRYDOCK_FAKE_HELPER", mode)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

var docs = []config.Document{
	{Type: config.TypeKubernetes, File: "deploy.yaml", Object: "Deployment/web", Line: 3,
		Input: map[string]any{"kind": "Deployment", "replicas": 12345678901234567}},
}

func TestExec(t *testing.T) {
	ctx := context.Background()
	ev, err := policyexec.Load(ctx, helper(t, "serve"), []string{"pol/ok1", "pol/ok2"}, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ms, st, err := ev.Evaluate(ctx, docs)
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Misconfiguration{
		{ID: "ok1@2s", Target: "deploy.yaml", Object: "Deployment/web", Line: 3, Message: "replicas=12345678901234567"},
		{ID: "ok2@2s", Target: "deploy.yaml", Object: "Deployment/web", Line: 3, Message: "replicas=12345678901234567"},
	}
	if diff := cmp.Diff(want, ms); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if len(st) != 2 {
		t.Errorf("status: %+v", st)
	}
	if ms, _, err := ev.Evaluate(ctx, nil); err != nil || ms != nil {
		t.Errorf("no documents: %v %v", ms, err)
	}
}

func TestExecErrors(t *testing.T) {
	ctx := context.Background()
	_, err := policyexec.Load(ctx, helper(t, "serve"), []string{"ok1", "broken"}, 0)
	var pe *policyexec.Error
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "broken/x.rego:4: rego_parse_error") {
		t.Errorf("problems: %v", err)
	}
	if _, err := policyexec.Load(ctx, helper(t, "serve"), []string{"empty"}, 0); err == nil || !strings.Contains(err.Error(), "empty: no policies") {
		t.Errorf("load error: %v", err)
	}
	if _, err := policyexec.Load(ctx, helper(t, "crash"), []string{"ok"}, 0); err == nil || !strings.Contains(err.Error(), "panic: something broke") {
		t.Errorf("crash: %v", err)
	}
	if _, err := policyexec.Load(ctx, helper(t, "old"), []string{"ok"}, 0); err == nil || !strings.Contains(err.Error(), "protocol 0") {
		t.Errorf("old helper: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := policyexec.Load(cancelled, helper(t, "serve"), []string{"ok"}, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestServeBadRequests(t *testing.T) {
	for name, in := range map[string]string{
		"truncated":    `{"protocol": 1, "policies": ["ok"`,
		"not JSON":     "\x00\x01",
		"new protocol": `{"protocol": 99, "policies": ["ok"]}`,
	} {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			if err := policyexec.Serve(context.Background(), strings.NewReader(in), &out, fakeLoad); err != nil {
				t.Fatal(err)
			}
			var resp policyexec.Response
			if err := json.Unmarshal(out.Bytes(), &resp); err != nil {
				t.Fatal(err)
			}
			if resp.Protocol != policyexec.Protocol || resp.Error == "" || len(resp.Misconfigurations) > 0 {
				t.Errorf("response %+v", resp)
			}
		})
	}
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, policyexec.HelperName)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

	if got, err := policyexec.Find(env(map[string]string{policyexec.HelperEnv: p})); err != nil || got != p {
		t.Errorf("from %s: %q %v", policyexec.HelperEnv, got, err)
	}
	if _, err := policyexec.Find(env(map[string]string{policyexec.HelperEnv: p + ".missing"})); err == nil {
		t.Error("a missing $DRYDOCK_REGO is not an error")
	}
	t.Setenv("PATH", dir)
	if got, err := policyexec.Find(env(nil)); err != nil || got != p {
		t.Errorf("from PATH: %q %v", got, err)
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := policyexec.Find(env(nil)); !errors.Is(err, policyexec.ErrNoHelper) {
		t.Errorf("nowhere: %v", err)
	}
}

func FuzzServe(f *testing.F) {
	f.Add(`{"protocol":1,"policies":["ok"],"documents":[{"type":"kubernetes","file":"a.yaml","input":{"replicas":3}}]}`)
	f.Add(`{"protocol":1,"policies":["broken"]}`)
	f.Add(`{"protocol":1,"policies":["ok"],"documents":[{"input":null}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		var out bytes.Buffer
		if err := policyexec.Serve(context.Background(), strings.NewReader(in), &out, fakeLoad); err != nil {
			t.Fatal(err)
		}
		var resp policyexec.Response
		if err := json.Unmarshal(out.Bytes(), &resp); err != nil || resp.Protocol != policyexec.Protocol {
			t.Fatalf("response %q: %v", out.Bytes(), err)
		}
	})
}
