package secret

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/drydockhq/drydock/pkg/model"
)

// builtinYAML is the built-in rule file. A string, so it cannot be
// modified.
//
//go:embed rules.yaml
var builtinYAML string

// Rules is a rule file: the secret rules, the allow entries that suppress
// findings, and the IDs of built-in rules or allow entries to disable. The
// built-in rules are rules.yaml in this package; a user file in the same
// format extends them (LoadRules).
type Rules struct {
	Rules []Rule  `yaml:"rules"`
	Allow []Allow `yaml:"allow,omitempty"`
	// Disable lists IDs of rules or allow entries to drop; used in a user
	// file to switch off built-ins.
	Disable []string `yaml:"disable,omitempty"`
}

// Rule is one kind of secret.
type Rule struct {
	// ID is stable and unique ("aws-access-key-id"); it is Secret.RuleID.
	ID       string         `yaml:"id"`
	Category string         `yaml:"category"`
	Title    string         `yaml:"title"`
	Severity model.Severity `yaml:"severity"`
	// Description says what the secret is and cites the provider's
	// documentation of its format.
	Description string `yaml:"description,omitempty"`
	// Keywords are matched case-insensitively by the prefilter; the regex
	// only runs on windows around their occurrences. At least one is
	// required, and every match of Regex must contain one.
	Keywords []string `yaml:"keywords"`
	// Regex is a Go regular expression (RE2 syntax) with at least one
	// group named "secret": the part that is redacted. When several groups
	// are named "secret" (alternatives), the first that matched is used.
	Regex string `yaml:"regex"`
	// Entropy is the minimum Shannon entropy, in bits per byte, of the
	// secret; 0 means no check. Placeholders ("XXXX…") fall below it.
	Entropy float64 `yaml:"entropy,omitempty"`
	// Before and After widen the window the regex runs on, in bytes before
	// a keyword's start and after its end (multi-line secrets such as PEM
	// blocks). The window always covers the keyword's whole line (up to
	// 4 KiB each way).
	Before int `yaml:"before,omitempty"`
	After  int `yaml:"after,omitempty"`
	// Reveal is how many leading characters of the secret stay readable in
	// Secret.Match (at most 4); the rest is replaced by '*'.
	Reveal int `yaml:"reveal,omitempty"`
	// Validate names a built-in check of the secret: "jwt" (header and
	// claims are base64url JSON, the header has "alg"), "docker-auth"
	// (base64 of "user:password").
	Validate string `yaml:"validate,omitempty"`
	// Paths, when set, limit the rule to files whose slash-separated path
	// matches one of these regexes.
	Paths []string `yaml:"paths,omitempty"`
	// AllowPaths exempt files whose path matches one of these regexes.
	AllowPaths []string `yaml:"allowPaths,omitempty"`
	// AllowRegexes exempt secrets (the text of the secret group) matching
	// one of these regexes: placeholders, documented non-secret values.
	AllowRegexes []string `yaml:"allowRegexes,omitempty"`
}

// Allow suppresses findings of every rule. An entry with only Path skips
// whole files (checked in Required, before the file is read); with only
// Regex it drops secrets whose text matches; with both, secrets matching
// Regex in files matching Path.
type Allow struct {
	ID          string `yaml:"id"`
	Description string `yaml:"description,omitempty"`
	Path        string `yaml:"path,omitempty"`
	Regex       string `yaml:"regex,omitempty"`
}

// maxRulesFileSize bounds a rule file read by LoadRules.
const maxRulesFileSize = 4 << 20

// maxWindow bounds Rule.Before and Rule.After.
const maxWindow = 1 << 20

// maxReveal bounds Rule.Reveal.
const maxReveal = 4

// validators are the built-in checks a rule may name in Validate.
func validator(name string) (func(string) bool, bool) {
	switch name {
	case "":
		return nil, true
	case "jwt":
		return validJWT, true
	case "docker-auth":
		return validDockerAuth, true
	}
	return nil, false
}

// Builtin returns the built-in rules (rules.yaml). Each call returns a
// fresh copy the caller may modify.
func Builtin() (*Rules, error) {
	r, err := ParseRules([]byte(builtinYAML))
	if err != nil {
		return nil, fmt.Errorf("built-in secret rules: %w", err)
	}
	return r, nil
}

// ParseRules decodes a rule file and checks each rule and allow entry
// (required fields, regexes compile, a "secret" group, known validators).
// Unknown fields are errors, so that a misspelt field does not silently
// weaken a rule.
func ParseRules(data []byte) (*Rules, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var r Rules
	if err := dec.Decode(&r); err != nil {
		if errors.Is(err, io.EOF) {
			return &Rules{}, nil // an empty file
		}
		return nil, fmt.Errorf("parsing secret rules: %w", err)
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	return &r, nil
}

// LoadRules reads the user rule file at path and merges it into the
// built-in rules (see Merge).
func LoadRules(path string) (*Rules, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading secret rules: %w", err)
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(f, maxRulesFileSize+1)); err != nil {
		return nil, fmt.Errorf("reading secret rules %s: %w", path, err)
	}
	if buf.Len() > maxRulesFileSize {
		return nil, fmt.Errorf("secret rules %s: over %d bytes", path, maxRulesFileSize)
	}
	user, err := ParseRules(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	base, err := Builtin()
	if err != nil {
		return nil, err
	}
	merged, err := base.Merge(user)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return merged, nil
}

// Merge returns r extended by user: a user rule or allow entry with the ID
// of an existing one replaces it in place, new ones are appended (after
// r's, so r's rules win when two rules find the same secret), and the IDs
// in user.Disable are removed. Disabling an ID that exists in neither is an
// error (a typo would otherwise leave a rule on). r is not modified.
func (r *Rules) Merge(user *Rules) (*Rules, error) {
	out := &Rules{Rules: slices.Clone(r.Rules), Allow: slices.Clone(r.Allow)}
	for _, u := range user.Rules {
		if i := slices.IndexFunc(out.Rules, func(x Rule) bool { return x.ID == u.ID }); i >= 0 {
			out.Rules[i] = u
		} else {
			out.Rules = append(out.Rules, u)
		}
	}
	for _, u := range user.Allow {
		if i := slices.IndexFunc(out.Allow, func(x Allow) bool { return x.ID == u.ID }); i >= 0 {
			out.Allow[i] = u
		} else {
			out.Allow = append(out.Allow, u)
		}
	}
	disable := append(slices.Clone(r.Disable), user.Disable...)
	for _, id := range disable {
		nr := len(out.Rules)
		out.Rules = slices.DeleteFunc(out.Rules, func(x Rule) bool { return x.ID == id })
		na := len(out.Allow)
		out.Allow = slices.DeleteFunc(out.Allow, func(x Allow) bool { return x.ID == id })
		if nr == len(out.Rules) && na == len(out.Allow) {
			return nil, fmt.Errorf("disable: no rule or allow entry %q", id)
		}
	}
	if err := out.check(); err != nil {
		return nil, err
	}
	return out, nil
}

// check validates r without keeping what it compiles.
func (r *Rules) check() error {
	_, err := r.compile()
	return err
}

// compiledRule is a Rule ready to run.
type compiledRule struct {
	Rule
	re           *regexp.Regexp
	secretGroups []int // submatch indexes of the groups named "secret"
	paths        []*pathMatcher
	allowPaths   []*pathMatcher
	allowRegexes []*regexp.Regexp
	validate     func(string) bool
}

// compiledAllow is an Allow ready to run.
type compiledAllow struct {
	path  *pathMatcher // nil: any path
	regex *regexp.Regexp
}

// compiled is everything New builds from Rules.
type compiled struct {
	rules []compiledRule
	// skipPaths are the path-only allow entries; allows are the entries
	// with a Regex.
	skipPaths []*pathMatcher
	allows    []compiledAllow
	// kwRules maps a keyword index of ac to the rules that use it.
	ac      *automaton
	kwRules [][]int
}

func compilePaths(exprs []string, what string) ([]*pathMatcher, error) {
	var out []*pathMatcher
	for _, e := range exprs {
		m, err := newPathMatcher(e)
		if err != nil {
			return nil, fmt.Errorf("%s %q: %w", what, e, err)
		}
		out = append(out, m)
	}
	return out, nil
}

func compileAll(exprs []string, what string) ([]*regexp.Regexp, error) {
	var out []*regexp.Regexp
	for _, e := range exprs {
		re, err := regexp.Compile(e)
		if err != nil {
			return nil, fmt.Errorf("%s %q: %w", what, e, err)
		}
		out = append(out, re)
	}
	return out, nil
}

func (r *Rules) compile() (*compiled, error) {
	c := &compiled{}
	ids := map[string]bool{}
	var (
		keywords []string
		kwIndex  = map[string]int{}
	)
	for i := range r.Rules {
		rule := r.Rules[i]
		cr, err := compileRule(rule)
		if err != nil {
			if rule.ID == "" {
				return nil, fmt.Errorf("rule %d: %w", i+1, err)
			}
			return nil, fmt.Errorf("rule %s: %w", rule.ID, err)
		}
		if ids[rule.ID] {
			return nil, fmt.Errorf("rule %s: duplicate id", rule.ID)
		}
		ids[rule.ID] = true
		for _, kw := range rule.Keywords {
			k := strings.ToLower(kw)
			ki, ok := kwIndex[k]
			if !ok {
				ki = len(keywords)
				kwIndex[k] = ki
				keywords = append(keywords, k)
				c.kwRules = append(c.kwRules, nil)
			}
			if !slices.Contains(c.kwRules[ki], len(c.rules)) {
				c.kwRules[ki] = append(c.kwRules[ki], len(c.rules))
			}
		}
		c.rules = append(c.rules, cr)
	}
	allowIDs := map[string]bool{}
	for i, a := range r.Allow {
		if a.ID == "" {
			return nil, fmt.Errorf("allow entry %d: no id", i+1)
		}
		if allowIDs[a.ID] {
			return nil, fmt.Errorf("allow entry %s: duplicate id", a.ID)
		}
		allowIDs[a.ID] = true
		var ca compiledAllow
		var err error
		switch {
		case a.Path == "" && a.Regex == "":
			return nil, fmt.Errorf("allow entry %s: neither path nor regex", a.ID)
		case a.Regex == "":
			m, err := newPathMatcher(a.Path)
			if err != nil {
				return nil, fmt.Errorf("allow entry %s: path: %w", a.ID, err)
			}
			c.skipPaths = append(c.skipPaths, m)
			continue
		}
		if ca.regex, err = regexp.Compile(a.Regex); err != nil {
			return nil, fmt.Errorf("allow entry %s: regex: %w", a.ID, err)
		}
		if a.Path != "" {
			if ca.path, err = newPathMatcher(a.Path); err != nil {
				return nil, fmt.Errorf("allow entry %s: path: %w", a.ID, err)
			}
		}
		c.allows = append(c.allows, ca)
	}
	var err error
	if c.ac, err = newAutomaton(keywords); err != nil {
		return nil, fmt.Errorf("secret rule keywords: %w", err)
	}
	return c, nil
}

func compileRule(rule Rule) (compiledRule, error) {
	cr := compiledRule{Rule: rule}
	switch {
	case rule.ID == "":
		return cr, errors.New("no id")
	case rule.Title == "":
		return cr, errors.New("no title")
	case rule.Category == "":
		return cr, errors.New("no category")
	case rule.Regex == "":
		return cr, errors.New("no regex")
	case len(rule.Keywords) == 0:
		return cr, errors.New("no keywords (the prefilter needs at least one)")
	case rule.Before < 0 || rule.Before > maxWindow || rule.After < 0 || rule.After > maxWindow:
		return cr, fmt.Errorf("before/after must be within 0..%d", maxWindow)
	case rule.Reveal < 0 || rule.Reveal > maxReveal:
		return cr, fmt.Errorf("reveal must be within 0..%d", maxReveal)
	case rule.Entropy < 0 || rule.Entropy > 8:
		return cr, errors.New("entropy must be within 0..8 bits per byte")
	}
	switch rule.Severity {
	case model.SeverityLow, model.SeverityMedium, model.SeverityHigh, model.SeverityCritical:
	default:
		return cr, fmt.Errorf("severity %q is not LOW, MEDIUM, HIGH or CRITICAL", rule.Severity)
	}
	for _, kw := range rule.Keywords {
		if kw == "" {
			return cr, errors.New("empty keyword")
		}
	}
	var err error
	if cr.re, err = regexp.Compile(rule.Regex); err != nil {
		return cr, fmt.Errorf("regex: %w", err)
	}
	for i, name := range cr.re.SubexpNames() {
		if name == "secret" {
			cr.secretGroups = append(cr.secretGroups, i)
		}
	}
	if len(cr.secretGroups) == 0 {
		return cr, errors.New(`regex has no group named "secret"`)
	}
	if cr.paths, err = compilePaths(rule.Paths, "paths"); err != nil {
		return cr, err
	}
	if cr.allowPaths, err = compilePaths(rule.AllowPaths, "allowPaths"); err != nil {
		return cr, err
	}
	if cr.allowRegexes, err = compileAll(rule.AllowRegexes, "allowRegexes"); err != nil {
		return cr, err
	}
	var ok bool
	if cr.validate, ok = validator(rule.Validate); !ok {
		return cr, fmt.Errorf("unknown validate %q (known: jwt, docker-auth)", rule.Validate)
	}
	return cr, nil
}

// appliesTo reports whether the rule runs on the file at p; lower is
// strings.ToLower(p).
func (cr *compiledRule) appliesTo(p, lower string) bool {
	if len(cr.paths) > 0 && !matchAny(cr.paths, p, lower) {
		return false
	}
	return !matchAny(cr.allowPaths, p, lower)
}
