package javascript

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"
)

const (
	// maxYAMLDocuments bounds the documents read from one YAML lock file
	// (pnpm 10 may put an environment lock file before the main one).
	maxYAMLDocuments = 4
	// maxYAMLNodes bounds the nodes of one YAML lock file's tree, and so
	// the memory parsing takes (about 400 bytes a node). A real pnpm lock
	// file has a node per 17 bytes: the bound is met at about 50 MiB.
	maxYAMLNodes = 3 << 20
)

// errYAMLAlias is returned (wrapped) for YAML with aliases. Neither pnpm
// nor yarn writes anchors or aliases, and refusing them defuses alias
// expansion bombs ("billion laughs") before any expansion happens.
var errYAMLAlias = errors.New("YAML aliases are not used in lock files; refusing the file (alias expansion bomb?)")

// decodeYAML parses the YAML documents of data into node trees, without
// expanding anything. It refuses aliases and bounds the node count, so that
// later decoding of the nodes is bounded by the input size.
func decodeYAML(data []byte) ([]*yaml.Node, error) {
	// Every node but a document's root follows one of these bytes, so
	// their count bounds the node count before the parser allocates the
	// tree (real lock files have 1.4 of them a node; a crafted flow
	// sequence "[a,a,a,…]" has 1).
	seps := 0
	for _, b := range data {
		switch b {
		case ',', '\n', ':', '[', '{', '-':
			seps++
		}
	}
	if seps > 2*maxYAMLNodes {
		return nil, fmt.Errorf("YAML: too many nodes (over %d separators)", 2*maxYAMLNodes)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []*yaml.Node
	nodes := 0
	for len(docs) < maxYAMLDocuments {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("YAML: %w", err)
		}
		if err := checkYAML(&doc, &nodes); err != nil {
			return nil, err
		}
		if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
			docs = append(docs, doc.Content[0])
		}
	}
	return docs, nil
}

// checkYAML walks a node tree counting nodes and refusing aliases. Depth is
// bounded by the YAML parser's own nesting limit.
func checkYAML(n *yaml.Node, count *int) error {
	*count++
	if *count > maxYAMLNodes {
		return fmt.Errorf("YAML: more than %d nodes", maxYAMLNodes)
	}
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return fmt.Errorf("line %d: %w", n.Line, errYAMLAlias)
	}
	for _, c := range n.Content {
		if err := checkYAML(c, count); err != nil {
			return err
		}
	}
	return nil
}
