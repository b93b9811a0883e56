package ingest

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/vulndb"
	"github.com/drydockhq/drydock/pkg/vulndb/internal/dbfile"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
	"github.com/klauspost/compress/zstd"
)

// collector gathers the advisories of all inputs, resolves repeated IDs and
// produces the DB contents.
type collector struct {
	enc  *zstd.Encoder
	recs map[string]*record
}

// record is one advisory kept so far.
type record struct {
	modified time.Time
	src      int           // index of the input it came from
	source   *SourceReport // that input's report
	entry    *osv.Entry    // decoded, for mergeable formats; nil otherwise
	data     []byte        // compressed JSON when entry is nil
	keys     []packageKey  // the packages it names
}

type packageKey struct{ eco, name string }

func newCollector() (*collector, error) {
	enc, err := dbfile.NewEncoder()
	if err != nil {
		return nil, err
	}
	return &collector{enc: enc, recs: make(map[string]*record)}, nil
}

// document parses one document and adds its advisories. Problems with the
// document are warnings on src, never errors.
func (c *collector) document(src *SourceReport, idx int, d doc, log *slog.Logger) {
	br := bufio.NewReaderSize(d.r, sniffLen)
	head, _ := br.Peek(sniffLen) // a shorter document gives a shorter head
	f, note, unknown := detect(d.path, head)
	switch {
	case unknown:
		src.Files++
		src.warn(log, d.path, "unrecognised format")
		return
	case f == nil:
		if note != "" {
			src.note(note, 1)
		}
		return
	}
	src.Files++
	src.addFormat(f.name)
	limit := f.maxSize
	if limit == 0 {
		limit = dbfile.MaxRecord
	}
	data, err := readAll(br, limit)
	if err != nil {
		src.warn(log, d.path, err.Error())
		return
	}
	res, err := f.parse(&input{path: d.path, data: data, modTime: d.modTime})
	if err != nil {
		src.warn(log, d.path, err.Error())
		return
	}
	for _, msg := range res.skipped {
		src.warn(log, d.path, msg)
	}
	for reason, n := range res.notes {
		src.note(reason, n)
	}
	for _, e := range res.entries {
		if err := c.add(e, idx, src, f.mergeable); err != nil {
			src.warn(log, d.path, err.Error())
		}
	}
}

// add validates e and keeps it unless a record with the same ID and a newer
// modification time is already there. Advisories of mergeable formats with
// the same ID are merged instead.
func (c *collector) add(e *osv.Entry, idx int, src *SourceReport, mergeable bool) error {
	if err := osv.Validate(e); err != nil {
		return err
	}
	old := c.recs[e.ID]
	if mergeable && old != nil && old.entry != nil {
		mergeInto(old.entry, e)
		old.keys = packageKeys(old.entry)
		if e.Modified.After(old.modified) {
			old.modified = e.Modified
		}
		return nil
	}
	if old != nil && !e.Modified.After(old.modified) {
		src.Duplicates++
		return nil
	}
	r := &record{modified: e.Modified, src: idx, source: src, keys: packageKeys(e)}
	if mergeable {
		r.entry = e
	} else {
		data, err := c.encode(e)
		if err != nil {
			return err
		}
		r.data = data
	}
	if old != nil {
		old.source.Duplicates++
	}
	c.recs[e.ID] = r
	return nil
}

func (c *collector) encode(e *osv.Entry) ([]byte, error) {
	js, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("%s: encoding: %w", e.ID, err)
	}
	if len(js) > dbfile.MaxRecord {
		return nil, fmt.Errorf("%s: record larger than %d MiB", e.ID, dbfile.MaxRecord>>20)
	}
	return c.enc.EncodeAll(js, nil), nil
}

// packageKeys lists the distinct (ecosystem, normalised name) pairs of e.
func packageKeys(e *osv.Entry) []packageKey {
	var keys []packageKey
	for _, a := range e.Affected {
		if a.Package.Ecosystem == "" || a.Package.Name == "" {
			continue
		}
		eco := model.Ecosystem(a.Package.Ecosystem)
		k := packageKey{a.Package.Ecosystem, vulndb.NormalizeName(eco, a.Package.Name)}
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// mergeInto adds the affected packages, aliases and references of e to dst.
func mergeInto(dst, e *osv.Entry) {
	for _, a := range e.Affected {
		if !slices.ContainsFunc(dst.Affected, func(b osv.Affected) bool { return sameAffected(a, b) }) {
			dst.Affected = append(dst.Affected, a)
		}
	}
	for _, al := range e.Aliases {
		if !slices.Contains(dst.Aliases, al) {
			dst.Aliases = append(dst.Aliases, al)
		}
	}
	for _, ref := range e.References {
		if !slices.Contains(dst.References, ref) {
			dst.References = append(dst.References, ref)
		}
	}
	if e.Modified.After(dst.Modified) {
		dst.Modified = e.Modified
	}
}

func sameAffected(a, b osv.Affected) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// finish encodes the merged advisories, builds the index and fills the
// report's totals.
func (c *collector) finish(rep *Report) (*dbfile.Contents, error) {
	out := &dbfile.Contents{
		Records: make(map[string][]byte, len(c.recs)),
		Index:   make(map[string][]string),
		Counts:  make(map[string]int),
	}
	for id, r := range c.recs {
		if r.entry != nil {
			e := r.entry
			slices.SortStableFunc(e.Affected, func(a, b osv.Affected) int {
				return cmp.Or(cmp.Compare(a.Package.Ecosystem, b.Package.Ecosystem), cmp.Compare(a.Package.Name, b.Package.Name))
			})
			slices.Sort(e.Aliases)
			data, err := c.encode(e)
			if err != nil {
				r.source.Skipped++
				continue
			}
			r.data = data
		}
		out.Records[id] = r.data
		r.source.Records++
		ecos := make(map[string]bool)
		for _, k := range r.keys {
			key := string(dbfile.IndexKey(k.eco, k.name))
			out.Index[key] = append(out.Index[key], id)
			ecos[k.eco] = true
		}
		for eco := range ecos {
			out.Counts[eco]++
		}
	}
	for _, ids := range out.Index {
		slices.Sort(ids)
	}
	rep.Advisories = len(out.Records)
	rep.Packages = len(out.Index)
	rep.Counts = out.Counts
	return out, nil
}
