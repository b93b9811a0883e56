package model

// OSRelease identifies the operating system of an image.
type OSRelease struct {
	// ID is the os-release ID: "debian", "ubuntu", "alpine", "almalinux", "rhel", "rocky".
	ID string `json:"id"`
	// VersionID is the os-release VERSION_ID ("12", "3.10.4", "9.3").
	VersionID string `json:"versionId,omitempty"`
	// Codename is VERSION_CODENAME when present ("bookworm").
	Codename string `json:"codename,omitempty"`
	// PrettyName is PRETTY_NAME when present.
	PrettyName string `json:"prettyName,omitempty"`
	// Distroless is set when the image carries no shell or package manager
	// but has a package database (Google distroless).
	Distroless bool `json:"distroless,omitempty"`
	// Path is the file the release was read from.
	Path string `json:"path,omitempty"`
}
