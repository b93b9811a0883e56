package lazyre_test

import (
	"testing"

	"github.com/drydockhq/drydock/pkg/lazyre"
)

func TestNew(t *testing.T) {
	re := lazyre.New(`^a+b$`)
	if first, second := re(), re(); first != second {
		t.Error("compiled twice")
	}
	if !re().MatchString("aab") || re().MatchString("ab!") {
		t.Error("wrong expression")
	}
}

func TestNewPanicsOnBadExpr(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for a bad expression")
		}
	}()
	lazyre.New(`(`)()
}
