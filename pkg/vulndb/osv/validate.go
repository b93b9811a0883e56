package osv

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// MaxIDLen bounds the length of an advisory ID.
const MaxIDLen = 256

// ErrInvalid is wrapped by every error Validate returns.
var ErrInvalid = errors.New("invalid OSV entry")

// Decode parses one OSV JSON document and validates it. Unknown fields are
// ignored, as the schema asks of consumers.
func Decode(data []byte) (*Entry, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return nil, fmt.Errorf("%w: not a JSON object", ErrInvalid)
	}
	var e Entry
	if err := json.Unmarshal(data, &e); err != nil {
		return nil, fmt.Errorf("decoding OSV JSON: %w", err)
	}
	if err := Validate(&e); err != nil {
		return nil, err
	}
	return &e, nil
}

// Validate makes the minimal checks a consumer relies on: the entry has an
// ID; every affected[] entry names a package (ecosystem and name) or is a
// pure GIT range; every range has a known type, at least one "introduced"
// event, and events with exactly one field set.
func Validate(e *Entry) error {
	if e == nil {
		return fmt.Errorf("%w: nil entry", ErrInvalid)
	}
	if err := checkID(e.ID); err != nil {
		return err
	}
	for i := range e.Affected {
		if err := validateAffected(&e.Affected[i]); err != nil {
			return fmt.Errorf("%w: %s: affected[%d]: %s", ErrInvalid, e.ID, i, err)
		}
	}
	for i, s := range e.Severity {
		if s.Type == "" || s.Score == "" {
			return fmt.Errorf("%w: %s: severity[%d]: empty type or score", ErrInvalid, e.ID, i)
		}
	}
	return nil
}

func checkID(id string) error {
	if id == "" {
		return fmt.Errorf("%w: empty id", ErrInvalid)
	}
	if len(id) > MaxIDLen {
		return fmt.Errorf("%w: id longer than %d bytes", ErrInvalid, MaxIDLen)
	}
	if strings.IndexFunc(id, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return fmt.Errorf("%w: id %q contains spaces or control characters", ErrInvalid, id)
	}
	return nil
}

func validateAffected(a *Affected) error {
	p := a.Package
	switch {
	case p.Ecosystem == "" && p.Name == "":
		// Allowed only for pure GIT ranges (entries that name a repository, not a package).
		if len(a.Ranges) == 0 {
			return errors.New("no package and no ranges")
		}
		for _, r := range a.Ranges {
			if r.Type != RangeGit {
				return errors.New("no package and a non-GIT range")
			}
		}
	case p.Ecosystem == "":
		return errors.New("package has no ecosystem")
	case p.Name == "":
		return errors.New("package has no name")
	}
	if strings.ContainsRune(p.Ecosystem, 0) || strings.ContainsRune(p.Name, 0) {
		return errors.New("NUL byte in package")
	}
	for i := range a.Ranges {
		if err := validateRange(&a.Ranges[i]); err != nil {
			return fmt.Errorf("ranges[%d]: %w", i, err)
		}
	}
	for i, s := range a.Severity {
		if s.Type == "" || s.Score == "" {
			return fmt.Errorf("severity[%d]: empty type or score", i)
		}
	}
	return nil
}

func validateRange(r *Range) error {
	switch r.Type {
	case RangeEcosystem, RangeSemver:
	case RangeGit:
		if r.Repo == "" {
			return errors.New("GIT range without repo")
		}
	default:
		return fmt.Errorf("unknown range type %q", r.Type)
	}
	if len(r.Events) == 0 {
		return errors.New("no events")
	}
	introduced := false
	for i, ev := range r.Events {
		n := 0
		for _, v := range [...]string{ev.Introduced, ev.Fixed, ev.LastAffected, ev.Limit} {
			if v != "" {
				n++
			}
		}
		if n != 1 {
			return fmt.Errorf("events[%d]: %d fields set, want 1", i, n)
		}
		if ev.Introduced != "" {
			introduced = true
		}
	}
	if !introduced {
		return errors.New("no introduced event")
	}
	return nil
}
