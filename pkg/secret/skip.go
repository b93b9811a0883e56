package secret

// MaxFileSize is the largest file the extractor reads. Hand-written
// configuration and source files are far smaller; larger files are data,
// logs or bundles, and skipping them bounds the time spent per layer.
const MaxFileSize = 10 << 20

// minFileSize is the smallest file worth scanning: no rule matches fewer
// bytes.
const minFileSize = 16
