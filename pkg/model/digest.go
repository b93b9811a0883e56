package model

import "strings"

// Digest is a content digest in "algorithm:hex" form, e.g. "sha256:ab12…".
type Digest string

// Short returns the first 12 hex characters of the digest, for display.
func (d Digest) Short() string {
	s := string(d)
	if i := strings.IndexByte(s, ':'); i >= 0 {
		s = s[i+1:]
	}
	if len(s) > 12 {
		s = s[:12]
	}
	return s
}
