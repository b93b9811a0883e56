// Package vulndb is the read side of drydock's vulnerability database: the
// Store interface the matcher uses, the bbolt-backed DB that implements it
// (Open), and an in-memory Store for tests (NewMemory).
//
// The write side is pkg/vulndb/ingest; distribution bundles are
// pkg/vulndb/bundle. The file layout is described in README.md.
package vulndb

import (
	"context"
	"errors"
	"strings"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/vulndb/internal/dbfile"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
)

// SchemaVersion is the version of the DB file layout this package reads.
const SchemaVersion = dbfile.SchemaVersion

// Errors.
var (
	// ErrNotFound is returned by Get for an unknown advisory ID.
	ErrNotFound = errors.New("advisory not found")
	// ErrClosed is returned by the methods of a closed Store.
	ErrClosed = errors.New("vulnerability DB is closed")
	// ErrCorrupt is wrapped by errors about a damaged or foreign DB file.
	ErrCorrupt = errors.New("vulnerability DB is corrupt")
	// ErrSchema is wrapped when the DB has another schema version.
	ErrSchema = errors.New("unsupported vulnerability DB schema version")
)

// Store answers which advisories name a package.
//
// The entries a Store returns are shared: callers must not modify them.
// Withdrawn advisories are returned too (Entry.Withdrawn is set); dropping
// them is the matcher's decision.
type Store interface {
	// Affecting returns every advisory with an affected[] entry whose package
	// is (eco, name), sorted by ID. eco is the OSV ecosystem as stored, with
	// the release suffix where the data has one ("Debian:12", "Alpine:v3.10",
	// "AlmaLinux:9"); name is normalised with NormalizeName (the Store does
	// it too, so either form works). An unknown package is not an error: the
	// result is empty.
	Affecting(ctx context.Context, eco model.Ecosystem, name string) ([]*osv.Entry, error)
	// Info describes the DB: schema version, build time, sources, counts.
	Info(ctx context.Context) (model.DBInfo, error)
	Close() error
}

// NormalizeName returns the form of a package name under which a Store
// indexes it in ecosystem eco:
//
//   - PyPI: PEP 503 — lower case, every run of '-', '_' and '.' becomes '-'.
//   - everything else: unchanged (Go module paths, npm names, Maven
//     "group:artifact" and distribution package names are case-sensitive
//     or already canonical in OSV data).
func NormalizeName(eco model.Ecosystem, name string) string {
	if eco.Base() == model.EcoPyPI {
		return normalizePyPI(name)
	}
	return name
}

func normalizePyPI(name string) string {
	clean := true
	prevSep := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		sep := c == '-' || c == '_' || c == '.'
		if (c >= 'A' && c <= 'Z') || (sep && (c != '-' || prevSep)) {
			clean = false
			break
		}
		prevSep = sep
	}
	if clean {
		return name
	}
	var b strings.Builder
	b.Grow(len(name))
	prevSep = false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '-' || c == '_' || c == '.' {
			if !prevSep {
				b.WriteByte('-')
			}
			prevSep = true
			continue
		}
		prevSep = false
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}
