package extract_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

// TestContent: secrets are reported from every layer; one in a file that a
// later layer deletes, or replaces, is marked deleted, not dropped.
func TestContent(t *testing.T) {
	secret := func(p string) []model.Secret {
		return []model.Secret{{RuleID: "aws-access-key-id", Line: 1, Location: model.Location{Path: p}}}
	}
	layers := []*model.LayerInventory{
		{DiffID: "sha256:0", Files: []model.FileResult{
			{Path: "root/.aws/credentials", Extractor: "secret", Secrets: secret("root/.aws/credentials")},
			{Path: "app/.env", Extractor: "secret", Secrets: secret("app/.env")},
			{Path: "etc/kept", Extractor: "secret", Secrets: secret("etc/kept")},
		}},
		{DiffID: "sha256:1", Whiteouts: []string{"root/.aws"}, Files: []model.FileResult{
			{Path: "app/.env", Extractor: "secret"}, // replaced by a clean file
		}},
		{DiffID: "sha256:2", Files: []model.FileResult{
			{Path: "srv/pii.csv", Extractor: "pii", PersonalData: []model.PersonalData{{Location: model.Location{Path: "srv/pii.csv"}, Kinds: []model.PIIKind{{Kind: "hkid", Count: 3}}}}},
		}},
	}
	secrets, pii := extract.Content(layers)
	type row struct {
		Path    string
		Layer   int
		Deleted bool
	}
	var got []row
	for _, s := range secrets {
		got = append(got, row{s.Location.Path, s.Location.LayerIndex, s.Deleted})
		if s.Location.Layer != layers[s.Location.LayerIndex].DiffID {
			t.Errorf("%s: layer %s", s.Location.Path, s.Location.Layer)
		}
	}
	want := []row{{"root/.aws/credentials", 0, true}, {"app/.env", 0, true}, {"etc/kept", 0, false}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("secrets (-want +got):\n%s", diff)
	}
	if len(pii) != 1 || pii[0].Deleted || pii[0].Location.LayerIndex != 2 {
		t.Errorf("personal data: %+v", pii)
	}
}
