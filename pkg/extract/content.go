package extract

import "github.com/drydockhq/drydock/pkg/model"

// Content gathers what content scanners found in the layers (base first).
// Unlike packages, content is reported from every layer, visible or not: a
// secret in a file that a later layer deletes or replaces is not in the
// running container, but anyone who pulls the image has it. Such findings
// are marked Deleted. Locations carry the layer the file is in.
func Content(layers []*model.LayerInventory) ([]model.Secret, []model.PersonalData) {
	var (
		secrets []model.Secret
		pii     []model.PersonalData
	)
	var st *stack
	for i, l := range layers {
		for fi := range l.Files {
			f := &l.Files[fi]
			if len(f.Secrets) == 0 && len(f.PersonalData) == 0 {
				continue
			}
			if st == nil {
				st = newStack(layers)
			}
			deleted := !st.visible(i, f.Path, f.Extractor)
			for _, s := range f.Secrets {
				s.Location.Layer, s.Location.LayerIndex = l.DiffID, i
				s.Deleted = deleted
				secrets = append(secrets, s)
			}
			for _, p := range f.PersonalData {
				p.Location.Layer, p.Location.LayerIndex = l.DiffID, i
				p.Deleted = deleted
				pii = append(pii, p)
			}
		}
	}
	return secrets, pii
}
