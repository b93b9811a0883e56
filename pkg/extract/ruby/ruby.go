// Package ruby extracts RubyGems packages from Bundler lock files
// (Gemfile.lock) and from the specifications of installed gems
// (specifications/*.gemspec).
package ruby

import (
	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

// Extractor names.
const (
	NameGemfileLock = "lang/gemfile-lock"
	NameGemspec     = "lang/gemspec"
)

// maxPackages bounds the gems one lock file may declare.
const maxPackages = 1 << 17

// newPackage returns a gem with its ecosystem and package URL.
func newPackage(name, version string) model.Package {
	return extract.LanguagePackage(model.TypeGem, name, version)
}

func locate(res *extract.Result, p string) *extract.Result { return res.Locate(p) }

// validName reports whether s can be a gem name.
func validName(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && c != '_' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// validVersion reports whether s can be a gem version (Gem::Version allows
// letters, digits and dots; "-" is read as ".pre.").
func validVersion(s string) bool {
	if s == "" || len(s) > 256 || !isAlnum(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && c != '.' && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func clip(s string) string {
	const n = 60
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
