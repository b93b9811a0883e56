package imageconfig

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/drydockhq/drydock/internal/shareddata"
	"github.com/drydockhq/drydock/pkg/config/checks"
	"github.com/drydockhq/drydock/pkg/model"
)

func ids(ms []model.Misconfiguration) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.ID)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// good is an image config that passes every check.
func good() *v1.ConfigFile {
	return &v1.ConfigFile{
		Config: v1.Config{
			User:         "10001:10001",
			ExposedPorts: map[string]struct{}{"8080/tcp": {}},
			Env:          []string{"PATH=/usr/local/bin:/usr/bin", "GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305", "DB_PASSWORD_FILE=/run/secrets/db"},
			Labels:       map[string]string{"org.opencontainers.image.base.name": "docker.io/library/alpine:3.20"},
			Healthcheck:  &v1.HealthConfig{Test: []string{"CMD-SHELL", "wget -qO- localhost:8080/healthz"}},
		},
		History: []v1.History{
			{CreatedBy: "/bin/sh -c #(nop) ADD file:2a949686d9886ac7c10582a6c29116fd29d3077d02755e87e111870d63607725 in / "},
			{CreatedBy: "RUN |1 VERSION=1.2 /bin/sh -c curl -fsSLo /tmp/x.tgz https://example.com/x.tgz && tar xzf /tmp/x.tgz # buildkit"},
			{CreatedBy: "COPY app /app # buildkit"},
		},
	}
}

// TestChecks runs every DD-IMG check on a config that fails it (a change to
// good()) and on good() itself.
func TestChecks(t *testing.T) {
	hits := map[string]func(c *v1.ConfigFile){
		checks.IMGRoot:      func(c *v1.ConfigFile) { c.Config.User = "0:0" },
		checks.IMGAdminPort: func(c *v1.ConfigFile) { c.Config.ExposedPorts["22/tcp"] = struct{}{} },
		checks.IMGSecret: func(c *v1.ConfigFile) {
			c.Config.Env = append(c.Config.Env, "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
		},
		checks.IMGHealthcheck: func(c *v1.ConfigFile) { c.Config.Healthcheck = &v1.HealthConfig{Test: []string{"NONE"}} },
		checks.IMGLatestBase: func(c *v1.ConfigFile) {
			c.Config.Labels["org.opencontainers.image.base.name"] = "docker.io/library/alpine:latest"
		},
		checks.IMGAddURL: func(c *v1.ConfigFile) {
			c.History = append(c.History, v1.History{CreatedBy: "ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini # buildkit"})
		},
		checks.IMGPipeShell: func(c *v1.ConfigFile) {
			c.History = append(c.History, v1.History{CreatedBy: "/bin/sh -c curl -sSL https://get.example.com | sh"})
		},
	}
	if got := ids(Check(good(), "good")); len(got) != 0 {
		t.Errorf("good config: %v", got)
	}
	for _, c := range checks.Catalog() {
		if c.Family != checks.FamilyImage {
			continue
		}
		t.Run(c.ID, func(t *testing.T) {
			mutate, ok := hits[c.ID]
			if !ok {
				t.Fatalf("no hit case for %s", c.ID)
			}
			cfg := good()
			mutate(cfg)
			got := ids(Check(cfg, "img"))
			if diff := cmp.Diff([]string{c.ID}, got); diff != "" {
				t.Errorf("IDs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMessages(t *testing.T) {
	cfg := &v1.ConfigFile{
		Config: v1.Config{
			ExposedPorts: map[string]struct{}{"5900-5910/tcp": {}, "53/udp": {}},
			Env:          []string{"STRIPE_KEY=sk_live_abcdef0123456789", "TOKEN=", "API_TOKEN=$TOKEN"},
			Labels:       map[string]string{"com.example.db-password": "hunter2"},
		},
		History: []v1.History{
			{CreatedBy: "RUN |2 NPM_TOKEN=npm_abc123 NODE_ENV=production /bin/sh -c npm ci # buildkit"},
		},
	}
	var got []string
	for _, m := range Check(cfg, "registry.example.com/app:1.0") {
		got = append(got, m.ID+" "+m.Message)
		for _, s := range []string{"sk_live", "hunter2", "npm_abc123"} {
			if strings.Contains(m.Message, s) {
				t.Errorf("message leaks a secret: %s", m.Message)
			}
		}
		if m.Target != "registry.example.com/app:1.0" || m.Object != Object {
			t.Errorf("target/object = %q/%q", m.Target, m.Object)
		}
	}
	want := []string{
		"DD-IMG-001 the image sets no USER, so it runs as root",
		"DD-IMG-002 the image exposes 5900-5910/tcp, port 5900 (VNC)",
		"DD-IMG-003 environment variable STRIPE_KEY has a literal value (24 characters, redacted)",
		"DD-IMG-003 label com.example.db-password has a literal value (7 characters, redacted)",
		"DD-IMG-004 the image defines no HEALTHCHECK",
		"DD-IMG-003 history entry 0: build argument NPM_TOKEN is recorded with a literal value (10 characters, redacted)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if Check(nil, "x") != nil {
		t.Error("nil config has findings")
	}
}

// configOf reads the config of the first image of a docker-archive.
func configOf(t *testing.T, file string) *v1.ConfigFile {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(file, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = gz
	}
	files := map[string][]byte{}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg && h.Size < 1<<20 {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			files[path.Clean(h.Name)] = b
		}
	}
	var manifest []struct{ Config string }
	if err := json.Unmarshal(files["manifest.json"], &manifest); err != nil || len(manifest) == 0 {
		t.Fatalf("manifest.json: %v", err)
	}
	cfg, err := v1.ParseConfigFile(strings.NewReader(string(files[path.Clean(manifest[0].Config)])))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestRealImages checks the configs of real images made by docker (staged
// in shared/data/images): neither sets a USER or a HEALTHCHECK.
func TestRealImages(t *testing.T) {
	for _, name := range []string{"images/alpine-310.tar.gz", "images/hello-world-v25.tar"} {
		t.Run(name, func(t *testing.T) {
			cfg := configOf(t, shareddata.File(t, name))
			got := ids(Check(cfg, name))
			if diff := cmp.Diff([]string{checks.IMGRoot, checks.IMGHealthcheck}, got); diff != "" {
				t.Errorf("IDs (-want +got):\n%s", diff)
			}
		})
	}
}
