package golang

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/model"
)

// modOracle runs `go mod edit -json file` (offline) and applies the
// documented rules to what the go command read: requirements, with
// version-specific replacements before path-wide ones, a directory
// replacement keeping the path and losing the version.
func modOracle(t *testing.T, file string) []model.Package {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	cmd := exec.Command("go", "mod", "edit", "-json", file)
	cmd.Env = goEnv()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go mod edit -json %s: %v", file, err)
	}
	type mod struct{ Path, Version string }
	var gm struct {
		Require []struct {
			mod
			Indirect bool
		}
		Replace []struct{ Old, New mod }
	}
	if err := json.Unmarshal(out, &gm); err != nil {
		t.Fatal(err)
	}
	var want []model.Package
	for _, r := range gm.Require {
		name, v := r.Path, r.Version
		for _, exact := range []bool{true, false} {
			found := false
			for _, rp := range gm.Replace {
				if rp.Old.Path == r.Path && (exact && rp.Old.Version == r.Version || !exact && rp.Old.Version == "") {
					name, v, found = rp.New.Path, rp.New.Version, true
					if v == "" {
						name = r.Path
					}
					break
				}
			}
			if found {
				break
			}
		}
		rel := model.RelationDirect
		if r.Indirect {
			rel = model.RelationIndirect
		}
		want = append(want, model.Package{Name: name, Version: v, Relation: rel})
	}
	return want
}

// short keeps the fields the oracle determines.
func short(pkgs []model.Package) []model.Package {
	var out []model.Package
	for _, p := range pkgs {
		out = append(out, model.Package{Name: p.Name, Version: p.Version, Relation: p.Relation})
	}
	return out
}

func parseModFile(t *testing.T, file string) ([]model.Package, []string, error) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ParseMod(context.Background(), bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	return res.Packages, res.Warnings, nil
}

func TestParseModMatchesGoModEdit(t *testing.T) {
	tests := []struct {
		name, file string
		want       []model.Package // checked in addition to the oracle
		warnings   int
	}{
		{"hello", "testdata/hello/go.mod", []model.Package{
			{Name: "example.com/drydock/greet", Relation: model.RelationDirect},
			{Name: "golang.org/x/crypto", Version: "v0.0.0-20200622213623-75b288015ac9", Relation: model.RelationDirect},
			{Name: "golang.org/x/text", Version: "v0.3.5", Relation: model.RelationDirect},
			{Name: "golang.org/x/sys", Version: "v0.1.0", Relation: model.RelationIndirect},
		}, 0},
		// drydock's own go.mod: real, long, made by the go command.
		{"drydock", "../../../go.mod", nil, 0},
		{"go 1.16", "testdata/gomod/go116.mod", []model.Package{
			{Name: "github.com/gin-gonic/gin", Version: "v1.6.3", Relation: model.RelationDirect},
			{Name: "golang.org/x/text", Version: "v0.3.2", Relation: model.RelationIndirect},
		}, 1},
		{"modern directives", "testdata/gomod/modern.mod", []model.Package{
			{Name: "github.com/google/go-cmp", Version: "v0.7.0", Relation: model.RelationDirect},
			{Name: "golang.org/x/net", Relation: model.RelationDirect},
			{Name: "golang.org/x/text", Version: "v0.23.0", Relation: model.RelationIndirect},
			{Name: "golang.org/x/tools", Version: "v0.31.0", Relation: model.RelationIndirect},
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkgs, warnings, err := parseModFile(t, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			got := short(pkgs)
			if diff := cmp.Diff(modOracle(t, tt.file), got); diff != "" {
				t.Errorf("packages differ from go mod edit -json (-want +got):\n%s", diff)
			}
			if tt.want != nil {
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("packages (-want +got):\n%s", diff)
				}
			}
			if len(warnings) != tt.warnings {
				t.Errorf("warnings %q, want %d", warnings, tt.warnings)
			}
			for _, p := range pkgs {
				if p.Type != model.TypeGolang || p.Ecosystem != model.EcoGo || !strings.HasPrefix(p.PURL, "pkg:golang/") {
					t.Errorf("%s: type %q, ecosystem %q, purl %q", p.Name, p.Type, p.Ecosystem, p.PURL)
				}
			}
		})
	}
}

func TestParseModBadParts(t *testing.T) {
	pkgs, warnings, err := parseModFile(t, "testdata/gomod/badlines.mod")
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Package{
		{Name: "golang.org/x/text", Version: "v0.3.5", Relation: model.RelationDirect},
		{Name: "golang.org/x/crypto", Version: "v0.1.0", Relation: model.RelationIndirect},
	}
	if diff := cmp.Diff(want, short(pkgs)); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
	wantWarnings := []string{
		`skipped go.mod:7:2: require golang.org/x/net: version "1.0" invalid: must be of the form v1.2.3`,
		"skipped go.mod:10: unknown directive: frobnicate",
	}
	if diff := cmp.Diff(wantWarnings, warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}

	for _, file := range []string{"testdata/gomod/garbage.mod", "testdata/gomod/nomodule.mod"} {
		if _, _, err := parseModFile(t, file); err == nil {
			t.Errorf("%s: no error", file)
		}
	}
	big := bytes.Repeat([]byte("// comment\n"), MaxModSize/10)
	if _, err := ParseMod(context.Background(), bytes.NewReader(big)); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("over-size go.mod: err = %v", err)
	}
	many := "module x\n" + strings.Repeat("bogus line\n", maxBadModLines+1)
	if _, err := ParseMod(context.Background(), strings.NewReader(many)); err == nil {
		t.Error("go.mod of invalid lines: no error")
	}
}

func TestModRequired(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"go.mod", true},
		{"src/app/go.mod", true},
		{"src/app/go.sum", false},
		{"src/app/go.mod.bak", false},
		{"root/go/pkg/mod/golang.org/x/text@v0.3.5/go.mod", false},
		{"pkg/mod/golang.org/x/text@v0.3.5/go.mod", false},
		{"src/app/vendor/golang.org/x/text/go.mod", false},
	}
	for _, tt := range tests {
		if got := NewMod().Required(tt.path, nil); got != tt.want {
			t.Errorf("Required(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}
