package junit

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/report/internal/schematest"
)

func suiteNamed(t *testing.T, ts *TestSuites, name string) TestSuite {
	t.Helper()
	for _, s := range ts.Suites {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no suite %q", name)
	return TestSuite{}
}

func TestFindingCases(t *testing.T) {
	ts := parse(t, encode(t, schematest.Report()))
	const img = "registry.example.com/shop/web:1.4.2"

	k8s := suiteNamed(t, ts, "app/deploy/web.yaml (misconfigurations)").Cases[0]
	if k8s.Name != "Deployment/shop/web: DD-K8S-001" || k8s.ClassName != "drydock.misconfiguration" ||
		k8s.Failure.Type != "HIGH" || k8s.Failure.Message != "DD-K8S-001 (HIGH) Privileged container: container web is privileged" {
		t.Errorf("DD-K8S-001 = %+v", k8s)
	}
	for _, want := range []string{"Target: app/deploy/web.yaml:27\n", "Control: PSS baseline Privileged Containers\n", "Control: CIS Kubernetes Benchmark 1.9 5.2.2\n"} {
		if !strings.Contains(k8s.Failure.Text, want) {
			t.Errorf("DD-K8S-001 text lacks %q:\n%s", want, k8s.Failure.Text)
		}
	}
	img4 := suiteNamed(t, ts, img+" (misconfigurations)").Cases[1]
	if img4.Name != "image config: DD-IMG-004" || img4.Failure != nil ||
		img4.Skipped.Message != "suppressed by ignore-file: Kubernetes liveness probes replace HEALTHCHECK" {
		t.Errorf("DD-IMG-004 = %+v", img4)
	}

	secrets := suiteNamed(t, ts, img+" (secrets)").Cases
	var names []string
	for _, c := range secrets {
		names = append(names, c.Name)
	}
	if diff := cmp.Diff([]string{"etc/app/.env:3: aws-access-key-id", "root/.ssh/id_ed25519:2: private-key"}, names); diff != "" {
		t.Errorf("secret cases (-want +got):\n%s", diff)
	}
	if f := secrets[0].Failure; f.Type != "CRITICAL" || !strings.Contains(f.Text, "Match: AKIA************MPLE\n") ||
		!strings.Contains(f.Text, "Layer: layer 1 ("+string(schematest.Layer1)+")") {
		t.Errorf("AWS failure = %+v", f)
	}
	if f := secrets[1].Failure; !strings.HasSuffix(f.Message, ", deleted by a later layer") || !strings.Contains(f.Text, "still ships in the image") {
		t.Errorf("deleted key failure = %+v", f)
	}

	pii := suiteNamed(t, ts, img+" (personal data)").Cases[0]
	if pii.Name != "app/data/customers.csv" || pii.ClassName != "drydock.personal-data" || pii.Failure.Type != "PERSONAL-DATA" ||
		pii.Failure.Message != "Personal data in app/data/customers.csv (email: 12, hkid: 3)" ||
		!strings.Contains(pii.Failure.Text, "hkid: 3, e.g. A12****(3)\n") {
		t.Errorf("personal data = %+v", pii)
	}
}

// TestFindingClasses checks the suites of each class: none when its
// scanner did not run, one passing testcase when it found nothing.
func TestFindingClasses(t *testing.T) {
	const art = "deploy/"
	clean := &model.Report{
		Artifact:          model.Artifact{Name: art},
		Misconfigurations: []model.Misconfiguration{},
		Secrets:           []model.Secret{},
		PersonalData:      []model.PersonalData{},
	}
	ts := parse(t, encode(t, clean))
	var got []counts
	for _, s := range ts.Suites {
		got = append(got, counts{s.Name, s.Tests, s.Failures, s.Errors, s.Skipped})
		if len(s.Cases) != 1 || s.Cases[0].Failure != nil || s.Cases[0].Skipped != nil || !strings.HasPrefix(s.Cases[0].Name, "no ") {
			t.Errorf("%s: cases %+v, want one passing", s.Name, s.Cases)
		}
	}
	want := []counts{
		{art + " (misconfigurations)", 1, 0, 0, 0},
		{art + " (secrets)", 1, 0, 0, 0},
		{art + " (personal data)", 1, 0, 0, 0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("suites (-want +got):\n%s", diff)
	}

	notRun := schematest.Report()
	notRun.Misconfigurations, notRun.Secrets, notRun.PersonalData = nil, nil, nil
	for _, s := range parse(t, encode(t, notRun)).Suites {
		if strings.HasSuffix(s.Name, "(misconfigurations)") || strings.HasSuffix(s.Name, "(secrets)") || strings.HasSuffix(s.Name, "(personal data)") {
			t.Errorf("suite %q for a scanner that did not run", s.Name)
		}
	}

	// A finding without target, object or line; a secret outside any layer.
	odd := &model.Report{
		Misconfigurations: []model.Misconfiguration{{ID: "USER-1", Severity: model.SeverityLow}},
		Secrets:           []model.Secret{{RuleID: "r", Severity: model.SeverityLow, Match: "x=**", Location: model.Location{Path: "a"}}},
	}
	ts = parse(t, encode(t, odd))
	if ts.Suites[0].Name != "artifact (misconfigurations)" || ts.Suites[0].Cases[0].Name != "USER-1" ||
		ts.Suites[0].Cases[0].Failure.Message != "USER-1 (LOW) USER-1" {
		t.Errorf("odd misconfiguration = %+v", ts.Suites[0])
	}
	if c := ts.Suites[1].Cases[0]; c.Name != "a: r" || strings.Contains(c.Failure.Text, "Layer:") {
		t.Errorf("odd secret = %+v", c)
	}
}

// TestSecretRedacted: the JUnit report carries a secret only as the
// report's redacted match.
func TestSecretRedacted(t *testing.T) {
	const secret, redacted = "AKIAZ2X4Q7TN5W3KVJ6P", "AWS_ACCESS_KEY_ID=AKIA****************"
	r := &model.Report{Secrets: []model.Secret{{
		RuleID: "aws-access-key-id", Severity: model.SeverityCritical, Match: redacted, Line: 1,
		Location: model.Location{Path: "app/.env"},
	}}}
	doc := encode(t, r)
	if bytes.Contains(doc, []byte(secret[4:])) || !bytes.Contains(doc, []byte(redacted)) {
		t.Errorf("output:\n%s", doc)
	}
}
