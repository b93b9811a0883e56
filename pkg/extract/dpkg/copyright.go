package dpkg

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/lazyre"
)

// CopyrightName is the name of the copyright-file extractor.
const CopyrightName = "os/dpkg-copyright"

// Copyright reads the licences a Debian package declares in
// usr/share/doc/PKG/copyright. The dpkg database does not record licences;
// extract.Squash attaches these to the package named by the directory.
type Copyright struct{}

var _ extract.Extractor = (*Copyright)(nil)

// NewCopyright returns the copyright-file extractor.
func NewCopyright() *Copyright { return &Copyright{} }

// Name implements extract.Extractor.
func (*Copyright) Name() string { return CopyrightName }

// Version implements extract.Extractor.
func (*Copyright) Version() int { return 1 }

// Required implements extract.Extractor: usr/share/doc/NAME/copyright.
func (*Copyright) Required(p string, _ fs.FileInfo) bool {
	rest, ok := strings.CutPrefix(p, "usr/share/doc/")
	if !ok {
		return false
	}
	name, file, ok := strings.Cut(rest, "/")
	return ok && name != "" && file == "copyright"
}

// Extract implements extract.Extractor.
func (*Copyright) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	lics, err := ParseCopyright(ctx, in.Reader)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", in.Path, err)
	}
	if len(lics) == 0 {
		return nil, nil
	}
	return &extract.Result{Licenses: lics}, nil
}

// commonLicense finds references to the licence texts Debian ships in
// /usr/share/common-licenses, which copyright files that are not
// machine-readable point to.
var commonLicense = lazyre.New(`/usr/share/common-licenses/([A-Za-z0-9][A-Za-z0-9.+_-]*[A-Za-z0-9+])`)

// maxCopyrightLine bounds one line of a copyright file.
const maxCopyrightLine = 1 << 20

// ParseCopyright returns the licences of a Debian copyright file, in order
// of first appearance: the "License:" short names of a machine-readable
// (DEP-5) file, otherwise the /usr/share/common-licenses files it cites.
// Names are kept as Debian writes them ("GPL-2+", "BSD-3-clause"); the SBOM
// encoders map them to SPDX where they can.
func ParseCopyright(ctx context.Context, r io.Reader) ([]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxCopyrightLine)
	var dep5, cited []string
	add := func(list *[]string, l string) {
		if l != "" && !slices.Contains(*list, l) {
			*list = append(*list, l)
		}
	}
	for n := 0; sc.Scan(); n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		line := sc.Text()
		if v, ok := cutField(line, "License:"); ok {
			add(&dep5, v)
			continue
		}
		for _, m := range commonLicense().FindAllStringSubmatch(line, -1) {
			add(&cited, strings.TrimSuffix(m[1], "."))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(dep5) > 0 {
		return dep5, nil
	}
	return cited, nil
}

// cutField returns the value of a "Field: value" line (field name matched
// case-insensitively, as deb822 does).
func cutField(line, field string) (string, bool) {
	if len(line) < len(field) || !strings.EqualFold(line[:len(field)], field) {
		return "", false
	}
	return strings.TrimSpace(line[len(field):]), true
}
