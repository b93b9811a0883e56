package ruby_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/internal/extracttest"
	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/extract/ruby"
)

func TestDependsOnGemfileLock(t *testing.T) {
	tests := []struct {
		name string
		lock string
		want map[string][]string
	}{
		{
			// Bundler 2.3.27's lock, as read in the file: toolbox (GIT)
			// lists webrick (~> 1.8), from the GEM section; shop-util
			// (PATH) lists rack (>= 2.0); nokogiri lists mini_portile2
			// and racc; the other specs list nothing.
			name: "bundler 2.3.27",
			lock: string(readFile(t, "bundler/Gemfile.lock")),
			want: map[string][]string{
				"pkg:gem/mini_portile2@2.8.1": nil,
				"pkg:gem/minitest@5.15.0":     nil,
				"pkg:gem/nokogiri@1.13.10":    {"pkg:gem/mini_portile2@2.8.1", "pkg:gem/racc@1.6.0"},
				"pkg:gem/racc@1.6.0":          nil,
				"pkg:gem/rack@2.2.22":         nil,
				"pkg:gem/shop-util@0.3.0":     {"pkg:gem/rack@2.2.22"},
				"pkg:gem/toolbox@1.2.0":       {"pkg:gem/webrick@1.8.1"},
				"pkg:gem/webrick@1.8.1":       nil,
			},
		},
		{
			// Platform gems: both nokogiri variants list racc, and are
			// the one package nokogiri 1.13.3; actionpack lists rack
			// with two constraints; the broken spec has no dependencies.
			name: "platforms",
			lock: platforms,
			want: map[string][]string{
				"pkg:gem/actionpack@7.0.4":       {"pkg:gem/rack@2.2.3"},
				"pkg:gem/nokogiri@1.13.3":        {"pkg:gem/racc@1.6.0"},
				"pkg:gem/racc@1.6.0":             nil,
				"pkg:gem/rack@2.2.3":             nil,
				"pkg:gem/google-protobuf@3.21.5": nil,
				"pkg:gem/plugged@0.1.0":          nil,
			},
		},
		{
			// The dependencies of a spec line that does not parse are not
			// given to the spec before it; a name locked in two versions
			// (one per platform) is ambiguous; a gem not locked and a
			// dependency on itself give no edge; source options at two
			// spaces end a spec's dependencies.
			name: "rules",
			lock: `GEM
  remote: https://rubygems.org/
  specs:
    app-helpers (1.0.0)
      ffi (>= 1.0)
      grpc
      json
      app-helpers (= 1.0.0)
      missing (~> 1.0)
    bad spec (
      json
    ffi (1.15.5)
    ffi (1.16.3-x86_64-linux)
    grpc (1.60.0-x86_64-linux)
      google-protobuf (~> 3.25)
    json (2.7.1)

GIT
  remote: https://example.com/lib.git
  revision: 0123
  specs:
    lib (0.1.0)
  tag: v0.1.0
      json

PLATFORMS
  ruby
  x86_64-linux

DEPENDENCIES
  app-helpers
`,
			want: map[string][]string{
				"pkg:gem/app-helpers@1.0.0": {"pkg:gem/grpc@1.60.0", "pkg:gem/json@2.7.1"},
				"pkg:gem/ffi@1.15.5":        nil,
				"pkg:gem/ffi@1.16.3":        nil,
				"pkg:gem/grpc@1.60.0":       nil,
				"pkg:gem/json@2.7.1":        nil,
				"pkg:gem/lib@0.1.0":         nil,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ruby.ParseGemfileLock(context.Background(), strings.NewReader(tt.lock))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, extracttest.Graph(res.Packages)); diff != "" {
				t.Errorf("DependsOn (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDependsOnClosed runs both extractors on every file of testdata they
// ask for, and checks that each DependsOn purl is the purl of another
// package of the same result and that the lists are sorted and without
// duplicates.
func TestDependsOnClosed(t *testing.T) {
	extracttest.CheckTestdataDependsOn(t, "testdata", extract.Set{ruby.NewGemfileLock(), ruby.NewGemspec()}, 10)
}
