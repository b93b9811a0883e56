package json_test

import (
	"bytes"
	"flag"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/report/internal/schematest"
	reportjson "github.com/drydockhq/drydock/pkg/report/json"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden pins the JSON schema documented in docs/report-schema.md: a
// change to the model that changes the output shows up here and must be
// reflected in the docs (and, if incompatible, in model.SchemaVersion).
func TestGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := (reportjson.Encoder{}).Encode(&buf, schematest.Report()); err != nil {
		t.Fatal(err)
	}
	schematest.Golden(t, "testdata/report.golden.json", buf.Bytes(), *update)

	back, err := reportjson.Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(schematest.Report(), back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestDecodeErrors(t *testing.T) {
	for name, in := range map[string]string{
		"truncated":     `{"schemaVersion": 1, "artifact": {`,
		"no version":    `{"artifact": {}}`,
		"future schema": `{"schemaVersion": 99}`,
		"not JSON":      "\x1f\x8b\x08",
	} {
		if _, err := reportjson.Decode(strings.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
