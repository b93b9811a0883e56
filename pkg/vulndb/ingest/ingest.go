// Package ingest builds drydock vulnerability DB files (read by
// pkg/vulndb) from OSV data and from the native formats of a few advisory
// databases, converted to OSV on the way in.
//
// Inputs are files, directories (walked recursively) and archives (.zip,
// .tar, .tar.gz, .tar.zst). Each document inside is recognised by its name
// and its first bytes; see README.md in pkg/vulndb for the formats and how
// each maps to OSV. Malformed records are skipped and counted, never fatal;
// an unreadable input or output is.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/vulndb/internal/dbfile"
)

// Options configure Build.
type Options struct {
	// Logger receives one warning per skipped record; nil discards.
	Logger *slog.Logger
	// Now gives the build time; nil means time.Now.
	Now func() time.Time
}

// Report says what a Build did.
type Report struct {
	// Path is the DB file written.
	Path string `json:"path"`
	// Size is its size in bytes.
	Size int64 `json:"size"`
	// BuiltAt is the build time recorded in the DB.
	BuiltAt time.Time `json:"builtAt"`
	// Duration is how long the build took.
	Duration time.Duration `json:"duration"`
	// Advisories is the number of advisories stored.
	Advisories int `json:"advisories"`
	// Packages is the number of (ecosystem, package) index keys.
	Packages int `json:"packages"`
	// Counts maps each ecosystem ("Debian:12") to the number of advisories
	// that name a package in it.
	Counts  map[string]int  `json:"counts"`
	Sources []*SourceReport `json:"sources"`
}

// SourceReport is what one input contributed.
type SourceReport struct {
	// Name is the input's base name; Path the path given to Build.
	Name string `json:"name"`
	Path string `json:"path"`
	// SHA256 is the hex SHA-256 of the input file; for a directory, of the
	// lines "<sha256 of file>  <relative path>\n" of all its files in
	// lexical order.
	SHA256 string `json:"sha256"`
	// Formats lists the formats recognised in the input.
	Formats []string `json:"formats"`
	// Files is the number of documents read.
	Files int `json:"files"`
	// Records is the number of advisories from this input stored in the DB.
	Records int `json:"records"`
	// Duplicates counts advisories dropped because another record with the
	// same ID and a newer or equal modification time was kept.
	Duplicates int `json:"duplicates,omitempty"`
	// Skipped counts malformed records (or whole documents) skipped with a
	// warning.
	Skipped int `json:"skipped"`
	// Warnings holds the first maxWarnings of those warnings.
	Warnings []Warning `json:"warnings,omitempty"`
	// Notes counts deliberate decisions of the converters: data not
	// imported by design ("Alpine fix version 0: not affected") and
	// lossy conversions ("exclusive lower bound approximated").
	Notes map[string]int `json:"notes,omitempty"`
}

// Warning is one skipped record.
type Warning struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

const maxWarnings = 100

func (s *SourceReport) warn(log *slog.Logger, path, msg string) {
	s.Skipped++
	if len(s.Warnings) < maxWarnings {
		s.Warnings = append(s.Warnings, Warning{Path: path, Message: msg})
	}
	log.Warn("skipping vulnerability record", "source", s.Name, "path", path, "reason", msg)
}

func (s *SourceReport) note(reason string, n int) {
	if n == 0 {
		return
	}
	if s.Notes == nil {
		s.Notes = make(map[string]int)
	}
	s.Notes[reason] += n
}

func (s *SourceReport) addFormat(f string) {
	if !slices.Contains(s.Formats, f) {
		s.Formats = append(s.Formats, f)
	}
}

// Build reads inputs and writes a new DB file at out. The file is written
// to a temporary name in out's directory and renamed over out only when
// complete, so a failed or interrupted build leaves an existing DB intact.
func Build(ctx context.Context, out string, inputs []string, opts Options) (*Report, error) {
	start := time.Now()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	if len(inputs) == 0 {
		return nil, errors.New("building vulnerability DB: no inputs")
	}
	col, err := newCollector()
	if err != nil {
		return nil, err
	}
	inputs, err = expandInputs(inputs)
	if err != nil {
		return nil, err
	}
	rep := &Report{Path: out, BuiltAt: now().UTC()}
	for i, in := range inputs {
		src := &SourceReport{Name: filepath.Base(in), Path: in}
		rep.Sources = append(rep.Sources, src)
		if _, err := os.Stat(in); err != nil {
			return nil, fmt.Errorf("reading input: %w", err) // a typo, not bad data
		}
		if err := readInput(ctx, in, i, src, col, log); err != nil {
			if ctx.Err() != nil {
				return nil, err
			}
			// An unreadable input (a truncated zip in a folder of feeds)
			// costs that input, counted, not the build; the records read
			// from it before the error stay.
			src.Skipped++
			src.note("input unreadable: "+err.Error(), 1)
			log.Warn("skipping unreadable vulnerability source", "source", src.Name, "err", err)
			continue
		}
		log.Info("read vulnerability source", "source", src.Name, "files", src.Files, "skipped", src.Skipped)
	}
	contents, err := col.finish(rep)
	if err != nil {
		return nil, err
	}
	if rep.Advisories == 0 {
		return nil, errors.New("building vulnerability DB: the inputs hold no advisories")
	}
	contents.BuiltAt = rep.BuiltAt
	for _, s := range rep.Sources {
		contents.Sources = append(contents.Sources, model.DBSource{Name: s.Name, Records: s.Records, Skipped: s.Skipped, SHA256: s.SHA256})
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if rep.Size, err = writeAtomic(out, contents); err != nil {
		return nil, err
	}
	rep.Duration = time.Since(start)
	log.Info("built vulnerability DB", "path", out, "advisories", rep.Advisories, "bytes", rep.Size, "duration", rep.Duration)
	return rep, nil
}

// writeAtomic writes c to a temporary file beside out and renames it to out.
func writeAtomic(out string, c *dbfile.Contents) (size int64, err error) {
	dir := filepath.Dir(out)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(out)+".tmp-*")
	if err != nil {
		return 0, fmt.Errorf("creating vulnerability DB in %s: %w", dir, err)
	}
	name := tmp.Name()
	if err := tmp.Close(); err != nil {
		return 0, fmt.Errorf("creating %s: %w", name, err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(name)
		}
	}()
	if err := dbfile.Write(name, c); err != nil {
		return 0, err
	}
	if err := os.Chmod(name, 0o644); err != nil {
		return 0, fmt.Errorf("writing %s: %w", name, err)
	}
	fi, err := os.Stat(name)
	if err != nil {
		return 0, fmt.Errorf("writing %s: %w", name, err)
	}
	if err := os.Rename(name, out); err != nil {
		return 0, fmt.Errorf("installing vulnerability DB %s: %w", out, err)
	}
	syncDir(dir)
	return fi.Size(), nil
}

// syncDir makes a rename in dir durable; failures only cost durability.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}

// readAll reads r up to limit bytes; larger content is an error.
func readAll(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("record larger than %d MiB", limit>>20)
	}
	return b, nil
}
