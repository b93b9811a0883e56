package cli_test

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/drydockhq/drydock/internal/cli"
	"github.com/drydockhq/drydock/internal/imagetest"
	"github.com/drydockhq/drydock/pkg/model"
)

// hkid completes a Hong Kong identity card number with its check digit:
// the letters count A=10…Z=35 (a space for a one-letter prefix is 36),
// weights 9…2 over the 8 characters, check = 11 − sum mod 11 (10 is 'A',
// 11 is '0').
func hkid(prefix, digits string) string {
	chars := prefix + digits
	if len(prefix) == 1 {
		chars = " " + chars
	}
	sum := 0
	for i, c := range chars {
		v := 36
		switch {
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		case c >= '0' && c <= '9':
			v = int(c - '0')
		}
		sum += v * (9 - i)
	}
	check := 11 - sum%11
	d := fmt.Sprint(check)
	switch check {
	case 10:
		d = "A"
	case 11:
		d = "0"
	}
	return fmt.Sprintf("%s%s(%s)", prefix, digits, d)
}

// TestContentScanners: an image whose first layer ships a private key and
// an AWS key that a later layer deletes, plus a customer export with HKID
// numbers. The secrets are found, the deleted ones marked, nothing is
// printed unredacted in any format, and the HKIDs with valid check digits
// are counted (a wrong check digit is not).
func TestContentScanners(t *testing.T) {
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	// AWS's documented example key pair (docs.aws.amazon.com, "Managing access keys").
	const awsID, awsSecret = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	awsCreds := "[default]\naws_access_key_id = " + awsID + "\naws_secret_access_key = " + awsSecret + "\n"

	var csv strings.Builder
	csv.WriteString("name,hkid,email\n")
	ids := []string{hkid("A", "123456"), hkid("C", "668668"), hkid("XY", "987654")}
	for i, id := range ids {
		fmt.Fprintf(&csv, "Customer %d,%s,c%d@example.com\n", i, id, i)
	}
	wrong := ids[0][:len(ids[0])-2] + "9)"
	if wrong == ids[0] {
		wrong = ids[0][:len(ids[0])-2] + "8)"
	}
	fmt.Fprintf(&csv, "Bad Row,%s,bad@example.com\n", wrong)

	layer := func(entries []imagetest.Entry) v1.Layer {
		l, err := imagetest.LayerFromEntries(entries)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	img, err := imagetest.Image([]v1.Layer{
		layer([]imagetest.Entry{
			{Name: "root/.ssh/id_ed25519", Body: keyPEM, Mode: 0o600},
			{Name: "root/.aws/credentials", Body: awsCreds, Mode: 0o600},
			{Name: "srv/app/config.yaml", Body: "listen: 8080\n"},
		}),
		layer([]imagetest.Entry{
			{Name: "root/.ssh/.wh.id_ed25519"},
			{Name: "root/.wh..aws"},
			{Name: "srv/exports/customers.csv", Body: csv.String()},
		}),
	}, []string{"COPY . /", "RUN rm -rf /root/.ssh/id_ed25519 /root/.aws"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	archive := filepath.Join(dir, "app.tar")
	if err := imagetest.WriteArchive(archive, "drydock-test/leaky:1", img); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(dir, "cache")
	args := []string{"image", "-q", "--cache-dir", cache, "--scanners", "secret,pii", archive}

	r := scanJSON(t, args...)
	if r.Vulnerabilities != nil {
		t.Error("vulnerabilities scanned without the vuln scanner")
	}
	for _, want := range []string{"root/.ssh/id_ed25519", "root/.aws/credentials"} {
		i := slices.IndexFunc(r.Secrets, func(s model.Secret) bool { return s.Location.Path == want })
		if i < 0 {
			t.Errorf("no secret found in %s: %+v", want, r.Secrets)
			continue
		}
		if s := r.Secrets[i]; !s.Deleted || s.Location.LayerIndex != 0 || s.Location.Layer == "" || s.Line == 0 {
			t.Errorf("%s: %+v, want deleted, in layer 0, with a line", want, s)
		}
	}
	if len(r.PersonalData) != 1 {
		t.Fatalf("personal data: %+v", r.PersonalData)
	}
	pd := r.PersonalData[0]
	k := slices.IndexFunc(pd.Kinds, func(k model.PIIKind) bool { return k.Kind == "hkid" })
	if pd.Location.Path != "srv/exports/customers.csv" || pd.Deleted || k < 0 || pd.Kinds[k].Count != len(ids) {
		t.Errorf("personal data %+v, want %d HKIDs (the one with a wrong check digit not counted)", pd, len(ids))
	}

	// Nothing secret or personal appears in any output.
	body := strings.Split(keyPEM, "\n")[1]
	for _, format := range []string{"json", "table", "sarif", "junit", "template"} {
		fargs := append([]string{}, args[:len(args)-1]...)
		fargs = append(fargs, "-f", format)
		if format == "template" {
			fargs = append(fargs, "--template", "@markdown")
		}
		out, _, err := run(t, append(fargs, archive)...)
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		for _, leak := range append([]string{awsSecret, awsID, body[:16], ids[0], ids[1]}, ids[2]) {
			if strings.Contains(out, leak) {
				t.Errorf("%s output contains %q", format, leak)
			}
		}
	}
	// Secrets gate the build; the scan of a clean image does not.
	_, _, err = run(t, append([]string{"image", "-q", "--cache-dir", cache, "--scanners", "secret", "--exit-code", "6"}, archive)...)
	if cli.ExitCode(err) != 6 {
		t.Errorf("secret gate: %v", err)
	}
}
