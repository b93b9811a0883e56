package extract

import (
	"strings"

	"github.com/drydockhq/drydock/pkg/model"
)

// OSEcosystem returns the OSV ecosystem of the OS packages of a release:
// "Debian:12", "Ubuntu:22.04", "Alpine:v3.18", "AlmaLinux:9", "Rocky Linux:9",
// "Red Hat". It returns "" for an unknown OS.
func OSEcosystem(osr *model.OSRelease) model.Ecosystem {
	if osr == nil {
		return ""
	}
	major, minor := splitVersion(osr.VersionID)
	with := func(eco model.Ecosystem, release string) model.Ecosystem {
		if release == "" {
			return eco
		}
		return eco + ":" + model.Ecosystem(release)
	}
	switch osr.ID {
	case "debian":
		return with(model.EcoDebian, major)
	case "ubuntu":
		return with(model.EcoUbuntu, osr.VersionID)
	case "alpine":
		if major == "" || minor == "" {
			return model.EcoAlpine
		}
		return with(model.EcoAlpine, "v"+major+"."+minor)
	case "almalinux":
		return with(model.EcoAlmaLinux, major)
	case "rocky":
		return with(model.EcoRocky, major)
	case "rhel", "centos":
		return model.EcoRedHat
	case "sles", "opensuse-leap":
		return with(model.EcoSUSE, osr.VersionID)
	}
	return ""
}

func splitVersion(v string) (major, minor string) {
	parts := strings.SplitN(v, ".", 3)
	major = parts[0]
	if len(parts) > 1 {
		minor = parts[1]
	}
	return major, minor
}

// osIDForType is the distribution assumed for OS packages when the image has
// no release file.
var osIDForType = map[model.PackageType]string{
	model.TypeDeb: "debian",
	model.TypeAPK: "alpine",
}

// Finalize completes a squashed inventory: it marks distroless images and
// gives OS packages their release-scoped ecosystem.
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
	eco := OSEcosystem(inv.OS)
	for i := range inv.Packages {
		p := &inv.Packages[i]
		if p.Ecosystem != "" {
			continue
		}
		switch p.Type {
		case model.TypeDeb, model.TypeAPK, model.TypeRPM:
			if inv.OS != nil && osMatchesType(inv.OS.ID, p.Type) {
				p.Ecosystem = eco
			} else if id := osIDForType[p.Type]; id != "" {
				p.Ecosystem = OSEcosystem(&model.OSRelease{ID: id})
			}
		}
	}
}

// osMatchesType reports whether packages of type t belong to the OS id
// (dpkg packages on Alpine would be an oddity, not Alpine packages).
func osMatchesType(id string, t model.PackageType) bool {
	switch t {
	case model.TypeDeb:
		return id == "debian" || id == "ubuntu"
	case model.TypeAPK:
		return id == "alpine"
	}
	return id != "debian" && id != "ubuntu" && id != "alpine"
}
