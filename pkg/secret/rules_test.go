package secret_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/drydockhq/drydock/pkg/secret"
)

// TestBuiltin: the embedded rules load, each cites its format's
// documentation, and IDs are unique.
func TestBuiltin(t *testing.T) {
	r, err := secret.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rules) < 20 {
		t.Fatalf("%d built-in rules", len(r.Rules))
	}
	seen := map[string]bool{}
	for _, rule := range r.Rules {
		if seen[rule.ID] {
			t.Errorf("duplicate id %s", rule.ID)
		}
		seen[rule.ID] = true
		if !strings.Contains(rule.Description, "https://") {
			t.Errorf("rule %s: description cites no documentation URL", rule.ID)
		}
	}
	if _, err := secret.NewWithRules(r); err != nil {
		t.Fatal(err)
	}
}

func TestLoadRules(t *testing.T) {
	r, err := secret.LoadRules("testdata/user-rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	e, err := secret.NewWithRules(r)
	if err != nil {
		t.Fatal(err)
	}
	if e.RulesDigest() == secret.New().RulesDigest() {
		t.Error("user rules have the built-in rules' digest")
	}
	g := newKeygen(t)
	acme := "acme_" + g.str("0123456789abcdef", 32)
	if got := ruleIDs(scan(t, e, "app/settings.txt", "key="+acme+"\n")); !slices.Equal(got, []string{"acme-api-key"}) {
		t.Errorf("user rule: %v", got)
	}
	if got := scan(t, e, "app/settings.txt", "key=acme_0123456789abcdef0123456789abcdef\n"); len(got) != 0 {
		t.Errorf("allow entry with a regex: %v", ruleIDs(got))
	}
	if got := ruleIDs(scan(t, e, "app/settings.txt", "key=sk_test_"+g.alnum(24)+"\n")); !slices.Equal(got, []string{"stripe-secret-key"}) {
		t.Errorf("replaced rule: %v", got)
	}
	if got := scan(t, e, "app/settings.txt", "t="+g.jwtHS256()+"\n"); len(got) != 0 {
		t.Errorf("disabled rule jwt: %v", ruleIDs(got))
	}
	if !e.Required("app/README.md", nil) {
		t.Error("disabled allow entry docs still skips Markdown")
	}
	if e.Required("srv/fixtures-data/keys.txt", nil) {
		t.Error("user allow entry does not skip its path")
	}
	// The built-ins are still there, in their order, user rules after.
	if got := ruleIDs(scan(t, e, "root/.aws/credentials", "AKIAIOSFODNN7EXAMPLE "+acme)); !slices.Equal(got, []string{"aws-access-key-id", "acme-api-key"}) {
		t.Errorf("built-in and user rule together: %v", got)
	}
}

func TestRulesErrors(t *testing.T) {
	const base = "  - id: x\n    category: c\n    title: t\n    severity: HIGH\n    keywords: [k]\n"
	for _, tt := range []struct {
		name, yaml, want string
	}{
		{"bad regex", "rules:\n" + base + "    regex: '(?P<secret>['\n", "regex"},
		{"no secret group", "rules:\n" + base + "    regex: 'k[0-9]+'\n", `group named "secret"`},
		{"unknown field", "rules:\n" + base + "    regex: '(?P<secret>k)'\n    entropie: 3\n", "entropie"},
		{"bad severity", strings.Replace("rules:\n"+base, "HIGH", "SEVERE", 1) + "    regex: '(?P<secret>k)'\n", "severity"},
		{"no keywords", strings.Replace("rules:\n"+base, "    keywords: [k]\n", "", 1) + "    regex: '(?P<secret>k)'\n", "keywords"},
		{"unknown validator", "rules:\n" + base + "    regex: '(?P<secret>k)'\n    validate: luhn\n", "validate"},
		{"reveal too large", "rules:\n" + base + "    regex: '(?P<secret>k)'\n    reveal: 9\n", "reveal"},
		{"duplicate id", "rules:\n" + base + "    regex: '(?P<secret>k)'\n" + base + "    regex: '(?P<secret>k)'\n", "duplicate"},
		{"allow without path or regex", "allow:\n  - id: a\n", "neither"},
		{"bad allow path", "allow:\n  - id: a\n    path: '['\n", "path"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := secret.ParseRules([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
	// Disabling an unknown ID is a typo, not a no-op.
	p := filepath.Join(t.TempDir(), "r.yaml")
	if err := os.WriteFile(p, []byte("disable: [aws-acces-key-id]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := secret.LoadRules(p); err == nil || !strings.Contains(err.Error(), "aws-acces-key-id") {
		t.Errorf("unknown disable: %v", err)
	}
	if _, err := secret.LoadRules(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("missing file: no error")
	}
	// An empty file is no change.
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := secret.LoadRules(p)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := secret.Builtin()
	if len(r.Rules) != len(b.Rules) {
		t.Errorf("empty user file: %d rules, want %d", len(r.Rules), len(b.Rules))
	}
}
