package pii_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/drydockhq/drydock/internal/imagetest"
	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/pii"
)

// TestWalk runs the extractor as a scan does: through extract.Walk and
// extract.Content. A customer export deleted by a later layer is still
// reported, marked deleted; package metadata with maintainers' addresses
// is not read.
func TestWalk(t *testing.T) {
	csv := peopleCSV(t, people(20, rand.New(rand.NewPCG(5, 6))))
	layer := func(diffID model.Digest, entries []imagetest.Entry) *model.LayerInventory {
		t.Helper()
		data, err := imagetest.TarBytes(entries)
		if err != nil {
			t.Fatal(err)
		}
		inv, err := extract.Walk(context.Background(), bytes.NewReader(data), diffID, extract.Set{pii.New()}, extract.WalkOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return inv
	}
	l0 := layer("sha256:base", []imagetest.Entry{
		{Name: "srv/import/customers.csv", Body: csv},
		{Name: "var/lib/dpkg/status", Body: "Maintainer: A <a@debian.org>\nMaintainer: B <b@debian.org>\nMaintainer: C <c@debian.org>\nMaintainer: D <d@debian.org>\nMaintainer: E <e@debian.org>\n"},
		{Name: "app/config.yaml", Body: "support: help@example.com\n"},
	})
	l1 := layer("sha256:top", []imagetest.Entry{{Name: "srv/import/.wh.customers.csv"}})
	_, got := extract.Content([]*model.LayerInventory{l0, l1})
	var kinds []string
	for _, pd := range got {
		if pd.Location.Path != "srv/import/customers.csv" || pd.Location.Layer != "sha256:base" || !pd.Deleted {
			t.Errorf("record %+v", pd)
		}
		kinds = append(kinds, counts(pd.Kinds)...)
	}
	if diff := cmp.Diff([]string{"hkid=20", "credit-card=20", "email=20", "phone=20", "iban=20"}, kinds); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
