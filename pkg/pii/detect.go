package pii

import (
	"bytes"
	"context"
	"strings"
)

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

// isWord reports ASCII letters, digits and '_': a value must not touch one.
func isWord(c byte) bool {
	return isDigit(c) || isUpper(c) || 'a' <= c && c <= 'z' || c == '_'
}

// ---- Hong Kong identity cards ----

// hkidValid checks the HKID check digit: the prefix letters (A=10 … Z=35;
// a one-letter prefix is preceded by a space, valued 36) and the six
// digits are weighted 9 down to 2; with the check digit (A=10) the sum is
// a multiple of 11.
func hkidValid(letters, digits []byte, check byte) bool {
	sum := 0
	if len(letters) == 1 {
		sum = 36*9 + int(letters[0]-'A'+10)*8
	} else {
		sum = int(letters[0]-'A'+10)*9 + int(letters[1]-'A'+10)*8
	}
	for k, d := range digits {
		sum += int(d-'0') * (7 - k)
	}
	cv := 10
	if check != 'A' {
		cv = int(check - '0')
	}
	return (sum+cv)%11 == 0
}

// hkidSample is the redacted form "A12****(3)".
func hkidSample(letters, digits []byte, check byte) string {
	return string(letters) + string(digits[:2]) + "****(" + string(check) + ")"
}

func hkidNorm(letters, digits []byte, check byte) []byte {
	return append(append(append([]byte{}, letters...), digits...), check)
}

func allDigits(b []byte) bool {
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

// tryHKID reads an HKID at i, an upper-case letter at a word start:
// written as on the card, "A123456(3)" (also "A123456 (3)"), counted in
// hkid; or bare, "A1234563", counted in bareHKID.
func tryHKID(data []byte, i int, c *counts) {
	nl := 1
	if i+1 < len(data) && isUpper(data[i+1]) {
		nl = 2
	}
	k := i + nl // digits
	if k+7 > len(data) || !allDigits(data[k:k+6]) {
		return
	}
	letters, digits := data[i:k], data[k:k+6]
	k += 6
	t, paren := &c.bareHKID, false
	switch {
	case data[k] == '(':
		k++
		paren = true
	case data[k] == ' ' && k+1 < len(data) && data[k+1] == '(':
		k += 2
		paren = true
	}
	if k >= len(data) {
		return
	}
	check := data[k]
	k++
	if !isDigit(check) && check != 'A' {
		return
	}
	if paren {
		if k >= len(data) || data[k] != ')' {
			return
		}
		t = &c.hkid
	} else if k < len(data) && isWord(data[k]) {
		return
	}
	if hkidValid(letters, digits, check) {
		t.add(hkidNorm(letters, digits, check), func() string { return hkidSample(letters, digits, check) })
	}
}

// ---- e-mail addresses ----

func isLocal(c byte) bool {
	return isWord(c) || c == '.' || c == '%' || c == '+' || c == '-'
}

func isDomainByte(c byte) bool {
	return isDigit(c) || isUpper(c) || 'a' <= c && c <= 'z' || c == '.' || c == '-'
}

// fileExtTLD reports extensions that follow "@" in file names
// ("logo@2x.png") rather than top-level domains.
func fileExtTLD(tld string) bool {
	switch tld {
	case "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "css", "scss", "less", "js", "mjs", "cjs",
		"ts", "tsx", "jsx", "vue", "map", "json", "html", "htm", "txt", "xml", "yml", "yaml", "woff", "woff2",
		"ttf", "eot", "mp3", "mp4", "pdf", "zip", "gz", "tgz", "lock", "log":
		return true
	}
	return false
}

// validDomain checks a host name of two or more labels (letters, digits,
// inner hyphens; at most 63 bytes each) ending in an alphabetic TLD that is
// not a file extension.
func validDomain(d []byte) bool {
	labels := bytes.Split(d, []byte{'.'})
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
	}
	tld := strings.ToLower(string(labels[len(labels)-1]))
	if len(tld) < 2 || len(tld) > 24 {
		return false
	}
	for i := 0; i < len(tld); i++ {
		if tld[i] < 'a' || tld[i] > 'z' {
			return false
		}
	}
	return !fileExtTLD(tld)
}

// tryEmail reads an e-mail address around the "@" at at: a local part of
// at most 64 bytes (letters, digits, ._%+-, not starting or ending with a
// dot) that starts at or after floor (the end of the previous address),
// and a valid domain. It returns the address's end.
func tryEmail(data []byte, at, floor int, c *counts) (int, bool) {
	ls := at
	for ls > floor && at-ls < 64 && isLocal(data[ls-1]) {
		ls--
	}
	if ls > floor && isLocal(data[ls-1]) {
		return 0, false // local part over 64 bytes
	}
	for ls < at && data[ls] == '.' {
		ls++
	}
	if ls == at || data[at-1] == '.' {
		return 0, false
	}
	de := at + 1
	for de < len(data) && de-at-1 < 253 && isDomainByte(data[de]) {
		de++
	}
	for de > at+1 && (data[de-1] == '.' || data[de-1] == '-') {
		de--
	}
	if !validDomain(data[at+1 : de]) {
		return 0, false
	}
	local, domain := data[ls:at], data[at+1:de]
	c.email.add(bytes.ToLower(data[ls:de]), func() string { return string(local[:1]) + "***@" + strings.ToLower(string(domain)) })
	return de, true
}

// ---- phone numbers ----

func isPhoneSep(c byte) bool { return c == ' ' || c == '-' || c == '(' || c == ')' }

// parsePhone reads digits and separators (space, hyphen, parentheses; at
// most two in a row, six in all) from k, after a "+". It returns the end
// (after the last digit) and the digits; ok is false for more than 15
// digits, for a value that runs into a letter, or a decimal ("+123.45").
func parsePhone(data []byte, k int) (end int, digits []byte, ok bool) {
	var d [15]byte
	nd, seps, run := 0, 0, 0
	end = k
	for j := k; j < len(data); j++ {
		ch := data[j]
		if isDigit(ch) {
			if nd == len(d) {
				return 0, nil, false
			}
			d[nd] = ch
			nd, run, end = nd+1, 0, j+1
			continue
		}
		if !isPhoneSep(ch) {
			break
		}
		run++
		seps++
		if run > 2 || seps > 6 {
			break
		}
	}
	if end < len(data) {
		if ch := data[end]; isWord(ch) || ch == '.' && end+1 < len(data) && isDigit(data[end+1]) {
			return 0, nil, false
		}
	}
	return end, append([]byte(nil), d[:nd]...), true
}

// phoneCC validates the digits of an international number and returns the
// length of its country code: Hong Kong (+852) has 8 digits starting with
// 2, 3, 5, 6, 7 or 9; NANP (+1) has 10, with area code and exchange
// starting 2-9; any other has 8 to 15 digits in all (E.164), not one digit
// repeated.
func phoneCC(d []byte) (int, bool) {
	switch {
	case len(d) < 8 || len(d) > 15 || d[0] == '0':
		return 0, false
	case bytes.HasPrefix(d, []byte("852")):
		return 3, len(d) == 11 && strings.IndexByte("235679", d[3]) >= 0
	case d[0] == '1':
		return 1, len(d) == 11 && d[1] >= '2' && d[4] >= '2'
	}
	return 2, len(bytes.Trim(d, string(d[:1]))) > 0
}

// phoneSample keeps the "+", the country code and the last two digits of
// the number as written: "+852 **** **67".
func phoneSample(text []byte, ccLen int) string {
	total := 0
	for _, ch := range text {
		if isDigit(ch) {
			total++
		}
	}
	out := []byte(string(text))
	n := 0
	for i, ch := range out {
		if isDigit(ch) {
			if n >= ccLen && n < total-2 {
				out[i] = '*'
			}
			n++
		}
	}
	return string(out)
}

// tryPlusPhone reads an international number at the "+" at p ("+852 9123
// 4567", "+1 (415) 555-2671", "+442079460958") and returns its end.
// Without a "+" (or "(852)", tryHK852) a run of digits is as likely an ID,
// an amount or a timestamp, so it is not counted.
func tryPlusPhone(data []byte, p int, c *counts) (int, bool) {
	if p > 0 {
		if prev := data[p-1]; isWord(prev) || prev == '+' || prev == '.' || prev == '/' || prev == '\\' || prev == '-' {
			return 0, false // "1+2", "1.0.0+build", "a/+x"
		}
	}
	if p+1 >= len(data) || data[p+1] < '1' || data[p+1] > '9' {
		return 0, false
	}
	end, d, ok := parsePhone(data, p+1)
	if !ok {
		return 0, false
	}
	ccLen, ok := phoneCC(d)
	if !ok {
		return 0, false
	}
	text := data[p:end]
	c.phone.add(d, func() string { return phoneSample(text, ccLen) })
	return end, true
}

// tryHK852 reads a Hong Kong number written "(852) 9123 4567" at the "("
// at p and returns its end.
func tryHK852(data []byte, p int, c *counts) (int, bool) {
	const marker = "(852)"
	if !bytes.HasPrefix(data[p:], []byte(marker)) || p > 0 && isWord(data[p-1]) {
		return 0, false
	}
	k := p + len(marker)
	if k < len(data) && data[k] == ' ' {
		k++
	}
	var d [8]byte
	nd, end := 0, k
	for ; end < len(data) && nd < len(d); end++ {
		ch := data[end]
		if isDigit(ch) {
			d[nd] = ch
			nd++
		} else if !(nd == 4 && (ch == ' ' || ch == '-') && end+1 < len(data) && isDigit(data[end+1])) {
			break
		}
	}
	if nd != len(d) || strings.IndexByte("235679", d[0]) < 0 || end < len(data) && isWord(data[end]) {
		return 0, false
	}
	text := data[p:end]
	c.phone.add(append([]byte("852"), d[:]...), func() string { return phoneSample(text, 3) })
	return end, true
}

// ---- payment cards ----

// cardNetwork reports whether digits have the prefix (IIN) and a length of
// a major card network: Visa, Mastercard, American Express, Discover, JCB,
// UnionPay.
func cardNetwork(d []byte) bool {
	n := len(d)
	prefix := func(k int) int {
		v := 0
		for _, c := range d[:k] {
			v = v*10 + int(c-'0')
		}
		return v
	}
	p2, p3, p4, p6 := prefix(2), prefix(3), prefix(4), prefix(6)
	switch {
	case d[0] == '4': // Visa
		return n == 13 || n == 16 || n == 19
	case p2 >= 51 && p2 <= 55, p4 >= 2221 && p4 <= 2720: // Mastercard
		return n == 16
	case p2 == 34 || p2 == 37: // American Express
		return n == 15
	case p4 == 6011, p3 >= 644 && p3 <= 649, p2 == 65, p6 >= 622126 && p6 <= 622925: // Discover
		return n >= 16 && n <= 19
	case p4 >= 3528 && p4 <= 3589: // JCB
		return n >= 16 && n <= 19
	case p2 == 62: // UnionPay
		return n >= 16 && n <= 19
	}
	return false
}

// luhn checks the Luhn (mod 10) check digit.
func luhn(d []byte) bool {
	sum, double := 0, false
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i] - '0')
		if double {
			if v *= 2; v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}

// cardGroups accepts the ways card numbers are written: contiguous, in
// groups of four (the last may be shorter), or 4-6-5 / 4-6-4 (American
// Express, Diners).
func cardGroups(g []int) bool {
	if len(g) == 1 {
		return true
	}
	if len(g) == 3 && g[0] == 4 && g[1] == 6 && (g[2] == 5 || g[2] == 4) {
		return true
	}
	for i, n := range g {
		if i < len(g)-1 && n != 4 || i == len(g)-1 && (n < 1 || n > 4) {
			return false
		}
	}
	return true
}

// cardSample keeps the first and last four digits as written:
// "4111 **** **** 1111".
func cardSample(text []byte) string { return maskMiddle(text, isDigit, 4, 4) }

// maskMiddle copies text with every character that counts (isChar)
// replaced by '*', except the first head and the last tail of them;
// separators stay as written.
func maskMiddle(text []byte, isChar func(byte) bool, head, tail int) string {
	total := 0
	for _, ch := range text {
		if isChar(ch) {
			total++
		}
	}
	out := []byte(string(text))
	n := 0
	for i, ch := range out {
		if isChar(ch) {
			if n >= head && n < total-tail {
				out[i] = '*'
			}
			n++
		}
	}
	return string(out)
}

// tryCard reads a card number at i: 13 to 19 digits, contiguous or in
// groups separated by single spaces or hyphens (one kind), not touching a
// letter, digit or decimal point. It returns the end of what it read, so
// that the digits of a longer sequence are not tried again one group later.
func tryCard(data []byte, i int, c *counts) (int, bool) {
	var (
		d      [19]byte
		nd     int
		groups [8]int
		ng     int
		cur    int
		sep    byte
		j      = i
	)
	for j < len(data) {
		ch := data[j]
		if isDigit(ch) {
			if nd == len(d) {
				for j < len(data) && (isDigit(data[j]) || data[j] == sep) {
					j++
				}
				return j, true // too long: skip it all
			}
			d[nd] = ch
			nd, cur, j = nd+1, cur+1, j+1
			continue
		}
		if (ch == ' ' || ch == '-') && (sep == 0 || sep == ch) && j+1 < len(data) && isDigit(data[j+1]) && ng < len(groups)-1 {
			sep = ch
			groups[ng] = cur
			ng, cur, j = ng+1, 0, j+1
			continue
		}
		break
	}
	groups[ng] = cur
	ng++
	if j < len(data) && (isWord(data[j]) || data[j] == '.' && j+1 < len(data) && isDigit(data[j+1])) {
		return j, true
	}
	digits := d[:nd]
	if nd < 13 || !cardGroups(groups[:ng]) || !cardNetwork(digits) || !luhn(digits) {
		return j, true // not a card: skip the digit groups read
	}
	text := data[i:j]
	c.card.add(digits, func() string { return cardSample(text) })
	return j, true
}

// ---- IBANs ----

// ibanLength is the IBAN length of a country (ISO 13616 registry, SWIFT),
// 0 for a country not in the table.
func ibanLength(cc string) int {
	switch cc {
	case "NO":
		return 15
	case "BE":
		return 16
	case "DK", "FI", "FO", "GL", "NL":
		return 18
	case "MK", "SI":
		return 19
	case "AT", "BA", "EE", "KZ", "LT", "LU", "XK":
		return 20
	case "CH", "HR", "LI", "LV":
		return 21
	case "BG", "BH", "CR", "DE", "GB", "GE", "IE", "ME", "RS":
		return 22
	case "AE", "GI", "IL", "IQ":
		return 23
	case "AD", "CZ", "ES", "MD", "PK", "RO", "SA", "SE", "SK", "TN", "VG":
		return 24
	case "PT":
		return 25
	case "IS", "TR":
		return 26
	case "FR", "GR", "IT", "MC", "MR", "SM":
		return 27
	case "AL", "AZ", "BY", "CY", "DO", "GT", "HU", "LB", "PL":
		return 28
	case "BR", "EG", "PS", "QA", "UA":
		return 29
	case "JO", "KW", "MU":
		return 30
	case "MT", "SC":
		return 31
	case "LC":
		return 32
	}
	return 0
}

// ibanValid checks the ISO 13616 checksum: the first four characters
// moved to the end, letters as 10…35, the number mod 97 is 1.
func ibanValid(s []byte) bool {
	if cd := int(s[2]-'0')*10 + int(s[3]-'0'); cd < 2 || cd > 98 {
		return false
	}
	r := 0
	for k := range s {
		ch := s[(k+4)%len(s)]
		if isDigit(ch) {
			r = (r*10 + int(ch-'0')) % 97
		} else {
			r = (r*100 + int(ch-'A'+10)) % 97
		}
	}
	return r == 1
}

func isIBANChar(c byte) bool { return isDigit(c) || isUpper(c) }

// ibanSample keeps the country, check digits and last two characters as
// written: "GB82 **** **** **** **** 32".
func ibanSample(text []byte) string { return maskMiddle(text, isIBANChar, 4, 2) }

// tryIBAN reads an IBAN at i, contiguous or in groups of four separated by
// single spaces, of its country's length; ok is false when there is none.
func tryIBAN(data []byte, i int, c *counts) (int, bool) {
	if i+4 > len(data) || !isUpper(data[i+1]) || !isDigit(data[i+2]) || !isDigit(data[i+3]) {
		return 0, false
	}
	want := ibanLength(string(data[i : i+2]))
	if want == 0 {
		return 0, false
	}
	var s [34]byte
	n, j := 0, i
	for j < len(data) && isIBANChar(data[j]) && n < want {
		s[n] = data[j]
		n, j = n+1, j+1
	}
	if n == 4 {
		// Grouped: " XXXX" until the country's length.
		for n < want && j+1 < len(data) && data[j] == ' ' && isIBANChar(data[j+1]) {
			j++
			for g := 0; g < 4 && n < want && j < len(data) && isIBANChar(data[j]); g++ {
				s[n] = data[j]
				n, j = n+1, j+1
			}
		}
	}
	if n != want || j < len(data) && isWord(data[j]) || !ibanValid(s[:n]) {
		return 0, false
	}
	text := data[i:j]
	c.iban.add(s[:n], func() string { return ibanSample(text) })
	return j, true
}

// ---- the pass ----

// Bits of the byte classes of the pass.
const (
	bitStart   = 1 << iota // a digit or upper-case letter: a value may start here after a non-word byte
	bitNonWord             // not a letter, digit or '_'
	bitMarker              // '@': an e-mail address may be here
)

// byteClasses maps bytes to the bits above.
func byteClasses() *[256]uint8 {
	var t [256]uint8
	for b := 0; b < 256; b++ {
		c := byte(b)
		if isDigit(c) || isUpper(c) {
			t[b] |= bitStart
		}
		if !isWord(c) {
			t[b] |= bitNonWord
		}
		if c == '@' {
			t[b] |= bitMarker
		}
	}
	return &t
}

// scan makes one pass over data. Per byte it costs one table lookup and
// one rarely taken branch (four bytes per branch while nothing starts): at
// a word that starts with a digit it tries a phone number after "+" or
// "(852)", else a card number; at one that starts with an upper-case
// letter an IBAN or an HKID; at "@" an e-mail address.
func scan(ctx context.Context, data []byte, c *counts, cls *[256]uint8) error {
	n := len(data)
	prevNonWord := uint8(bitStart) // the byte before data[i] is not a word byte
	floor := 0                     // end of the last e-mail address
	for i, next := 0, 0; i < n; i++ {
		if i >= next {
			if err := ctx.Err(); err != nil {
				return err
			}
			next = i + scanChunk
		}
		// Four bytes at a time while nothing starts in them: independent
		// loads, one branch.
		for lim := min(n, next); i+4 <= lim; {
			d := data[i : i+4 : i+4]
			v0, v1, v2, v3 := cls[d[0]], cls[d[1]], cls[d[2]], cls[d[3]]
			m := v0&(prevNonWord|bitMarker) | v1&(v0>>1&bitStart|bitMarker) |
				v2&(v1>>1&bitStart|bitMarker) | v3&(v2>>1&bitStart|bitMarker)
			if m != 0 {
				break
			}
			prevNonWord = v3 >> 1 & bitStart
			i += 4
		}
		if i >= n {
			break
		}
		v := cls[data[i]]
		if v&(prevNonWord|bitMarker) == 0 {
			prevNonWord = v >> 1 & bitStart
			continue
		}
		end, ok := 0, false
		switch ch := data[i]; {
		case v&bitMarker == 0 && isDigit(ch):
			prev := byte(' ')
			if i > 0 {
				prev = data[i-1]
			}
			switch prev {
			case '+':
				end, ok = tryPlusPhone(data, i-1, c)
			case '(':
				if end, ok = tryHK852(data, i-1, c); !ok {
					end, ok = tryCard(data, i, c)
				}
			default:
				if cardPrevOK(prev) {
					end, ok = tryCard(data, i, c)
				}
			}
		case v&bitMarker == 0:
			// IBANs and HKIDs go on with a capital or a digit ("Errorf" does not).
			if i+1 < n && cls[data[i+1]]&bitStart != 0 {
				if end, ok = tryIBAN(data, i, c); !ok {
					tryHKID(data, i, c)
				}
			}
		case ch == '@':
			if end, ok = tryEmail(data, i, floor, c); ok {
				floor = end
			}
		}
		if ok && end > i {
			i = end - 1 // continue after the value
			v = cls[data[i]]
		}
		prevNonWord = v >> 1 & bitStart
	}
	return nil
}

// cardPrevOK: a card number does not follow a decimal point, a sign, a
// slash, a currency or other marker ("0.4111…", "-4111…", "/4111…",
// "$4111…", "#4111…").
func cardPrevOK(prev byte) bool {
	return strings.IndexByte(".-+/\\$#@", prev) < 0
}
