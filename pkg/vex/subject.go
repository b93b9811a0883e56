package vex

import (
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/drydockhq/drydock/pkg/model"
)

// Subjects returns the strings that identify a scanned artifact for Apply:
// the image's manifest digest, its reference when it names a registry image
// ("registry:" and "docker://" prefixes removed; archive and layout paths
// are not references) and its repo tags. For other artifacts it returns
// nil: their findings are matched by package only.
func Subjects(a model.Artifact) []string {
	if a.Type != model.ArtifactImage {
		return nil
	}
	var out []string
	if a.Digest != "" {
		out = append(out, string(a.Digest))
	}
	if ref, ok := registryRef(a.Name); ok {
		out = append(out, ref)
	}
	return append(out, a.RepoTags...)
}

// registryRef returns the registry reference in an image name as
// pkg/image.Open takes it, or false for archive and layout paths.
func registryRef(name string) (string, bool) {
	if rest, ok := strings.CutPrefix(name, "registry:"); ok {
		return rest, true
	}
	if rest, ok := strings.CutPrefix(name, "docker://"); ok {
		return rest, true
	}
	for _, p := range []string{"docker-archive:", "oci:", "oci-layout:", "/", "./", "../"} {
		if strings.HasPrefix(name, p) {
			return "", false
		}
	}
	for _, s := range []string{".tar", ".tar.gz", ".tgz"} {
		if strings.HasSuffix(name, s) {
			return "", false
		}
	}
	_, ok := parseImageRef(name)
	return name, ok
}

// imageRef is an image named by a reference, a digest or a pkg:oci URL.
type imageRef struct {
	repo   string // normalised: "docker.io/library/debian"; "" for a bare digest
	name   string // last element of the repository: "debian"
	anyNS  bool   // only name is known (pkg:oci/debian): any registry and namespace
	tag    string // "" for any
	digest string // "sha256:…", or ""
}

// parseImageRef reads "registry/repo:tag@sha256:…" (each part but the
// repository optional), a bare digest "sha256:…", or a package URL of type
// oci (pkg:oci/debian@sha256%3A…?repository_url=docker.io/library/debian&tag=12).
func parseImageRef(s string) (imageRef, bool) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "pkg:") {
		return parseOCIPURL(s)
	}
	if isDigest(s) {
		return imageRef{digest: strings.ToLower(s)}, true
	}
	var r imageRef
	if i := strings.IndexByte(s, '@'); i >= 0 {
		if !isDigest(s[i+1:]) {
			return imageRef{}, false
		}
		r.digest = strings.ToLower(s[i+1:])
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, ':'); i > strings.LastIndexByte(s, '/') {
		r.tag = s[i+1:]
		s = s[:i]
		if !validTag(r.tag) {
			return imageRef{}, false
		}
	}
	repo, ok := normalizeRepo(s)
	if !ok {
		return imageRef{}, false
	}
	r.repo = repo
	r.name = repo[strings.LastIndexByte(repo, '/')+1:]
	return r, true
}

func parseOCIPURL(s string) (imageRef, bool) {
	u, err := packageurl.FromString(s)
	if err != nil || u.Type != "oci" {
		return imageRef{}, false
	}
	r := imageRef{name: strings.ToLower(u.Name)}
	if u.Version != "" {
		if !isDigest(u.Version) {
			return imageRef{}, false
		}
		r.digest = strings.ToLower(u.Version)
	}
	q := u.Qualifiers.Map()
	r.tag = q["tag"]
	if ru := q["repository_url"]; ru != "" {
		ru = strings.TrimSuffix(strings.ToLower(ru), "/")
		// The purl spec's repository_url includes the name
		// (gcr.io/distroless/static); some writers give only the registry
		// (repository_url=registry.k8s.io for kube-apiserver).
		if ru != r.name && !strings.HasSuffix(ru, "/"+r.name) {
			ru += "/" + r.name
		}
		repo, ok := normalizeRepo(ru)
		if !ok {
			return imageRef{}, false
		}
		r.repo = repo
	} else {
		r.anyNS = true
	}
	return r, true
}

// normalizeRepo returns a repository name in its full form, as Docker
// reads it: "debian" → "docker.io/library/debian", "index.docker.io/x/y"
// → "docker.io/x/y"; false when s is not a repository name.
func normalizeRepo(s string) (string, bool) {
	s = strings.ToLower(s)
	if s == "" || strings.Contains(s, "//") || strings.HasPrefix(s, "/") || strings.HasSuffix(s, "/") {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("._-/:", c) >= 0) {
			return "", false
		}
	}
	domain, rest, ok := strings.Cut(s, "/")
	if !ok || !strings.ContainsAny(domain, ".:") && domain != "localhost" {
		domain, rest = "docker.io", s
	}
	if strings.Contains(rest, ":") {
		return "", false
	}
	switch domain {
	case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com":
		domain = "docker.io"
	}
	if domain == "docker.io" && !strings.Contains(rest, "/") {
		rest = "library/" + rest
	}
	return domain + "/" + rest, true
}

func isDigest(s string) bool {
	alg, hex, ok := strings.Cut(s, ":")
	if !ok || alg == "" || len(hex) < 32 {
		return false
	}
	for i := 0; i < len(alg); i++ {
		if c := alg[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	for i := 0; i < len(hex); i++ {
		if c := hex[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func validTag(t string) bool {
	if t == "" || len(t) > 128 {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// subject is the scanned image, as named by the strings given to Apply.
type subject struct {
	refs    []imageRef
	digests map[string]bool
}

func newSubject(ss []string) *subject {
	s := &subject{digests: map[string]bool{}}
	for _, x := range ss {
		r, ok := parseImageRef(x)
		if !ok {
			continue
		}
		if r.digest != "" {
			s.digests[r.digest] = true
		}
		if r.repo != "" || r.anyNS {
			if r.tag == "" && r.digest == "" && !r.anyNS {
				r.tag = "latest" // as Docker pulls it
			}
			s.refs = append(s.refs, r)
		}
	}
	return s
}

func (s *subject) empty() bool {
	return len(s.refs) == 0 && len(s.digests) == 0
}

// matches reports whether the component identifies the subject image.
func (s *subject) matches(c *Component) bool {
	if s.empty() {
		return false
	}
	for _, id := range c.ids() {
		if r, ok := parseImageRef(id); ok && s.matchesRef(r) {
			return true
		}
	}
	for alg, h := range c.Hashes {
		if s.digests[strings.ReplaceAll(alg, "-", "")+":"+h] {
			return true
		}
	}
	return false
}

// matchesRef reports whether the image r (from a statement) is the
// subject. A digest decides alone (it names the content, wherever it is
// stored); otherwise the repository must be the subject's (or, for a
// pkg:oci URL without repository_url, its last element), and a tag, if
// given, the subject's.
func (s *subject) matchesRef(r imageRef) bool {
	if r.digest != "" {
		return s.digests[r.digest]
	}
	for _, sr := range s.refs {
		switch {
		case r.anyNS && r.name != sr.name:
			continue
		case !r.anyNS && (sr.anyNS || r.repo != sr.repo):
			continue
		}
		if r.tag == "" || r.tag == sr.tag {
			return true
		}
	}
	return false
}

// ids returns the identifiers of a component that can name software: its
// @id and its purl.
func (c *Component) ids() []string {
	ids := make([]string, 0, 2)
	if c.ID != "" {
		ids = append(ids, c.ID)
	}
	if p := c.Identifiers["purl"]; p != "" && p != c.ID {
		ids = append(ids, p)
	}
	return ids
}
