package match

import (
	"strings"
	"testing"

	"github.com/drydockhq/drydock/pkg/version"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
)

// events builds events from "i:1.0 f:2.0 l:3.0 x:4.0" (introduced, fixed,
// last_affected, limit).
func events(s string) []osv.Event {
	var out []osv.Event
	for _, f := range strings.Fields(s) {
		kind, v, _ := strings.Cut(f, ":")
		switch kind {
		case "i":
			out = append(out, osv.Event{Introduced: v})
		case "f":
			out = append(out, osv.Event{Fixed: v})
		case "l":
			out = append(out, osv.Event{LastAffected: v})
		case "x":
			out = append(out, osv.Event{Limit: v})
		}
	}
	return out
}

func TestInRange(t *testing.T) {
	tests := []struct {
		name     string
		events   string
		v        string
		affected bool
		fixed    string
	}{
		{"from zero, below fix", "i:0 f:2.0", "1.9", true, "2.0"},
		{"from zero, at fix", "i:0 f:2.0", "2.0", false, ""},
		{"at introduced", "i:1.0 f:2.0", "1.0", true, "2.0"},
		{"below introduced", "i:1.0 f:2.0", "0.9", false, ""},
		{"no fix", "i:1.0", "99", true, ""},
		{"last_affected inclusive", "i:0 l:2.0", "2.0", true, ""},
		{"after last_affected", "i:0 l:2.0", "2.0.1", false, ""},
		{"second interval", "i:0 f:1.0 i:2.0 f:3.0", "2.5", true, "3.0"},
		{"gap between intervals", "i:0 f:1.0 i:2.0 f:3.0", "1.5", false, ""},
		{"first interval", "i:0 f:1.0 i:2.0 f:3.0", "0.5", true, "1.0"},
		{"unsorted events", "f:3.0 i:2.0 f:1.0 i:0", "2.5", true, "3.0"},
		{"unsorted events, gap", "f:3.0 i:2.0 f:1.0 i:0", "1.5", false, ""},
		{"re-introduced at the fix version", "i:0 f:2.0 i:2.0 f:3.0", "2.0", true, "3.0"},
		{"empty interval", "i:2.0 f:2.0", "2.0", false, ""},
		{"limit caps", "i:0 x:2.0", "2.0", false, ""},
		{"under limit", "i:0 x:2.0", "1.0", true, ""},
		{"limit *", "i:0 x:*", "9.0", true, ""},
		{"fix then last_affected closes open end", "i:0 f:1.0 i:1.5 l:1.8", "1.6", true, ""},
		{"dpkg tilde below fix", "i:0 f:3.0.11-1~deb12u2", "3.0.11-1~deb12u1", true, "3.0.11-1~deb12u2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := version.Deb.Parse(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			r := &osv.Range{Type: osv.RangeEcosystem, Events: events(tt.events)}
			affected, fixed, err := inRange(direct{}, version.Deb, v, r)
			if err != nil {
				t.Fatal(err)
			}
			if affected != tt.affected || fixed != tt.fixed {
				t.Errorf("inRange(%s, %s) = %v, %q; want %v, %q", tt.v, tt.events, affected, fixed, tt.affected, tt.fixed)
			}
		})
	}
	v, _ := version.Deb.Parse("1.0")
	if _, _, err := inRange(direct{}, version.Deb, v, &osv.Range{Type: osv.RangeEcosystem, Events: events("i:0 f:a:b")}); err == nil {
		t.Error("unparseable event: no error")
	}
}

func TestInVersions(t *testing.T) {
	tests := []struct {
		v    string
		list []string
		want bool
	}{
		{"1.0", []string{"0.9", "1.0"}, true},
		{"1.0", []string{"0.9", "1.0.1", "11.0"}, false},
		{"v1.2.3", []string{"1.2.3"}, true},
		{"1.0RC1", []string{"1.0rc1"}, true},
		{"1.0", nil, false},
	}
	for _, tt := range tests {
		if got := inVersions(tt.v, tt.list); got != tt.want {
			t.Errorf("inVersions(%q, %q) = %v, want %v", tt.v, tt.list, got, tt.want)
		}
	}
}

// FuzzInRange feeds arbitrary events and versions to the range evaluator:
// it must never panic, and a fixed version it returns is above v.
func FuzzInRange(f *testing.F) {
	f.Add(uint8(0), "i:0 f:3.0.11-1~deb12u2", "3.0.11-1~deb12u1")
	f.Add(uint8(1), "i:0 f:1.2.3_rc1 i:1.3 l:1.4-r2", "1.2.3-r0")
	f.Add(uint8(2), "i:0 f:1:3.0.7-16.el9_2", "3.0.8-1.el9")
	f.Add(uint8(3), "i:1.21.0-0 f:1.21.3 x:2.0", "1.21.2")
	f.Add(uint8(4), "f:2.0 i:2.0 f:0 l:* x:*", "2.0")
	f.Fuzz(func(t *testing.T, s uint8, evs, ver string) {
		schemes := []version.Scheme{version.Deb, version.APK, version.RPM, version.SemVer, version.PEP440,
			version.Maven, version.RubyGems, version.NuGet, version.Packagist}
		sch := schemes[int(s)%len(schemes)]
		v, err := sch.Parse(ver)
		if err != nil {
			return
		}
		affected, fixed, err := inRange(direct{}, sch, v, &osv.Range{Type: osv.RangeEcosystem, Events: events(evs)})
		if err != nil {
			return
		}
		if !affected && fixed != "" {
			t.Fatalf("not affected but fixed %q", fixed)
		}
		if fixed != "" {
			fv, err := sch.Parse(fixed)
			if err != nil || fv.Compare(v) <= 0 {
				t.Fatalf("%s: fixed %q is not above %q (%v)", sch, fixed, ver, err)
			}
		}
	})
}
