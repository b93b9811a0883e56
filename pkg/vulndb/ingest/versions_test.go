package ingest

import (
	"testing"

	"github.com/drydockhq/drydock/pkg/vulndb/osv"
	"github.com/google/go-cmp/cmp"
)

func TestCompare(t *testing.T) {
	tests := []struct {
		name string
		cmp  cmpFunc
		a, b string
		want int
	}{
		{"gem equal padding", compareGem, "1.0", "1", 0},
		{"gem numeric", compareGem, "1.10", "1.9", 1},
		{"gem prerelease", compareGem, "1.0.0.rc1", "1.0.0", -1},
		{"gem dash prerelease", compareGem, "2.0.0-alpha", "2.0.0", -1},
		{"gem letters", compareGem, "5.0.0.beta1.1", "5.0.0.beta2", -1},
		{"gem big numbers", compareGem, "1.20230101000000000000", "1.3", 1},
		{"semver", compareSemver, "1.2.3", "1.2.10", -1},
		{"semver prerelease", compareSemver, "1.0.0-alpha.1", "1.0.0-alpha.beta", -1},
		{"semver prerelease vs release", compareSemver, "1.0.0-rc.1", "1.0.0", -1},
		{"semver build ignored", compareSemver, "1.0.0+build", "1.0.0", 0},
		{"semver partial", compareSemver, "1.2", "1.2.0", 0},
		{"composer padding", compareComposer, "2.0", "2.0.0.0", 0},
		{"composer rc", compareComposer, "5.4.0-RC1", "5.4.0", -1},
		{"composer beta before rc", compareComposer, "1.0-beta2", "1.0-RC1", -1},
		{"composer v prefix", compareComposer, "v1.2.3", "1.2.4", -1},
		{"composer patch", compareComposer, "1.0.0-p1", "1.0.0", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cmp(tt.a, tt.b); got != tt.want {
				t.Errorf("compare(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
			if got := tt.cmp(tt.b, tt.a); got != -tt.want {
				t.Errorf("compare(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
			}
		})
	}
}

func TestGemBump(t *testing.T) {
	for in, want := range map[string]string{"5.2.4": "5.3", "5.2": "6", "5": "6", "1.0.0.rc1": "1.1", "0.9.9": "0.10"} {
		if got := gemBump(in); got != want {
			t.Errorf("gemBump(%q) = %q, want %q", in, got, want)
		}
	}
}

func ev(kv ...string) []osv.Event {
	var out []osv.Event
	for i := 0; i < len(kv); i += 2 {
		switch kv[i] {
		case "i":
			out = append(out, osv.Event{Introduced: kv[i+1]})
		case "f":
			out = append(out, osv.Event{Fixed: kv[i+1]})
		case "l":
			out = append(out, osv.Event{LastAffected: kv[i+1]})
		}
	}
	return out
}

func TestNpmRange(t *testing.T) {
	tests := []struct {
		rng    string
		want   []osv.Event
		approx bool
	}{
		{"<=4.17.4", ev("i", "0", "l", "4.17.4"), false},
		{"< 1.2.3", ev("i", "0", "f", "1.2.3"), false},
		{">=1.0.0 <1.2.3 || >=2.0.0 <2.0.1", ev("i", "1.0.0", "f", "1.2.3", "i", "2.0.0", "f", "2.0.1"), false},
		{"*", ev("i", "0"), false},
		{"2.0.x || 2.1.x", ev("i", "2.0.0", "f", "2.2.0"), false},
		{"^1.2.3", ev("i", "1.2.3", "f", "2.0.0"), false},
		{"^0.2.3", ev("i", "0.2.3", "f", "0.3.0"), false},
		{"^0.0.3", ev("i", "0.0.3", "f", "0.0.4"), false},
		{"~1.2.3", ev("i", "1.2.3", "f", "1.3.0"), false},
		{"~1", ev("i", "1.0.0", "f", "2.0.0"), false},
		{"1.2.3 - 2.3", ev("i", "1.2.3", "f", "2.4.0"), false},
		{"<=1.2", ev("i", "0", "f", "1.3.0"), false},
		{">1.2.3", ev("i", "1.2.3"), true},
		{">1.2", ev("i", "1.3.0"), false},
		{"1.2.3", ev("i", "1.2.3", "l", "1.2.3"), false},
		{"<=v2.0.0", ev("i", "0", "l", "2.0.0"), false},
		{"2.1.0-M1 || 2.1.0-M2", ev("i", "2.1.0-M1", "l", "2.1.0-M1", "i", "2.1.0-M2", "l", "2.1.0-M2"), false},
	}
	for _, tt := range tests {
		t.Run(tt.rng, func(t *testing.T) {
			ivs, err := npmRange(tt.rng)
			if err != nil {
				t.Fatal(err)
			}
			got, approx := events(ivs)
			if diff := cmp.Diff(tt.want, got); diff != "" || approx != tt.approx {
				t.Errorf("events (-want +got):\n%s approximate %v, want %v", diff, approx, tt.approx)
			}
		})
	}
	for _, bad := range []string{">=1.0.0 <foo", "1.2.3.4", "~>1.0"} {
		if _, err := npmRange(bad); err == nil {
			t.Errorf("npmRange(%q) succeeded", bad)
		}
	}
}

func TestGemAffected(t *testing.T) {
	tests := []struct {
		name   string
		safe   []string
		want   []osv.Event
		approx bool
	}{
		{"patched only", []string{">= 2.2.1"}, ev("i", "0", "f", "2.2.1"), false},
		{"pessimistic branches", []string{"~> 5.2.4, >= 5.2.4.3", ">= 6.0.3.1"}, ev("i", "0", "f", "5.2.4.3", "i", "5.3", "f", "6.0.3.1"), false},
		{"unaffected below", []string{"< 3.0.0", ">= 3.0.4"}, ev("i", "3.0.0", "f", "3.0.4"), false},
		{"unaffected at or below", []string{"<= 1.13.7", ">= 1.13.10"}, ev("i", "1.13.7", "f", "1.13.10"), true},
		{"patched above", []string{"> 0.16.0"}, ev("i", "0", "l", "0.16.0"), false},
		{"point unaffected", []string{"< 4.2.3", "> 4.2.3"}, ev("i", "4.2.3", "l", "4.2.3"), false},
		{"none patched", nil, ev("i", "0"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var safe []interval
			for _, r := range tt.safe {
				s, err := gemRequirement(r)
				if err != nil {
					t.Fatal(err)
				}
				safe = append(safe, s...)
			}
			got, approx := events(complement(union(safe, compareGem), compareGem))
			if diff := cmp.Diff(tt.want, got); diff != "" || approx != tt.approx {
				t.Errorf("events (-want +got):\n%s approximate %v, want %v", diff, approx, tt.approx)
			}
		})
	}
	if _, err := gemRequirement(">= 1.0, < oops"); err == nil {
		t.Error("bad requirement accepted")
	}
}
