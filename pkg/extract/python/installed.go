package python

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

// Installed reads the metadata of installed distributions: the METADATA
// file of a wheel install (*.dist-info/METADATA), the PKG-INFO of a
// setuptools install (*.egg-info/PKG-INFO, *.egg/EGG-INFO/PKG-INFO) and the
// single *.egg-info file that distutils writes.
type Installed struct{}

var _ extract.Extractor = (*Installed)(nil)

// NewInstalled returns the installed-distribution extractor.
func NewInstalled() *Installed { return &Installed{} }

// Name implements extract.Extractor.
func (*Installed) Name() string { return NameInstalled }

// Version implements extract.Extractor.
func (*Installed) Version() int { return 1 }

// Required implements extract.Extractor.
func (*Installed) Required(p string, info fs.FileInfo) bool {
	switch {
	case strings.HasSuffix(p, ".dist-info/METADATA"),
		strings.HasSuffix(p, ".egg-info/PKG-INFO"),
		strings.HasSuffix(p, ".egg/EGG-INFO/PKG-INFO"):
		return true
	case strings.HasSuffix(p, ".egg-info"):
		return info == nil || !info.IsDir()
	}
	return false
}

// Extract implements extract.Extractor.
func (*Installed) Extract(ctx context.Context, in *extract.Input) (*extract.Result, error) {
	p, err := ParseMetadata(ctx, in.Reader)
	if err != nil {
		return nil, fmt.Errorf("parsing Python package metadata %s: %w", in.Path, err)
	}
	return locate(&extract.Result{Packages: []model.Package{p}}, in.Path), nil
}

// maxHeader bounds the header part of a metadata file that is read. Headers
// hold the name, version and licenses; some packages put a whole licence
// text into License, but none comes near this.
const maxHeader = 4 << 20

// maxLicenseLen is the longest License header value taken as a licence
// name; longer values are licence texts.
const maxLicenseLen = 120

// ErrNoMetadata is returned (wrapped) for a file without the Name and
// Version headers of the core metadata.
var ErrNoMetadata = errors.New("no Name and Version headers")

// ParseMetadata reads Python core metadata (METADATA, PKG-INFO): RFC 822
// style "Key: value" headers, with continuation lines starting with
// whitespace, up to the first empty line; the description body after it is
// not read. It uses Name, Version, License-Expression (PEP 639), License and
// the "License ::" classifiers. DependsOn is left empty: each file describes
// one package, so none of its Requires-Dist can name a package of the same
// file, and its requirements are ranges, not resolved versions.
func ParseMetadata(ctx context.Context, r io.Reader) (model.Package, error) {
	if err := ctx.Err(); err != nil {
		return model.Package{}, err
	}
	br := bufio.NewReaderSize(io.LimitReader(r, maxHeader), 1024)
	var (
		name, version, expr, license string
		classifiers                  []string
		field                        = fieldNone // header whose value may continue
		val                          []byte
		long                         []byte // a line longer than br's buffer
		lineNo                       int
		seenHeader                   bool
	)
	flush := func() {
		v := string(bytes.TrimSpace(val))
		switch field {
		case fieldName:
			name = v
		case fieldVersion:
			version = v
		case fieldExpression:
			expr = v
		case fieldLicense:
			license = v
		case fieldClassifier:
			if strings.HasPrefix(v, "License") {
				classifiers = append(classifiers, v)
			}
		}
		field, val = fieldNone, val[:0]
	}
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long[:0], line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return model.Package{}, fmt.Errorf("line %d: %w", lineNo+1, err)
		}
		if len(line) == 0 && err != nil {
			break
		}
		lineNo++
		line = bytes.TrimRight(line, "\r\n")
		if lineNo == 1 {
			line = bytes.TrimPrefix(line, []byte("\ufeff"))
		}
		if len(bytes.TrimSpace(line)) == 0 {
			break // end of the headers
		}
		if line[0] == ' ' || line[0] == '\t' {
			if field != fieldNone {
				val = append(append(val, '\n'), line...)
			}
			continue
		}
		flush()
		k, v, ok := bytes.Cut(line, []byte(":"))
		if !ok || len(k) == 0 || bytes.ContainsAny(k, " \t") {
			if !seenHeader {
				return model.Package{}, fmt.Errorf("line %d: not a \"Key: value\" header: %q", lineNo, clip(string(line)))
			}
			continue // stray line in a file that has headers: ignore it
		}
		seenHeader = true
		field = fieldOf(k)
		if field != fieldNone {
			val = append(val, v...)
		}
		if err != nil {
			break
		}
	}
	flush()
	if name == "" || version == "" {
		return model.Package{}, ErrNoMetadata
	}
	if strings.ContainsAny(name+version, "\x00\n") {
		return model.Package{}, fmt.Errorf("name or version holds control characters: %q %q", clip(name), clip(version))
	}
	p := newPackage(name, version)
	p.Licenses = licenses(expr, license, classifiers)
	return p, nil
}

// metadataField is a header ParseMetadata keeps.
type metadataField int

const (
	fieldNone metadataField = iota
	fieldName
	fieldVersion
	fieldExpression
	fieldLicense
	fieldClassifier
)

func fieldOf(k []byte) metadataField {
	switch {
	case bytes.EqualFold(k, []byte("Name")):
		return fieldName
	case bytes.EqualFold(k, []byte("Version")):
		return fieldVersion
	case bytes.EqualFold(k, []byte("License-Expression")):
		return fieldExpression
	case bytes.EqualFold(k, []byte("License")):
		return fieldLicense
	case bytes.EqualFold(k, []byte("Classifier")):
		return fieldClassifier
	}
	return fieldNone
}

// licenses picks the declared licences: the SPDX expression of PEP 639 if
// there is one, else a short License header, else the names of the
// "License :: ... :: X" trove classifiers.
func licenses(expr, license string, classifiers []string) []string {
	if expr != "" {
		return []string{expr}
	}
	if license != "" && !strings.EqualFold(license, "UNKNOWN") && len(license) <= maxLicenseLen && !strings.Contains(license, "\n") {
		return []string{license}
	}
	var out []string
	for _, c := range classifiers {
		parts := strings.Split(c, "::")
		if len(parts) < 2 || strings.TrimSpace(parts[0]) != "License" {
			continue
		}
		l := strings.TrimSpace(parts[len(parts)-1])
		if l == "" || l == "OSI Approved" || slices.Contains(out, l) {
			continue
		}
		out = append(out, l)
	}
	return out
}

// clip shortens s for an error message.
func clip(s string) string {
	const n = 60
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
