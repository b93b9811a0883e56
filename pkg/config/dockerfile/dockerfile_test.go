package dockerfile

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/config/checks"
	"github.com/drydockhq/drydock/pkg/model"
)

func mustParse(t *testing.T, src string) *Dockerfile {
	t.Helper()
	df, err := Parse(context.Background(), strings.NewReader(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return df
}

func TestParse(t *testing.T) {
	src := "# syntax=docker/dockerfile:1\n" + // 1
		"ARG VERSION=1.22\n" + // 2
		"FROM --platform=$BUILDPLATFORM golang:${VERSION} AS Build\n" + // 3
		"RUN apt-get update \\\n" + // 4
		"    # a comment inside the continuation\n" + // 5
		"\n" + // 6
		"    && apt-get install -y git\n" + // 7
		"COPY --from=deps --chown=1000:1000 [\"a b\", \"/dst/\"]\n" + // 8
		"RUN <<EOF cat > /x\n" + // 9
		"FROM this is not an instruction\n" + // 10
		"EOF\n" + // 11
		"ENV A=1 B=\"two words\" C='x y'\n" + // 12
		"ENV LEGACY some value\n" + // 13
		"CMD [\"/app\", \"-v\"]\n" + // 14
		"ENTRYPOINT /bin/sh -c 'exec app'\n" + // 15
		"FORM typo\n" + // 16
		"from alpine\n" // 17
	df := mustParse(t, src)
	if len(df.MetaArgs) != 1 || df.MetaArgs[0].Line != 2 {
		t.Errorf("MetaArgs = %+v", df.MetaArgs)
	}
	if len(df.Stages) != 2 {
		t.Fatalf("stages = %d, want 2", len(df.Stages))
	}
	st := df.Stages[0]
	if st.Name != "build" || st.Base != "golang:${VERSION}" || st.Platform != "$BUILDPLATFORM" || st.From.Line != 3 {
		t.Errorf("stage 0 = name %q base %q platform %q line %d", st.Name, st.Base, st.Platform, st.From.Line)
	}
	type row struct {
		Cmd           string
		Line, EndLine int
		Args          []string
		JSON          bool
	}
	var got []row
	for _, in := range st.Instructions {
		got = append(got, row{in.Cmd, in.Line, in.EndLine, in.Args, in.JSON})
	}
	want := []row{
		{"RUN", 4, 7, []string{"apt-get update     && apt-get install -y git"}, false},
		{"COPY", 8, 8, []string{"a b", "/dst/"}, true},
		{"RUN", 9, 11, []string{"<<EOF cat > /x"}, false},
		{"ENV", 12, 12, []string{"A=1", "B=two words", "C=x y"}, false},
		{"ENV", 13, 13, []string{"LEGACY", "some", "value"}, false},
		{"CMD", 14, 14, []string{"/app", "-v"}, true},
		{"ENTRYPOINT", 15, 15, []string{"/bin/sh -c 'exec app'"}, false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("instructions (-want +got):\n%s", diff)
	}
	copyIn := st.Instructions[1]
	if v, ok := copyIn.Flag("from"); !ok || v != "deps" {
		t.Errorf("COPY --from = %q, %v", v, ok)
	}
	if h := st.Instructions[2].Heredocs; len(h) != 1 || h[0].Name != "EOF" || h[0].Body != "FROM this is not an instruction\n" {
		t.Errorf("heredocs = %+v", h)
	}
	if diff := cmp.Diff([]KeyValue{{"A", "1", true}, {"B", "two words", true}, {"C", "x y", true}}, st.Instructions[3].Pairs()); diff != "" {
		t.Errorf("ENV pairs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]KeyValue{{"LEGACY", "some value", true}}, st.Instructions[4].Pairs()); diff != "" {
		t.Errorf("legacy ENV pairs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{`line 16: unknown instruction "FORM"`}, df.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestParseEscapeDirective(t *testing.T) {
	src := "# escape=`\n" +
		"FROM mcr.microsoft.com/windows/servercore:ltsc2022\n" +
		"RUN powershell -Command `\n" +
		"    Write-Host C:\\path\\ok\n" +
		"COPY C:\\src\\app C:\\app\\\n"
	df := mustParse(t, src)
	ins := df.Stages[0].Instructions
	if len(ins) != 2 {
		t.Fatalf("instructions = %+v", ins)
	}
	if ins[0].Args[0] != `powershell -Command     Write-Host C:\path\ok` || ins[0].EndLine != 4 {
		t.Errorf("RUN = %q (end %d)", ins[0].Args[0], ins[0].EndLine)
	}
	if diff := cmp.Diff([]string{`C:\src\app`, `C:\app\`}, ins[1].Args); diff != "" {
		t.Errorf("COPY args (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		notDF     bool
	}{
		{"empty", "", true},
		{"comments only", "# nothing\n\n", true},
		{"binary", "FROM a\x00\x01\x02", true},
		{"invalid utf8", "FROM \xff\xfe", true},
		{"no FROM", "RUN echo hi\n", true},
		{"too large", "FROM a\n" + strings.Repeat("#", MaxSize), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(context.Background(), strings.NewReader(tt.src))
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			if got := errors.Is(err, ErrNotDockerfile); got != tt.notDF {
				t.Errorf("errors.Is(%v, ErrNotDockerfile) = %v", err, got)
			}
		})
	}
}

func TestParseUnterminatedHeredoc(t *testing.T) {
	df := mustParse(t, "FROM a\nRUN <<EOF\necho hi\n")
	if len(df.Warnings) != 1 || !strings.Contains(df.Warnings[0], "heredoc EOF not terminated") {
		t.Errorf("warnings = %q", df.Warnings)
	}
}

func TestParseCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Parse(ctx, strings.NewReader("FROM a\n")); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// ids returns the sorted, de-duplicated check IDs of a file's findings.
// checkFile parses a Dockerfile and runs the checks on it.
func checkFile(t *testing.T, file string) []model.Misconfiguration {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	df, err := Parse(context.Background(), f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return Check(df, file)
}

func ids(t *testing.T, file string) []string {
	t.Helper()
	var out []string
	for _, m := range checkFile(t, file) {
		out = append(out, m.ID)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// TestChecks runs every DD-DF check on its hit and pass fixtures
// (testdata/checks/<ID>.hit.Dockerfile / .pass.Dockerfile), and checks that
// every Dockerfile check in the catalogue has both.
func TestChecks(t *testing.T) {
	for _, c := range checks.Catalog() {
		if c.Family != checks.FamilyDockerfile {
			continue
		}
		t.Run(c.ID, func(t *testing.T) {
			hit := filepath.Join("testdata", "checks", c.ID+".hit.Dockerfile")
			pass := filepath.Join("testdata", "checks", c.ID+".pass.Dockerfile")
			if got := ids(t, hit); !slices.Contains(got, c.ID) {
				t.Errorf("%s: %s not reported (got %v)", hit, c.ID, got)
			}
			if got := ids(t, pass); slices.Contains(got, c.ID) {
				t.Errorf("%s: %s reported", pass, c.ID)
			}
		})
	}
}

// TestCheckDetails pins messages and lines on one fixture, and that secret
// values never appear in findings.
func TestCheckDetails(t *testing.T) {
	file := filepath.Join("testdata", "checks", "DD-DF-003.hit.Dockerfile")
	type row struct {
		ID, Object string
		Line       int
		Message    string
	}
	var got []row
	for _, m := range checkFile(t, file) {
		got = append(got, row{m.ID, m.Object, m.Line, m.Message})
		for _, secret := range []string{"npm_8a3f9c2d1e", "s3cr3t-pa55", "tok_live_123"} {
			if strings.Contains(m.Message, secret) {
				t.Errorf("finding %s leaks a secret: %s", m.ID, m.Message)
			}
		}
		if m.Target != file || m.Source != "builtin" || m.Title == "" || m.Description == "" || m.Resolution == "" {
			t.Errorf("finding %s lacks catalogue fields: %+v", m.ID, m)
		}
	}
	want := []row{
		{"DD-DF-003", "global ARG", 1, "ARG NPM_TOKEN has a literal value (14 characters, redacted)"},
		{"DD-DF-003", "stage 0 (FROM node:20-alpine)", 3, "ENV DB_PASSWORD has a literal value (11 characters, redacted)"},
		{"DD-DF-003", "stage 0 (FROM node:20-alpine)", 5, "LABEL org.example.api-token has a literal value (12 characters, redacted)"},
		{"DD-DF-004", "stage 0 (FROM node:20-alpine)", 2, "the final stage has no HEALTHCHECK"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestRealDockerfiles checks Dockerfiles written by others (see
// testdata/real/README.md): the docker-library python image must not be
// flagged for its GPG_KEY fingerprint, its apt-get update (installs follow
// in the same RUN) or its wget (verified with sha256sum and gpg).
func TestRealDockerfiles(t *testing.T) {
	for _, tt := range []struct {
		file string
		want []string
	}{
		{"docker-library-python-3.12-slim-bookworm.Dockerfile", []string{checks.DFRoot, checks.DFHealthcheck}},
		{"kubernetes-website-redis-job.Dockerfile", []string{checks.DFRoot, checks.DFHealthcheck}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ids(t, filepath.Join("testdata", "real", tt.file))); diff != "" {
				t.Errorf("check IDs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRealPythonStructure(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "real", "docker-library-python-3.12-slim-bookworm.Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	df := mustParse(t, string(b))
	var got []string
	for _, in := range df.Stages[0].Instructions {
		got = append(got, in.Cmd)
	}
	want := []string{"ENV", "ENV", "RUN", "ENV", "ENV", "ENV", "RUN", "RUN", "CMD"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("instructions (-want +got):\n%s", diff)
	}
	if len(df.Warnings) != 0 {
		t.Errorf("warnings: %q", df.Warnings)
	}
	last := df.Stages[0].Instructions[8]
	if last.Line != 156 {
		t.Errorf("CMD line = %d, want 156", last.Line)
	}
}

func FuzzParse(f *testing.F) {
	for _, dir := range []string{"checks", "real"} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*"))
		for _, file := range files {
			if b, err := os.ReadFile(file); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("FROM a\nRUN <<A <<B\nx\nA\ny\nB\n"))
	f.Add([]byte("# escape=`\nFROM a\nRUN x `\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		df, err := Parse(context.Background(), strings.NewReader(string(data)))
		if err != nil {
			return
		}
		for _, st := range df.Stages {
			for _, in := range st.Instructions {
				if in.Line < 1 || in.EndLine < in.Line {
					t.Fatalf("bad lines %d..%d for %s", in.Line, in.EndLine, in.Cmd)
				}
			}
		}
		_ = Check(df, "Dockerfile")
	})
}

// BenchmarkParseAndCheck parses and checks the docker-library python
// Dockerfile (156 lines, continuations and comments).
func BenchmarkParseAndCheck(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "real", "docker-library-python-3.12-slim-bookworm.Dockerfile"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		df, err := Parse(context.Background(), strings.NewReader(string(data)))
		if err != nil {
			b.Fatal(err)
		}
		Check(df, "Dockerfile")
	}
}

// TestUnpinnedBaseExpandsArgs: FROM lines are judged after the ARG defaults
// declared before the first FROM are substituted; a base that only
// --build-arg can set is not judged.
func TestUnpinnedBaseExpandsArgs(t *testing.T) {
	file := filepath.Join("testdata", "checks", "DD-DF-011.hit.Dockerfile")
	var got []string
	for _, m := range checkFile(t, file) {
		if m.ID == checks.DFUnpinnedBase {
			got = append(got, fmt.Sprintf("%d: %s", m.Line, m.Message))
		}
	}
	want := []string{
		"3: FROM node: no tag and no digest",
		"6: FROM nginx:latest: latest tag and no digest",
		"10: FROM ${RUNTIME} (nginx with the ARG defaults): no tag and no digest",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DD-DF-011 (-want +got):\n%s", diff)
	}
}
