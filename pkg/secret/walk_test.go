package secret_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/internal/imagetest"
	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/secret"
)

// TestWalk runs the extractor the way a scan does: two layers through
// extract.Walk, then extract.Content. A secret in a file the upper layer
// deletes is still reported, marked deleted; files skipped by name or
// content yield nothing.
func TestWalk(t *testing.T) {
	g := newKeygen(t)
	tok := "ghp_" + g.alnum(36)
	layer := func(diffID model.Digest, entries []imagetest.Entry) *model.LayerInventory {
		t.Helper()
		data, err := imagetest.TarBytes(entries)
		if err != nil {
			t.Fatal(err)
		}
		inv, err := extract.Walk(context.Background(), bytes.NewReader(data), diffID, extract.Set{secret.New()}, extract.WalkOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return inv
	}
	l0 := layer("sha256:base", []imagetest.Entry{
		{Name: "app/.env", Body: "GITHUB_TOKEN=" + tok + "\n"},
		{Name: "root/.aws/credentials", Body: "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"},
		{Name: "usr/lib/libx.so.1", Body: "ghp_" + g.alnum(36)},
		{Name: "app/tool", Body: "\x7fELF\x00\x00" + tok},
	})
	l1 := layer("sha256:top", []imagetest.Entry{
		{Name: "app/.wh..env"},
	})
	secrets, _ := extract.Content([]*model.LayerInventory{l0, l1})
	want := []model.Secret{
		{
			RuleID: "github-pat", Category: "GitHub", Title: "GitHub personal access token", Severity: model.SeverityCritical,
			Match: "GITHUB_TOKEN=ghp_************************************", Line: 1,
			Location: model.Location{Path: "app/.env", Layer: "sha256:base"}, Deleted: true,
		},
		{
			RuleID: "aws-access-key-id", Category: "AWS", Title: "AWS access key ID", Severity: model.SeverityCritical,
			Match: "aws_access_key_id = AKIA****************", Line: 2,
			Location: model.Location{Path: "root/.aws/credentials", Layer: "sha256:base"},
		},
	}
	if diff := cmp.Diff(want, secrets); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	assertNoLeak(t, secrets, []string{tok[4:]})
}
