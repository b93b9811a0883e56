package extract

import (
	"bytes"
	"path"
	"strings"
)

// Helpers for content scanners (secrets, personal data), which read text
// files: which files are binary by name, and by a sniff of their content.

// SniffSize is how much of a file's start is searched for a NUL byte: a
// file with one is binary and not scanned.
const SniffSize = 8 << 10

// binaryExt reports whether a file with extension ext (lower case, with the
// dot) is binary, media or an archive: compiled code, images, fonts,
// audio/video, documents and compressed files never hold a secret in
// plain text (their content would need decoding first).
func binaryExt(ext string) bool {
	switch ext {
	case
		// compiled code and objects
		".so", ".a", ".o", ".ko", ".dll", ".exe", ".dylib", ".lib", ".obj", ".pyc", ".pyo", ".pyd",
		".class", ".wasm", ".node", ".bin", ".elc", ".beam", ".rlib", ".mo", ".gmo",
		// archives and packages
		".zip", ".jar", ".war", ".ear", ".gz", ".tgz", ".bz2", ".xz", ".txz", ".lz", ".lz4", ".lzma",
		".zst", ".7z", ".rar", ".tar", ".deb", ".rpm", ".apk", ".whl", ".egg", ".gem", ".nupkg", ".cab",
		".iso", ".img", ".squashfs",
		// images
		".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".icns", ".cur", ".webp", ".tif", ".tiff",
		".psd", ".xcf", ".svgz", ".avif", ".heic",
		// fonts
		".ttf", ".otf", ".woff", ".woff2", ".eot", ".pfb", ".pfa", ".pcf", ".afm", ".ttc",
		// audio, video
		".mp3", ".mp4", ".m4a", ".wav", ".ogg", ".oga", ".flac", ".aac", ".avi", ".mov", ".mkv", ".webm", ".wmv",
		// documents, databases, data blobs
		".pdf", ".doc", ".xls", ".ppt", ".docx", ".xlsx", ".pptx", ".odt", ".ods",
		".db", ".sqlite", ".sqlite3", ".dat", ".pack", ".idx", ".pak", ".cache", ".pdb", ".dbg":
		return true
	}
	return false
}

// BinaryName reports whether the file at p is binary by its name alone:
// a binary or media extension, or a versioned shared library
// ("libssl.so.3", "libc.so.6").
func BinaryName(p string) bool {
	base := path.Base(p)
	if binaryExt(strings.ToLower(path.Ext(base))) {
		return true
	}
	return strings.Contains(base, ".so.")
}

// IsBinary reports whether data looks binary: a NUL byte in its first
// SniffSize bytes. UTF-16 text is binary by this test; it is rare in
// images and the rules are written for ASCII anyway.
func IsBinary(data []byte) bool {
	return bytes.IndexByte(data[:min(len(data), SniffSize)], 0) >= 0
}
