package extract

import (
	"strings"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/purl"
)

// osIDForType is the distribution assumed for OS packages when the image has
// no release file.
var osIDForType = map[model.PackageType]string{
	model.TypeDeb: "debian",
	model.TypeAPK: "alpine",
}

// Finalize completes a squashed inventory: it marks distroless images, gives
// OS packages their release-scoped ecosystem and every package its purl.
func Finalize(inv *model.Inventory) {
	for _, p := range inv.Packages {
		if p.Type == model.TypeDeb && len(p.Locations) > 0 && strings.HasPrefix(p.Locations[0].Path, "var/lib/dpkg/status.d/") {
			if inv.OS == nil {
				inv.OS = &model.OSRelease{ID: "debian"}
			}
			inv.OS.Distroless = true
			break
		}
	}
	eco := model.OSEcosystem(inv.OS)
	for i := range inv.Packages {
		p := &inv.Packages[i]
		if p.Ecosystem != "" {
			continue
		}
		switch p.Type {
		case model.TypeDeb, model.TypeAPK, model.TypeRPM:
			if inv.OS != nil && model.OSHasType(inv.OS.ID, p.Type) {
				p.Ecosystem = eco
			} else if id := osIDForType[p.Type]; id != "" {
				p.Ecosystem = model.OSEcosystem(&model.OSRelease{ID: id})
			}
		}
	}
	for i := range inv.Packages {
		if p := &inv.Packages[i]; p.PURL == "" {
			p.PURL = purl.For(*p, inv.OS)
		}
	}
}
