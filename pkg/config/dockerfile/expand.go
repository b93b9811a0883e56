package dockerfile

import "strings"

// metaArgs returns the defaults of the ARG instructions before the first
// FROM, the only variables a FROM line may use. An ARG without a default is
// present with ok false: its value comes from --build-arg, unknown here.
func (df *Dockerfile) metaArgs() map[string]argValue {
	args := map[string]argValue{}
	for _, in := range df.MetaArgs {
		for _, kv := range in.Pairs() {
			args[kv.Key] = argValue{value: unquote(kv.Value), ok: kv.HasValue}
		}
	}
	return args
}

type argValue struct {
	value string
	ok    bool
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// expand substitutes the meta ARGs in a FROM argument as the builder does:
// $NAME, ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:+alt} and
// ${NAME+alt}. It reports false when the result depends on a value it
// cannot know (an ARG without a default, an undeclared name, a form it does
// not handle); a name declared with a default always expands.
func expand(s string, args map[string]argValue) (string, bool) {
	if !strings.Contains(s, "$") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) && s[i+1] == '$' {
			b.WriteByte('$')
			i++
			continue
		}
		if c != '$' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		var name, op, word string
		if s[i+1] == '{' {
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return "", false
			}
			body := s[i+2 : i+2+end]
			i += 2 + end
			name = body
			if k := strings.IndexAny(body, ":-+"); k >= 0 {
				name = body[:k]
				rest := body[k:]
				switch {
				case strings.HasPrefix(rest, ":-"), strings.HasPrefix(rest, ":+"):
					op, word = rest[:2], rest[2:]
				case rest[0] == '-' || rest[0] == '+':
					op, word = rest[:1], rest[1:]
				default:
					return "", false // ${NAME:?err} and the like
				}
			}
		} else {
			j := i + 1
			for j < len(s) && (s[j] == '_' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			if j == i+1 {
				b.WriteByte(c)
				continue
			}
			name = s[i+1 : j]
			i = j - 1
		}
		if !validName(name) {
			return "", false
		}
		a, declared := args[name]
		switch op {
		case "":
			if !a.ok {
				return "", false
			}
			b.WriteString(a.value)
		case ":-", "-":
			switch {
			case a.ok && (a.value != "" || op == "-"):
				b.WriteString(a.value)
			case a.ok || !declared:
				// Empty (":-") or never declared: the default applies.
				b.WriteString(word)
			default:
				return "", false // declared without a default: set at build time
			}
		case ":+", "+":
			if !a.ok {
				return "", false
			}
			if a.value != "" || op == "+" {
				b.WriteString(word)
			}
		}
	}
	return b.String(), true
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '_' && !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
