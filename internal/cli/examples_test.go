package cli_test

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/drydockhq/drydock/internal/cli"
)

// exampleCommand finds drydock invocations in the CI examples: shell lines
// in YAML lists, Jenkins sh '…' steps and GitHub run: steps.
var exampleCommand = regexp.MustCompile(`drydock (image|sbom|fs)\s[^'\n]*`)

// TestCIExamples runs every drydock scan command of examples/ci against the
// bundled test image, so that a renamed flag or format breaks this test
// rather than a user's pipeline. The gates must fire (the image has HIGH
// findings with fixes); the report runs must succeed and write their file.
func TestCIExamples(t *testing.T) {
	img, err := filepath.Abs(image)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := filepath.Abs("../../examples/ci")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	t.Chdir(t.TempDir())
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".md") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range exampleCommand.FindAllString(string(data), -1) {
			line := strings.TrimSpace(strings.Split(m, "||")[0])
			args := strings.Fields(strings.NewReplacer(`"$IMAGE_TAR"`, img, "image.tar", img).Replace(line))[1:]
			for i := range args {
				args[i] = strings.Trim(args[i], `"`)
			}
			args = append(args, "--cache-dir", cache)
			n++
			t.Run(filepath.Base(f)+": "+line, func(t *testing.T) {
				_, _, err := run(t, args...)
				gate := strings.Contains(line, "--exit-code 1")
				switch {
				case gate && cli.ExitCode(err) != 1:
					t.Fatalf("gate: exit code %d (%v), want 1", cli.ExitCode(err), err)
				case !gate && err != nil:
					t.Fatal(err)
				}
				for i, a := range args {
					if a != "-o" {
						continue
					}
					b, err := os.ReadFile(args[i+1])
					if err != nil {
						t.Fatal(err)
					}
					if strings.HasSuffix(args[i+1], ".xml") {
						err = xml.Unmarshal(b, new(struct{}))
					} else {
						err = json.Unmarshal(b, new(map[string]any))
					}
					if err != nil {
						t.Errorf("%s: %v", args[i+1], err)
					}
				}
			})
		}
	}
	if n < 8 {
		t.Errorf("found %d drydock commands in examples/ci, want at least 8", n)
	}
}
