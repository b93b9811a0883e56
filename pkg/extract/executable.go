package extract

import (
	"io/fs"
	"path"
	"strings"
)

// IsExecutable reports whether the file at p looks like an executable worth
// opening for binary extractors (Go build info, cargo-auditable): a regular
// file within [minSize, maxSize] with an execute bit or named *.exe, and
// not named like a script, source, archive or shared library. It looks at
// the path and mode only, as Required must.
func IsExecutable(p string, info fs.FileInfo, minSize, maxSize int64) bool {
	if info == nil || !info.Mode().IsRegular() {
		return false
	}
	if size := info.Size(); size < minSize || size > maxSize {
		return false
	}
	base := path.Base(p)
	ext := strings.ToLower(path.Ext(base))
	if ext == ".exe" {
		return true
	}
	if info.Mode().Perm()&0o111 == 0 {
		return false
	}
	if strings.Contains(base, ".so.") {
		return false
	}
	switch ext {
	case ".sh", ".bash", ".py", ".pl", ".pm", ".rb", ".js", ".php", ".lua", ".tcl", ".awk",
		".txt", ".md", ".html", ".css", ".json", ".xml", ".yaml", ".yml", ".toml", ".conf", ".cfg", ".ini",
		".c", ".h", ".cc", ".go", ".rs", ".mod", ".sum", ".lock",
		".so", ".a", ".o", ".ko", ".dll", ".dylib",
		".jar", ".war", ".zip", ".gz", ".tgz", ".xz", ".bz2", ".zst", ".tar", ".deb", ".rpm",
		".png", ".jpg", ".gif", ".svg", ".ttf", ".pem", ".crt":
		return false
	}
	return true
}
