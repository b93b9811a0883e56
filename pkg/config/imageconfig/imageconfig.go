// Package imageconfig checks an image's config (user, exposed ports,
// environment, labels, healthcheck, build history) against drydock's
// built-in DD-IMG checks.
package imageconfig

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/drydockhq/drydock/pkg/config/checks"
	"github.com/drydockhq/drydock/pkg/model"
)

// Object is the model.Misconfiguration.Object of image config findings.
const Object = "image config"

// baseNameLabel and baseDigestLabel are the OCI annotations (also set as
// labels by BuildKit's and many CI pipelines' metadata steps) that name the
// base image an image was built FROM.
const (
	baseNameLabel   = "org.opencontainers.image.base.name"
	baseDigestLabel = "org.opencontainers.image.base.digest"
)

// Check runs the DD-IMG checks on cfg. ref names the image in findings'
// Target. A nil cfg has nothing to check.
func Check(cfg *v1.ConfigFile, ref string) []model.Misconfiguration {
	if cfg == nil {
		return nil
	}
	var out []model.Misconfiguration
	add := func(id, msg string) {
		out = append(out, checks.Finding(id, ref, Object, 0, msg))
	}
	c := cfg.Config

	if checks.IsRootUser(c.User) {
		if strings.TrimSpace(c.User) == "" {
			add(checks.IMGRoot, "the image sets no USER, so it runs as root")
		} else {
			add(checks.IMGRoot, fmt.Sprintf("the image runs as USER %q (root)", c.User))
		}
	}

	for _, p := range sortedKeys(c.ExposedPorts) {
		if port, svc, ok := checks.AdminPort(p); ok {
			add(checks.IMGAdminPort, fmt.Sprintf("the image exposes %s, port %d (%s)", p, port, svc))
		}
	}

	for _, kv := range c.Env {
		name, val, _ := strings.Cut(kv, "=")
		if checks.SecretName(name) && checks.LiteralSecretValue(val) {
			add(checks.IMGSecret, fmt.Sprintf("environment variable %s has a literal value (%d characters, redacted)", name, len(val)))
		}
	}
	for _, name := range sortedKeys(c.Labels) {
		if checks.SecretName(name) && checks.LiteralSecretValue(c.Labels[name]) {
			add(checks.IMGSecret, fmt.Sprintf("label %s has a literal value (%d characters, redacted)", name, len(c.Labels[name])))
		}
	}

	if hc := c.Healthcheck; hc == nil || len(hc.Test) == 0 {
		add(checks.IMGHealthcheck, "the image defines no HEALTHCHECK")
	} else if strings.EqualFold(hc.Test[0], "NONE") {
		add(checks.IMGHealthcheck, "the image disables the healthcheck (HEALTHCHECK NONE)")
	}

	if base := c.Labels[baseNameLabel]; base != "" && c.Labels[baseDigestLabel] == "" {
		if why := checks.ParseImageRef(base).Unpinned(); why != "" {
			add(checks.IMGLatestBase, fmt.Sprintf("the image was built from %s (%s, per label %s)", base, why, baseNameLabel))
		}
	}

	for i, h := range cfg.History {
		out = append(out, checkHistory(i, h.CreatedBy, ref)...)
	}
	return out
}

// checkHistory checks one history entry's created_by: the Dockerfile
// instruction that made the layer, as recorded by BuildKit
// ("RUN |1 TOKEN=x /bin/sh -c make # buildkit", "ADD https://... /x # buildkit")
// or the legacy builder ("/bin/sh -c #(nop) ADD file:... in /", "/bin/sh -c make").
func checkHistory(i int, createdBy, ref string) []model.Misconfiguration {
	var out []model.Misconfiguration
	add := func(id, msg string) {
		out = append(out, checks.Finding(id, ref, Object, 0, fmt.Sprintf("history entry %d: %s", i, msg)))
	}
	cb := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(createdBy), "# buildkit"))
	nop := false
	if rest, ok := strings.CutPrefix(cb, "/bin/sh -c #(nop)"); ok {
		cb, nop = strings.TrimSpace(rest), true
	}
	instr, args, _ := strings.Cut(cb, " ")
	switch strings.ToUpper(instr) {
	case "ADD":
		for _, w := range strings.Fields(args) {
			if strings.HasPrefix(w, "http://") || strings.HasPrefix(w, "https://") {
				add(checks.IMGAddURL, "layer added from "+w)
			}
		}
		return out
	case "RUN":
		args = stripBuildArgs(args, func(name, val string) {
			if checks.SecretName(name) && checks.LiteralSecretValue(val) {
				add(checks.IMGSecret, fmt.Sprintf("build argument %s is recorded with a literal value (%d characters, redacted)", name, len(val)))
			}
		})
		args = strings.TrimPrefix(args, "/bin/sh -c ")
	default:
		if nop || !strings.HasPrefix(cb, "/bin/sh -c ") {
			return out // ENV, LABEL, CMD ... or an unknown tool's comment
		}
		args = strings.TrimPrefix(cb, "/bin/sh -c ")
	}
	if checks.PipeToShell(args) {
		add(checks.IMGPipeShell, "a downloaded script is piped to a shell")
	}
	return out
}

// stripBuildArgs removes BuildKit's "|N NAME=value ..." prefix of RUN history
// entries, reporting each build argument to fn, and returns the command.
func stripBuildArgs(args string, fn func(name, val string)) string {
	args = strings.TrimSpace(args)
	if !strings.HasPrefix(args, "|") {
		return args
	}
	n := 0
	if _, err := fmt.Sscanf(args, "|%d", &n); err != nil || n <= 0 {
		return args
	}
	fields := strings.Fields(args)
	if len(fields) < n+1 {
		return args
	}
	for _, kv := range fields[1 : n+1] {
		name, val, _ := strings.Cut(kv, "=")
		fn(name, val)
	}
	return strings.Join(fields[n+1:], " ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return slices.Compact(keys)
}
