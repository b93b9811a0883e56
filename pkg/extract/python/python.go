// Package python extracts PyPI packages: installed distributions
// (*.dist-info/METADATA, *.egg-info) and the lock and requirement files of
// pip, Poetry, Pipenv and uv.
//
// Names are kept as the file writes them ("PyYAML", "zope.interface"); the
// package URL lower-cases them and the vulnerability database compares names
// after PEP 503 normalisation.
package python

import (
	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

// Extractor names.
const (
	NameInstalled    = "lang/python-installed"
	NameRequirements = "lang/python-requirements"
	NamePoetry       = "lang/poetry-lock"
	NamePipenv       = "lang/pipenv-lock"
	NameUV           = "lang/uv-lock"
)

// maxPackages bounds the packages one file may declare; real lock files
// hold a few hundred.
const maxPackages = 1 << 17

// newPackage returns a PyPI package with its ecosystem and package URL.
func newPackage(name, version string) model.Package {
	return extract.LanguagePackage(model.TypePyPI, name, version)
}

// locate sets the location of every package of res to the file at p.
func locate(res *extract.Result, p string) *extract.Result { return res.Locate(p) }
