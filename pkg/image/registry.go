package image

import (
	"context"
	"fmt"
	"net"
	"net/http"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// openRegistry pulls the manifest and config of an image from a registry.
// Layers are fetched only when opened. Plain HTTP is allowed for loopback
// registries, or for any registry with opts.Insecure.
func openRegistry(ctx context.Context, ref, s string, opts Options) (Image, error) {
	var nopts []name.Option
	if opts.Insecure {
		nopts = append(nopts, name.Insecure)
	}
	r, err := name.ParseReference(s, nopts...)
	if err != nil {
		return nil, fmt.Errorf("%s: not a file, directory or image reference: %w", ref, err)
	}
	kc := opts.Keychain
	if kc == nil {
		kc = authn.DefaultKeychain
	}
	base := opts.Transport
	if base == nil {
		base = remote.DefaultTransport
	}
	img, err := remote.Image(r,
		remote.WithContext(ctx),
		remote.WithAuthFromKeychain(kc),
		remote.WithPlatform(opts.platform()),
		remote.WithTransport(&httpGuard{base: base, insecure: opts.Insecure}),
	)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	return fromV1(ref, img, []string{r.String()})
}

// httpGuard refuses plain-HTTP requests to non-loopback hosts unless the user
// asked for --insecure: go-containerregistry would otherwise fall back to HTTP
// for private-range addresses too.
type httpGuard struct {
	base     http.RoundTripper
	insecure bool
}

func (g *httpGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "http" && !g.insecure && !isLoopback(req.URL.Hostname()) {
		return nil, fmt.Errorf("refusing plain HTTP to %s (use --insecure to allow)", req.URL.Host)
	}
	return g.base.RoundTrip(req)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
