package image_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/drydockhq/drydock/internal/imagetest"
	"github.com/drydockhq/drydock/pkg/image"
)

func testImage(t *testing.T, body string) v1.Image {
	t.Helper()
	l, err := imagetest.LayerFromEntries([]imagetest.Entry{{Name: "etc/os-release", Body: body}})
	if err != nil {
		t.Fatal(err)
	}
	img, err := imagetest.Image([]v1.Layer{l}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func readAll(t *testing.T, img image.Image) error {
	t.Helper()
	for _, l := range img.Layers() {
		rc, err := l.Open(context.Background())
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, rc)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func TestArchiveAndLayout(t *testing.T) {
	dir := t.TempDir()
	img := testImage(t, "ID=debian\n")
	archive := filepath.Join(dir, "img.tar")
	if err := imagetest.WriteArchive(archive, "example.com/a:1", img); err != nil {
		t.Fatal(err)
	}
	oci := filepath.Join(dir, "oci")
	if err := imagetest.WriteLayout(oci, "example.com/a:1", img); err != nil {
		t.Fatal(err)
	}
	want, _ := img.ConfigName()
	for _, ref := range []string{archive, "docker-archive:" + archive, "docker-archive:" + archive + ":example.com/a:1", oci, "oci:" + oci, "oci:" + oci + ":1", "oci-layout:" + oci + ":example.com/a:1"} {
		got, err := image.Open(context.Background(), ref, image.Options{})
		if err != nil {
			t.Errorf("%s: %v", ref, err)
			continue
		}
		if string(got.ID()) != want.String() || len(got.Layers()) != 1 {
			t.Errorf("%s: id %s layers %d", ref, got.ID(), len(got.Layers()))
		}
		if err := readAll(t, got); err != nil {
			t.Errorf("%s: reading layers: %v", ref, err)
		}
	}
}

func TestMultiImageArchive(t *testing.T) {
	p := filepath.Join(t.TempDir(), "multi.tar")
	a, b := testImage(t, "ID=debian\n"), testImage(t, "ID=alpine\n")
	ta, _ := name.NewTag("example.com/a:1")
	tb, _ := name.NewTag("example.com/b:2")
	if err := tarball.MultiWriteToFile(p, map[name.Tag]v1.Image{ta: a, tb: b}); err != nil {
		t.Fatal(err)
	}
	_, err := image.Open(context.Background(), p, image.Options{})
	if err == nil || !strings.Contains(err.Error(), "holds 2 images") || !strings.Contains(err.Error(), "example.com/b:2") {
		t.Fatalf("err = %v, want a message listing the tags", err)
	}
	got, err := image.Open(context.Background(), "docker-archive:"+p+":example.com/b:2", image.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := b.ConfigName(); string(got.ID()) != want.String() {
		t.Errorf("picked %s, want image b", got.ID())
	}
	if _, err := image.Open(context.Background(), "docker-archive:"+p+":example.com/c:3", image.Options{}); err == nil || !strings.Contains(err.Error(), `no image tagged "example.com/c:3"`) {
		t.Errorf("err = %v", err)
	}
}

func TestBrokenInputs(t *testing.T) {
	dir := t.TempDir()
	write := func(n, s string) string {
		p := filepath.Join(dir, n)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	notTar := write("not.tar", "this is not a tarball")
	gzTrunc := write("trunc.tar.gz", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x01\x02")
	badManifest, _ := imagetest.TarBytes([]imagetest.Entry{{Name: "manifest.json", Body: "[{\"Config\": 5"}})
	bad := write("badmanifest.tar", string(badManifest))
	emptyDir := filepath.Join(dir, "emptydir")
	os.Mkdir(emptyDir, 0o755)
	for _, tt := range []struct{ ref, want string }{
		{notTar, "reading docker-archive"},
		{gzTrunc, "reading docker-archive"},
		{bad, "manifest.json"},
		{emptyDir, "without an oci-layout file"},
		{"oci:" + emptyDir, "reading OCI layout"},
	} {
		_, err := image.Open(context.Background(), tt.ref, image.Options{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.ref, err, tt.want)
		}
	}
}

func TestCorruptLayerAndMediaType(t *testing.T) {
	dir := t.TempDir()
	// A docker-archive whose layer blob is a gzip stream cut in half: the
	// archive opens (manifest and config are intact), reading the layer fails.
	good := testImage(t, "ID=debian\n")
	ls, _ := good.Layers()
	rc, err := ls[0].Compressed()
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(rc)
	cfg, _ := good.RawConfigFile()
	archive, err := imagetest.TarBytes([]imagetest.Entry{
		{Name: "manifest.json", Body: `[{"Config":"config.json","RepoTags":["example.com/t:1"],"Layers":["layer.tar.gz"]}]`},
		{Name: "config.json", Body: string(cfg)},
		{Name: "layer.tar.gz", Body: string(raw[:len(raw)/2])},
	})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "trunc.tar")
	if err := os.WriteFile(p, archive, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := image.Open(context.Background(), p, image.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := readAll(t, got); err == nil || !strings.Contains(err.Error(), "unexpected EOF") {
		t.Errorf("err = %v, want the truncated gzip stream reported", err)
	}
	// A layer with a media type that is not a layer.
	l := ls[0]
	odd, err := mutate.Append(empty.Image, mutate.Addendum{Layer: l, MediaType: types.MediaType("application/vnd.example.weird")})
	if err != nil {
		t.Fatal(err)
	}
	oci := filepath.Join(dir, "odd")
	if err := imagetest.WriteLayout(oci, "odd", odd); err != nil {
		t.Fatal(err)
	}
	got, err = image.Open(context.Background(), oci, image.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := readAll(t, got); err == nil || !strings.Contains(err.Error(), "unsupported media type") {
		t.Errorf("err = %v, want unsupported media type", err)
	}
}

type staticKeychain struct{ user, pass string }

func (k staticKeychain) Resolve(authn.Resource) (authn.Authenticator, error) {
	return authn.FromConfig(authn.AuthConfig{Username: k.user, Password: k.pass}), nil
}

// TestRegistry pushes to a real registry server on 127.0.0.1 (go-containerregistry's
// in-process registry behind basic auth) and reads back, also a multi-arch index.
func TestRegistry(t *testing.T) {
	reg := registry.New()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "alice" || p != "s3cret" {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		reg.ServeHTTP(w, r)
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	kc := staticKeychain{"alice", "s3cret"}
	amd, arm := testImage(t, "ID=debian\n"), testImage(t, "ID=alpine\n")
	ref, _ := name.ParseReference(u.Host + "/team/app:1")
	if err := remote.Write(ref, amd, remote.WithAuthFromKeychain(kc)); err != nil {
		t.Fatal(err)
	}
	idx := mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: amd, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}},
		mutate.IndexAddendum{Add: arm, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "arm64"}}},
	)
	multi, _ := name.ParseReference(u.Host + "/team/multi:1")
	if err := remote.WriteIndex(multi, idx, remote.WithAuthFromKeychain(kc)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	got, err := image.Open(ctx, u.Host+"/team/app:1", image.Options{Keychain: kc})
	if err != nil {
		t.Fatal(err)
	}
	if err := readAll(t, got); err != nil {
		t.Fatal(err)
	}
	if _, err := image.Open(ctx, "registry:"+u.Host+"/team/app:1", image.Options{Keychain: authn.NewMultiKeychain()}); err == nil {
		t.Error("anonymous pull from an authenticated registry succeeded")
	}
	for plat, want := range map[string]v1.Image{"linux/amd64": amd, "linux/arm64": arm} {
		p, _ := v1.ParsePlatform(plat)
		got, err := image.Open(ctx, u.Host+"/team/multi:1", image.Options{Keychain: kc, Platform: p})
		if err != nil {
			t.Fatal(err)
		}
		if w, _ := want.ConfigName(); string(got.ID()) != w.String() {
			t.Errorf("%s: got %s", plat, got.ID())
		}
	}
}

func TestPlainHTTPRefusedOffLoopback(t *testing.T) {
	// 10.0.0.1 is never contacted: the guard refuses before dialing.
	_, err := image.Open(context.Background(), "registry:10.255.255.1:5000/x:1", image.Options{Transport: refuseAll{t}})
	if err == nil {
		t.Fatal("expected an error")
	}
}

type refuseAll struct{ t *testing.T }

func (r refuseAll) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "http" {
		r.t.Errorf("plain HTTP request to %s reached the transport", req.URL)
	}
	return nil, io.ErrUnexpectedEOF
}
