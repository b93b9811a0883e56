package ingest

import (
	"bufio"
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/drydockhq/drydock/pkg/lazyre"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
)

// Ubuntu CVE Tracker (UCT, git.launchpad.net/ubuntu-cve-tracker): one text
// file per CVE (active/CVE-…, retired/CVE-…) with header fields and one
// status line per release and source package:
//
//	Candidate: CVE-2020-1967
//	PublicDate: 2020-04-21 13:15:00 UTC
//	Priority: high
//	bionic_openssl: released (1.1.1-1ubuntu2.1~18.04.6)
//	focal_openssl: needed
//
// Each file becomes the advisory "UBUNTU-<CVE>" with one affected[] entry
// per (release, package) that is or was affected:
//
//   - released (V)                  → introduced 0, fixed V
//   - needed, deferred, pending     → introduced 0, no fix
//   - needs-triage                  → introduced 0, no fix, marked
//     "status": "needs-triage" (the tracker has not decided yet; the
//     matcher may choose to drop these)
//   - not-affected, DNE, ignored    → no entry
//
// The release codename maps to the OSV ecosystem "Ubuntu:<version>"
// (bionic → Ubuntu:18.04); "<codename>/esm" lines map to
// "Ubuntu:Pro:<version>" (Extended Security Maintenance archives). upstream,
// devel (a moving target), snap, product and the phone/core overlays are
// not imported. Priority (or Priority_<package>) becomes an "Ubuntu"
// severity and ecosystem_specific.priority; CVSS vectors become
// entry-level severities.

// ubuntuReleases maps UCT codenames to Ubuntu version numbers.
func ubuntuRelease(codename string) string {
	switch codename {
	case "warty":
		return "4.10"
	case "hoary":
		return "5.04"
	case "breezy":
		return "5.10"
	case "dapper":
		return "6.06"
	case "edgy":
		return "6.10"
	case "feisty":
		return "7.04"
	case "gutsy":
		return "7.10"
	case "hardy":
		return "8.04"
	case "intrepid":
		return "8.10"
	case "jaunty":
		return "9.04"
	case "karmic":
		return "9.10"
	case "lucid":
		return "10.04"
	case "maverick":
		return "10.10"
	case "natty":
		return "11.04"
	case "oneiric":
		return "11.10"
	case "precise":
		return "12.04"
	case "quantal":
		return "12.10"
	case "raring":
		return "13.04"
	case "saucy":
		return "13.10"
	case "trusty":
		return "14.04"
	case "utopic":
		return "14.10"
	case "vivid":
		return "15.04"
	case "wily":
		return "15.10"
	case "xenial":
		return "16.04"
	case "yakkety":
		return "16.10"
	case "zesty":
		return "17.04"
	case "artful":
		return "17.10"
	case "bionic":
		return "18.04"
	case "cosmic":
		return "18.10"
	case "disco":
		return "19.04"
	case "eoan":
		return "19.10"
	case "focal":
		return "20.04"
	case "groovy":
		return "20.10"
	case "hirsute":
		return "21.04"
	case "impish":
		return "21.10"
	case "jammy":
		return "22.04"
	case "kinetic":
		return "22.10"
	case "lunar":
		return "23.04"
	case "mantic":
		return "23.10"
	case "noble":
		return "24.04"
	case "oracular":
		return "24.10"
	case "plucky":
		return "25.04"
	case "questing":
		return "25.10"
	}
	return ""
}

// ubuntuEcosystem returns the ecosystem of a UCT release field, or "".
func ubuntuEcosystem(rel string) string {
	codename, variant, _ := strings.Cut(rel, "/")
	v := ubuntuRelease(codename)
	switch {
	case v == "":
		return ""
	case variant == "":
		return "Ubuntu:" + v
	case variant == "esm":
		return "Ubuntu:Pro:" + v
	}
	return ""
}

var (
	uctStatusLine = lazyre.New(`^([a-z]+(?:/[a-z-]+)?)_([a-z0-9][a-z0-9+.-]*):\s*([a-zA-Z-]+)\s*(.*)$`)
	uctPriority   = lazyre.New(`^Priority(?:_([a-z0-9][a-z0-9+.-]*))?:\s*(\S*)`)
	debVersion    = lazyre.New(`^[0-9][A-Za-z0-9.+:~-]*$`)
)

func parseUbuntu(in *input) (*result, error) {
	res := &result{}
	var (
		candidate, published, desc, ubuntuDesc string
		priority                               string
		pkgPriority                            = map[string]string{}
		refs, cvss                             []string
		lines                                  []uctLine
		field                                  string // the multi-line field being read
	)
	sc := bufio.NewScanner(bytes.NewReader(in.data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, " ") {
			text := strings.TrimSpace(line)
			switch field {
			case "Description":
				desc += text + "\n"
			case "Ubuntu-Description":
				ubuntuDesc += text + "\n"
			case "References":
				if strings.HasPrefix(text, "http") {
					refs = append(refs, strings.Fields(text)[0])
				}
			case "CVSS":
				// " nvd: CVSS:3.1/AV:N/..." (older files: just the vector)
				for _, f := range strings.Fields(text) {
					if strings.HasPrefix(f, "CVSS:") {
						cvss = append(cvss, f)
					}
				}
			}
			continue
		}
		field = ""
		if m := uctPriority().FindStringSubmatch(line); m != nil {
			if m[1] == "" {
				priority = m[2]
			} else {
				pkgPriority[m[1]] = m[2]
			}
			continue
		}
		if m := uctStatusLine().FindStringSubmatch(line); m != nil {
			l, note, skip := ubuntuLine(m[1], m[2], m[3], m[4])
			switch {
			case skip != "":
				res.skipped = append(res.skipped, skip)
			case note != "":
				res.note(note)
			default:
				lines = append(lines, l)
			}
			continue
		}
		key, val, ok := strings.Cut(line, ":")
		if !ok || strings.ContainsAny(key, " \t") {
			continue
		}
		val = strings.TrimSpace(val)
		field = key
		switch key {
		case "Candidate":
			candidate = val
		case "PublicDate":
			published = val
		case "Description":
			desc = joinNonEmpty(val)
		case "Ubuntu-Description":
			ubuntuDesc = joinNonEmpty(val)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading UCT file: %w", err)
	}
	if !cveID().MatchString(candidate) {
		return nil, fmt.Errorf("UCT: bad Candidate %q", candidate)
	}
	if len(lines) == 0 {
		res.note("UCT CVE with no affected release, not imported")
		return res, nil
	}
	affected := make([]osv.Affected, 0, len(lines))
	for _, l := range lines {
		a := l.affected
		p := priority
		if pp, ok := pkgPriority[a.Package.Name]; ok {
			p = pp
		}
		es := map[string]any{"status": l.status}
		if p != "" {
			es["priority"] = p
		}
		if l.detail != "" {
			es["note"] = l.detail
		}
		a.EcosystemSpecific = rawJSON(es)
		switch p {
		case "negligible", "low", "medium", "high", "critical":
			a.Severity = []osv.Severity{{Type: osv.SeverityUbuntu, Score: p}}
		}
		affected = append(affected, a)
	}
	e := &osv.Entry{
		ID:       "UBUNTU-" + candidate,
		Modified: in.modTime,
		Aliases:  []string{candidate},
		Details:  strings.TrimSpace(strings.TrimSpace(desc) + "\n\n" + strings.TrimSpace(ubuntuDesc)),
		Affected: affected,
		References: []osv.Reference{{
			Type: "ADVISORY", URL: "https://ubuntu.com/security/" + candidate,
		}},
	}
	for _, r := range refs {
		e.References = append(e.References, osv.Reference{Type: "WEB", URL: r})
	}
	for _, v := range cvss {
		typ := ""
		switch {
		case strings.HasPrefix(v, "CVSS:3."):
			typ = osv.SeverityCVSSv3
		case strings.HasPrefix(v, "CVSS:4."):
			typ = osv.SeverityCVSSv4
		}
		if typ != "" && !slices.Contains(e.Severity, osv.Severity{Type: typ, Score: v}) {
			e.Severity = append(e.Severity, osv.Severity{Type: typ, Score: v})
		}
	}
	for _, layout := range []string{"2006-01-02 15:04:05 MST", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, published); err == nil {
			e.Published = t.UTC()
			break
		}
	}
	res.entries = append(res.entries, e)
	return res, nil
}

func joinNonEmpty(s string) string {
	if s == "" {
		return ""
	}
	return s + "\n"
}

// uctLine is one status line that yields an affected[] entry.
type uctLine struct {
	affected osv.Affected
	status   string // "released", "needed", ...
	detail   string // the status comment ("(2020-01-01)", "[code not present]")
}

// ubuntuLine converts one status line. It returns the line, or a note for a
// line deliberately not imported, or a skip message for a malformed one.
func ubuntuLine(rel, pkg, status, rest string) (l uctLine, note, skip string) {
	eco := ubuntuEcosystem(rel)
	if eco == "" {
		return l, "UCT release not mapped (upstream, devel, snap, overlays, unknown)", ""
	}
	l.status = status
	l.detail = strings.TrimSpace(strings.Trim(strings.TrimSpace(rest), "()[]"))
	l.affected.Package = osv.Package{Ecosystem: eco, Name: pkg}
	switch status {
	case "released":
		v, _, _ := strings.Cut(strings.Trim(l.detail, "( "), " ")
		v = strings.TrimRight(v, ",")
		if !debVersion().MatchString(v) {
			return l, "UCT released without a version, not imported", ""
		}
		l.affected.Ranges = []osv.Range{{Type: osv.RangeEcosystem, Events: []osv.Event{{Introduced: "0"}, {Fixed: v}}}}
		l.detail = ""
	case "needed", "deferred", "pending", "needs-triage":
		l.affected.Ranges = []osv.Range{{Type: osv.RangeEcosystem, Events: []osv.Event{{Introduced: "0"}}}}
	case "not-affected", "DNE", "ignored":
		return l, "UCT status " + status + ", not imported", ""
	default:
		return l, "", fmt.Sprintf("UCT: %s_%s: unknown status %q", rel, pkg, status)
	}
	return l, "", ""
}
