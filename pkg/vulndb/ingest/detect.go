package ingest

import (
	"bytes"
	"path"
	"strings"
	"time"

	"github.com/drydockhq/drydock/pkg/lazyre"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
)

// input is one document handed to a parser.
type input struct {
	path    string
	data    []byte
	modTime time.Time
}

// result is what a parser found in a document.
type result struct {
	entries []*osv.Entry
	// skipped holds one message per malformed record left out.
	skipped []string
	// notes counts deliberate decisions (see SourceReport.Notes).
	notes map[string]int
}

func (r *result) note(reason string) {
	if r.notes == nil {
		r.notes = make(map[string]int)
	}
	r.notes[reason]++
}

// format is one input format.
type format struct {
	name  string
	parse func(in *input) (*result, error)
	// mergeable formats emit the same advisory ID from several documents
	// (one per release); the builder merges their affected[] lists.
	mergeable bool
	// maxSize bounds the document; 0 means dbfile.MaxRecord.
	maxSize int64
}

// Format names, as reported in SourceReport.Formats.
const (
	nameOSV       = "osv"
	nameAlpine    = "alpine-secdb"
	nameRubysec   = "rubysec"
	namePackagist = "friendsofphp"
	nameNodesec   = "nodejs-security-wg"
	nameUbuntu    = "ubuntu-cve-tracker"
	nameDebian    = "debian-security-tracker"
)

// formatByName returns the format called name.
func formatByName(name string) *format {
	switch name {
	case nameOSV:
		return &format{name: name, parse: parseOSV}
	case nameAlpine:
		return &format{name: name, parse: parseAlpine, mergeable: true}
	case nameRubysec:
		return &format{name: name, parse: parseRubysec}
	case namePackagist:
		return &format{name: name, parse: parsePackagist}
	case nameNodesec:
		return &format{name: name, parse: parseNodesec}
	case nameUbuntu:
		return &format{name: name, parse: parseUbuntu}
	case nameDebian:
		return &format{name: name, parse: parseDebianTracker, maxSize: 1 << 30}
	}
	return nil
}

// sniffLen is how much of a document detect sees.
const sniffLen = 8 << 10

var trackerHead = lazyre.New(`^\s*\{\s*"[^"]*"\s*:\s*\{\s*"(CVE|TEMP)-`)

// detect picks the format of a document from its path and first bytes.
// It returns nil and a note for documents that are deliberately not
// imported, nil and "" for files that are not advisories at all (READMEs,
// licences), and nil with unknown set for advisory-looking files (.json,
// .yaml) of no known format.
func detect(p string, head []byte) (f *format, note string, unknown bool) {
	name, note, unknown := detectName(p, head)
	if name == "" {
		return nil, note, unknown
	}
	return formatByName(name), "", false
}

func detectName(p string, head []byte) (name, note string, unknown bool) {
	base := path.Base(p)
	ext := strings.ToLower(path.Ext(base))
	slashed := "/" + p
	switch ext {
	case ".json":
		switch {
		case strings.Contains(slashed, "/vuln/") && base == "index.json":
			return "", "Node.js security WG index.json (repeats the per-advisory files), not imported", false
		case strings.Contains(slashed, "/vuln/core/"):
			return "", "Node.js core advisory (no OSV ecosystem; not imported)", false
		case bytes.Contains(head, []byte(`"module_name"`)) && (bytes.Contains(head, []byte(`"vulnerable_versions"`)) || bytes.Contains(head, []byte(`"patched_versions"`))):
			return nameNodesec, "", false
		case bytes.Contains(head, []byte(`"distroversion"`)):
			return nameAlpine, "", false
		case trackerHead().Match(head):
			return nameDebian, "", false
		}
		// OSV by default: its decoder says precisely what is wrong with a
		// document that is not (the "id" may come after a long "details").
		return nameOSV, "", false
	case ".yaml", ".yml":
		switch {
		case bytes.Contains(head, []byte("distroversion:")):
			return nameAlpine, "", false
		case bytes.Contains(head, []byte("composer://")):
			return namePackagist, "", false
		case strings.Contains(slashed, "/rubies/"):
			return "", "rubysec Ruby interpreter advisory (no OSV ecosystem; not imported)", false
		case bytes.Contains(head, []byte("\ngem:")) || bytes.HasPrefix(head, []byte("gem:")) || strings.Contains(slashed, "/gems/"):
			return nameRubysec, "", false
		}
		return "", "", true
	case "":
		if strings.HasPrefix(base, "CVE-") && bytes.Contains(head, []byte("Candidate:")) {
			return nameUbuntu, "", false
		}
	}
	return "", "", false
}
