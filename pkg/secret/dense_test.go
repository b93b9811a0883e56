package secret_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/drydockhq/drydock/pkg/secret"
)

// TestDenseKeywords: a file that is nothing but keyword hits (one merged
// window over the whole file) costs time linear in its size. The bound is
// loose (quadratic behaviour would take minutes), so it is not flaky.
func TestDenseKeywords(t *testing.T) {
	e := secret.New()
	for _, unit := range []string{
		"asia", "eyJ", "PRIVATE KEY", "-----BEGIN PRIVATE KEY-----", "service_account", `"auth":"`,
		"password=", "AKIAIOSFODNN7EXAMPLE ", "sv=2020-01-01&sig=", "ghp_",
	} {
		data := []byte(strings.Repeat(unit, (512<<10)/len(unit)))
		start := time.Now()
		if _, err := e.Scan(context.Background(), "app/dense.json", data); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%q × %d: %v", unit, len(data)/len(unit), d)
		}
	}
}
