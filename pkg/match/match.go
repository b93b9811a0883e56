// Package match turns an inventory into vulnerability findings: for each
// package it asks a vulndb.Store for the advisories naming it, evaluates
// their OSV ranges with the ecosystem's version ordering (pkg/version),
// works out severities, folds advisories about the same flaw into one
// finding, and marks the findings on kernel packages as suppressed.
//
// The decisions (which name and version is matched for each ecosystem, how
// severities are chosen, how aliases fold, kernel headers) are written down
// in README.md.
package match

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/version"
	"github.com/drydockhq/drydock/pkg/vulndb"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
)

// Options configure a Matcher.
type Options struct {
	// IncludeKernelHeaders reports the findings on packages built from the
	// Linux kernel source (linux-libc-dev, ...) as ordinary findings. By
	// default they are kept but marked Suppressed{By: "kernel-headers"}.
	IncludeKernelHeaders bool
	// Logger receives warnings about data that could not be evaluated
	// (unparseable versions); nil discards.
	Logger *slog.Logger
}

// SuppressedByKernelHeaders is the Suppressed.By of findings on kernel
// packages.
const SuppressedByKernelHeaders = "kernel-headers"

const kernelReason = "package built from the Linux kernel source: a container runs on the host's kernel, " +
	"so kernel flaws are not exploitable through this package inside the image (kernel headers, " +
	"at most kernel images that are never booted); patch the host kernel instead"

// Matcher matches inventories against a vulnerability store. Between calls
// it keeps only a bounded cache of the advisory versions it has parsed; it
// is safe for concurrent use if the Store is.
type Matcher struct {
	store    vulndb.Store
	opts     Options
	log      *slog.Logger
	versions *versionCache
}

// New returns a Matcher that reads advisories from store.
func New(store vulndb.Store, opts Options) *Matcher {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Matcher{store: store, opts: opts, log: log, versions: newVersionCache()}
}

// query is what is looked up for one package: the ecosystem as stored
// (with release), the name and version matched, and how they were chosen.
type query struct {
	eco     model.Ecosystem
	name    string
	version string
	by      string // "source", "origin" or "package"
}

// hit is one advisory record that affects a query.
type hit struct {
	entry    *osv.Entry
	affected []*osv.Affected // the affected[] entries that matched
	fixed    string          // "" when no fixed version is known
	notes    []string
}

// run is the state of one Match call shared by its workers.
type run struct {
	m      *Matcher
	mu     sync.Mutex
	warned map[string]bool
}

// job is one distinct (ecosystem, name, version) to evaluate: the binary
// packages of one source share one.
type job struct {
	q       query
	name    string       // normalised name
	entries []*osv.Entry // the store's answer for (q.eco, name)
	vulns   []model.Vulnerability
}

// minParallel is the number of jobs below which Match does not start
// workers.
const minParallel = 64

// Match returns the vulnerabilities of the inventory's packages, sorted by
// package (type, name, version, first location path), then ID. Packages
// that cannot be matched (no ecosystem, unsupported ecosystem, version that
// does not parse) are skipped with a log message; an error is returned
// only when the store fails or ctx ends.
//
// The store is asked once per (ecosystem, name), from the calling
// goroutine; evaluating the advisories, which only reads them, is spread
// over GOMAXPROCS goroutines for large inventories.
func (m *Matcher) Match(ctx context.Context, inv *model.Inventory) ([]model.Vulnerability, error) {
	if inv == nil {
		return nil, nil
	}
	type item struct {
		pkg  *model.Package
		job  int
		kern bool
	}
	var (
		items   []item
		jobs    []job
		byQuery = make(map[query]int)
		lookups = make(map[[2]string][]*osv.Entry)
	)
	for i := range inv.Packages {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p := &inv.Packages[i]
		q, ok := queryFor(p)
		if !ok {
			m.log.Debug("package not matched: no ecosystem", "package", p.Name, "type", p.Type)
			continue
		}
		j, ok := byQuery[q]
		if !ok {
			key := [2]string{string(q.eco), vulndb.NormalizeName(q.eco, q.name)}
			entries, ok := lookups[key]
			if !ok {
				var err error
				if entries, err = m.store.Affecting(ctx, q.eco, q.name); err != nil {
					return nil, fmt.Errorf("looking up advisories for %s package %s: %w", q.eco, q.name, err)
				}
				lookups[key] = entries
			}
			j = len(jobs)
			byQuery[q] = j
			jobs = append(jobs, job{q: q, name: key[1], entries: entries})
		}
		kern := !m.opts.IncludeKernelHeaders && isKernelSource(q.eco, p.SourceName())
		items = append(items, item{p, j, kern})
	}

	r := &run{m: m, warned: make(map[string]bool)}
	if err := r.evaluateAll(ctx, jobs); err != nil {
		return nil, err
	}

	total := 0
	items = slices.DeleteFunc(items, func(it item) bool { return len(jobs[it.job].vulns) == 0 })
	for _, it := range items {
		total += len(jobs[it.job].vulns)
	}
	if total == 0 {
		return nil, nil
	}
	// Sort packages, not findings: a finding is a large struct.
	slices.SortStableFunc(items, func(a, b item) int { return comparePackages(a.pkg, b.pkg) })
	out := make([]model.Vulnerability, 0, total)
	kernel := &model.Suppressed{By: SuppressedByKernelHeaders, Reason: kernelReason}
	for _, it := range items {
		pkg := clonePackage(it.pkg)
		for _, v := range jobs[it.job].vulns {
			v.Package = pkg
			if it.kern {
				v.Suppressed = kernel
			}
			if note := mitigation(it.pkg, &v); note != "" {
				if v.Note != "" {
					v.Note += "; "
				}
				v.Note += note
			}
			out = append(out, v)
		}
	}
	return out, nil
}

// evaluateAll fills in the findings of every job, on up to GOMAXPROCS
// goroutines. It only reads the advisories and the Matcher's version cache,
// which is safe for concurrent use.
func (r *run) evaluateAll(ctx context.Context, jobs []job) error {
	work := func(j *job) {
		if len(j.entries) == 0 {
			return
		}
		if hits := r.evaluateEntries(j.q, j.name, j.entries); len(hits) > 0 {
			j.vulns = fold(r.m.versions, j.q, hits)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(jobs)/minParallel)
	if workers <= 1 {
		for i := range jobs {
			if err := ctx.Err(); err != nil {
				return err
			}
			work(&jobs[i])
		}
		return nil
	}
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) {
					return
				}
				work(&jobs[i])
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

// queryFor chooses the ecosystem, name and version to match a package by.
func queryFor(p *model.Package) (query, bool) {
	eco := p.Ecosystem
	if eco == "" {
		eco = ecosystemForType(p.Type)
	}
	if eco == "" {
		return query{}, false
	}
	q := query{eco: eco, name: p.Name, version: p.Version, by: "package"}
	switch eco.Base() {
	case model.EcoDebian, model.EcoUbuntu:
		// Debian and Ubuntu advisories name source packages and source
		// versions; a binNMU (1.0-1+b1) has source version 1.0-1.
		q.name, q.version, q.by = p.SourceName(), p.SourceVersion(), "source"
	case model.EcoAlpine:
		// secdb names origins; the version is the binary's, which is the
		// origin's version (subpackages share it).
		q.name, q.by = p.SourceName(), "origin"
	case model.EcoGo:
		// The Go toolchain reports "go1.21.0" for the standard library.
		if p.Name == "stdlib" || p.Name == "toolchain" {
			q.version = strings.TrimPrefix(q.version, "go")
		}
	}
	// RPM distributions (AlmaLinux, Rocky, Red Hat) name binary packages
	// and write "[epoch:]version-release", as the rpm extractor does.
	return q, q.name != "" && q.version != ""
}

// ecosystemForType is the ecosystem of a language package that has none
// recorded. OS packages have none without a release: they are not matched.
func ecosystemForType(t model.PackageType) model.Ecosystem {
	return model.LanguageEcosystem(t)
}

// isKernelSource reports whether a Debian or Ubuntu source package is a
// Linux kernel: "linux" and its flavours ("linux-signed-amd64",
// "linux-aws", "linux-hwe-5.15"), but not the userland packages whose
// names happen to start with "linux-".
func isKernelSource(eco model.Ecosystem, source string) bool {
	if b := eco.Base(); b != model.EcoDebian && b != model.EcoUbuntu {
		return false
	}
	if source == "linux" {
		return true
	}
	if !strings.HasPrefix(source, "linux-") {
		return false
	}
	switch source {
	case "linux-atm", "linux-base", "linux-firmware", "linux-firmware-free", "linux-firmware-nonfree",
		"linux-ftpsync", "linux-sound-base", "linux-wlan-ng", "linux-minidisc":
		return false
	}
	return true
}

// versions parses the package version lazily, once per scheme (the
// ecosystem's, and SemVer for SEMVER ranges).
type versions struct {
	raw    string
	schs   [2]version.Scheme
	parsed [2]version.Version
	errs   [2]error
	n      int
}

func (vs *versions) get(sch version.Scheme) (version.Version, error) {
	for i := range vs.n {
		if vs.schs[i] == sch {
			return vs.parsed[i], vs.errs[i]
		}
	}
	v, err := sch.Parse(vs.raw)
	if vs.n < len(vs.schs) {
		vs.schs[vs.n], vs.parsed[vs.n], vs.errs[vs.n] = sch, v, err
		vs.n++
	}
	return v, err
}

func (r *run) evaluateEntries(q query, name string, entries []*osv.Entry) []hit {
	ecoScheme, err := version.SchemeFor(q.eco)
	if err != nil {
		r.warnOnce("scheme:"+string(q.eco), "ecosystem has no version ordering; its packages are not matched", "ecosystem", q.eco)
		return nil
	}
	vs := &versions{raw: q.version}
	var hits []hit
	for _, e := range entries {
		if e.Withdrawn != nil {
			continue
		}
		var h hit
		affected, noFix := false, false
		for i := range e.Affected {
			a := &e.Affected[i]
			// Names first: advisories of RPM distributions list dozens of
			// binary packages, all in the same ecosystem.
			if a.Package.Name != name && vulndb.NormalizeName(q.eco, a.Package.Name) != name || a.Package.Ecosystem != string(q.eco) {
				continue
			}
			ok, fixed, unfixed, notes := r.evaluateAffected(q, ecoScheme, vs, e, i)
			if !ok {
				continue
			}
			affected = true
			h.affected = append(h.affected, a)
			h.notes = append(h.notes, notes...)
			noFix = noFix || unfixed
			if fixed != "" {
				h.fixed = maxOrFirst(r.m.versions, ecoScheme, h.fixed, fixed)
			}
		}
		if !affected {
			continue
		}
		if noFix {
			h.fixed = ""
		}
		h.entry = e
		hits = append(hits, h)
	}
	return hits
}

// evaluateAffected evaluates one affected[] entry. fixed is the greatest
// fixed version of the ranges that hold the version; unfixed is set when
// one of them has none (so no single version fixes the advisory).
func (r *run) evaluateAffected(q query, ecoScheme version.Scheme, vs *versions, e *osv.Entry, ai int) (affected bool, fixed string, unfixed bool, notes []string) {
	a := &e.Affected[ai]
	rangeHit := false
	for i := range a.Ranges {
		rg := &a.Ranges[i]
		sch := ecoScheme
		switch rg.Type {
		case osv.RangeEcosystem:
		case osv.RangeSemver:
			sch = version.SemVer
		default:
			// GIT ranges name commits, which an installed package does not
			// carry; ecosystem data states versions too (or the versions
			// list enumerates them).
			continue
		}
		v, err := vs.get(sch)
		if err != nil {
			r.warnOnce("pkgver:"+string(sch)+":"+q.version, "package version does not parse; advisories not evaluated",
				"ecosystem", q.eco, "package", q.name, "version", q.version, "error", err)
			continue
		}
		ok, fix, err := inRange(r.m.versions, sch, v, rg)
		if err != nil {
			r.warnOnce(fmt.Sprintf("range:%s:%d:%d", e.ID, ai, i), "advisory range skipped: version does not parse",
				"advisory", e.ID, "ecosystem", q.eco, "package", a.Package.Name, "error", err)
			continue
		}
		if !ok {
			continue
		}
		rangeHit = true
		if fix == "" {
			unfixed = true
		} else {
			fixed = maxOrFirst(r.m.versions, sch, fixed, fix)
		}
	}
	if !rangeHit && !inVersions(q.version, a.Versions) {
		return false, "", false, nil
	}
	if !rangeHit {
		unfixed = true // listed only: the list says nothing of fixes
	}
	return true, fixed, unfixed, statusNotes(a)
}

func maxOrFirst(p parser, sch version.Scheme, cur, next string) string {
	if cur == "" {
		return next
	}
	return maxVersion(p, sch, cur, next)
}

func (r *run) warnOnce(key, msg string, args ...any) {
	r.mu.Lock()
	seen := r.warned[key]
	r.warned[key] = true
	r.mu.Unlock()
	if !seen {
		r.m.log.Warn(msg, args...)
	}
}

func clonePackage(p *model.Package) model.Package {
	c := *p
	c.Licenses = slices.Clone(p.Licenses)
	c.Locations = slices.Clone(p.Locations)
	if p.Source != nil {
		s := *p.Source
		c.Source = &s
	}
	return c
}

func comparePackages(a, b *model.Package) int {
	return cmp.Or(
		cmp.Compare(a.Type, b.Type),
		cmp.Compare(a.Name, b.Name),
		cmp.Compare(a.Version, b.Version),
		cmp.Compare(firstPath(a), firstPath(b)),
	)
}

func firstPath(p *model.Package) string {
	if len(p.Locations) == 0 {
		return ""
	}
	return p.Locations[0].Path
}

// mitigation returns the note of the package's mitigations that name the
// finding's flaw, or "". A mitigated flaw stays a finding: the mitigation
// is a fact found in the image (a class removed), for a person to weigh,
// not a fix.
func mitigation(p *model.Package, v *model.Vulnerability) string {
	var notes []string
	for _, m := range p.Mitigations {
		for _, id := range m.IDs {
			if id == v.ID || slices.Contains(v.Aliases, id) {
				notes = append(notes, "mitigated: "+m.Note)
				break
			}
		}
	}
	return strings.Join(notes, "; ")
}
