package model

import "time"

// SchemaVersion is the version of the JSON report schema (docs/report-schema.md).
// It changes only when a field changes meaning or is removed.
const SchemaVersion = 1

// Report is the outcome of a scan. Its JSON form is drydock's protocol: the
// other output formats render it and the server stores it.
type Report struct {
	SchemaVersion int       `json:"schemaVersion"`
	CreatedAt     time.Time `json:"createdAt"`
	Tool          Tool      `json:"tool"`
	Artifact      Artifact  `json:"artifact"`
	Inventory     Inventory `json:"inventory"`
	// Vulnerabilities is nil when vulnerability scanning was not run.
	Vulnerabilities []Vulnerability `json:"vulnerabilities,omitempty"`
	// Misconfigurations, Secrets and PersonalData are nil when their
	// scanners were not run.
	Misconfigurations []Misconfiguration `json:"misconfigurations,omitempty"`
	Secrets           []Secret           `json:"secrets,omitempty"`
	PersonalData      []PersonalData     `json:"personalData,omitempty"`
	DB                *DBInfo            `json:"db,omitempty"`
	Status            []Status           `json:"status,omitempty"`
}

// Tool names the program that made the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// ArtifactType says what was scanned.
type ArtifactType string

// Artifact types.
const (
	ArtifactImage      ArtifactType = "container_image"
	ArtifactSBOM       ArtifactType = "sbom"
	ArtifactFilesystem ArtifactType = "filesystem"
)

// Artifact describes the scanned thing.
type Artifact struct {
	Name string       `json:"name"`
	Type ArtifactType `json:"type"`
	// Digest is the image manifest digest, if known.
	Digest Digest `json:"digest,omitempty"`
	// ImageID is the digest of the image config.
	ImageID  Digest   `json:"imageId,omitempty"`
	RepoTags []string `json:"repoTags,omitempty"`
	Platform string   `json:"platform,omitempty"`
	Layers   []Layer  `json:"layers,omitempty"`
}

// Layer describes one image layer, base first.
type Layer struct {
	Index     int    `json:"index"`
	DiffID    Digest `json:"diffId"`
	Digest    Digest `json:"digest,omitempty"`
	Size      int64  `json:"size,omitempty"`
	CreatedBy string `json:"createdBy,omitempty"`
	// Cached is true when the layer's inventory came from the layer cache.
	Cached bool `json:"cached"`
}

// Progress is an event emitted while a scan runs.
type Progress struct {
	Layer  int    // layer index
	Layers int    // number of layers
	DiffID Digest // layer diff ID
	Bytes  int64  // uncompressed bytes read so far
	Done   bool   // the layer is finished
	Cached bool   // the layer came from the cache
	Err    error  // the layer failed
}
