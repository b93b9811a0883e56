package cli_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/drydockhq/drydock/internal/cli"
	"github.com/drydockhq/drydock/pkg/config/policyexec"
	"github.com/drydockhq/drydock/pkg/model"
)

const realManifests = "../../pkg/config/k8s/testdata/real"

func hasMisconfig(r model.Report, id, object string) bool {
	return slices.ContainsFunc(r.Misconfigurations, func(m model.Misconfiguration) bool {
		return m.ID == id && strings.Contains(m.Object, object)
	})
}

// TestConfigCommand: built-in checks on real upstream manifests (the
// Kubernetes website's cloud-controller-manager example binds cluster-admin
// to a service account; its konnectivity server runs on the host network),
// compliance filtering, a user Rego policy that fails a check, and a policy
// that does not compile reported with file and line.
func TestConfigCommand(t *testing.T) {
	r := scanJSON(t, "config", realManifests)
	for _, w := range []struct{ id, object string }{
		{"DD-K8S-020", "ClusterRoleBinding/"},
		{"DD-K8S-007", "konnectivity-server"},
	} {
		if !hasMisconfig(r, w.id, w.object) {
			t.Errorf("%s on %s: not reported", w.id, w.object)
		}
	}
	for _, m := range r.Misconfigurations {
		if m.Target == "" || m.Line == 0 || m.Resolution == "" || m.Description == "" {
			t.Errorf("incomplete finding %+v", m)
		}
	}

	// --compliance pss-baseline keeps only checks mapped to the baseline.
	base := scanJSON(t, "config", "--compliance", "pss-baseline", realManifests)
	if len(base.Misconfigurations) == 0 || len(base.Misconfigurations) >= len(r.Misconfigurations) {
		t.Errorf("pss-baseline: %d findings of %d", len(base.Misconfigurations), len(r.Misconfigurations))
	}
	for _, m := range base.Misconfigurations {
		if !slices.ContainsFunc(m.Controls, func(c model.Control) bool { return strings.Contains(c.Framework, "baseline") }) {
			t.Errorf("pss-baseline kept %s (%v)", m.ID, m.Controls)
		}
	}
}

// TestConfigPolicy runs user Rego policies through the drydock-rego helper:
// findings, gating, numbers in the input, compile errors as usage errors
// naming file and line, and a missing helper.
func TestConfigPolicy(t *testing.T) {
	useRegoHelper(t)
	// Every Deployment must carry a team label, and run at least 3 replicas
	// (the input's numbers cross the process boundary exactly).
	dir := t.TempDir()
	policy := `# METADATA
# title: Deployments name their owning team
# custom:
#   id: ACME-K8S-001
#   severity: HIGH
package user.k8s.team_label

import rego.v1

deny contains msg if {
	input.kind == "Deployment"
	not input.metadata.labels.team
	msg := sprintf("Deployment %s has no team label", [input.metadata.name])
}

deny contains {"msg": sprintf("%d replicas", [input.spec.replicas]), "id": "ACME-K8S-002"} if {
	input.kind == "Deployment"
	input.spec.replicas < 3
}
`
	if err := os.WriteFile(filepath.Join(dir, "team.rego"), []byte(policy), 0o644); err != nil {
		t.Fatal(err)
	}
	withPolicy := scanJSON(t, "config", "--policy", dir, filepath.Join(realManifests, "website-deployment.yaml"))
	if !hasMisconfig(withPolicy, "ACME-K8S-001", "nginx-deployment") {
		t.Errorf("user policy finding missing: %+v", withPolicy.Misconfigurations)
	}
	if !slices.ContainsFunc(withPolicy.Misconfigurations, func(m model.Misconfiguration) bool {
		return m.ID == "ACME-K8S-002" && m.Message == "2 replicas"
	}) {
		t.Errorf("replicas policy: %+v", withPolicy.Misconfigurations)
	}
	_, _, err := run(t, "config", "--policy", dir, "--severity", "HIGH", "--exit-code", "4", "-q", filepath.Join(realManifests, "website-deployment.yaml"))
	if cli.ExitCode(err) != 4 {
		t.Errorf("gate on the policy finding: %v", err)
	}

	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "broken.rego"), []byte("package x\n\ndeny contains msg if {\n  msg := \n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = run(t, "config", "--policy", bad, realManifests)
	if cli.ExitCode(err) != cli.ExitUsage || !strings.Contains(err.Error(), "broken.rego:") {
		t.Errorf("broken policy: %v", err)
	}

	t.Setenv(policyexec.HelperEnv, filepath.Join(t.TempDir(), "missing"))
	_, _, err = run(t, "config", "--policy", dir, realManifests)
	if err == nil || !strings.Contains(err.Error(), policyexec.HelperEnv) {
		t.Errorf("missing helper: %v", err)
	}
}
