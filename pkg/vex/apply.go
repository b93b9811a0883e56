package vex

import (
	"slices"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/purl"
)

// Result says what Apply did.
type Result struct {
	// Suppressed is the number of findings Apply marked suppressed
	// (not_affected or fixed); findings already suppressed by something
	// else keep their Suppressed and are not counted.
	Suppressed int
	// Noted is the number of findings given a note by an affected or
	// under_investigation statement.
	Noted int
	// Statements has one entry per statement of the document, in order.
	Statements []StatementResult
}

// StatementResult says how many findings a statement decided.
type StatementResult struct {
	Statement *Statement
	// Findings is the number of findings the statement decided (it was the
	// latest of those that apply).
	Findings int
	// Superseded is the number of findings it applies to but a later
	// statement decided.
	Superseded int
}

// Unused returns the statements that apply to no finding: they name other
// vulnerabilities, products or versions (normal in a document that covers
// several images), or are mistyped.
func (r Result) Unused() []*Statement {
	var out []*Statement
	for _, s := range r.Statements {
		if s.Findings == 0 && s.Superseded == 0 {
			out = append(out, s.Statement)
		}
	}
	return out
}

// Apply applies the document's statements to the findings of a scan (see
// the package documentation for which statements apply and what they do).
// It changes vs in place — Suppressed (a new value per finding, and only
// when the finding has none) and Note — and neither reorders nor removes
// findings.
//
// subjects name the scanned image, for statements whose product is an
// image: references ("registry.example.com/shop/web:1.4.2",
// "debian:12@sha256:…"), manifest digests ("sha256:…") or pkg:oci package
// URLs; Subjects(report.Artifact) returns them. Without subjects only
// statements about packages apply. A statement naming the image by digest
// applies only when the subject's digest is that one; by repository (and
// tag, if it gives one) it applies to any digest.
func (d *Document) Apply(vs []model.Vulnerability, subjects ...string) Result {
	res := Result{Statements: make([]StatementResult, len(d.Statements))}
	for i := range d.Statements {
		res.Statements[i].Statement = &d.Statements[i]
	}
	if len(vs) == 0 || len(d.Statements) == 0 {
		return res
	}
	subj := newSubject(subjects)

	// Statements by lower-case vulnerability name and alias.
	byName := map[string][]int{}
	for i := range d.Statements {
		for _, n := range d.Statements[i].Vulnerability.Names() {
			k := strings.ToLower(n)
			if l := byName[k]; len(l) == 0 || l[len(l)-1] != i {
				byName[k] = append(l, i)
			}
		}
	}

	var cands []int
	for vi := range vs {
		v := &vs[vi]
		cands = d.candidates(cands[:0], byName, v)
		if len(cands) == 0 {
			continue
		}
		pkg := newPackageRef(&v.Package)
		best, applied := -1, 0
		for _, si := range cands {
			s := &d.Statements[si]
			if !s.appliesTo(subj, pkg) {
				continue
			}
			applied++
			res.Statements[si].Superseded++
			if best < 0 || !s.Timestamp.Before(d.Statements[best].Timestamp) {
				best = si // later timestamp, or equal and later in the document
			}
		}
		if best < 0 {
			continue
		}
		res.Statements[best].Superseded--
		res.Statements[best].Findings++
		s := &d.Statements[best]
		switch s.Status {
		case StatusNotAffected, StatusFixed:
			if v.Suppressed == nil {
				v.Suppressed = &model.Suppressed{By: SuppressedBy, Reason: s.reason()}
				res.Suppressed++
			}
		case StatusAffected, StatusUnderInvestigation:
			if v.Note != "" {
				v.Note += "; "
			}
			v.Note += s.note()
			res.Noted++
		}
	}
	return res
}

// candidates appends to dst the indexes, in document order, of the
// statements naming one of the finding's IDs.
func (d *Document) candidates(dst []int, byName map[string][]int, v *model.Vulnerability) []int {
	add := func(id string) {
		dst = append(dst, byName[strings.ToLower(id)]...)
	}
	add(v.ID)
	for _, a := range v.Aliases {
		add(a)
	}
	for _, a := range v.Advisories {
		add(a)
	}
	// A statement can name several of the IDs.
	slices.Sort(dst)
	return slices.Compact(dst)
}

// appliesTo reports whether one of the statement's products covers the
// package in the subject image.
func (s *Statement) appliesTo(subj *subject, pkg *packageRef) bool {
	for i := range s.Products {
		p := &s.Products[i]
		if len(p.Subcomponents) == 0 {
			if subj.matches(&p.Component) || pkg.matches(&p.Component) {
				return true
			}
			continue
		}
		if !subj.matches(&p.Component) {
			continue
		}
		for j := range p.Subcomponents {
			if pkg.matches(&p.Subcomponents[j]) {
				return true
			}
		}
	}
	return false
}

// reason is the Suppressed.Reason of a not_affected or fixed statement.
func (s *Statement) reason() string {
	if s.Status == StatusFixed {
		if n := strings.TrimSpace(s.StatusNotes); n != "" {
			return "fixed per VEX: " + n
		}
		return "fixed per VEX"
	}
	j, is := string(s.Justification), strings.TrimSpace(s.ImpactStatement)
	switch {
	case j != "" && is != "":
		return j + ": " + is
	case j != "":
		return j
	}
	return is
}

// note is the Note an affected or under_investigation statement adds.
func (s *Statement) note() string {
	var b strings.Builder
	if s.Status == StatusAffected {
		b.WriteString("VEX affected")
		if a := strings.TrimSpace(s.ActionStatement); a != "" {
			b.WriteString(": " + a)
		}
	} else {
		b.WriteString("VEX under investigation")
	}
	if n := strings.TrimSpace(s.StatusNotes); n != "" {
		b.WriteString(" (" + n + ")")
	}
	return b.String()
}

// packageRef is a finding's package, with its package URL parsed once.
type packageRef struct {
	u *packageurl.PackageURL // nil when the package has no usable URL
}

func newPackageRef(p *model.Package) *packageRef {
	s := p.PURL
	if s == "" {
		s = purl.For(*p, nil)
	}
	if s == "" {
		return &packageRef{}
	}
	u, err := packageurl.FromString(s)
	if err != nil {
		return &packageRef{}
	}
	return &packageRef{u: &u}
}

// matches reports whether one of the component's package URLs names the
// package.
func (r *packageRef) matches(c *Component) bool {
	if r.u == nil {
		return false
	}
	for _, id := range c.ids() {
		if !strings.HasPrefix(id, "pkg:") {
			continue
		}
		pat, err := packageurl.FromString(id)
		if err != nil || pat.Type == "oci" {
			continue
		}
		if matchPURL(&pat, r.u) {
			return true
		}
	}
	return false
}

// matchPURL reports whether the statement's package URL pat names the
// package whose URL is u: same type, namespace and name; pat's version,
// if any, equal to u's; pat's qualifiers, if any, all in u with the same
// values (the distro qualifier compared in its full form: Trivy writes
// "3.19.1" where syft and drydock write "alpine-3.19.1"; the epoch of rpm
// packages, which drydock also folds into the version, as a qualifier).
func matchPURL(pat, u *packageurl.PackageURL) bool {
	if pat.Type != u.Type || pat.Namespace != u.Namespace || pat.Name != u.Name {
		return false
	}
	if pat.Subpath != "" && pat.Subpath != u.Subpath {
		return false
	}
	pq, uq := qualifiers(pat), qualifiers(u)
	pv, uv := pat.Version, u.Version
	if pat.Type == string(model.TypeRPM) {
		pv, uv = splitEpoch(pv, pq), splitEpoch(uv, uq)
	}
	if pv != "" && pv != uv {
		return false
	}
	for k, v := range pq {
		if uq[k] != v {
			return false
		}
	}
	return true
}

// qualifiers returns the qualifiers of u, with distro in its full form.
func qualifiers(u *packageurl.PackageURL) map[string]string {
	q := u.Qualifiers.Map()
	if d := q["distro"]; d != "" && d[0] >= '0' && d[0] <= '9' && u.Namespace != "" {
		q["distro"] = strings.ToLower(u.Namespace) + "-" + d
	}
	return q
}

// splitEpoch moves an rpm epoch written in the version ("1:3.0.7-25.el9")
// into the epoch qualifier, returning the version without it.
func splitEpoch(v string, q map[string]string) string {
	if e, rest, ok := strings.Cut(v, ":"); ok {
		if q["epoch"] == "" {
			q["epoch"] = e
		}
		return rest
	}
	return v
}
