package pii_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/pii"
)

func scan(t testing.TB, e *pii.Extractor, path, content string) []model.PIIKind {
	t.Helper()
	res, err := e.Scan(context.Background(), path, []byte(content))
	if err != nil {
		t.Fatal(err)
	}
	switch len(res.PersonalData) {
	case 0:
		return nil
	case 1:
		if res.PersonalData[0].Location.Path != path {
			t.Fatalf("location %q, want %q", res.PersonalData[0].Location.Path, path)
		}
		return res.PersonalData[0].Kinds
	}
	t.Fatalf("%d PersonalData records for one file", len(res.PersonalData))
	return nil
}

// counts renders kinds as "kind=count" for compact expectations.
func counts(ks []model.PIIKind) []string {
	var out []string
	for _, k := range ks {
		out = append(out, fmt.Sprintf("%s=%d", k.Kind, k.Count))
	}
	return out
}

// TestKinds: valid values of each kind and near misses.
func TestKinds(t *testing.T) {
	e := pii.New()
	emails := []string{"jane.doe@example.com", "wong.tai.man@corp.example.hk", "a+tag@mail.example.org", "x_y@sub.example.co.uk", "Q@example.net"}
	phones := []string{"+852 9123 4567", "+85221234567", "(852) 6123-4567", "+1 (415) 555-2671", "+44 20 7946 0958"}
	tests := []struct {
		name, content string
		want          []string
	}{
		// HKID: published examples (A123456(3), D288754(2), AB123456(9)).
		{"hkid one letter", "id: A123456(3)\n", []string{"hkid=1"}},
		{"hkid two letters", "AB123456(9)", []string{"hkid=1"}},
		{"hkid check A and spaced", "holder D288754(2), spouse D288754 (2)\n", []string{"hkid=1"}},
		{"hkid several distinct", "A123456(3),D288754(2),AB123456(9),A123456(3)", []string{"hkid=3"}},
		{"hkid wrong check digit", "A123456(4) AB123456(8) D288754(3)", nil},
		{"hkid three letters", "XAB123456(9)", nil},
		{"hkid lower case", "a123456(3)", nil},
		{"hkid five digits", "A12345(6)", nil},
		{"bare hkid too few for a list", "A1234563\nD2887542\nAB1234569\n", nil}, // see TestBareHKID

		// Cards: networks' published test numbers.
		{"visa spaced", "card: 4111 1111 1111 1111\n", []string{"credit-card=1"}},
		{"visa dashed and plain are one card", "4111-1111-1111-1111 and 4111111111111111", []string{"credit-card=1"}},
		{"mastercard", "5555555555554444", []string{"credit-card=1"}},
		{"mastercard 2-series", "2223003122003222", []string{"credit-card=1"}},
		{"amex grouped", "3782 822463 10005", []string{"credit-card=1"}},
		{"discover", "6011111111111117", []string{"credit-card=1"}},
		{"jcb", "3530111333300000", []string{"credit-card=1"}},
		{"unionpay", "6200000000000005", []string{"credit-card=1"}},
		{"csv column", "id,card,amount\n1,4111111111111111,100\n", []string{"credit-card=1"}},
		{"in parentheses", "paid with (4111 1111 1111 1111)", []string{"credit-card=1"}},
		{"luhn invalid", "4111 1111 1111 1112", nil},
		{"unknown prefix", "1234567812345670", nil}, // Luhn-valid, no network starts with 1
		{"wrong length for visa", "41111111111111", nil},
		{"bad grouping", "411 1111 1111 11111", nil},
		{"inside a longer number", "411111111111111100", nil},
		{"decimal fraction", "x = 0.4111111111111111", nil},
		{"negative number", "x = -4111111111111111", nil},
		{"timestamp ns", "1700000000123456789", nil},

		// IBANs: ECBS/SWIFT registry examples.
		{"iban gb grouped", "IBAN: GB82 WEST 1234 5698 7654 32\n", []string{"iban=1"}},
		{"iban gb plain equals grouped", "GB82WEST12345698765432 GB82 WEST 1234 5698 7654 32", []string{"iban=1"}},
		{"iban several", "DE89 3704 0044 0532 0130 00; FR14 2004 1010 0505 0001 3M02 606; NL91ABNA0417164300; CH9300762011623852957", []string{"iban=4"}},
		{"iban bad checksum", "GB82 WEST 1234 5698 7654 33", nil},
		{"iban short", "GB82 WEST 1234 5698 7654", nil},
		{"iban unknown country", "XX82WEST12345698765432", nil},
		{"iban lower case", "gb82west12345698765432", nil},

		// E-mail: lists only.
		{"emails five", strings.Join(emails, ", "), []string{"email=5"}},
		{"emails four", strings.Join(emails[:4], ", "), nil},
		{"emails repeated count once", strings.Repeat(strings.Join(emails[:4], " ")+"\n", 10), nil},
		{"not emails", "logo@2x.png icon@3x.webp user@localhost pkg@1.2.3 @decorator a@b.c x@-bad.com y@bad-.com", nil},

		// Phones: lists only.
		{"phones five", strings.Join(phones, "\n"), []string{"phone=5"}},
		{"phones four", strings.Join(phones[:4], "\n"), nil},
		{"hk must start 2,3,5,6,7,9", "+852 1234 5678\n+852 4123 4567\n+852 8123 4567\n+852 0123 4567\n+852 9123 456\n", nil},
		{
			"versions and timestamps are not phones",
			"1.2.3.4567\n2024-01-15T10:00:00+08:00\n1.0.0+20130313144700\nv=+12345.678\n10.0.0.1:8080\n+1 (015) 555-2671\n" +
				"id 12345678 +0800 2+2=4 +123456789012345678\n",
			nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, counts(scan(t, e, "srv/data/export.txt", tt.content))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// hkidCheck computes the check character of an HKID prefix and digits.
func hkidCheck(letters, digits string) string {
	sum := 0
	if len(letters) == 1 {
		sum = 36*9 + int(letters[0]-'A'+10)*8
	} else {
		sum = int(letters[0]-'A'+10)*9 + int(letters[1]-'A'+10)*8
	}
	for k := range 6 {
		sum += int(digits[k]-'0') * (7 - k)
	}
	switch c := (11 - sum%11) % 11; c {
	case 10:
		return "A"
	default:
		return string(rune('0' + c))
	}
}

// luhnDigit completes a card number.
func luhnDigit(partial string) string {
	sum := 0
	for i := range len(partial) {
		v := int(partial[len(partial)-1-i] - '0')
		if i%2 == 0 {
			if v *= 2; v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return string(rune('0' + (10-sum%10)%10))
}

// gbIBAN builds a valid British IBAN from a bank code and 14 digits.
func gbIBAN(bank, account string) string {
	bban := bank + account
	num := ""
	for _, c := range bban + "GB00" {
		if c >= 'A' && c <= 'Z' {
			num += fmt.Sprint(int(c-'A') + 10)
		} else {
			num += string(c)
		}
	}
	n, _ := new(big.Int).SetString(num, 10)
	check := 98 - new(big.Int).Mod(n, big.NewInt(97)).Int64()
	return fmt.Sprintf("GB%02d%s", check, bban)
}

type person struct {
	name, email, phone, hkid, card, iban string
}

// people generates a customer export of n people with valid identifiers.
func people(n int, rnd *rand.Rand) []person {
	digits := func(k int) string {
		b := make([]byte, k)
		for i := range b {
			b[i] = byte('0' + rnd.IntN(10))
		}
		return string(b)
	}
	first := []string{"Chan", "Wong", "Lee", "Cheung", "Lau", "Ho", "Ng", "Leung"}
	var out []person
	for i := range n {
		letters := string(rune('A' + rnd.IntN(26)))
		if i%4 == 0 {
			letters += string(rune('A' + rnd.IntN(26)))
		}
		d := digits(6)
		card := "4" + digits(14)
		if i%3 == 1 {
			card = "5" + string(rune('1'+rnd.IntN(5))) + digits(13)
		}
		card += luhnDigit(card)
		name := first[i%len(first)] + fmt.Sprintf(" Tai Man %d", i)
		out = append(out, person{
			name:  name,
			email: fmt.Sprintf("%s.%d@example.com", strings.ToLower(first[i%len(first)]), i),
			phone: fmt.Sprintf("+852 %c%s %s", "235679"[rnd.IntN(6)], digits(3), digits(4)),
			hkid:  fmt.Sprintf("%s%s(%s)", letters, d, hkidCheck(letters, d)),
			card:  card,
			iban:  gbIBAN("WEST", digits(14)),
		})
	}
	return out
}

func peopleCSV(t testing.TB, ps []person) string {
	// t may be nil (benchmark corpus); csv.Writer on a Builder does not fail.
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"name", "email", "phone", "hkid", "card", "iban", "joined", "version"})
	for i, p := range ps {
		w.Write([]string{p.name, p.email, p.phone, p.hkid, p.card, p.iban, fmt.Sprintf("2024-01-%02dT10:00:00+08:00", i%28+1), "1.2.3.4567"})
	}
	w.Flush()
	if err := w.Error(); err != nil && t != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestCSV: a realistic customer export is counted exactly, with redacted
// samples, and the JSON of the result holds no value from it.
func TestCSV(t *testing.T) {
	ps := people(200, rand.New(rand.NewPCG(7, 8)))
	content := peopleCSV(t, ps)
	res, err := pii.New().Scan(context.Background(), "srv/exports/customers.csv", []byte(content))
	if err != nil {
		t.Fatal(err)
	}
	distinct := func(f func(p person) string) int {
		m := map[string]bool{}
		for _, p := range ps {
			m[strings.NewReplacer(" ", "", "(", "", ")", "").Replace(f(p))] = true
		}
		return len(m)
	}
	p0 := ps[0]
	want := []model.PersonalData{{
		Location: model.Location{Path: "srv/exports/customers.csv"},
		Kinds: []model.PIIKind{
			{Kind: "hkid", Count: distinct(func(p person) string { return p.hkid }), Sample: p0.hkid[:len(p0.hkid)-7] + "****" + p0.hkid[len(p0.hkid)-3:]},
			{Kind: "credit-card", Count: distinct(func(p person) string { return p.card }), Sample: p0.card[:4] + "********" + p0.card[12:]},
			{Kind: "email", Count: 200, Sample: "c***@example.com"},
			{Kind: "phone", Count: distinct(func(p person) string { return p.phone }), Sample: "+852 **** **" + p0.phone[len(p0.phone)-2:]},
			{Kind: "iban", Count: distinct(func(p person) string { return p.iban }), Sample: "GB" + p0.iban[2:4] + strings.Repeat("*", 16) + p0.iban[20:]},
		},
	}}
	if diff := cmp.Diff(want, res.PersonalData); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	js, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		for _, v := range []string{p.email, p.phone, p.hkid, p.card, p.iban, p.card[4:12], p.iban[4:18]} {
			if strings.Contains(string(js), v) {
				t.Fatalf("result holds %q:\n%s", v, js)
			}
		}
	}
}

// TestSamples pins the redaction of each kind.
func TestSamples(t *testing.T) {
	e := pii.New()
	for _, tt := range []struct{ content, kind, want string }{
		{"A123456(3)", "hkid", "A12****(3)"},
		{"AB123456(9)", "hkid", "AB12****(9)"},
		{"4111 1111 1111 1111", "credit-card", "4111 **** **** 1111"},
		{"3782-822463-10005", "credit-card", "3782-******-*0005"},
		{"GB82 WEST 1234 5698 7654 32", "iban", "GB82 **** **** **** **** 32"},
		{"NL91ABNA0417164300", "iban", "NL91************00"},
		{"jane@example.com a@b.example.org c@d.example.org e@f.example.org g@h.example.org", "email", "j***@example.com"},
		{"+852 9123 4567\n+85221234567\n+85231234567\n+85251234567\n+85261234567\n", "phone", "+852 **** **67"},
		{"+1 (415) 555-2671, +44 20 7946 0958, +852 2123 4567, +852 3123 4567, +852 5123 4567", "phone", "+1 (***) ***-**71"},
	} {
		ks := scan(t, e, "srv/x.txt", tt.content)
		found := false
		for _, k := range ks {
			if k.Kind == tt.kind {
				found = true
				if k.Sample != tt.want {
					t.Errorf("%q: sample %q, want %q", tt.content, k.Sample, tt.want)
				}
			}
		}
		if !found {
			t.Errorf("%q: no %s in %+v", tt.content, tt.kind, ks)
		}
	}
}

// TestBareHKID: HKIDs without parentheses count as a list of five or more.
func TestBareHKID(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 1))
	var ids []string
	for range 6 {
		d := fmt.Sprintf("%06d", rnd.IntN(1000000))
		ids = append(ids, "K"+d+hkidCheck("K", d))
	}
	e := pii.New()
	const n = pii.MinBareHKID
	if got := counts(scan(t, e, "srv/ids.csv", strings.Join(ids[:n], "\n"))); !cmp.Equal(got, []string{fmt.Sprintf("hkid=%d", n)}) {
		t.Errorf("%d bare HKIDs: %v", n, got)
	}
	if got := scan(t, e, "srv/ids.csv", strings.Join(ids[:n-1], "\n")); got != nil {
		t.Errorf("%d bare HKIDs: %v", n-1, got)
	}
	// One with parentheses plus the bare list: all counted.
	if got := counts(scan(t, e, "srv/ids.csv", "A123456(3)\n"+strings.Join(ids, "\n"))); !cmp.Equal(got, []string{"hkid=7"}) {
		t.Errorf("mixed: %v", got)
	}
}

func TestRequired(t *testing.T) {
	e := pii.New()
	for _, tt := range []struct {
		path string
		size int64
		want bool
	}{
		{"srv/exports/customers.csv", 1 << 20, true},
		{"app/db/seed.sql", 1 << 10, true},
		{"var/log/app/access.log", 1 << 10, true},
		{"root/newsletter_subscribers.csv", 1 << 10, true},
		{"srv/big.csv", pii.MaxFileSize + 1, false},
		{"srv/tiny", 3, false},
		{"usr/share/doc/bash/copyright", 1 << 10, false},
		{"var/lib/dpkg/status", 1 << 10, false},
		{"app/node_modules/x/package.json", 1 << 10, false},
		{"app/AUTHORS", 1 << 10, false},
		{"app/CHANGELOG.md", 1 << 10, false},
		{"app/LICENSE-MIT", 1 << 10, false},
		{"usr/lib/python3/dist-packages/x/METADATA", 1 << 10, false},
		{"app/tests/fixtures/people.csv", 1 << 10, false},
		{"app/logo.png", 1 << 10, false},
		{"usr/lib/x86_64-linux-gnu/libc.so.6", 1 << 10, false},
	} {
		if got := e.Required(tt.path, &fakeInfo{size: tt.size}); got != tt.want {
			t.Errorf("Required(%q, %d) = %v, want %v", tt.path, tt.size, got, tt.want)
		}
	}
	if got := scan(t, e, "srv/x.bin", "\x00\x01A123456(3)"); got != nil {
		t.Errorf("binary file scanned: %v", got)
	}
}

type fakeInfo struct {
	os.FileInfo
	size int64
}

func (f *fakeInfo) Size() int64 { return f.size }

func TestDeterministic(t *testing.T) {
	content := peopleCSV(t, people(50, rand.New(rand.NewPCG(2, 3))))
	a := scan(t, pii.New(), "srv/c.csv", content)
	b := scan(t, pii.New(), "srv/c.csv", content)
	if diff := cmp.Diff(a, b); diff != "" || len(a) != 5 {
		t.Fatalf("%v\n%s", a, diff)
	}
}

func TestContextCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := pii.New().Scan(ctx, "srv/x.csv", []byte(strings.Repeat("a@example.com 4111111111111111 ", 1000))); err == nil {
		t.Fatal("no error on a canceled context")
	}
}

// TestFuzzPlants: the values FuzzScan plants are valid, so that its
// redaction check is exercised.
func TestFuzzPlants(t *testing.T) {
	got := counts(scan(t, pii.New(), "srv/x.csv", " Z683420(6) 4000 0566 5566 5556 "))
	if !cmp.Equal(got, []string{"hkid=1", "credit-card=1"}) {
		t.Fatal(got)
	}
}
