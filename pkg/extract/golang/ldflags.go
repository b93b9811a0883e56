package golang

import (
	"slices"
	"strings"

	"golang.org/x/mod/semver"
)

// maxLdflagsFields bounds the work spent on a binary's recorded -ldflags.
const maxLdflagsFields = 4096

// ldflagsVersion returns the semantic version stamped into the main module
// mainPath with -ldflags "-X pkg.version=1.2.3" (or ".ver"), with a "v"
// prefix, or "" when there is none or no single best one. Like Trivy, it
// prefers variables in mainPath/cmd/..., then those of packages named main,
// common, version or cmd, then any other; two different versions at the
// same preference give "".
func ldflagsVersion(mainPath, ldflags string) string {
	if !strings.Contains(ldflags, "X") {
		return ""
	}
	fields := splitQuoted(ldflags, maxLdflagsFields)
	var found [3][]string
	for i := 0; i < len(fields); i++ {
		var kv string
		switch f := fields[i]; {
		case f == "-X" || f == "--X":
			if i+1 >= len(fields) {
				continue
			}
			i++
			kv = fields[i]
		case strings.HasPrefix(f, "-X="):
			kv = f[len("-X="):]
		case strings.HasPrefix(f, "--X="):
			kv = f[len("--X="):]
		default:
			continue
		}
		key, val, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		key = strings.Trim(key, `'"`)
		val = strings.Trim(val, `'"`)
		lower := strings.ToLower(key)
		if !strings.HasSuffix(lower, ".version") && !strings.HasSuffix(lower, ".ver") {
			continue
		}
		if !strings.HasPrefix(val, "v") {
			val = "v" + val
		}
		if !semver.IsValid(val) {
			continue
		}
		rank := 2
		switch {
		case strings.HasPrefix(key, mainPath+"/cmd/"):
			rank = 0
		case slices.Contains([]string{"main", "common", "version", "cmd"}, packageName(lower)):
			rank = 1
		}
		if !slices.Contains(found[rank], val) {
			found[rank] = append(found[rank], val)
		}
	}
	for _, vs := range found {
		switch len(vs) {
		case 0:
			continue
		case 1:
			return vs[0]
		}
		return ""
	}
	return ""
}

// packageName returns the last element of the package path of an -X key:
// "github.com/x/y/internal/version.Version" → "version".
func packageName(key string) string {
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		key = key[i+1:]
	}
	name, _, _ := strings.Cut(key, ".")
	return name
}

// splitQuoted splits s into fields at spaces, where a field may be quoted
// with ' or " (no escapes), as cmd/go quotes flags. It returns at most max
// fields.
func splitQuoted(s string, max int) []string {
	var out []string
	for len(out) < max {
		s = strings.TrimLeft(s, " \t\n\r")
		if s == "" {
			break
		}
		if q := s[0]; q == '\'' || q == '"' {
			if end := strings.IndexByte(s[1:], q); end >= 0 {
				out = append(out, s[1:1+end])
				s = s[2+end:]
				continue
			}
		}
		end := strings.IndexAny(s, " \t\n\r")
		if end < 0 {
			end = len(s)
		}
		out = append(out, s[:end])
		s = s[end:]
	}
	return out
}
