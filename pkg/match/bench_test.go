package match

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/version"
	"github.com/drydockhq/drydock/pkg/vulndb"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
)

// benchInventory builds a 2,000-package inventory from the names in the
// real data: each package that has advisories gets the median of their
// fixed versions (so about half of them apply), including linux-libc-dev
// with its 4,441 kernel records; the rest are packages without advisories,
// as most packages of an image are.
func benchInventory(b *testing.B, entries []*osv.Entry, size int) *model.Inventory {
	type key struct{ eco, name string }
	fixed := map[key][]string{}
	var keys []key
	for _, e := range entries {
		for _, a := range e.Affected {
			k := key{a.Package.Ecosystem, a.Package.Name}
			if _, ok := fixed[k]; !ok {
				keys = append(keys, k)
				fixed[k] = nil
			}
			for _, r := range a.Ranges {
				for _, ev := range r.Events {
					if ev.Fixed != "" && r.Type != osv.RangeGit {
						fixed[k] = append(fixed[k], ev.Fixed)
					}
				}
			}
		}
	}
	slices.SortFunc(keys, func(a, b key) int { return cmp.Or(cmp.Compare(a.eco, b.eco), cmp.Compare(a.name, b.name)) })
	quota := map[string]int{"Debian:12": 60, "AlmaLinux:9": 500, "Go": 300, "PyPI": 300, "crates.io": 100, "npm": 40, "Maven": 20}
	layer := model.Digest("sha256:" + strings.Repeat("ab", 32))
	inv := &model.Inventory{}
	add := func(p model.Package) {
		p.Locations = []model.Location{{Path: "var/lib/dpkg/status", Layer: layer}}
		inv.Packages = append(inv.Packages, p)
	}
	for _, k := range keys {
		eco := model.Ecosystem(k.eco)
		if quota[k.eco] == 0 || len(fixed[k]) == 0 {
			continue
		}
		quota[k.eco]--
		sch, err := version.SchemeFor(eco)
		if err != nil {
			b.Fatal(err)
		}
		vs := fixed[k]
		slices.SortFunc(vs, func(x, y string) int {
			vx, _ := sch.Parse(x)
			vy, _ := sch.Parse(y)
			return vx.Compare(vy)
		})
		ver := vs[len(vs)/2]
		switch eco.Base() {
		case model.EcoDebian:
			// Three binaries per source; the kernel one is linux-libc-dev.
			bins := []string{k.name, "lib" + k.name + "0", k.name + "-common"}
			if k.name == "linux" {
				bins = []string{"linux-libc-dev"}
			}
			for _, bin := range bins {
				add(model.Package{Name: bin, Version: ver, Type: model.TypeDeb, Ecosystem: eco,
					Source: &model.SourcePackage{Name: k.name, Version: ver}})
			}
		case model.EcoAlmaLinux:
			add(model.Package{Name: k.name, Version: ver, Type: model.TypeRPM, Ecosystem: eco})
		default:
			add(model.Package{Name: k.name, Version: ver, Type: model.TypeGeneric, Ecosystem: eco})
		}
	}
	for i := 0; len(inv.Packages) < size; i++ {
		add(model.Package{Name: fmt.Sprintf("clean-%d", i), Version: "1.0-1", Type: model.TypeDeb, Ecosystem: "Debian:12",
			Source: &model.SourcePackage{Name: fmt.Sprintf("clean-src-%d", i/3), Version: "1.0-1"}})
	}
	return inv
}

// BenchmarkMatch matches a 2,000-package inventory against an in-memory
// store holding the real Debian 12, AlmaLinux, Go, PyPI, crates.io and
// GitHub (curated) advisories, about 24,000 records.
func BenchmarkMatch(b *testing.B) {
	var entries []*osv.Entry
	for _, z := range []string{"osv-debian12-changelogs.zip", "osv-almalinux.zip", "osv-go-vulndb.zip",
		"osv-pypi-pypa.zip", "osv-crates-rustsec.zip", "osv-ghsa-curated.zip"} {
		entries = append(entries, loadZip(b, z, nil)...)
	}
	store := vulndb.NewMemory(entries...)
	inv := benchInventory(b, entries, 2000)
	m := New(store, Options{})
	ctx := context.Background()
	got, err := m.Match(ctx, inv)
	if err != nil {
		b.Fatal(err)
	}
	suppressed := 0
	for _, v := range got {
		if v.Suppressed != nil {
			suppressed++
		}
	}
	byEco := map[model.Ecosystem]int{}
	for _, p := range inv.Packages {
		if !strings.HasPrefix(p.Name, "clean-") {
			byEco[p.Ecosystem]++
		}
	}
	b.Logf("%d records, %d packages (with advisories: %v), %d findings (%d suppressed kernel findings)",
		len(entries), len(inv.Packages), byEco, len(got), suppressed)
	b.Run("warm", func(b *testing.B) {
		// One Matcher, as a server or a multi-image scan uses it: the
		// advisory versions are parsed once.
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			if _, err := m.Match(ctx, inv); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cold", func(b *testing.B) {
		// A new Matcher per inventory, as a one-shot CLI scan uses it.
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			if _, err := New(store, Options{}).Match(ctx, inv); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// reportCPU reports the process CPU time (user + system, all threads, GC
// included) per iteration: on a shared machine it varies much less than
// the wall time.
func reportCPU(b *testing.B) func() {
	start := cpuTime(b)
	return func() {
		b.ReportMetric(float64((cpuTime(b)-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
