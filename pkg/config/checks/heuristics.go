package checks

import (
	"strconv"
	"strings"
)

// IsRootUser reports whether a USER / config.User value runs the process as
// root: empty (the default), "root" or UID 0, with or without a group.
func IsRootUser(user string) bool {
	u, _, _ := strings.Cut(strings.TrimSpace(user), ":")
	if u == "" || u == "root" {
		return true
	}
	n, err := strconv.ParseUint(u, 10, 32)
	return err == nil && n == 0
}

// adminPorts are TCP ports of remote administration services.
var adminPorts = map[int]string{
	22:   "SSH",
	23:   "Telnet",
	2375: "Docker API (plain HTTP)",
	2376: "Docker API",
	3389: "RDP",
	5900: "VNC",
	5985: "WinRM",
	5986: "WinRM (HTTPS)",
}

// AdminPort reports whether an exposed port spec ("22", "22/tcp",
// "5900-5910/tcp") includes a remote administration port, and names it.
// UDP ports and specs it cannot read are not admin ports.
func AdminPort(spec string) (port int, service string, ok bool) {
	p, proto, _ := strings.Cut(strings.TrimSpace(spec), "/")
	if proto != "" && !strings.EqualFold(proto, "tcp") {
		return 0, "", false
	}
	lo, hi, isRange := strings.Cut(p, "-")
	from, err := strconv.Atoi(lo)
	if err != nil {
		return 0, "", false
	}
	to := from
	if isRange {
		if to, err = strconv.Atoi(hi); err != nil || to < from || to-from > 65535 {
			return 0, "", false
		}
	}
	best := 0
	for port := range adminPorts {
		if port >= from && port <= to && (best == 0 || port < best) {
			best = port
		}
	}
	if best == 0 {
		return 0, "", false
	}
	return best, adminPorts[best], true
}

// secretWords are name tokens that mark a secret.
var secretWords = map[string]bool{
	"PASSWORD": true, "PASSWD": true, "PASSPHRASE": true, "SECRET": true, "TOKEN": true,
	"APIKEY": true, "CREDENTIAL": true, "CREDENTIALS": true, "PRIVATEKEY": true,
}

// notSecretSuffix are last name tokens that say the value points to or names
// the secret rather than being it (MYSQL_PASSWORD_FILE, TOKEN_URL), or
// is not secret (CLIENT_ID).
var notSecretSuffix = map[string]bool{
	"FILE": true, "PATH": true, "DIR": true, "URL": true, "URI": true, "ENDPOINT": true,
	"NAME": true, "ID": true, "REF": true, "LENGTH": true, "TTL": true, "HEADER": true,
	"ENABLED": true, "POLICY": true, "TYPE": true, "MODE": true,
}

// notSecretNames are names that match the patterns but hold public data: the
// official language images set GPG_KEY(S) to release signing key fingerprints.
var notSecretNames = map[string]bool{
	"GPG_KEY": true, "GPG_KEYS": true, "PUBLIC_KEY": true, "KEY_ID": true,
}

// SecretName reports whether an environment variable, build argument, label or
// ConfigMap key name looks like it holds a secret: it has a token PASSWORD,
// PASSWD, PASSPHRASE, SECRET, TOKEN, APIKEY or CREDENTIAL(S), or ends in KEY
// (API_KEY, AWS_SECRET_ACCESS_KEY, STRIPE_KEY), unless its last token says it
// names or locates the secret (_FILE, _PATH, _URL, _NAME, _ID, ...).
// Names are split on "_", "-", "." and camelCase boundaries.
func SecretName(name string) bool {
	toks := tokens(name)
	if len(toks) == 0 {
		return false
	}
	upper := strings.Join(toks, "_")
	if notSecretNames[upper] || strings.HasSuffix(upper, "_PUBLIC_KEY") {
		return false
	}
	last := toks[len(toks)-1]
	if notSecretSuffix[last] {
		return false
	}
	for i, t := range toks {
		if secretWords[t] {
			return true
		}
		// PRIVATE_KEY, API_KEY, ACCESS_KEY: joined pairs.
		if i+1 < len(toks) && secretWords[t+toks[i+1]] {
			return true
		}
	}
	return last == "KEY" && len(toks) > 1
}

// tokens splits a name into upper-case words.
func tokens(name string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToUpper(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(name)
	for i, r := range rs {
		switch {
		case r == '_' || r == '-' || r == '.' || r == '/' || r == ' ':
			flush()
		case r >= 'A' && r <= 'Z' && i > 0 && rs[i-1] >= 'a' && rs[i-1] <= 'z':
			flush() // camelCase boundary: dbPassword
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return out
}

// LiteralSecretValue reports whether a value next to a secret-looking name is a
// literal secret rather than empty, a variable reference ("$DB_PASS",
// "${DB_PASS}"), a file path ("/run/secrets/db") or an obvious placeholder.
func LiteralSecretValue(v string) bool {
	v = strings.TrimSpace(v)
	if v == "" || strings.HasPrefix(v, "$") || strings.HasPrefix(v, "/") {
		return false
	}
	switch strings.ToLower(v) {
	case "true", "false", "yes", "no", "none", "null", "<none>", "changeme-at-runtime", "-":
		return false
	}
	return true
}

// ImageRef is an image reference split into its parts.
type ImageRef struct {
	// Name is the repository, with registry if given ("registry.k8s.io/pause").
	Name   string
	Tag    string
	Digest string
}

// ParseImageRef splits "registry:5000/repo/name:tag@sha256:..." without
// validating it. A colon before the last slash belongs to a registry port.
func ParseImageRef(s string) ImageRef {
	var r ImageRef
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "@"); i >= 0 {
		s, r.Digest = s[:i], s[i+1:]
	}
	slash := strings.LastIndex(s, "/")
	if i := strings.LastIndex(s, ":"); i > slash {
		s, r.Tag = s[:i], s[i+1:]
	}
	r.Name = s
	return r
}

// Unpinned reports why the reference does not pin an image: "latest tag" or
// "no tag", or "" when it has a digest or another tag.
func (r ImageRef) Unpinned() string {
	switch {
	case r.Digest != "":
		return ""
	case r.Tag == "":
		return "no tag"
	case r.Tag == "latest":
		return "latest tag"
	}
	return ""
}

// PipeToShell reports whether a shell command downloads with curl or wget and
// pipes the result into a shell ("curl -fsSL https://x/install.sh | bash").
func PipeToShell(cmd string) bool {
	for _, seg := range splitCommands(cmd) {
		parts := strings.Split(seg, "|")
		if len(parts) < 2 {
			continue
		}
		fetch := false
		for i, p := range parts {
			w := firstWords(p)
			if i > 0 && fetch && len(w) > 0 && isShell(w) {
				return true
			}
			if len(w) > 0 && (w[0] == "curl" || w[0] == "wget") {
				fetch = true
			}
		}
	}
	// sh -c "$(curl ...)" and bash <(curl ...)
	for _, sh := range []string{"sh", "bash", "zsh", "ash", "dash"} {
		for _, form := range []string{sh + ` -c "$(curl`, sh + ` -c "$(wget`, sh + " <(curl", sh + " <(wget"} {
			if strings.Contains(cmd, form) {
				return true
			}
		}
	}
	return false
}

// isShell reports whether the words start a shell (possibly through sudo or env).
func isShell(w []string) bool {
	for _, x := range w {
		switch x {
		case "sudo", "env", "-E", "-":
			continue
		case "sh", "bash", "zsh", "ash", "dash", "ksh", "/bin/sh", "/bin/bash", "/usr/bin/env", "python", "python3", "perl", "ruby":
			return true
		}
		return false
	}
	return false
}

// splitCommands splits a shell command line on ;, && and ||
// (|| is split before | so pipelines survive).
func splitCommands(cmd string) []string {
	cmd = strings.ReplaceAll(cmd, "||", ";")
	cmd = strings.ReplaceAll(cmd, "&&", ";")
	cmd = strings.ReplaceAll(cmd, "\n", ";")
	return strings.Split(cmd, ";")
}

// firstWords returns the words of a simple command, without leading variable
// assignments.
func firstWords(s string) []string {
	w := strings.Fields(s)
	for len(w) > 0 && strings.Contains(w[0], "=") && !strings.HasPrefix(w[0], "-") {
		w = w[1:]
	}
	return w
}

// Commands splits a shell command line into simple commands (on ;, &&, ||, |
// and newlines) and returns the words of each, without variable assignments.
func Commands(cmd string) [][]string {
	var out [][]string
	for _, seg := range splitCommands(cmd) {
		for _, p := range strings.Split(seg, "|") {
			if w := firstWords(p); len(w) > 0 {
				out = append(out, w)
			}
		}
	}
	return out
}
