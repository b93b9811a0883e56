// Package ignore reads ignore files — the findings a project has decided to
// accept, each with a reason and optionally an expiry date — and marks the
// matching findings as suppressed.
//
// The native format is the YAML file .drydockignore:
//
//	# Each entry names a vulnerability (its ID or any alias) and says why it
//	# is accepted. package narrows it to one package: a name (binary or
//	# source package), or a package URL, with or without version; version
//	# narrows it to one version. expires is a date (YYYY-MM-DD, the entry
//	# stops applying at 00:00 UTC that day) or an RFC 3339 time.
//	ignore:
//	  - id: CVE-2023-5363
//	    package: openssl
//	    reason: not reachable, TLS disabled
//	    expires: 2026-12-31
//	  - id: GHSA-jfh8-c2jp-5v3q
//	    package: pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1
//	    reason: JndiLookup.class removed at build time
//
// Trivy's plain-text .trivyignore (one ID a line, "# comments", optional
// "exp:YYYY-MM-DD") is read by ParseTrivy, to ease migrations; see there.
//
// Suppressed findings stay in the report, marked Suppressed{By:
// "ignore-file"}; expired entries stop suppressing and are reported in the
// Result, as are entries that matched nothing, so that ignore files do not
// silently rot.
package ignore

import (
	"fmt"
	"strings"
	"time"

	"github.com/package-url/packageurl-go"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/purl"
)

// DefaultFile is the name of the ignore file read from the working
// directory when none is named.
const DefaultFile = ".drydockignore"

// SuppressedBy is the Suppressed.By of findings suppressed by an ignore file.
const SuppressedBy = "ignore-file"

// File is a parsed ignore file.
type File struct {
	// Path is the file the entries were read from ("" when parsed from a
	// reader); it appears in the messages of Result.
	Path    string
	Entries []Entry
}

// Entry is one accepted vulnerability.
type Entry struct {
	// ID is a vulnerability ID; it matches a finding's ID, aliases or
	// advisory IDs, ignoring case.
	ID string
	// Package, if set, is a package name (matching the package or its
	// source package) or a package URL (see Apply).
	Package string
	// Version, if set, is the exact version of Package (or of its source
	// package, when Package names the source).
	Version string
	// Reason says why the finding is accepted.
	Reason string
	// Expires is when the entry stops applying; zero for never. A date
	// written without a time is 00:00 UTC of that day.
	Expires time.Time
	// Line is the entry's line in the file (1-based).
	Line int

	pkgURL *packageurl.PackageURL // Package parsed, when it is a package URL
}

// String names the entry for messages: "CVE-2023-5363 (openssl)".
func (e *Entry) String() string {
	s := e.ID
	switch {
	case e.Package != "" && e.Version != "":
		s += " (" + e.Package + " " + e.Version + ")"
	case e.Package != "":
		s += " (" + e.Package + ")"
	}
	return s
}

// ExpiresString renders Expires as it is usually written: a date when it
// is midnight UTC, an RFC 3339 time otherwise; "" when the entry does not
// expire.
func (e *Entry) ExpiresString() string {
	if e.Expires.IsZero() {
		return ""
	}
	if t := e.Expires.UTC(); t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Format(time.DateOnly)
	}
	return e.Expires.Format(time.RFC3339)
}

// expired reports whether the entry no longer applies at now.
func (e *Entry) expired(now time.Time) bool {
	return !e.Expires.IsZero() && !now.Before(e.Expires)
}

// EntryResult is an entry with the number of findings it matched.
type EntryResult struct {
	Entry *Entry
	// Findings is the number of findings the entry matched (for an expired
	// entry: would have matched), whether or not an earlier entry or
	// another mechanism had already suppressed them.
	Findings int
}

// Result says what Apply did.
type Result struct {
	// Path is the ignore file's path, for messages.
	Path string
	// Suppressed is the number of findings Apply marked suppressed; findings
	// already suppressed by something else are left as they were.
	Suppressed int
	// Matched are the unexpired entries that matched at least one finding,
	// in file order.
	Matched []EntryResult
	// Expired are the expired entries, in file order. They suppress
	// nothing: their findings are reported again.
	Expired []EntryResult
	// Stale are the unexpired entries that matched no finding: candidates
	// for removal (or typos).
	Stale []*Entry
}

// Warnings returns one message per expired or stale entry, for the log of
// a CI run:
//
//	.drydockignore:4: ignore entry for CVE-2023-5363 (openssl) expired on 2026-12-31; 1 finding reported again
//	.drydockignore:9: ignore entry for CVE-2021-44228 matched no finding
func (r Result) Warnings() []string {
	var out []string
	for _, m := range r.Expired {
		s := fmt.Sprintf("%s ignore entry for %s expired on %s", r.pos(m.Entry), m.Entry, m.Entry.ExpiresString())
		switch m.Findings {
		case 0:
			s += "; it matches no finding any more"
		case 1:
			s += "; 1 finding reported again"
		default:
			s += fmt.Sprintf("; %d findings reported again", m.Findings)
		}
		out = append(out, s)
	}
	for _, e := range r.Stale {
		out = append(out, fmt.Sprintf("%s ignore entry for %s matched no finding", r.pos(e), e))
	}
	return out
}

func (r Result) pos(e *Entry) string {
	if r.Path == "" {
		return fmt.Sprintf("line %d:", e.Line)
	}
	return fmt.Sprintf("%s:%d:", r.Path, e.Line)
}

// Apply marks the findings that an unexpired entry matches as
// Suppressed{By: "ignore-file", Reason: the entry's reason, with
// " (until DATE)" when the entry expires}. It changes vs in place (a new
// Suppressed value per finding; findings that are already suppressed keep
// their Suppressed) and does not reorder or remove findings.
//
// An entry matches a finding when its ID equals the finding's ID, one of
// its aliases or one of its advisory IDs (ignoring case), and, when the
// entry names a package:
//
//   - a name: the package's name or its source package's name is equal to
//     it, and a version, if given, is that package's (or source package's)
//     version;
//   - a package URL: type, namespace and name equal those of the package's
//     URL (for OS packages the name may also be the source package's),
//     its version, if it has one, equals the package's version exactly, and
//     its qualifiers, if any, are all present with equal values in the
//     package's URL. "pkg:deb/debian/openssl" thus matches every version of
//     libssl3 built from openssl, "pkg:npm/lodash@4.17.20" only that one.
//
// Entries are tried in file order; the first unexpired one that matches
// gives the reason, but every matching entry counts as matched.
func (f *File) Apply(vs []model.Vulnerability, now time.Time) Result {
	res := Result{Path: f.Path}
	counts := make([]int, len(f.Entries))
	for i := range vs {
		v := &vs[i]
		var pkgURL *packageurl.PackageURL // parsed lazily, once per finding
		pkgParsed := false
		applied := false
		for j := range f.Entries {
			e := &f.Entries[j]
			if !matchesID(e.ID, v) {
				continue
			}
			if e.pkgURL != nil && !pkgParsed {
				pkgURL, pkgParsed = packageURL(&v.Package), true
			}
			if !e.matchesPackage(&v.Package, pkgURL) {
				continue
			}
			counts[j]++
			if applied || e.expired(now) {
				continue
			}
			applied = true
			if v.Suppressed == nil {
				v.Suppressed = &model.Suppressed{By: SuppressedBy, Reason: e.reason()}
				res.Suppressed++
			}
		}
	}
	for j := range f.Entries {
		e := &f.Entries[j]
		switch {
		case e.expired(now):
			res.Expired = append(res.Expired, EntryResult{e, counts[j]})
		case counts[j] > 0:
			res.Matched = append(res.Matched, EntryResult{e, counts[j]})
		default:
			res.Stale = append(res.Stale, e)
		}
	}
	return res
}

func (e *Entry) reason() string {
	if x := e.ExpiresString(); x != "" {
		return e.Reason + " (until " + x + ")"
	}
	return e.Reason
}

// matchesID reports whether id names the finding.
func matchesID(id string, v *model.Vulnerability) bool {
	if strings.EqualFold(id, v.ID) {
		return true
	}
	for _, ids := range [][]string{v.Aliases, v.Advisories} {
		for _, a := range ids {
			if strings.EqualFold(id, a) {
				return true
			}
		}
	}
	return false
}

func (e *Entry) matchesPackage(p *model.Package, pu *packageurl.PackageURL) bool {
	switch {
	case e.Package == "":
		return true
	case e.pkgURL != nil:
		return pu != nil && matchPURL(e.pkgURL, pu, p)
	}
	if p.Name == e.Package && (e.Version == "" || e.Version == p.Version) {
		return true
	}
	return p.SourceName() == e.Package && (e.Version == "" || e.Version == p.SourceVersion())
}

// packageURL returns the parsed package URL of p (its own, or one derived
// from its fields), or nil.
func packageURL(p *model.Package) *packageurl.PackageURL {
	s := p.PURL
	if s == "" {
		s = purl.For(*p, nil)
	}
	if s == "" {
		return nil
	}
	u, err := packageurl.FromString(s)
	if err != nil {
		return nil
	}
	return &u
}

// matchPURL reports whether the package URL pattern pat matches the
// package p whose URL is pu.
func matchPURL(pat, pu *packageurl.PackageURL, p *model.Package) bool {
	if pat.Type != pu.Type || pat.Namespace != pu.Namespace || pat.Subpath != "" && pat.Subpath != pu.Subpath {
		return false
	}
	if !qualifiersSubset(pat, pu) {
		return false
	}
	if pat.Name == pu.Name && (pat.Version == "" || equalVersion(pat, pat.Version, pu.Version)) {
		return true
	}
	// OS packages: the pattern may name the source package.
	switch model.PackageType(pu.Type) {
	case model.TypeDeb, model.TypeAPK, model.TypeRPM:
		if pat.Name != strings.ToLower(p.SourceName()) && pat.Name != p.SourceName() {
			return false
		}
		return pat.Version == "" || equalVersion(pat, pat.Version, p.SourceVersion())
	}
	return false
}

// equalVersion compares a pattern version with a package version; for rpm
// the epoch ("1:") is not part of a package URL's version but of its epoch
// qualifier, so it is dropped from both sides.
func equalVersion(pat *packageurl.PackageURL, a, b string) bool {
	if a == b {
		return true
	}
	if pat.Type == string(model.TypeRPM) {
		return stripEpoch(a) == stripEpoch(b)
	}
	return false
}

func stripEpoch(v string) string {
	if _, after, ok := strings.Cut(v, ":"); ok {
		return after
	}
	return v
}

// qualifiersSubset reports whether every qualifier of pat is in pu with
// the same value.
func qualifiersSubset(pat, pu *packageurl.PackageURL) bool {
	if len(pat.Qualifiers) == 0 {
		return true
	}
	have := pu.Qualifiers.Map()
	for _, q := range pat.Qualifiers {
		if v, ok := have[q.Key]; !ok || v != q.Value {
			return false
		}
	}
	return true
}
