// Package extract defines the extractor plugin interface and the layer walker
// that drives it. The walker streams a layer's tar once; extractors only answer
// "do you want this path?" and parse the bytes of the files they asked for.
package extract

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/drydockhq/drydock/pkg/model"
)

// Extractor finds packages (or the OS release) in files of a layer.
type Extractor interface {
	// Name identifies the extractor: "os/dpkg", "os/release", "lang/npm".
	Name() string
	// Version is bumped whenever the extractor's output for the same input
	// changes; it is part of the layer cache key.
	Version() int
	// Required reports whether the extractor wants the file at path. It is
	// called for every regular file of every layer and must be cheap. path is
	// slash-separated and relative to the root ("var/lib/dpkg/status").
	Required(path string, info fs.FileInfo) bool
	// Extract parses one file. It must not retain in.Reader.
	Extract(ctx context.Context, in *Input) (*Result, error)
}

// Input is one file handed to an extractor.
type Input struct {
	// Path is slash-separated and relative to the root, without a leading slash.
	Path string
	Info fs.FileInfo
	// Reader holds the whole file content. It also implements io.ReaderAt and
	// io.Seeker. The walker owns it.
	Reader ReadAtSeeker

	tempDir func() (string, error)
}

// TempDir returns a private directory the extractor may write scratch files
// to when a parser needs a real file (e.g. an SQLite rpmdb). It is created on
// first use and removed, with its content, when the layer is done.
func (in *Input) TempDir() (string, error) {
	if in.tempDir == nil {
		return "", errors.New("no scratch directory available")
	}
	return in.tempDir()
}

// NewInput makes an Input for tests and for callers outside the walker.
func NewInput(p string, info fs.FileInfo, r ReadAtSeeker, tempDir func() (string, error)) *Input {
	return &Input{Path: p, Info: info, Reader: r, tempDir: tempDir}
}

// ReadAtSeeker is a random-access, seekable reader with a known size.
type ReadAtSeeker interface {
	io.Reader
	io.ReaderAt
	io.Seeker
	Size() int64
}

// Result is what an extractor found in one file.
type Result struct {
	Packages []model.Package
	OS       *model.OSRelease
	// Licenses are declared by a file that documents a package recorded
	// elsewhere (usr/share/doc/PKG/copyright for dpkg); Squash attaches
	// them to that package.
	Licenses []string
	// Manifest is what a project manifest declares (package.json); Squash
	// applies it to the lock files beside it.
	Manifest *model.Manifest
	// Secrets and PersonalData are what content scanners (secret, PII)
	// found in the file; their Locations are filled in by the walker.
	Secrets      []model.Secret
	PersonalData []model.PersonalData
	// Warnings are problems with parts of the file that did not stop the
	// extractor (a nested archive over the depth limit, a garbled entry of
	// a lock file). The walker records each as a status of the scan.
	Warnings []string
}

// ErrNotSupported is returned (wrapped) by an extractor for a file it asked for
// but finds it cannot read, e.g. an unknown database format.
var ErrNotSupported = errors.New("format not supported")

// Configured is implemented by extractors whose output also depends on
// user configuration (the secret scanner's rule file): ConfigKey returns a
// digest of it, which becomes part of the layer cache key.
type Configured interface {
	ConfigKey() string
}

// Set is an explicit, ordered list of extractors.
type Set []Extractor

// Key returns a stable description of the set ("name@version[#config],…",
// sorted), used in layer cache keys.
func (s Set) Key() string {
	parts := make([]string, 0, len(s))
	for _, e := range s {
		k := e.Name() + "@" + strconv.Itoa(e.Version())
		if c, ok := e.(Configured); ok {
			k += "#" + c.ConfigKey()
		}
		parts = append(parts, k)
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// Select returns the extractors of s whose names are in names, or whose
// name has one of names as a "/"-separated prefix ("os" selects "os/dpkg").
func (s Set) Select(names []string) (Set, error) {
	var out Set
	for _, n := range names {
		found := false
		for _, e := range s {
			if e.Name() == n || strings.HasPrefix(e.Name(), n+"/") {
				out = append(out, e)
				found = true
			}
		}
		if !found {
			return nil, errors.New("unknown extractor " + strconv.Quote(n))
		}
	}
	return out, nil
}
