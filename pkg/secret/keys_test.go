package secret_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	cryptorand "crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"math/rand/v2"
	"sync"
	"testing"
)

// Real keys and tokens, made in the test by the standard library (nothing
// secret is committed to the repository, and no fixture can go stale).

// keygen makes keys from a seeded generator, so runs are reproducible.
type keygen struct {
	t   testing.TB
	rnd *rand.Rand
	rsa *rsa.PrivateKey // one RSA key, shared: generation is the slow part
}

func newKeygen(t testing.TB) *keygen {
	t.Helper()
	g := &keygen{t: t, rnd: rand.New(rand.NewChaCha8([32]byte{'d', 'r', 'y', 'd', 'o', 'c', 'k'}))}
	k, err := sharedRSA()
	if err != nil {
		t.Fatal(err)
	}
	g.rsa = k
	return g
}

// sharedRSA is generated once per test binary: RSA key generation is the
// slow part of these tests.
var sharedRSA = sync.OnceValues(func() (*rsa.PrivateKey, error) {
	return rsa.GenerateKey(cryptorand.Reader, 2048)
})

// Read makes keygen an io.Reader for the crypto packages.
func (g *keygen) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(g.rnd.Uint32())
	}
	return len(p), nil
}

const alnumChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// str returns n random characters of set.
func (g *keygen) str(set string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = set[g.rnd.IntN(len(set))]
	}
	return string(b)
}

func (g *keygen) alnum(n int) string { return g.str(alnumChars, n) }

func (g *keygen) bytes(n int) []byte {
	b := make([]byte, n)
	g.Read(b)
	return b
}

func pemBlock(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

func (g *keygen) rsaPKCS1() string {
	return pemBlock("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(g.rsa))
}

func (g *keygen) rsaPKCS8() string {
	der, err := x509.MarshalPKCS8PrivateKey(g.rsa)
	if err != nil {
		g.t.Fatal(err)
	}
	return pemBlock("PRIVATE KEY", der)
}

func (g *keygen) ecSEC1() string {
	k, err := ecdsa.GenerateKey(elliptic.P256(), g)
	if err != nil {
		g.t.Fatal(err)
	}
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		g.t.Fatal(err)
	}
	return pemBlock("EC PRIVATE KEY", der)
}

func (g *keygen) ed25519Key() ed25519.PrivateKey {
	_, priv, err := ed25519.GenerateKey(g)
	if err != nil {
		g.t.Fatal(err)
	}
	return priv
}

func (g *keygen) ed25519PKCS8() string {
	der, err := x509.MarshalPKCS8PrivateKey(g.ed25519Key())
	if err != nil {
		g.t.Fatal(err)
	}
	return pemBlock("PRIVATE KEY", der)
}

// encryptedPKCS8 is the armour of an EncryptedPrivateKeyInfo (RFC 5958);
// the content is random, as the extractor never decodes it.
func (g *keygen) encryptedPKCS8() string {
	return pemBlock("ENCRYPTED PRIVATE KEY", g.bytes(1218))
}

// sshString appends an SSH wire-format string (RFC 4251 §5).
func sshString(b, s []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// openSSH encodes an unencrypted Ed25519 key in the openssh-key-v1 format
// that ssh-keygen writes (PROTOCOL.key in openssh-portable).
func (g *keygen) openSSH() string {
	priv := g.ed25519Key()
	pub := priv.Public().(ed25519.PublicKey)
	var pubBlob []byte
	pubBlob = sshString(pubBlob, []byte("ssh-ed25519"))
	pubBlob = sshString(pubBlob, pub)
	check := g.rnd.Uint32()
	var sec []byte
	sec = binary.BigEndian.AppendUint32(sec, check)
	sec = binary.BigEndian.AppendUint32(sec, check)
	sec = sshString(sec, []byte("ssh-ed25519"))
	sec = sshString(sec, pub)
	sec = sshString(sec, priv) // seed ‖ public key, 64 bytes
	sec = sshString(sec, []byte("drydock@test"))
	for i := byte(1); len(sec)%8 != 0; i++ {
		sec = append(sec, i)
	}
	b := []byte("openssh-key-v1\x00")
	b = sshString(b, []byte("none"))
	b = sshString(b, []byte("none"))
	b = sshString(b, nil)
	b = binary.BigEndian.AppendUint32(b, 1)
	b = sshString(b, pubBlob)
	b = sshString(b, sec)
	return pemBlock("OPENSSH PRIVATE KEY", b)
}

// mpi appends an OpenPGP multiprecision integer (RFC 4880 §3.2).
func mpi(b []byte, n *big.Int) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(n.BitLen()))
	return append(b, n.Bytes()...)
}

// crc24 is the OpenPGP armour checksum (RFC 4880 §6.1).
func crc24(data []byte) uint32 {
	crc := uint32(0xB704CE)
	for _, c := range data {
		crc ^= uint32(c) << 16
		for range 8 {
			crc <<= 1
			if crc&0x1000000 != 0 {
				crc ^= 0x1864CFB
			}
		}
	}
	return crc & 0xFFFFFF
}

// pgp encodes the RSA key as an armoured OpenPGP v4 Secret-Key packet,
// unprotected (RFC 4880 §5.5.3, §6.2), as `gpg --export-secret-keys
// --armor` writes for a key without a passphrase (less the user ID and
// signature packets).
func (g *keygen) pgp() string {
	k := g.rsa
	p, q := k.Primes[0], k.Primes[1]
	if p.Cmp(q) > 0 {
		p, q = q, p
	}
	u := new(big.Int).ModInverse(p, q)
	body := []byte{4}
	body = binary.BigEndian.AppendUint32(body, 1700000000)
	body = append(body, 1) // RSA
	body = mpi(body, k.N)
	body = mpi(body, big.NewInt(int64(k.E)))
	body = append(body, 0) // not protected
	var secret []byte
	for _, n := range []*big.Int{k.D, p, q, u} {
		secret = mpi(secret, n)
	}
	var sum uint16
	for _, c := range secret {
		sum += uint16(c)
	}
	body = append(body, secret...)
	body = binary.BigEndian.AppendUint16(body, sum)
	pkt := []byte{0xC5, 0xFF} // new-format tag 5, five-octet length
	pkt = binary.BigEndian.AppendUint32(pkt, uint32(len(body)))
	pkt = append(pkt, body...)

	var out bytes.Buffer
	out.WriteString("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n")
	enc := base64.StdEncoding.EncodeToString(pkt)
	for len(enc) > 64 {
		out.WriteString(enc[:64] + "\n")
		enc = enc[64:]
	}
	out.WriteString(enc + "\n")
	c := crc24(pkt)
	out.WriteString("=" + base64.StdEncoding.EncodeToString([]byte{byte(c >> 16), byte(c >> 8), byte(c)}) + "\n")
	out.WriteString("-----END PGP PRIVATE KEY BLOCK-----\n")
	return out.String()
}

// serviceAccount is a Google service account key file as the console and
// `gcloud iam service-accounts keys create` write it.
func (g *keygen) serviceAccount() string {
	b, err := json.MarshalIndent(map[string]string{
		"type":                        "service_account",
		"project_id":                  "drydock-test",
		"private_key_id":              g.str("0123456789abcdef", 40),
		"private_key":                 g.rsaPKCS8(),
		"client_email":                "scanner@drydock-test.iam.gserviceaccount.com",
		"client_id":                   g.str("0123456789", 21),
		"auth_uri":                    "https://accounts.google.com/o/oauth2/auth",
		"token_uri":                   "https://oauth2.googleapis.com/token",
		"auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
	}, "", "  ")
	if err != nil {
		g.t.Fatal(err)
	}
	return string(b)
}

func b64url(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// jwtHS256 and jwtRS256 sign real JWTs (RFC 7519, RFC 7518 §3.2, §3.3).
func (g *keygen) jwtHS256() string {
	in := b64url(map[string]string{"alg": "HS256", "typ": "JWT"}) + "." +
		b64url(map[string]any{"sub": "1234567890", "name": "drydock", "iat": 1516239022})
	m := hmac.New(sha256.New, g.bytes(32))
	m.Write([]byte(in))
	return in + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (g *keygen) jwtRS256() string {
	in := b64url(map[string]string{"alg": "RS256", "kid": "k1"}) + "." +
		b64url(map[string]any{"iss": "https://issuer.example", "aud": "drydock", "exp": 4102444800})
	h := sha256.Sum256([]byte(in))
	sig, err := rsa.SignPKCS1v15(nil, g.rsa, crypto.SHA256, h[:])
	if err != nil {
		g.t.Fatal(err)
	}
	return in + "." + base64.RawURLEncoding.EncodeToString(sig)
}
