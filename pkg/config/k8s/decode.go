// Package k8s decodes Kubernetes manifests (multi-document YAML or JSON, List
// objects, Helm output) and runs drydock's DD-K8S checks on them.
//
// Objects are decoded with go.yaml.in/yaml/v3 into yaml.Node trees, which keep
// line numbers, and from there into small structs holding only the fields the
// checks read (types.go) rather than k8s.io/api types: see pkg/config/README.md
// for the measurements behind that choice.
package k8s

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Limits on the input.
const (
	// MaxFileSize is the largest manifest file decoded. Real manifests,
	// even big CRD bundles, are a few MiB.
	MaxFileSize = 8 << 20
	// MaxDocuments is the most YAML documents read from one file.
	MaxDocuments = 20_000
	// MaxListItems is the most items read from one List object.
	MaxListItems = 20_000
)

// ErrNotManifest is returned for files that hold no Kubernetes object at all
// (binary, or YAML without apiVersion and kind); callers scanning a directory
// skip them silently.
var ErrNotManifest = errors.New("no Kubernetes objects")

// Object is one Kubernetes object from a manifest.
type Object struct {
	// File is the file the object came from.
	File       string
	APIVersion string
	Kind       string
	Name       string
	// Namespace is metadata.namespace; "" when unset (the namespace it is
	// applied to).
	Namespace string
	// Line is the object's first line in File (1-based).
	Line int
	// Node is the object's mapping node; node lines are lines of File.
	Node *yaml.Node
}

// ID names the object: "Deployment/shop/web", or "Deployment/web" without a
// namespace.
func (o *Object) ID() string {
	if o.Namespace != "" {
		return o.Kind + "/" + o.Namespace + "/" + o.Name
	}
	return o.Kind + "/" + o.Name
}

// Decode reads every object of a manifest file: multi-document YAML (JSON is
// YAML), with List objects expanded to their items. A document that cannot
// be parsed, or has no kind, is skipped with a warning; a file that is
// too large is an error; so is one that holds no object at all
// (ErrNotManifest, so a directory scan can skip other YAML and binaries;
// the warnings then say why when the file mentions apiVersion or kind).
func Decode(ctx context.Context, file string, data []byte) ([]*Object, []string, error) {
	if len(data) > MaxFileSize {
		return nil, nil, fmt.Errorf("decoding %s: larger than %d bytes", file, MaxFileSize)
	}
	if bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) {
		return nil, nil, fmt.Errorf("decoding %s: %w (binary content)", file, ErrNotManifest)
	}
	var (
		objs     []*Object
		warnings []string
		docs     int
		yamlDocs int // documents that parsed as YAML mappings
	)
	warn := func(line int, format string, args ...any) {
		warnings = append(warnings, fmt.Sprintf("line %d: ", line)+fmt.Sprintf(format, args...))
	}
	for _, chunk := range splitDocuments(data) {
		if docs%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, warnings, err
			}
		}
		docs++
		if docs > MaxDocuments {
			warn(chunk.line, "more than %d documents, rest skipped", MaxDocuments)
			break
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(chunk.data, &doc); err != nil {
			line, msg := yamlError(err, chunk.line)
			warn(line, "invalid YAML document: %s", msg)
			continue
		}
		if doc.Kind == 0 || len(doc.Content) == 0 {
			continue // empty document (comments only)
		}
		shift(&doc, chunk.line-1)
		root := resolve(doc.Content[0])
		if root.Kind != yaml.MappingNode {
			continue
		}
		yamlDocs++
		o, ok := newObject(file, root)
		if !ok {
			if hasKey(root, "kind") || hasKey(root, "apiVersion") {
				warn(root.Line, "document without apiVersion or kind, skipped")
			}
			continue
		}
		if strings.HasSuffix(o.Kind, "List") {
			items := lookup(root, "items")
			if items == nil || items.Kind != yaml.SequenceNode {
				if o.Kind == "List" {
					warn(root.Line, "List without items")
				}
				objs = append(objs, o)
				continue
			}
			for i, it := range items.Content {
				if i >= MaxListItems {
					warn(it.Line, "more than %d List items, rest skipped", MaxListItems)
					break
				}
				it = resolve(it)
				if item, ok := newObject(file, it); ok {
					objs = append(objs, item)
				} else {
					warn(it.Line, "List item without apiVersion or kind, skipped")
				}
			}
			continue
		}
		objs = append(objs, o)
	}
	if len(objs) == 0 {
		if !hasObjectHint(data) {
			warnings = nil // some other YAML: its problems are not ours
		}
		return nil, warnings, fmt.Errorf("decoding %s: %w", file, ErrNotManifest)
	}
	return objs, warnings, nil
}

// hasObjectHint reports whether data mentions apiVersion or kind, as every
// manifest does.
func hasObjectHint(data []byte) bool {
	return bytes.Contains(data, []byte("apiVersion")) || bytes.Contains(data, []byte("kind"))
}

func newObject(file string, n *yaml.Node) (*Object, bool) {
	if n.Kind != yaml.MappingNode {
		return nil, false
	}
	o := &Object{
		File:       file,
		APIVersion: scalar(lookup(n, "apiVersion")),
		Kind:       scalar(lookup(n, "kind")),
		Name:       scalar(lookup(n, "metadata", "name")),
		Namespace:  scalar(lookup(n, "metadata", "namespace")),
		Line:       n.Line,
		Node:       n,
	}
	if o.Kind == "" || o.APIVersion == "" {
		return nil, false
	}
	if o.Name == "" {
		if g := scalar(lookup(n, "metadata", "generateName")); g != "" {
			o.Name = g + "*"
		}
	}
	return o, true
}

type chunk struct {
	data []byte
	line int // first line of the chunk in the file (1-based)
}

// isMarker reports whether a line is a document marker: "---" (start, maybe
// followed by content) or "..." (end).
func isMarker(l []byte) (start, end bool) {
	l = bytes.TrimSuffix(l, []byte("\r"))
	if bytes.HasPrefix(l, []byte("---")) && (len(l) == 3 || l[3] == ' ' || l[3] == '\t') {
		return true, false
	}
	return false, bytes.HasPrefix(l, []byte("...")) && len(bytes.TrimSpace(l)) == 3
}

// splitDocuments splits a YAML stream on document markers ("---" and "..."
// at the start of a line), as kubectl does, so that a broken document does
// not take the rest of the file with it. Content after a "---" on the same
// line ("--- {a: 1}") stays in its document, with the marker blanked so
// columns are unchanged.
func splitDocuments(data []byte) []chunk {
	var out []chunk
	start, startLine := 0, 1
	blank := false // the chunk starts with a marker line to blank
	emit := func(end int) {
		if end <= start {
			return
		}
		d := data[start:end]
		if blank {
			d = append([]byte("   "), d[3:]...)
		}
		out = append(out, chunk{data: d, line: startLine})
	}
	pos, line := 0, 1
	for pos < len(data) {
		end := bytes.IndexByte(data[pos:], '\n')
		next := len(data)
		if end >= 0 {
			next = pos + end + 1
		}
		l := data[pos:next]
		l = bytes.TrimSuffix(l, []byte("\n"))
		if s, e := isMarker(l); s || e {
			emit(pos)
			rest := bytes.TrimSpace(l[3:])
			if s && len(rest) > 0 && rest[0] != '#' {
				start, startLine, blank = pos, line, true
			} else {
				start, startLine, blank = next, line+1, false
			}
		}
		pos = next
		line++
	}
	emit(len(data))
	return out
}

// shift adds delta to the line of every node of the tree (aliases are not
// followed, so every node is visited once).
func shift(n *yaml.Node, delta int) {
	if n == nil || delta == 0 {
		return
	}
	stack := []*yaml.Node{n}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		x.Line += delta
		stack = append(stack, x.Content...)
	}
}

// yamlError splits yaml.v3's "yaml: line N: msg" into the file's line and
// the message; errors without a line get the document's first line.
func yamlError(err error, first int) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var n int
	if _, e := fmt.Sscanf(msg, "line %d:", &n); e == nil {
		if _, rest, ok := strings.Cut(msg, ":"); ok {
			return n + first - 1, strings.TrimSpace(rest)
		}
	}
	return first, msg
}

// resolve follows alias nodes (bounded: an alias cannot point to itself
// through yaml.v3's parser, but the loop is capped anyway).
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		return resolve(n.Content[0])
	}
	return n
}

// lookup walks mapping keys from n and returns the value node, or nil.
func lookup(n *yaml.Node, keys ...string) *yaml.Node {
	n = resolve(n)
	for _, k := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = resolve(n.Content[i+1])
			}
		}
		n = next
	}
	return n
}

func hasKey(n *yaml.Node, key string) bool { return lookup(n, key) != nil }

// scalar returns a scalar node's value, "" for anything else.
func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// lineOf returns the line of the deepest node found along the path (keys
// are mapping keys, ints are sequence indexes), falling back to n's line.
func lineOf(n *yaml.Node, path ...any) int {
	n = resolve(n)
	if n == nil {
		return 0
	}
	line := n.Line
	for _, p := range path {
		var next *yaml.Node
		switch p := p.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return line
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == p {
					next = n.Content[i+1]
					line = n.Content[i].Line
				}
			}
		case int:
			if n.Kind != yaml.SequenceNode || p < 0 || p >= len(n.Content) {
				return line
			}
			next = n.Content[p]
			line = next.Line
		}
		next = resolve(next)
		if next == nil {
			return line
		}
		n = next
	}
	return line
}
