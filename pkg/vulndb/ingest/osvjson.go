package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/drydockhq/drydock/pkg/vulndb/osv"
)

// parseOSV reads one OSV entry, or a JSON array of entries (as some exports
// write them). Invalid entries of an array are skipped one by one.
func parseOSV(in *input) (*result, error) {
	data := bytes.TrimSpace(in.data)
	if len(data) > 0 && data[0] == '[' {
		var raws []json.RawMessage
		if err := json.Unmarshal(data, &raws); err != nil {
			return nil, fmt.Errorf("decoding OSV array: %w", err)
		}
		res := &result{}
		for i, raw := range raws {
			e, err := osv.Decode(raw)
			if err != nil {
				res.skipped = append(res.skipped, fmt.Sprintf("entry %d: %v", i, err))
				continue
			}
			res.entries = append(res.entries, e)
		}
		return res, nil
	}
	e, err := osv.Decode(data)
	if err != nil {
		return nil, err
	}
	return &result{entries: []*osv.Entry{e}}, nil
}

// rawJSON marshals v for a database_specific or ecosystem_specific field;
// it returns nil for an empty map.
func rawJSON(v map[string]any) json.RawMessage {
	if len(v) == 0 {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil // v holds only strings, numbers, bools and slices of them
	}
	return b
}
