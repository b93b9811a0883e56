// Package osrelease detects the operating system of an image from its release
// files: os-release, alpine-release, debian_version and the Red Hat family's
// *-release files.
package osrelease

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/lazyre"
	"github.com/drydockhq/drydock/pkg/model"
)

// Name is the extractor's name.
const Name = "os/release"

// Extractor reads OS release files.
type Extractor struct{}

var _ extract.Extractor = (*Extractor)(nil)

// New returns the extractor.
func New() *Extractor { return &Extractor{} }

// Name implements extract.Extractor.
func (*Extractor) Name() string { return Name }

// Version implements extract.Extractor.
func (*Extractor) Version() int { return 1 }

// redhatFamily maps the release files of Red Hat derivatives to their os-release IDs.
var redhatFamily = map[string]string{
	"etc/redhat-release":    "rhel",
	"etc/centos-release":    "centos",
	"etc/almalinux-release": "almalinux",
	"etc/rocky-release":     "rocky",
	"etc/fedora-release":    "fedora",
}

// Required implements extract.Extractor.
func (*Extractor) Required(p string, _ fs.FileInfo) bool {
	switch p {
	case "etc/os-release", "usr/lib/os-release", "etc/alpine-release", "etc/debian_version":
		return true
	}
	_, ok := redhatFamily[p]
	return ok
}

const maxReleaseFile = 64 << 10

// Extract implements extract.Extractor.
func (*Extractor) Extract(_ context.Context, in *extract.Input) (*extract.Result, error) {
	if in.Reader.Size() > maxReleaseFile {
		return nil, fmt.Errorf("release file is %d bytes, too large", in.Reader.Size())
	}
	data, err := io.ReadAll(in.Reader)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", in.Path, err)
	}
	var osr *model.OSRelease
	switch base := path.Base(in.Path); {
	case base == "os-release":
		osr = ParseOSRelease(string(data))
	case in.Path == "etc/alpine-release":
		if v := firstLine(data); v != "" {
			osr = &model.OSRelease{ID: "alpine", VersionID: v}
		}
	case in.Path == "etc/debian_version":
		osr = parseDebianVersion(firstLine(data))
	default:
		osr = parseRedHatRelease(redhatFamily[in.Path], firstLine(data))
	}
	if osr == nil {
		return nil, nil
	}
	osr.Path = in.Path
	return &extract.Result{OS: osr}, nil
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(s)
}

// ParseOSRelease parses the os-release(5) format. It returns nil when the
// file names no ID.
func ParseOSRelease(s string) *model.OSRelease {
	kv := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		kv[strings.TrimSpace(k)] = unquote(strings.TrimSpace(v))
	}
	if kv["ID"] == "" {
		return nil
	}
	return &model.OSRelease{
		ID:         strings.ToLower(kv["ID"]),
		VersionID:  kv["VERSION_ID"],
		Codename:   kv["VERSION_CODENAME"],
		PrettyName: kv["PRETTY_NAME"],
	}
}

func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		if v[0] == '"' {
			if u, err := strconv.Unquote(v); err == nil {
				return u
			}
		}
		return v[1 : len(v)-1]
	}
	return v
}

// debian_version holds "12.5" on releases and "trixie/sid" on testing.
func parseDebianVersion(s string) *model.OSRelease {
	if s == "" {
		return nil
	}
	osr := &model.OSRelease{ID: "debian"}
	if major, _, _ := strings.Cut(s, "."); major != "" && major[0] >= '0' && major[0] <= '9' {
		osr.VersionID = major
	} else {
		osr.Codename, _, _ = strings.Cut(s, "/")
	}
	return osr
}

var releaseVersion = lazyre.New(`release ([0-9][0-9.]*)`)

// "AlmaLinux release 9.3 (Shamrock Pampas Cat)".
func parseRedHatRelease(id, s string) *model.OSRelease {
	m := releaseVersion().FindStringSubmatch(s)
	if m == nil {
		return nil
	}
	return &model.OSRelease{ID: id, VersionID: m[1], PrettyName: s}
}
