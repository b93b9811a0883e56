package vex

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// maxDocumentSize bounds what Parse reads.
const maxDocumentSize = 64 << 20

// contextPrefix is what every OpenVEX context starts with.
const contextPrefix = "https://openvex.dev/ns"

// Load reads the OpenVEX or CycloneDX VEX document at path. Errors name
// the file.
func Load(path string) (*Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading VEX document: %w", err)
	}
	defer f.Close()
	d, err := Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// Parse reads an OpenVEX document and checks it: the @context is
// OpenVEX's; the fields the specification requires are present (@id,
// author, timestamp, version, at least one statement; in each statement a
// vulnerability name, a status, a product that identifies something, and
// for not_affected a justification or an impact statement, for affected an
// action statement); status and justification labels and timestamps are
// valid. Every problem found is reported (errors.Join), each naming the
// statement ("statements[2] (CVE-2023-5363): ..."). Unknown fields are
// ignored, as JSON-LD allows.
//
// A CycloneDX document ("bomFormat": "CycloneDX") is read as CycloneDX VEX
// instead (see cyclonedx.go for the mapping), with its errors named the
// same way ("vulnerabilities[2] (CVE-2023-4911): ...").
func Parse(r io.Reader) (*Document, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxDocumentSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading VEX document: %w", err)
	}
	if len(b) > maxDocumentSize {
		return nil, fmt.Errorf("VEX document larger than %d bytes", maxDocumentSize)
	}
	if isCycloneDX(b) {
		return parseCycloneDX(b)
	}
	if t := bytes.TrimLeft(b, " \t\r\n\ufeff"); len(t) > 0 && t[0] == '<' {
		return nil, errors.New("this looks like an XML document: VEX documents are read in JSON (OpenVEX, CycloneDX)")
	}
	var raw rawDocument
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&raw); err != nil {
		return nil, jsonError(b, err)
	}
	rest := b[dec.InputOffset():]
	if trimmed := bytes.TrimLeft(rest, " \t\r\n"); len(trimmed) > 0 {
		line, col := position(b, dec.InputOffset()+int64(len(rest)-len(trimmed)))
		return nil, fmt.Errorf("line %d, column %d: data after the JSON document", line, col)
	}
	if err := raw.sniff(); err != nil {
		return nil, err
	}
	p := &parser{}
	d := p.document(&raw)
	if err := errors.Join(p.errs...); err != nil {
		return nil, err
	}
	return d, nil
}

// jsonError adds the line and column of a JSON syntax or type error.
func jsonError(b []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		// Offset is just past the offending byte.
		line, col := position(b, se.Offset-1)
		return fmt.Errorf("line %d, column %d: invalid JSON: %s", line, col, se.Error())
	case errors.As(err, &te):
		// Offset is past a literal, or past the start of an object or
		// array: the line is right, the column would not always be.
		line, _ := position(b, te.Offset-1)
		if te.Field == "" {
			return fmt.Errorf("line %d: want a JSON object, found %s", line, te.Value)
		}
		return fmt.Errorf("line %d: %s: want %s, found %s", line, te.Field, jsonType(te.Type.Kind().String()), te.Value)
	case errors.Is(err, io.EOF):
		return errors.New("empty VEX document")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("invalid JSON: unexpected end of the document")
	}
	return fmt.Errorf("invalid JSON: %w", err)
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "slice":
		return "a list"
	case "struct", "map":
		return "an object"
	}
	return kind
}

// position converts a byte offset into a 1-based line and column.
func position(b []byte, off int64) (line, col int) {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	if off < 0 {
		off = 0
	}
	before := b[:off]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = 1 + len(before) - (bytes.LastIndexByte(before, '\n') + 1)
	return line, col
}

// The document as written. Fields whose shape differs between OpenVEX
// versions are raw.
type rawDocument struct {
	Context     json.RawMessage `json:"@context"`
	ID          string          `json:"@id"`
	Author      string          `json:"author"`
	Role        string          `json:"role"`
	Timestamp   string          `json:"timestamp"`
	LastUpdated string          `json:"last_updated"`
	Version     json.RawMessage `json:"version"` // a number; "1" in v0.0.1
	Tooling     string          `json:"tooling"`
	Statements  []rawStatement  `json:"statements"`

	// Other formats, to say what they are.
	BOMFormat string          `json:"bomFormat"`
	CSAF      json.RawMessage `json:"document"`
	InToto    string          `json:"_type"`
}

type rawStatement struct {
	ID                       string            `json:"@id"`
	Vulnerability            json.RawMessage   `json:"vulnerability"` // object; a string in v0.0.1
	VulnDescription          string            `json:"vuln_description"`
	Timestamp                string            `json:"timestamp"`
	LastUpdated              string            `json:"last_updated"`
	Products                 []json.RawMessage `json:"products"`
	Subcomponents            []json.RawMessage `json:"subcomponents"` // statement level in v0.0.1
	Status                   string            `json:"status"`
	StatusNotes              string            `json:"status_notes"`
	Justification            string            `json:"justification"`
	ImpactStatement          string            `json:"impact_statement"`
	ActionStatement          string            `json:"action_statement"`
	ActionStatementTimestamp string            `json:"action_statement_timestamp"`
	Supplier                 string            `json:"supplier"`
}

type rawVulnerability struct {
	ID          string   `json:"@id"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Aliases     []string `json:"aliases"`
}

// rawComponent is a product or subcomponent: an object, or a bare
// identifier string (v0.0.1).
type rawComponent struct {
	ID            string            `json:"@id"`
	Identifiers   map[string]string `json:"identifiers"`
	Hashes        map[string]string `json:"hashes"`
	Subcomponents []json.RawMessage `json:"subcomponents"`
}

// sniff recognises documents of other VEX formats.
func (d *rawDocument) sniff() error {
	switch {
	case d.BOMFormat != "": // not "CycloneDX", or Parse would not be here
		return fmt.Errorf(`"bomFormat" %q: not a CycloneDX document (want "CycloneDX") nor an OpenVEX one`, d.BOMFormat)
	case len(d.CSAF) > 0 && len(d.Context) == 0:
		return errors.New("this looks like a CSAF document: CSAF VEX is not supported, only OpenVEX and CycloneDX VEX")
	case d.InToto != "" && len(d.Context) == 0:
		return errors.New("this is an in-toto statement: extract the OpenVEX document from its predicate")
	}
	return nil
}

type parser struct {
	errs []error
}

func (p *parser) errorf(format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf(format, args...))
}

func (p *parser) document(raw *rawDocument) *Document {
	d := &Document{
		ID:      raw.ID,
		Author:  raw.Author,
		Role:    raw.Role,
		Tooling: raw.Tooling,
	}
	d.Context = p.context(raw.Context)
	if d.ID == "" {
		p.errorf(`missing "@id": OpenVEX requires an IRI naming the document (e.g. https://openvex.dev/docs/public/vex-…)`)
	}
	if d.Author == "" {
		p.errorf(`missing "author"`)
	}
	if raw.Timestamp == "" {
		p.errorf(`missing "timestamp": the time the document was issued`)
	} else {
		d.Timestamp = p.time("timestamp", raw.Timestamp)
	}
	if raw.LastUpdated != "" {
		d.LastUpdated = p.time("last_updated", raw.LastUpdated)
	}
	d.Version = p.version(raw.Version)
	if len(raw.Statements) == 0 {
		p.errorf(`no "statements"`)
	}
	for i := range raw.Statements {
		d.Statements = append(d.Statements, p.statement(d, i, &raw.Statements[i]))
	}
	return d
}

func (p *parser) context(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		p.errorf(`missing "@context": not an OpenVEX document (want %q)`, Context)
		return ""
	}
	// A string, or (JSON-LD) a list of contexts: strings and objects.
	var one string
	var list []string
	if err := json.Unmarshal(raw, &one); err == nil {
		list = []string{one}
	} else {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			p.errorf(`"@context" must be a string`)
			return ""
		}
		for _, it := range items {
			if err := json.Unmarshal(it, &one); err == nil {
				list = append(list, one)
			}
		}
	}
	for _, c := range list {
		if c == contextPrefix || strings.HasPrefix(c, contextPrefix+"/") {
			return c
		}
	}
	p.errorf(`"@context" %s is not OpenVEX's (want %q)`, raw, Context)
	return ""
}

func (p *parser) version(raw json.RawMessage) int {
	if len(raw) == 0 || string(raw) == "null" {
		p.errorf(`missing "version": the document's version, from 1`)
		return 0
	}
	s := string(raw)
	if uq, err := strconv.Unquote(s); err == nil { // v0.0.1 wrote "1"
		s = uq
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		p.errorf(`"version" %s: want an integer from 1`, raw)
		return 0
	}
	return n
}

func (p *parser) time(field, s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		p.errorf("%s %q: want an RFC 3339 time (2023-01-16T19:07:16Z)", field, s)
	}
	return t
}

func (p *parser) statement(d *Document, i int, raw *rawStatement) Statement {
	s := Statement{
		ID:              raw.ID,
		Status:          Status(raw.Status),
		StatusNotes:     raw.StatusNotes,
		Justification:   Justification(raw.Justification),
		ImpactStatement: raw.ImpactStatement,
		ActionStatement: raw.ActionStatement,
		Supplier:        raw.Supplier,
		Document:        d.ID,
		Index:           i,
	}
	where := fmt.Sprintf("statements[%d]", i)
	s.Vulnerability = p.vulnerability(where, raw)
	if s.Vulnerability.Name != "" {
		where += " (" + s.Vulnerability.Name + ")"
	}
	sp := &parser{}

	switch {
	case raw.Timestamp != "":
		s.Timestamp = sp.time("timestamp", raw.Timestamp)
	default:
		s.Timestamp = d.Timestamp
	}
	if raw.LastUpdated != "" {
		s.LastUpdated = sp.time("last_updated", raw.LastUpdated)
	}
	if raw.ActionStatementTimestamp != "" {
		s.ActionStatementTimestamp = sp.time("action_statement_timestamp", raw.ActionStatementTimestamp)
	}

	switch {
	case raw.Status == "":
		sp.errorf("missing status")
	case !s.Status.Valid():
		sp.errorf("status %q: want not_affected, affected, fixed or under_investigation", raw.Status)
	}
	if s.Justification != "" && !s.Justification.Valid() {
		sp.errorf("justification %q: want one of %s", raw.Justification, joinLabels())
	}
	switch s.Status {
	case StatusNotAffected:
		if s.Justification == "" && strings.TrimSpace(s.ImpactStatement) == "" {
			sp.errorf("status not_affected needs a justification or an impact_statement")
		}
	case StatusAffected:
		if strings.TrimSpace(s.ActionStatement) == "" {
			sp.errorf("status affected needs an action_statement (what users should do)")
		}
	}

	if len(raw.Products) == 0 {
		sp.errorf("no products: the statement must say which software it is about")
	}
	for j, rp := range raw.Products {
		pw := fmt.Sprintf("products[%d]", j)
		c, subs := sp.component(pw, rp)
		prod := Product{Component: c}
		if len(subs) == 0 {
			subs = raw.Subcomponents // v0.0.1: for every product
		}
		for k, rs := range subs {
			sw := fmt.Sprintf("%s.subcomponents[%d]", pw, k)
			c, nested := sp.component(sw, rs)
			if len(nested) > 0 {
				sp.errorf("%s: a subcomponent cannot have subcomponents", sw)
			}
			prod.Subcomponents = append(prod.Subcomponents, c)
		}
		s.Products = append(s.Products, prod)
	}
	for _, err := range sp.errs {
		p.errorf("%s: %w", where, err)
	}
	return s
}

func (p *parser) vulnerability(where string, raw *rawStatement) Vulnerability {
	if len(raw.Vulnerability) == 0 || string(raw.Vulnerability) == "null" {
		p.errorf("%s: missing vulnerability", where)
		return Vulnerability{}
	}
	var v Vulnerability
	var name string
	if err := json.Unmarshal(raw.Vulnerability, &name); err == nil { // v0.0.1
		v = Vulnerability{Name: name, Description: raw.VulnDescription}
	} else {
		var rv rawVulnerability
		if err := json.Unmarshal(raw.Vulnerability, &rv); err != nil {
			p.errorf("%s: vulnerability must be an object with a name", where)
			return Vulnerability{}
		}
		v = Vulnerability{ID: rv.ID, Name: strings.TrimSpace(rv.Name), Description: rv.Description}
		for _, a := range rv.Aliases {
			if a = strings.TrimSpace(a); a != "" {
				v.Aliases = append(v.Aliases, a)
			}
		}
	}
	v.Name = strings.TrimSpace(v.Name)
	if v.Name == "" {
		p.errorf("%s: vulnerability without a name", where)
	}
	return v
}

// component reads a product or subcomponent, returning its subcomponents
// unread.
func (p *parser) component(where string, b json.RawMessage) (Component, []json.RawMessage) {
	raw := &rawComponent{}
	if err := json.Unmarshal(b, &raw.ID); err != nil {
		if err := json.Unmarshal(b, raw); err != nil {
			p.errorf("%s: want an object with @id, identifiers or hashes", where)
			return Component{}, nil
		}
	}
	c := Component{ID: strings.TrimSpace(raw.ID)}
	for k, v := range raw.Identifiers {
		if v = strings.TrimSpace(v); v != "" {
			if c.Identifiers == nil {
				c.Identifiers = map[string]string{}
			}
			c.Identifiers[k] = v
		}
	}
	for k, v := range raw.Hashes {
		if v = strings.TrimSpace(v); v != "" {
			if c.Hashes == nil {
				c.Hashes = map[string]string{}
			}
			c.Hashes[strings.ToLower(k)] = strings.ToLower(v)
		}
	}
	if c.ID == "" && len(c.Identifiers) == 0 && len(c.Hashes) == 0 {
		p.errorf(`%s: identifies nothing (no "@id", "identifiers" or "hashes")`, where)
	}
	return c, raw.Subcomponents
}

func joinLabels() string {
	var s []string
	for _, j := range justifications {
		s = append(s, string(j))
	}
	return strings.Join(s, ", ")
}
