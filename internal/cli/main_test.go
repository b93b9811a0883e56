package cli_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/drydockhq/drydock/pkg/config/policyexec"
)

var regoHelper struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// useRegoHelper builds cmd/drydock-rego once per test binary and points
// DRYDOCK_REGO at it for the test, as an installed helper would be found.
func useRegoHelper(t *testing.T) {
	t.Helper()
	h := &regoHelper
	h.once.Do(func() {
		h.dir, h.err = os.MkdirTemp("", "drydock-rego-")
		if h.err != nil {
			return
		}
		h.path = filepath.Join(h.dir, policyexec.HelperName)
		out, err := exec.Command("go", "build", "-o", h.path, "../../cmd/drydock-rego").CombinedOutput()
		if err != nil {
			h.err = fmt.Errorf("building drydock-rego: %v\n%s", err, out)
		}
	})
	if h.err != nil {
		t.Fatal(h.err)
	}
	t.Setenv(policyexec.HelperEnv, h.path)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if regoHelper.dir != "" {
		os.RemoveAll(regoHelper.dir)
	}
	os.Exit(code)
}
