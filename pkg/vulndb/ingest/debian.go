package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/drydockhq/drydock/pkg/lazyre"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
)

// Debian security tracker JSON (security-tracker.debian.org/tracker/data/json):
// one document for the whole archive,
//
//	{"openssl": {"CVE-2023-5678": {"description": ..., "scope": "local",
//	   "releases": {"bookworm": {"status": "resolved",
//	     "repositories": {"bookworm": "3.0.11-1~deb12u2"},
//	     "fixed_version": "3.0.13-1~deb12u1", "urgency": "not yet assigned"}}}}}
//
// Each (source package, issue) becomes the advisory
// "DEBIAN-<issue>-<package>" with one affected[] entry per release in the
// ecosystem "Debian:<major>" (bookworm → Debian:12):
//
//   - resolved, fixed_version V  → introduced 0, fixed V
//   - resolved, fixed_version 0  → not affected: no entry
//   - open                       → introduced 0, no fix
//   - undetermined               → introduced 0, no fix, status kept
//
// urgency, nodsa and nodsa_reason go to ecosystem_specific. sid and
// experimental have no release number and are not imported. Debian's own
// OSV export is plain OSV and goes through the OSV reader.
type debIssue struct {
	Description string                `json:"description"`
	Scope       string                `json:"scope"`
	Releases    map[string]debRelease `json:"releases"`
}

type debRelease struct {
	Status       string `json:"status"`
	FixedVersion string `json:"fixed_version"`
	Urgency      string `json:"urgency"`
	NoDSA        string `json:"nodsa"`
	NoDSAReason  string `json:"nodsa_reason"`
}

func debianRelease(codename string) string {
	switch codename {
	case "buzz":
		return "1.1"
	case "rex":
		return "1.2"
	case "bo":
		return "1.3"
	case "hamm":
		return "2.0"
	case "slink":
		return "2.1"
	case "potato":
		return "2.2"
	case "woody":
		return "3.0"
	case "sarge":
		return "3.1"
	case "etch":
		return "4"
	case "lenny":
		return "5"
	case "squeeze":
		return "6"
	case "wheezy":
		return "7"
	case "jessie":
		return "8"
	case "stretch":
		return "9"
	case "buster":
		return "10"
	case "bullseye":
		return "11"
	case "bookworm":
		return "12"
	case "trixie":
		return "13"
	case "forky":
		return "14"
	case "duke":
		return "15"
	}
	return ""
}

var (
	debSource  = lazyre.New(`^[a-z0-9][a-z0-9+.-]+$`)
	debIssueID = lazyre.New(`^(CVE-\d{4}-\d{4,}|TEMP-\d+-[0-9A-Fa-f]+|DSA-\d+(-\d+)?|DLA-\d+(-\d+)?)$`)
)

// parseDebianTracker streams the tracker document one package at a time.
func parseDebianTracker(in *input) (*result, error) {
	dec := json.NewDecoder(bytes.NewReader(in.data))
	if err := expectDelim(dec, '{'); err != nil {
		return nil, fmt.Errorf("Debian tracker JSON: %w", err)
	}
	res := &result{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("Debian tracker JSON: %w", err)
		}
		pkg, _ := tok.(string)
		var issues map[string]debIssue
		if err := dec.Decode(&issues); err != nil {
			return nil, fmt.Errorf("Debian tracker JSON: package %q: %w", pkg, err)
		}
		if !debSource().MatchString(pkg) {
			res.skipped = append(res.skipped, fmt.Sprintf("Debian tracker: bad source package name %q", pkg))
			continue
		}
		for _, id := range sortedKeys(issues) {
			if !debIssueID().MatchString(id) {
				res.skipped = append(res.skipped, fmt.Sprintf("Debian tracker: %s: bad issue ID %q", pkg, id))
				continue
			}
			if e := debianEntry(in, pkg, id, issues[id], res); e != nil {
				res.entries = append(res.entries, e)
			}
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return nil, fmt.Errorf("Debian tracker JSON: %w", err)
	}
	return res, nil
}

func expectDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != d {
		return fmt.Errorf("expected %q, found %v", d, tok)
	}
	return nil
}

func debianEntry(in *input, pkg, id string, issue debIssue, res *result) *osv.Entry {
	var affected []osv.Affected
	for _, codename := range sortedKeys(issue.Releases) {
		r := issue.Releases[codename]
		rel := debianRelease(codename)
		if rel == "" {
			res.note("Debian release without a number (sid, experimental, unknown), not imported")
			continue
		}
		es := map[string]any{"status": r.Status}
		for k, v := range map[string]string{"urgency": r.Urgency, "nodsa": r.NoDSA, "nodsa_reason": r.NoDSAReason} {
			if v != "" {
				es[k] = v
			}
		}
		a := osv.Affected{Package: osv.Package{Ecosystem: "Debian:" + rel, Name: pkg}}
		fixed := strings.TrimSpace(r.FixedVersion)
		switch {
		case r.Status == "resolved" && fixed == "0":
			res.note("Debian fixed_version 0: package not affected, not imported")
			continue
		case r.Status == "resolved" && debVersion().MatchString(fixed):
			a.Ranges = []osv.Range{{Type: osv.RangeEcosystem, Events: []osv.Event{{Introduced: "0"}, {Fixed: fixed}}}}
		case r.Status == "resolved":
			res.skipped = append(res.skipped, fmt.Sprintf("Debian tracker: %s %s %s: resolved with bad fixed_version %q", pkg, id, codename, fixed))
			continue
		case r.Status == "open" || r.Status == "undetermined":
			a.Ranges = []osv.Range{{Type: osv.RangeEcosystem, Events: []osv.Event{{Introduced: "0"}}}}
		default:
			res.skipped = append(res.skipped, fmt.Sprintf("Debian tracker: %s %s %s: unknown status %q", pkg, id, codename, r.Status))
			continue
		}
		a.EcosystemSpecific = rawJSON(es)
		affected = append(affected, a)
	}
	if len(affected) == 0 {
		return nil
	}
	e := &osv.Entry{
		ID:       "DEBIAN-" + id + "-" + pkg,
		Modified: in.modTime,
		Details:  strings.TrimSpace(issue.Description),
		Affected: affected,
		References: []osv.Reference{{
			Type: "ADVISORY", URL: "https://security-tracker.debian.org/tracker/" + id,
		}},
	}
	if strings.HasPrefix(id, "CVE-") {
		e.Aliases = []string{id}
	}
	return e
}
