package java

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/purl"
)

// Log4jCore is the Maven name of log4j-core.
const Log4jCore = "org.apache.logging.log4j:log4j-core"

// JndiLookupNote is the note of the Log4Shell mitigation.
const JndiLookupNote = "JndiLookup.class removed from log4j-core: the archive has log4j-core classes but no org/apache/logging/log4j/core/lookup/JndiLookup.class, so JNDI lookups (Log4Shell) cannot run"

// jndiLookupIDs are the advisories defused by removing JndiLookup.class:
// CVE-2021-44228 (GHSA-jfh8-c2jp-5v3q) and CVE-2021-45046
// (GHSA-7rjr-3q55-vv33), as osv-ghsa-curated has them.
func jndiLookupIDs() []string {
	return []string{"CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q", "CVE-2021-45046", "GHSA-7rjr-3q55-vv33"}
}

// Coordinates name a Maven artifact.
type Coordinates struct {
	GroupID, ArtifactID, Version string
}

// Name is the package name: "groupId:artifactId", or the bare artifactId
// when the groupId is unknown.
func (c Coordinates) Name() string {
	if c.GroupID == "" {
		return c.ArtifactID
	}
	return c.GroupID + ":" + c.ArtifactID
}

// Validate reports whether c can name a package: a valid artifactId and
// groupId (when set, Maven's [A-Za-z0-9_.-]+) and a version without blanks
// or unresolved ${...} properties.
func (c Coordinates) Validate() error {
	switch {
	case !validID(c.ArtifactID):
		return fmt.Errorf("invalid artifactId %q", clip(c.ArtifactID))
	case c.GroupID != "" && !validID(c.GroupID):
		return fmt.Errorf("invalid groupId %q", clip(c.GroupID))
	case !validVersion(c.Version):
		return fmt.Errorf("invalid version %q", clip(c.Version))
	}
	return nil
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

const maxIDLen = 256

func validID(s string) bool {
	if s == "" || len(s) > maxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func validVersion(s string) bool {
	if s == "" || len(s) > maxIDLen || strings.Contains(s, "${") || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f {
			return false
		}
	}
	return true
}

// pomCoordinates returns the groupId and artifactId directories of a
// ".../META-INF/maven/<groupId>/<artifactId>/pom.properties" entry name.
func pomCoordinates(name string) (group, artifact string, ok bool) {
	const dir = "META-INF/maven/"
	i := strings.LastIndex(name, dir)
	if i < 0 || (i > 0 && name[i-1] != '/') {
		return "", "", false
	}
	rest, ok := strings.CutSuffix(name[i+len(dir):], "/pom.properties")
	if !ok {
		return "", "", false
	}
	group, artifact, ok = strings.Cut(rest, "/")
	if !ok || group == "" || artifact == "" || strings.Contains(artifact, "/") {
		return "", "", false
	}
	return group, artifact, true
}

// ParsePomProperties reads the coordinates from a pom.properties file
// (java.util.Properties format, as Maven writes it). Missing keys are left
// empty; the caller fills them from the path and validates.
func ParsePomProperties(r io.Reader) (Coordinates, error) {
	props, err := ParseProperties(r)
	if err != nil {
		return Coordinates{}, err
	}
	return Coordinates{
		GroupID:    strings.TrimSpace(props["groupId"]),
		ArtifactID: strings.TrimSpace(props["artifactId"]),
		Version:    strings.TrimSpace(props["version"]),
	}, nil
}

// readMeta reads all of r, at most MaxMetaBytes.
func readMeta(r io.Reader, what string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxMetaBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	if len(data) > MaxMetaBytes {
		return nil, fmt.Errorf("%s over %d bytes", what, MaxMetaBytes)
	}
	return data, nil
}

// ParseProperties reads the java.util.Properties text format: ISO 8859-1,
// "key=value", "key: value" or "key value" lines, '#' and '!' comments,
// backslash line continuations and escapes (\t \n \r \f \uXXXX). The input
// may be at most MaxMetaBytes long.
func ParseProperties(r io.Reader) (map[string]string, error) {
	data, err := readMeta(r, "properties")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	lineNo := 0
	var logical []byte
	building := false
	for len(data) > 0 {
		var line []byte
		line, data = nextLine(data)
		lineNo++
		line = bytes.TrimLeft(line, " \t\f")
		if !building {
			if len(line) == 0 || line[0] == '#' || line[0] == '!' {
				continue
			}
			logical = logical[:0]
		}
		// An odd number of trailing backslashes continues the line.
		n := 0
		for n < len(line) && line[len(line)-1-n] == '\\' {
			n++
		}
		if n%2 == 1 {
			logical = append(logical, line[:len(line)-1]...)
			building = true
			if len(data) > 0 {
				continue
			}
		} else {
			logical = append(logical, line...)
		}
		building = false
		k, v, err := splitProperty(logical)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", lineNo, err)
		}
		out[k] = v
	}
	return out, nil
}

// nextLine splits off the first line, ended by \n, \r or \r\n.
func nextLine(data []byte) (line, rest []byte) {
	i := bytes.IndexAny(data, "\r\n")
	if i < 0 {
		return data, nil
	}
	line, rest = data[:i], data[i+1:]
	if data[i] == '\r' && len(rest) > 0 && rest[0] == '\n' {
		rest = rest[1:]
	}
	return line, rest
}

func splitProperty(l []byte) (key, value string, err error) {
	i := 0
	for i < len(l) {
		c := l[i]
		if c == '\\' {
			i += 2
			continue
		}
		if c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f' {
			break
		}
		i++
	}
	end := min(i, len(l))
	j := end
	for j < len(l) && (l[j] == ' ' || l[j] == '\t' || l[j] == '\f') {
		j++
	}
	if j < len(l) && (l[j] == '=' || l[j] == ':') {
		j++
		for j < len(l) && (l[j] == ' ' || l[j] == '\t' || l[j] == '\f') {
			j++
		}
	}
	if key, err = unescape(l[:end]); err != nil {
		return "", "", err
	}
	if value, err = unescape(l[j:]); err != nil {
		return "", "", err
	}
	return key, value, nil
}

// unescape decodes ISO 8859-1 bytes with properties escapes into a string.
func unescape(b []byte) (string, error) {
	var sb strings.Builder
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' {
			sb.WriteRune(rune(c))
			continue
		}
		i++
		if i >= len(b) {
			break
		}
		switch c = b[i]; c {
		case 't':
			sb.WriteByte('\t')
		case 'n':
			sb.WriteByte('\n')
		case 'r':
			sb.WriteByte('\r')
		case 'f':
			sb.WriteByte('\f')
		case 'u':
			if i+4 >= len(b) {
				return "", errors.New(`malformed \uXXXX escape`)
			}
			var r rune
			for _, h := range b[i+1 : i+5] {
				var d byte
				switch {
				case h >= '0' && h <= '9':
					d = h - '0'
				case h >= 'a' && h <= 'f':
					d = h - 'a' + 10
				case h >= 'A' && h <= 'F':
					d = h - 'A' + 10
				default:
					return "", errors.New(`malformed \uXXXX escape`)
				}
				r = r<<4 | rune(d)
			}
			sb.WriteRune(r)
			i += 4
		default:
			sb.WriteRune(rune(c))
		}
	}
	return sb.String(), nil
}

// Manifest holds the main-section attributes of a META-INF/MANIFEST.MF,
// keyed by lower-cased name (attribute names are case-insensitive).
type Manifest map[string]string

// Get returns the value of the attribute name (any case), or "".
func (m Manifest) Get(name string) string { return m[strings.ToLower(name)] }

// ParseManifest reads the main section of a JAR manifest: "Name: value"
// lines, continued on lines starting with one space, up to the first empty
// line (later sections describe entries, not the archive). It is lenient:
// lines that are not attributes are skipped. The input may be at most
// MaxMetaBytes long.
func ParseManifest(r io.Reader) (Manifest, error) {
	data, err := readMeta(r, "manifest")
	if err != nil {
		return nil, err
	}
	m := Manifest{}
	var cur []byte
	flush := func() {
		k, v, ok := bytes.Cut(cur, []byte(":"))
		if !ok {
			return
		}
		key := strings.ToLower(string(bytes.TrimSpace(k)))
		if key == "" {
			return
		}
		m[key] = strings.TrimSpace(string(v))
	}
	for len(data) > 0 {
		var line []byte
		line, data = nextLine(data)
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' {
			cur = append(cur, line[1:]...)
			continue
		}
		flush()
		cur = append(cur[:0], line...)
	}
	flush()
	return m, nil
}

// ParseFileName splits an archive file name ("spring-core-5.3.4.RELEASE.jar",
// "guava-31.1-jre.jar", "app-1.0-SNAPSHOT.war") into artifactId and
// version. The version starts at the first "-<digit>" after which every
// "-"-separated part is version-like (digits first, or a qualifier such as
// SNAPSHOT, alpha1, RC2, jre), else at the first "-<digit>"
// ("log4j-1.2-api-2.19.0" → log4j-1.2-api 2.19.0). Without one, the name is
// the artifactId and the version is "".
func ParseFileName(name string) (artifactID, version string) {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	if i := strings.LastIndexByte(base, '.'); i > 0 {
		base = base[:i]
	}
	first := -1
	for i := 1; i+1 < len(base); i++ {
		if base[i] != '-' || !isDigit(base[i+1]) {
			continue
		}
		if first < 0 {
			first = i
		}
		if versionLike(base[i+1:]) {
			return base[:i], base[i+1:]
		}
	}
	if first > 0 {
		return base[:first], base[first+1:]
	}
	return base, ""
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// versionLike reports whether every "-" part after the first of v looks
// like a version or qualifier.
func versionLike(v string) bool {
	parts := strings.Split(v, "-")
	for _, p := range parts[1:] {
		if p == "" {
			return false
		}
		if isDigit(p[0]) {
			continue
		}
		word := strings.TrimRightFunc(strings.ToLower(p), func(r rune) bool { return r >= '0' && r <= '9' || r == '.' })
		switch word {
		case "snapshot", "alpha", "a", "beta", "b", "rc", "cr", "m", "milestone", "final", "release", "ga",
			"sp", "jre", "jdk", "android", "incubating", "native", "stable", "pre", "preview", "ea", "build", "dev", "nightly":
		default:
			return false
		}
	}
	return true
}

// manifestIdentity names an archive from its manifest, with the file name's
// artifactId and version as fallbacks (see the package documentation).
// named reports whether the artifactId comes from the manifest.
func manifestIdentity(m Manifest, fileArtifact, fileVersion string) (c Coordinates, named bool) {
	get := func(k string) string {
		v := m.Get(k)
		if strings.HasPrefix(v, "%") { // localized: Bundle-Name: %bundleName
			return ""
		}
		return v
	}
	for _, v := range []string{get("Implementation-Version"), get("Specification-Version"), get("Bundle-Version"), fileVersion} {
		if validVersion(v) {
			c.Version = v
			break
		}
	}
	bsn, _, _ := strings.Cut(get("Bundle-SymbolicName"), ";")
	bsn = strings.TrimSpace(bsn)
	if !validID(bsn) {
		bsn = ""
	}
	last := bsn
	if i := strings.LastIndexByte(bsn, '.'); i >= 0 {
		last = bsn[i+1:]
	}
	for i, v := range []string{get("Implementation-Title"), get("Specification-Title"), get("Bundle-Name"), fileArtifact, last} {
		if validID(v) {
			c.ArtifactID, named = v, i != 3
			break
		}
	}
	if c.ArtifactID == "" {
		return c, false
	}
	// group.artifact (com.fasterxml.jackson.core.jackson-databind), or
	// group.x where artifact is "<group's last part>-x"
	// (org.apache.logging.log4j.core: log4j-core, org.apache.commons.lang3:
	// commons-lang3).
	if g, ok := strings.CutSuffix(bsn, "."+c.ArtifactID); ok && validID(g) {
		c.GroupID = g
		return c, named
	}
	if seg, x, ok := strings.Cut(c.ArtifactID, "-"); ok {
		for _, x := range []string{x, strings.ReplaceAll(x, "-", ".")} {
			if g, ok := strings.CutSuffix(bsn, "."+x); ok && strings.HasSuffix(g, "."+seg) && validID(g) {
				c.GroupID = g
				return c, named
			}
		}
	}
	if v := get("Implementation-Vendor-Id"); validID(v) {
		c.GroupID = v
	} else if i := strings.LastIndexByte(bsn, '.'); i > 0 {
		c.GroupID = bsn[:i]
	}
	return c, named
}

// ownedBy reports whether the artifactId a names the archive file base
// (its name without extension): "log4j-core-2.14.1" and "log4j-core" are
// log4j-core's; Debian's renamed "geronimo-annotation-1.3-spec" is
// geronimo-annotation_1.3_spec's.
func ownedBy(base, a string) bool {
	for _, c := range []string{a, strings.ReplaceAll(a, "_", "-")} {
		if base == c || strings.HasPrefix(base, c+"-") {
			return true
		}
	}
	return false
}

// bundleLicenses reads an OSGi Bundle-License header: comma-separated
// entries "name;link=url;description=text" with quoted values. Names that
// are well-known license URLs become SPDX ids, "<<EXTERNAL>>" is dropped,
// other names are kept as written.
func bundleLicenses(h string) []string {
	var out []string
	for _, entry := range splitUnquoted(h, ',') {
		fields := splitUnquoted(entry, ';')
		name := strings.Trim(fields[0], " \t\"")
		link := ""
		for _, f := range fields[1:] {
			if k, v, ok := strings.Cut(f, "="); ok && strings.TrimSpace(k) == "link" {
				link = strings.Trim(v, " \t\"")
			}
		}
		if name == "" || name == "<<EXTERNAL>>" {
			continue
		}
		if id := spdxForURL(name); id != "" {
			name = id
		} else if id := spdxForURL(link); id != "" {
			name = id
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// splitUnquoted splits s at sep outside double quotes.
func splitUnquoted(s string, sep byte) []string {
	var out []string
	quoted, start := false, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if quoted {
				i++
			}
		case '"':
			quoted = !quoted
		case sep:
			if !quoted {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// spdxForURL maps the license URLs most often found in Bundle-License to
// SPDX ids, or returns "".
func spdxForURL(u string) string {
	u = strings.ToLower(strings.TrimSpace(u))
	for _, p := range []string{"https://", "http://", "www."} {
		u = strings.TrimPrefix(u, p)
	}
	u = strings.TrimSuffix(u, "/")
	for _, ext := range []string{".txt", ".html", ".php"} {
		u = strings.TrimSuffix(u, ext)
	}
	switch u {
	case "apache.org/licenses/license-2.0", "opensource.org/licenses/apache-2.0":
		return "Apache-2.0"
	case "opensource.org/licenses/mit", "opensource.org/licenses/mit-license":
		return "MIT"
	case "eclipse.org/legal/epl-v10", "opensource.org/licenses/epl-1.0":
		return "EPL-1.0"
	case "eclipse.org/legal/epl-2.0", "eclipse.org/legal/epl-v20", "opensource.org/licenses/epl-2.0":
		return "EPL-2.0"
	case "opensource.org/licenses/bsd-3-clause":
		return "BSD-3-Clause"
	case "opensource.org/licenses/bsd-2-clause":
		return "BSD-2-Clause"
	}
	return ""
}

// identify names the packages of one archive (see the package
// documentation) and appends them to s.pkgs.
func (s *scan) identify(c *contents, loc string, size int64) {
	base := path.Base(strings.ReplaceAll(loc, `\`, "/"))
	fileArtifact, fileVersion := ParseFileName(base)
	if i := strings.LastIndexByte(base, '.'); i > 0 {
		base = base[:i]
	}
	var m Manifest
	if c.manifest != nil {
		data, err := s.read(c.manifest, size, s.lim.metaBytes)
		if err == nil {
			m, err = ParseManifest(bytes.NewReader(data))
		}
		if err != nil {
			s.warn("%s!/%s: %v; ignored", loc, c.manifest.Name, err)
		}
	}
	var coords []Coordinates
	for _, f := range c.poms {
		data, err := s.read(f, size, s.lim.metaBytes)
		var pp Coordinates
		if err == nil {
			pp, err = ParsePomProperties(bytes.NewReader(data))
		}
		if err == nil {
			g, a, _ := pomCoordinates(f.Name)
			if pp.GroupID == "" {
				pp.GroupID = g
			}
			if pp.ArtifactID == "" {
				pp.ArtifactID = a
			}
			err = pp.Validate()
		}
		if err != nil {
			s.warn("%s!/%s: %v; ignored", loc, f.Name, err)
			continue
		}
		if !slices.Contains(coords, pp) {
			coords = append(coords, pp)
		}
	}
	self, named := manifestIdentity(m, fileArtifact, fileVersion)
	own := -1
	if len(coords) == 0 {
		if self.Validate() == nil {
			coords, own = append(coords, self), 0
		}
	} else {
		for i, pp := range coords {
			if ownedBy(base, pp.ArtifactID) || pp.ArtifactID == self.ArtifactID {
				own = i
				break
			}
		}
		if own < 0 && named && self.GroupID != "" && self.Validate() == nil {
			coords, own = append(coords, self), len(coords)
		}
		if own < 0 && len(coords) == 1 {
			own = 0
		}
	}
	for i, cc := range coords {
		p := model.Package{
			Name:      cc.Name(),
			Version:   cc.Version,
			Type:      model.TypeMaven,
			Ecosystem: model.LanguageEcosystem(model.TypeMaven),
			Locations: []model.Location{{Path: loc}},
		}
		if i == own && m != nil {
			p.Licenses = bundleLicenses(m.Get("Bundle-License"))
		}
		if p.Name == Log4jCore && c.log4jCore && !c.jndiLookup {
			p.Mitigations = []model.Mitigation{{IDs: jndiLookupIDs(), Note: JndiLookupNote}}
		}
		p.PURL = purl.For(p, nil)
		s.pkgs = append(s.pkgs, p)
	}
}
