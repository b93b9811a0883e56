package model

import "strings"

// OSEcosystem returns the OSV ecosystem of the OS packages of a release:
// "Debian:12", "Ubuntu:22.04", "Alpine:v3.18", "AlmaLinux:9", "Rocky Linux:9",
// "Red Hat". It returns "" for an unknown OS.
func OSEcosystem(osr *OSRelease) Ecosystem {
	if osr == nil {
		return ""
	}
	parts := strings.SplitN(osr.VersionID, ".", 3)
	major, minor := parts[0], ""
	if len(parts) > 1 {
		minor = parts[1]
	}
	with := func(eco Ecosystem, release string) Ecosystem {
		if release == "" {
			return eco
		}
		return eco + ":" + Ecosystem(release)
	}
	switch strings.ToLower(osr.ID) {
	case "debian":
		return with(EcoDebian, major)
	case "ubuntu":
		return with(EcoUbuntu, osr.VersionID)
	case "alpine":
		if major == "" || minor == "" {
			return EcoAlpine
		}
		return with(EcoAlpine, "v"+major+"."+minor)
	case "almalinux":
		return with(EcoAlmaLinux, major)
	case "rocky":
		return with(EcoRocky, major)
	case "rhel", "redhat", "centos":
		return EcoRedHat
	case "sles", "opensuse-leap", "suse", "opensuse":
		return with(EcoSUSE, osr.VersionID)
	}
	return ""
}

// OSHasType reports whether OS packages of type t belong to the OS id (dpkg
// packages on Alpine would be an oddity, not Alpine packages).
func OSHasType(id string, t PackageType) bool {
	switch t {
	case TypeDeb:
		return id == "debian" || id == "ubuntu"
	case TypeAPK:
		return id == "alpine"
	}
	return id != "debian" && id != "ubuntu" && id != "alpine"
}

// LanguageEcosystem returns the OSV ecosystem of a language package type,
// or "" for OS and unknown types.
func LanguageEcosystem(t PackageType) Ecosystem {
	switch t {
	case TypeGolang:
		return EcoGo
	case TypeNPM:
		return EcoNPM
	case TypePyPI:
		return EcoPyPI
	case TypeMaven:
		return EcoMaven
	case TypeGem:
		return EcoRubyGems
	case TypeCargo:
		return EcoCrates
	case TypeComposer:
		return EcoPackagist
	case TypeNuGet:
		return EcoNuGet
	}
	return ""
}
