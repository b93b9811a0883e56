// Package schematest helps the SBOM encoders' tests: it validates documents
// against the official JSON schemas kept in the shared data directory
// (../shared/data/schemas beside the repository), and builds the realistic
// report fixture the golden files are made from.
package schematest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/drydockhq/drydock/pkg/model"
)

// Schema root URLs (the schemas' $id).
const (
	CycloneDX16 = "http://cyclonedx.org/schema/bom-1.6.schema.json"
	SPDX23      = "http://spdx.org/rdf/terms/2.3"
	// SARIF210 is the $id ("id", draft-04) of the SARIF 2.1.0 schema.
	SARIF210 = "https://raw.githubusercontent.com/schemastore/schemastore/master/src/schemas/json/sarif-2.1.0-rtm.5.json"
)

// file maps the last element of a schema URL to its file in the schema
// directory. The CycloneDX schema $refs its SPDX license and JSF schemas by
// relative names, with or without ".SNAPSHOT".
func file(base string) (string, bool) {
	switch base {
	case "bom-1.6.schema.json":
		return "cyclonedx-bom-1.6.schema.json", true
	case "spdx.schema.json", "spdx.SNAPSHOT.schema.json":
		return "cyclonedx-spdx.schema.json", true
	case "jsf-0.82.schema.json", "jsf-0.82.SNAPSHOT.schema.json":
		return "cyclonedx-jsf-0.82.schema.json", true
	case "2.3":
		return "spdx-2.3.schema.json", true
	case "sarif-2.1.0-rtm.5.json":
		return "sarif-2.1.0.schema.json", true
	}
	return "", false
}

// Dir returns the schema directory, ../shared/data/schemas relative to the
// repository root (found by walking up to go.mod). It skips the test when
// the directory is absent; CI has it.
func Dir(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatalf("getwd: %v", err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			schemas := filepath.Join(dir, "..", "shared", "data", "schemas")
			if _, err := os.Stat(schemas); err != nil {
				t.Skipf("schema directory %s not found (it sits beside the repository in CI): %v", schemas, err)
			}
			return schemas
		}
		if filepath.Dir(dir) == dir {
			t.Skipf("no go.mod above %s: cannot locate the schema directory", wd)
		}
	}
}

// Validate checks doc against the schema whose root URL is schemaURL
// (CycloneDX16, SPDX23 or SARIF210), asserting formats too. It skips the test when the
// schema directory is absent.
func Validate(t testing.TB, schemaURL string, doc []byte) {
	t.Helper()
	sch, err := Compile(Dir(t), schemaURL)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("parsing document: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("document does not validate against %s:\n%v", schemaURL, err)
	}
}

// ValidateFile checks doc against the self-contained schema in the file
// schemaPath (for schemas a package vendors in its own testdata rather than
// the shared directory), asserting formats too.
func ValidateFile(t testing.TB, schemaPath string, doc []byte) {
	t.Helper()
	abs, err := filepath.Abs(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(abs)
	if err != nil {
		t.Fatalf("compiling schema %s: %v", schemaPath, err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("parsing document: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("document does not validate against %s:\n%v", schemaPath, err)
	}
}

// Compile compiles the schema with root URL schemaURL from the files in dir.
func Compile(dir, schemaURL string) (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.UseLoader(loader(dir))
	sch, err := c.Compile(schemaURL)
	if err != nil {
		return nil, fmt.Errorf("compiling schema %s: %w", schemaURL, err)
	}
	return sch, nil
}

// loader serves the schema URLs from local files.
type loader string

func (l loader) Load(url string) (any, error) {
	name, ok := file(path.Base(strings.TrimSuffix(url, "#")))
	if !ok {
		return nil, errors.New("no local copy of schema " + url)
	}
	f, err := os.Open(filepath.Join(string(l), name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return jsonschema.UnmarshalJSON(f)
}

// Golden compares got with the golden file at path, or rewrites the file
// when update is set (go test -update).
func Golden(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("updating golden file: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test -update to accept):\n%s", path, lineDiff(string(want), string(got)))
	}
}

// lineDiff shows the first lines that differ, enough to see what changed.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 20; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  - %s\n  + %s\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}

// RoundTrip is the body of the SBOM decoders' fuzz targets: whatever
// decode accepts must encode again and decode to as many packages.
func RoundTrip(t *testing.T, data []byte, decode func(io.Reader) (*model.Report, error), enc interface {
	Encode(io.Writer, *model.Report) error
}) {
	r, err := decode(bytes.NewReader(data))
	if err != nil {
		return
	}
	var buf bytes.Buffer
	if err := enc.Encode(&buf, r); err != nil {
		t.Fatalf("Encode of decoded report: %v", err)
	}
	again, err := decode(&buf)
	if err != nil {
		t.Fatalf("Decode of re-encoded report: %v\n%s", err, buf.Bytes())
	}
	if len(again.Inventory.Packages) != len(r.Inventory.Packages) {
		t.Fatalf("re-encoding changed the package count: %d → %d", len(r.Inventory.Packages), len(again.Inventory.Packages))
	}
}
