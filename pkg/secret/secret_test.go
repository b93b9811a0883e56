package secret_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/secret"
)

// ruleCase is a file and the rule IDs the scanner must report in it, in
// order. secrets are the texts that must never appear in the result.
type ruleCase struct {
	name    string
	path    string
	content string
	want    []string
	secrets []string
}

// ruleCases returns, for every built-in rule, files that must be found
// (documented example values where the provider publishes one, otherwise
// values generated in the documented format) and near misses that must not.
func ruleCases(t testing.TB) []ruleCase {
	g := newKeygen(t)
	var cs []ruleCase
	hit := func(rule, name, path, content string, secrets ...string) {
		cs = append(cs, ruleCase{rule + "/" + name, path, content, []string{rule}, secrets})
	}
	miss := func(rule, name, path, content string) {
		cs = append(cs, ruleCase{rule + "/near-miss/" + name, path, content, nil, nil})
	}
	b64 := base64.StdEncoding.EncodeToString

	// Google Cloud service account: the PEM inside is also a private key,
	// but the specific rule wins.
	sa := g.serviceAccount()
	var saKey struct {
		PrivateKey string `json:"private_key"`
	}
	if err := json.Unmarshal([]byte(sa), &saKey); err != nil {
		t.Fatal(err)
	}
	hit("gcp-service-account", "key-file", "app/credentials/sa.json", sa, pemBody(saKey.PrivateKey))
	reversed := `{"private_key": "` + strings.ReplaceAll(saKey.PrivateKey, "\n", `\n`) + `", "client_email": "x@p.iam.gserviceaccount.com", "type": "service_account"}`
	hit("gcp-service-account", "private-key-first", "app/key.json", reversed)
	miss("gcp-service-account", "empty-private-key", "app/sa-template.json",
		`{"type": "service_account", "project_id": "p", "private_key": "", "client_email": "x@p.iam.gserviceaccount.com"}`)

	for _, k := range []struct{ name, pem string }{
		{"rsa-pkcs1", g.rsaPKCS1()},
		{"rsa-pkcs8", g.rsaPKCS8()},
		{"ec-sec1", g.ecSEC1()},
		{"ed25519-pkcs8", g.ed25519PKCS8()},
		{"encrypted-pkcs8", g.encryptedPKCS8()},
		{"openssh", g.openSSH()},
		{"pgp", g.pgp()},
	} {
		hit("private-key", k.name, "root/.ssh/id_"+k.name, "# key\n"+k.pem, pemBody(k.pem))
	}
	hit("private-key", "escaped-in-yaml", "etc/app/config.yaml",
		"tls:\n  key: \""+strings.ReplaceAll(g.ecSEC1(), "\n", `\n`)+"\"\n")
	miss("private-key", "public-key", "etc/app/pub.pem", pemBlock("PUBLIC KEY", g.bytes(294)))
	miss("private-key", "placeholder", "etc/app/key.pem", "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n")
	miss("private-key", "low-entropy-placeholder", "etc/app/key.pem",
		"-----BEGIN RSA PRIVATE KEY-----\n"+strings.Repeat("x", 64)+"\n-----END RSA PRIVATE KEY-----\n")

	// AWS's documented example key pair (IAM User Guide).
	hit("aws-access-key-id", "documented-example", "root/.aws/credentials",
		"[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n", "IOSFODNN7EXAMPLE")
	asia := "ASIA" + g.str("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
	hit("aws-access-key-id", "temporary", "app/env.sh", "export AWS_ACCESS_KEY_ID="+asia+"\n", asia[4:])
	miss("aws-access-key-id", "15-chars", "app/env.sh", "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPL\n")
	miss("aws-access-key-id", "not-base32", "app/env.sh", "id=AKIA0123456789ABCDEF\n")
	miss("aws-access-key-id", "placeholder", "app/env.sh", "id=AKIAXXXXXXXXXXXXXXXX\n")
	miss("aws-access-key-id", "inside-word", "app/env.sh", "id=XAKIAIOSFODNN7EXAMPLE\n")

	hit("aws-secret-access-key", "documented-example", "root/.aws/credentials",
		"[default]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
	awsSecret := g.str(alnumChars+"/+", 40)
	hit("aws-secret-access-key", "cli-json", "app/key.json",
		"{\n  \"AccessKey\": {\n    \"UserName\": \"ci\",\n    \"SecretAccessKey\": \""+awsSecret+"\"\n  }\n}\n", awsSecret)
	miss("aws-secret-access-key", "39-chars", "root/.aws/credentials", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE\n")
	miss("aws-secret-access-key", "no-keyword", "app/hash.txt", "sha = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")

	azKey := b64(g.bytes(64))
	hit("azure-storage-account-key", "connection-string", "app/appsettings.json",
		`{"Storage": "DefaultEndpointsProtocol=https;AccountName=drydock;AccountKey=`+azKey+`;EndpointSuffix=core.windows.net"}`, azKey)
	miss("azure-storage-account-key", "azurite-well-known-key", "app/appsettings.json",
		`{"Storage": "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"}`)
	miss("azure-storage-account-key", "short", "app/appsettings.json", `AccountKey=`+azKey[:80]+`==;`)

	sig := url.QueryEscape(b64(g.bytes(32)))
	hit("azure-sas-token", "blob-url", "app/config.ini",
		"url = https://drydock.blob.core.windows.net/c?sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2030-01-01T00:00:00Z&spr=https&sig="+sig+"\n", sig)
	miss("azure-sas-token", "placeholder", "app/config.ini", "url = https://drydock.blob.core.windows.net/c?sv=2022-11-02&sp=r&sig=<signature>\n")

	gkey := g.str(alnumChars+"_-", 35)
	hit("gcp-api-key", "js", "srv/www/app.js", `const firebase = {apiKey: "AIza`+gkey+`"};`, gkey)
	miss("gcp-api-key", "34-chars", "srv/www/app.js", `const firebase = {apiKey: "AIza`+gkey[:34]+`"};`)

	ali := g.alnum(20)
	hit("alibaba-access-key-id", "env", "app/.env.production", "ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI"+ali+"\n", ali)
	miss("alibaba-access-key-id", "11-chars", "app/.env.production", "ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI"+ali[:11]+"\n")

	for _, gh := range []struct{ rule, prefix string }{
		{"github-pat", "ghp_"}, {"github-oauth-token", "gho_"}, {"github-app-token", "ghu_"},
		{"github-app-token", "ghs_"}, {"github-refresh-token", "ghr_"},
	} {
		tok := g.alnum(36)
		hit(gh.rule, gh.prefix, "root/.config/gh/hosts.yml", "github.com:\n  oauth_token: "+gh.prefix+tok+"\n", tok)
		miss(gh.rule, gh.prefix+"35-chars", "root/.config/gh/hosts.yml", "github.com:\n  oauth_token: "+gh.prefix+tok[:35]+"\n")
	}
	fg := g.alnum(22) + "_" + g.alnum(59)
	hit("github-fine-grained-pat", "env", "app/.env", "GH_TOKEN=github_pat_"+fg+"\n", fg)
	miss("github-fine-grained-pat", "58-chars", "app/.env", "GH_TOKEN=github_pat_"+fg[:81]+"\n")

	gl := g.str(alnumChars+"_-", 20)
	hit("gitlab-pat", "legacy", "app/.gitlab-token", "token: glpat-"+gl+"\n", gl)
	routable := g.str(alnumChars+"_-", 40) + ".01." + g.str("0123456789abcdefghijklmnopqrstuvwxyz", 9)
	hit("gitlab-pat", "routable", "app/.gitlab-token", "token: glpat-"+routable+"\n", routable)
	miss("gitlab-pat", "19-chars", "app/.gitlab-token", "token: glpat-"+gl[:19]+"\n")

	// Slack's documented bot token example (token types page).
	hit("slack-token", "documented-bot-token", "app/slack.env", "SLACK_BOT_TOKEN=xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy\n",
		"17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy")
	miss("slack-token", "documented-placeholder", "app/slack.env", "SLACK_BOT_TOKEN=xoxb-not-a-real-token-this-will-not-work\n")

	hook := "T" + g.str("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8) + "/B" + g.str("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10) + "/" + g.alnum(24)
	hit("slack-webhook", "incoming", "app/notify.py", `WEBHOOK = "https://hooks.slack.com/services/`+hook+`"`+"\n", hook)
	// The example URL of Slack's webhook documentation.
	miss("slack-webhook", "documented-example", "app/notify.py",
		`WEBHOOK = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"`+"\n")

	sk := g.alnum(24)
	hit("stripe-secret-key", "live", "app/config/stripe.php", "'secret' => 'sk_live_"+sk+"',\n", sk)
	miss("stripe-secret-key", "test-mode", "app/config/stripe.php", "'secret' => 'sk_test_"+sk+"',\n")
	miss("stripe-secret-key", "publishable", "app/config/stripe.php", "'publishable' => 'pk_live_"+sk+"',\n")

	npmTok := g.alnum(36)
	hit("npm-access-token", "npmrc", "root/.npmrc", "//registry.npmjs.org/:_authToken=npm_"+npmTok+"\n", npmTok)
	miss("npm-access-token", "35-chars", "app/ci.sh", "NPM_TOKEN=npm_"+npmTok[:35]+"\n")
	uuid := fmt.Sprintf("%s-%s-%s-%s-%s", g.str("0123456789abcdef", 8), g.str("0123456789abcdef", 4), g.str("0123456789abcdef", 4), g.str("0123456789abcdef", 4), g.str("0123456789abcdef", 12))
	hit("npmrc-auth", "legacy-uuid-token", "home/node/.npmrc", "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken="+uuid+"\n", uuid)
	yarnTok := g.alnum(32)
	hit("npmrc-auth", "yarnrc", "app/.yarnrc.yml", "npmRegistries:\n  \"https://npm.example.com\":\n    npmAuthToken: \""+yarnTok+"\"\n", yarnTok)
	miss("npmrc-auth", "env-reference", "home/node/.npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n")
	miss("npmrc-auth", "not-an-npmrc", "app/notes.conf", "//registry.npmjs.org/:_authToken="+uuid+"\n")

	dockerAuth := b64([]byte("drydock:" + g.alnum(20)))
	hit("docker-config-auth", "config-json", "root/.docker/config.json",
		"{\n\t\"auths\": {\n\t\t\"registry.example.com\": {\n\t\t\t\"auth\": \""+dockerAuth+"\"\n\t\t}\n\t}\n}\n", dockerAuth)
	miss("docker-config-auth", "no-password", "root/.docker/config.json", `{"auths": {"r.example.com": {"auth": "`+b64([]byte("drydock:"))+`"}}}`)
	miss("docker-config-auth", "not-user-password", "root/.docker/config.json", `{"auths": {"r.example.com": {"auth": "`+b64([]byte("just-a-token-value"))+`"}}}`)
	idTok := g.alnum(48)
	hit("docker-config-identity-token", "config-json", "root/.docker/config.json", `{"auths": {"r.example.com": {"identitytoken": "`+idTok+`"}}}`, idTok)
	miss("docker-config-identity-token", "short", "root/.docker/config.json", `{"auths": {"r.example.com": {"identitytoken": "abc"}}}`)

	hs := g.jwtHS256()
	hit("jwt", "hs256", "app/client.conf", "Authorization: Bearer "+hs+"\n", hs)
	rs := g.jwtRS256()
	hit("jwt", "rs256", "app/token.txt", rs, rs)
	badHeader := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256"`)) + "." + b64url(map[string]string{"sub": "x"}) + "." + g.str(alnumChars+"_-", 43)
	miss("jwt", "header-not-json", "app/client.conf", "Authorization: Bearer "+badHeader+"\n")
	noAlg := b64url(map[string]string{"typ": "JWT"}) + "." + b64url(map[string]string{"sub": "x"}) + "." + g.str(alnumChars+"_-", 43)
	miss("jwt", "header-without-alg", "app/client.conf", "Authorization: Bearer "+noAlg+"\n")

	pw := g.alnum(10) + "!" + g.alnum(5)
	hit("config-password", "dotenv", "app/.env", "DB_HOST=db\nDB_PASSWORD="+pw+"\n", pw)
	hit("config-password", "properties", "app/application.properties", "spring.datasource.password="+pw+"\n", pw)
	hit("config-password", "yaml-quoted", "app/config.yaml", "db:\n  user: app\n  password: \""+pw+" with spaces\"\n", pw+" with spaces")
	hit("config-password", "ini", "etc/app.ini", "[db]\npasswd = "+pw+"\n", pw)
	hit("config-password", "json", "app/settings.json", `{"db": {"user": "app", "password": "`+pw+`"}}`, pw)
	hit("config-password", "maven-settings-xml", "root/.m2/settings.xml", "<server>\n  <id>repo</id>\n  <password>"+pw+"</password>\n</server>\n", pw)
	miss("config-password", "changeme", "app/.env", "DB_PASSWORD=changeme\n")
	miss("config-password", "env-reference", "app/.env", "DB_PASSWORD=${DB_PASSWORD}\n")
	miss("config-password", "angle-placeholder", "app/config.yaml", "password: <password>\n")
	miss("config-password", "helm-template", "app/values.yaml", "password: \"{{ .Values.db.password }}\"\n")
	miss("config-password", "python-format", "etc/app.ini", "password = %(db_password)s\n")
	miss("config-password", "low-entropy", "app/.env", "DB_PASSWORD=aaaaaaaa\n")
	miss("config-password", "key-not-ending-in-password", "app/config.yaml", "password_file: /run/secrets/db_password_xyz\n")
	miss("config-password", "not-a-config-file", "app/main.go", `const dbPassword = "`+pw+`"`+"\n")
	miss("config-password", "translation-catalogue", "app/locales/de.json", `{"password": "Kennwort123!x"}`)
	return cs
}

// pemBody is the part of a PEM block between its BEGIN and END lines.
func pemBody(p string) string {
	_, rest, _ := strings.Cut(p, "-----\n")
	body, _, _ := strings.Cut(rest, "-----END")
	return strings.TrimSpace(body)
}

func scan(t *testing.T, e *secret.Extractor, path, content string) []model.Secret {
	t.Helper()
	res, err := e.Scan(context.Background(), path, []byte(content))
	if err != nil {
		t.Fatal(err)
	}
	return res.Secrets
}

func ruleIDs(ss []model.Secret) []string {
	var ids []string
	for _, s := range ss {
		ids = append(ids, s.RuleID)
	}
	return ids
}

// TestRules: every built-in rule finds its secrets and ignores the near
// misses; no finding holds any part of a secret.
func TestRules(t *testing.T) {
	e := secret.New()
	cases := ruleCases(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := scan(t, e, c.path, c.content)
			if diff := cmp.Diff(c.want, ruleIDs(got)); diff != "" {
				t.Fatalf("rules (-want +got):\n%s\nfindings: %+v", diff, got)
			}
			assertNoLeak(t, got, c.secrets)
		})
	}
	// Every rule has a hit and a near miss.
	rules, err := secret.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules.Rules {
		var hits, misses int
		for _, c := range cases {
			if strings.HasPrefix(c.name, r.ID+"/near-miss/") {
				misses++
			} else if strings.HasPrefix(c.name, r.ID+"/") {
				hits++
			}
		}
		if hits == 0 || misses == 0 {
			t.Errorf("rule %s: %d hit and %d near-miss cases; want at least one of each", r.ID, hits, misses)
		}
	}
}

// assertNoLeak fails when the JSON of the findings holds a secret or any
// 8-character piece of one.
func assertNoLeak(t *testing.T, got []model.Secret, secrets []string) {
	t.Helper()
	js, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	// JSON escapes some characters; compare with the decoded strings too.
	var plain strings.Builder
	for _, s := range got {
		plain.WriteString(s.Match + "\n")
	}
	for _, s := range secrets {
		for _, piece := range pieces(s, 8) {
			if strings.Contains(string(js), piece) || strings.Contains(plain.String(), piece) {
				t.Fatalf("result holds %q, a piece of a secret:\n%s", piece, js)
			}
		}
	}
}

// pieces returns the n-byte substrings of s (s itself when shorter),
// skipping those that are only base64 line breaks or padding.
func pieces(s string, n int) []string {
	if len(s) <= n {
		return []string{s}
	}
	var out []string
	for i := 0; i+n <= len(s); i++ {
		p := s[i : i+n]
		if strings.ContainsAny(p, "\n") {
			continue
		}
		out = append(out, p)
	}
	return out
}

// TestMatch pins how findings look: line numbers, the redacted line,
// several secrets on one line, long lines, CRLF, multi-line keys.
func TestMatch(t *testing.T) {
	e := secret.New()
	g := newKeygen(t)
	ghp := "ghp_" + g.alnum(36)
	key := g.rsaPKCS1()
	tests := []struct {
		name, path, content string
		want                []model.Secret
	}{
		{
			name:    "first line",
			path:    "app/token",
			content: ghp + "\n",
			want:    []model.Secret{{Line: 1, Match: "ghp_************************************"}},
		},
		{
			name:    "crlf and later line",
			path:    "app/token",
			content: "a\r\nb\r\ntoken=" + ghp + "\r\nc\r\n",
			want:    []model.Secret{{Line: 3, Match: "token=ghp_************************************"}},
		},
		{
			name:    "two secrets on one line are both redacted in both findings",
			path:    "root/.aws/credentials",
			content: "keys AKIAIOSFODNN7EXAMPLE aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY end\n",
			want: []model.Secret{
				{Line: 1, Match: "keys AKIA**************** aws_secret_access_key=**************************************** end"},
				{Line: 1, Match: "keys AKIA**************** aws_secret_access_key=**************************************** end"},
			},
		},
		{
			name:    "long minified line is cut around the secret",
			path:    "srv/www/bundle.js",
			content: strings.Repeat("var a=1;", 1000) + `k="` + ghp + `";` + strings.Repeat("var b=2;", 1000),
			want:    []model.Secret{{Line: 1, Match: "…;var a=1;var a=1;var a=1;var a=1;var a=1;k=\"ghp_************************************\";var b=2;var b=2;var b=2;var b=2;var b=2;var b=2;var b=2;var b=2;var b=2;var b=2;var b=2;var b=2;var b=2;var b=2…"}},
		},
		{
			name:    "pem block reported at its BEGIN line",
			path:    "etc/ssl/private/server.key",
			content: "\n\n" + key,
			want:    []model.Secret{{Line: 3, Match: "-----BEGIN RSA PRIVATE KEY-----"}},
		},
		{
			name:    "jwt keeps its eyJ",
			path:    "app/t.conf",
			content: "token: " + g.jwtHS256(),
			want:    []model.Secret{{Line: 1, Match: "token: eyJ" + strings.Repeat("*", 64)}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scan(t, e, tt.path, tt.content)
			type lm struct {
				Line  int
				Match string
			}
			var gotLM, wantLM []lm
			for _, s := range got {
				gotLM = append(gotLM, lm{s.Line, s.Match})
			}
			for _, s := range tt.want {
				wantLM = append(wantLM, lm{s.Line, s.Match})
			}
			if diff := cmp.Diff(wantLM, gotLM); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestFinding checks the whole record of one finding.
func TestFinding(t *testing.T) {
	got := scan(t, secret.New(), "root/.aws/credentials", "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n")
	want := []model.Secret{{
		RuleID: "aws-access-key-id", Category: "AWS", Title: "AWS access key ID", Severity: model.SeverityCritical,
		Match: "aws_access_key_id = AKIA****************", Line: 2, Location: model.Location{Path: "root/.aws/credentials"},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestRealKeyFormats cross-checks the hand-made OpenSSH and OpenPGP
// encodings with ssh-keygen and gpg when they are installed, so that the
// private-key cases are keys those tools accept.
func TestRealKeyFormats(t *testing.T) {
	g := newKeygen(t)
	dir := t.TempDir()
	if _, err := exec.LookPath("ssh-keygen"); err == nil {
		p := filepath.Join(dir, "id_ed25519")
		if err := os.WriteFile(p, []byte(g.openSSH()), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("ssh-keygen", "-y", "-f", p).CombinedOutput()
		if err != nil || !strings.HasPrefix(string(out), "ssh-ed25519 ") {
			t.Errorf("ssh-keygen -y rejects the OpenSSH key: %v\n%s", err, out)
		}
	} else {
		t.Log("ssh-keygen not installed; OpenSSH encoding not cross-checked")
	}
	if _, err := exec.LookPath("gpg"); err == nil {
		p := filepath.Join(dir, "key.asc")
		if err := os.WriteFile(p, []byte(g.pgp()), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("gpg", "--homedir", dir, "--batch", "--list-packets", p)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "secret key packet") || strings.Contains(string(out), "CRC error") {
			t.Errorf("gpg --list-packets rejects the OpenPGP key: %v\n%s", err, out)
		}
	} else {
		t.Log("gpg not installed; OpenPGP encoding not cross-checked")
	}
}

// TestSkipping: names, sizes and binary content that are never scanned.
func TestSkipping(t *testing.T) {
	e := secret.New()
	info := func(size int64) *fakeInfo { return &fakeInfo{size: size} }
	for _, tt := range []struct {
		path string
		size int64
		want bool
	}{
		{"app/.env", 100, true},
		{"root/.aws/credentials", 100, true},
		{"etc/ssl/private/ssl-cert-snakeoil.key", 1700, true},
		{"usr/local/bin/entrypoint.sh", 400, true},
		{"app/.env", 10, false},                         // too small to hold a secret
		{"app/dump.sql", secret.MaxFileSize + 1, false}, // over the cap
		{"usr/lib/x86_64-linux-gnu/libssl.so.3", 600, false},
		{"opt/app/lib/native.so", 600, false},
		{"app/__pycache__/settings.cpython-312.pyc", 600, false},
		{"app/static/logo.PNG", 600, false},
		{"usr/local/share/fonts/x.woff2", 600, false},
		{"app/release.tar.gz", 600, false},
		{"app/lib/dep.jar", 600, false},
		{"usr/share/doc/openssl/README", 600, false},           // system-dirs
		{"usr/bin/python3", 600, false},                        // system-dirs
		{"usr/local/lib/python3.12/ssl.py", 600, false},        // language-runtimes
		{"app/node_modules/jws/test/keys/key.pem", 600, false}, // tests
		{"app/.env.example", 600, false},                       // examples
		{"app/README.md", 600, false},                          // docs
	} {
		if got := e.Required(tt.path, info(tt.size)); got != tt.want {
			t.Errorf("Required(%q, %d) = %v, want %v", tt.path, tt.size, got, tt.want)
		}
	}

	tok := "ghp_" + newKeygen(t).alnum(36)
	binary := "\x7fELF\x00\x01" + strings.Repeat("x", 100) + tok
	if got := scan(t, e, "app/bin", binary); len(got) != 0 {
		t.Errorf("binary file scanned: %+v", got)
	}
	late := strings.Repeat("x", extract.SniffSize) + "\x00\n" + tok
	if got := scan(t, e, "app/data", late); len(got) != 1 {
		t.Errorf("NUL after the sniffed prefix: got %d findings, want 1", len(got))
	}
}

type fakeInfo struct {
	os.FileInfo
	size int64
}

func (f *fakeInfo) Size() int64 { return f.size }

// TestWindows: matches far from line starts, secrets in megabyte lines,
// many keyword hits, and rules whose keyword is far from the secret.
func TestWindows(t *testing.T) {
	e := secret.New()
	g := newKeygen(t)
	tok := "ghp_" + g.alnum(36)
	// The keyword starts the token, so a secret deep in a long line is found.
	long := strings.Repeat("a", 3<<20) + " " + tok + " " + strings.Repeat("b", 1<<20)
	if got := scan(t, e, "srv/www/min.js", long); !slices.Equal(ruleIDs(got), []string{"github-pat"}) {
		t.Errorf("token in a 4 MiB line: %v", ruleIDs(got))
	}
	// Thousands of keyword hits that are not secrets, then one that is.
	noisy := strings.Repeat("ghp_ AKIA asia password pwd eyJ\n", 20000) + tok + "\n"
	got := scan(t, e, "app/noise.txt", noisy)
	if len(got) != 1 || got[0].Line != 20001 {
		t.Errorf("noisy file: %+v", got)
	}
	// A PEM key spread over a 64 KiB window is found.
	key := g.rsaPKCS8()
	if got := scan(t, e, "app/key.txt", strings.Repeat("filler line\n", 100)+key); !slices.Equal(ruleIDs(got), []string{"private-key"}) || got[0].Line != 101 {
		t.Errorf("pem after filler: %+v", got)
	}
	// Many findings are capped, with a warning.
	var many strings.Builder
	for range secret.MaxSecretsPerFile + 5 {
		many.WriteString("ghp_" + g.alnum(36) + "\n")
	}
	res, err := e.Scan(context.Background(), "app/tokens.txt", []byte(many.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Secrets) != secret.MaxSecretsPerFile || len(res.Warnings) != 1 {
		t.Errorf("%d findings, warnings %q", len(res.Secrets), res.Warnings)
	}
	// Adjacent tokens separated by one character are both found.
	two := "ghp_" + g.alnum(36) + ",ghp_" + g.alnum(36) + "\n"
	if got := scan(t, e, "app/t.csv", two); len(got) != 2 {
		t.Errorf("adjacent tokens: %v", ruleIDs(got))
	}
}

// TestDeterministic: the same input gives the same output, in line order.
func TestDeterministic(t *testing.T) {
	e := secret.New()
	var all strings.Builder
	for _, c := range ruleCases(t) {
		if c.want != nil && !strings.Contains(c.path, "config") {
			all.WriteString(c.content + "\n")
		}
	}
	a := scan(t, e, "app/all.txt", all.String())
	b := scan(t, e, "app/all.txt", all.String())
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatal(diff)
	}
	if len(a) < 10 {
		t.Fatalf("only %d findings in the combined file", len(a))
	}
	for i := 1; i < len(a); i++ {
		if a[i].Line < a[i-1].Line {
			t.Fatalf("not in line order: %d after %d", a[i].Line, a[i-1].Line)
		}
	}
}

func TestContextCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := secret.New().Scan(ctx, "app/x.txt", []byte(strings.Repeat("password=abc\n", 1000)))
	if err == nil {
		t.Fatal("no error on a canceled context")
	}
}
