package secret

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"strings"
)

// entropy returns the Shannon entropy of s in bits per byte.
func entropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n := float64(len(s))
	h := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// maxJWTPart bounds the JSON a JWT check decodes.
const maxJWTPart = 16 << 10

// validJWT reports whether s is a JWS compact serialization (RFC 7515
// §7.1) of a JWT (RFC 7519): header and claims are base64url-encoded JSON
// objects and the header names an algorithm ("alg").
func validJWT(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || len(parts[0]) > maxJWTPart || len(parts[1]) > maxJWTPart {
		return false
	}
	var header struct {
		Alg any `json:"alg"`
	}
	if !decodeJSONPart(parts[0], &header) {
		return false
	}
	if alg, ok := header.Alg.(string); !ok || alg == "" {
		return false
	}
	var claims map[string]any
	return decodeJSONPart(parts[1], &claims)
}

// decodeJSONPart decodes one base64url part (padding tolerated) into v.
func decodeJSONPart(part string, v any) bool {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(part, "="))
	if err != nil {
		return false
	}
	return json.Unmarshal(raw, v) == nil
}

// validDockerAuth reports whether s is the "auth" value of a Docker
// config.json "auths" entry: base64 of "username:password", both
// non-empty and printable.
func validDockerAuth(s string) bool {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return false
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok || user == "" || pass == "" {
		return false
	}
	for _, r := range string(raw) {
		if r < 0x20 || r == 0x7f || r == '\uFFFD' {
			return false
		}
	}
	return true
}
