// Package pii counts personal data in the files of image layers: Hong Kong
// identity card numbers, payment card numbers, IBANs, e-mail addresses and
// phone numbers.
//
// Every candidate is validated the way its issuer defines it (HKID check
// digit, Luhn and card number prefixes, IBAN country length and mod-97), so
// that numbers that merely look right (order IDs, timestamps, version
// strings) are not counted. A file is reported when a kind reaches its
// threshold: one HKID, card or IBAN is enough; e-mail addresses and phone
// numbers count only as lists (MinEmails, MinPhones), since one contact
// address in a configuration file is not a data leak.
//
// Findings hold counts and one redacted sample per kind, never a value.
package pii

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

// Name is the extractor's name.
const Name = "pii"

// Kinds, as reported in model.PIIKind.Kind.
const (
	KindHKID       = "hkid"
	KindCreditCard = "credit-card"
	KindEmail      = "email"
	KindPhone      = "phone"
	KindIBAN       = "iban"
)

// Thresholds: the number of distinct values of a kind a file must hold for
// the kind to be reported.
const (
	// MinHKID: one HKID written as on the card, "A123456(3)", with a valid
	// check digit.
	MinHKID = 1
	// MinBareHKID: HKIDs without the parentheses ("A1234563") look like
	// many other codes, one in eleven of which has a valid check digit;
	// they count only as a list.
	MinBareHKID = 5
	// MinCreditCards: one Luhn-valid number with a card network's prefix
	// and length.
	MinCreditCards = 1
	// MinIBANs: one IBAN with a valid length and checksum.
	MinIBANs = 1
	// MinEmails and MinPhones: lists, not a single contact.
	MinEmails = 5
	MinPhones = 5
)

// maxDistinct bounds the set of distinct values kept per kind; past it,
// Count stops growing and a warning says so.
const maxDistinct = 1 << 18

// scanChunk is how many bytes the scan reads between context checks.
const scanChunk = 1 << 20

// Extractor counts personal data. It is safe for concurrent use.
type Extractor struct {
	paths *pathFilter
	cls   *[256]uint8 // byte classes of the pass
}

var _ extract.Extractor = (*Extractor)(nil)

// New returns the extractor.
func New() *Extractor {
	return &Extractor{paths: newPathFilter(), cls: byteClasses()}
}

// Name implements extract.Extractor.
func (*Extractor) Name() string { return Name }

// Version implements extract.Extractor.
func (*Extractor) Version() int { return 1 }

// Required implements extract.Extractor: files of MaxFileSize or less that
// are not binary or media by name, not in system, third-party or test
// trees, and not author lists, licences or documentation.
func (e *Extractor) Required(p string, info fs.FileInfo) bool {
	if info != nil && (info.Size() < minFileSize || info.Size() > MaxFileSize) {
		return false
	}
	return !e.paths.skip(p)
}

// Extract implements extract.Extractor.
func (e *Extractor) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	size := in.Reader.Size()
	if size > MaxFileSize {
		return &extract.Result{}, nil
	}
	data := make([]byte, size)
	if _, err := in.Reader.ReadAt(data, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("reading %s: %w", in.Path, err)
	}
	return e.Scan(ctx, in.Path, data)
}

// tally is what a scan found of one kind: distinct values (hashed) and the
// first one, redacted.
type tally struct {
	seen   map[uint64]struct{}
	sample string
	capped bool
}

// add records one value (normalized, e.g. digits only) and, for the first,
// its redacted form.
func (t *tally) add(norm []byte, redacted func() string) {
	if t.seen == nil {
		t.seen = map[uint64]struct{}{}
		t.sample = redacted()
	}
	if len(t.seen) >= maxDistinct {
		t.capped = true
		return
	}
	t.seen[fnv1a(norm)] = struct{}{}
}

// fnv1a is the 64-bit FNV-1a hash: distinct values are counted by hash
// (a collision among 2^18 values has odds of about 2^-29).
func fnv1a(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// counts is what one file holds.
type counts struct {
	hkid, bareHKID, card, email, phone, iban tally
}

// Scan counts the personal data in data, the content of the file at p. A
// binary file (NUL in the first extract.SniffSize bytes) yields nothing.
func (e *Extractor) Scan(ctx context.Context, p string, data []byte) (*extract.Result, error) {
	res := &extract.Result{}
	if len(data) < minFileSize || extract.IsBinary(data) {
		return res, nil
	}
	var c counts
	if err := scan(ctx, data, &c, e.cls); err != nil {
		return nil, err
	}
	hkid := c.hkid
	if len(c.bareHKID.seen) >= MinBareHKID {
		if hkid.seen == nil {
			hkid = c.bareHKID
		} else {
			for k := range c.bareHKID.seen {
				hkid.seen[k] = struct{}{}
			}
		}
	}
	var kinds []model.PIIKind
	for _, k := range []struct {
		kind string
		t    *tally
		min  int
	}{
		{KindHKID, &hkid, MinHKID},
		{KindCreditCard, &c.card, MinCreditCards},
		{KindEmail, &c.email, MinEmails},
		{KindPhone, &c.phone, MinPhones},
		{KindIBAN, &c.iban, MinIBANs},
	} {
		if n := len(k.t.seen); n >= k.min && n > 0 {
			kinds = append(kinds, model.PIIKind{Kind: k.kind, Count: n, Sample: k.t.sample})
			if k.t.capped {
				res.Warnings = append(res.Warnings, fmt.Sprintf("over %d distinct %s values; count capped", maxDistinct, k.kind))
			}
		}
	}
	if len(kinds) > 0 {
		res.PersonalData = []model.PersonalData{{Location: model.Location{Path: p}, Kinds: kinds}}
	}
	return res, nil
}
