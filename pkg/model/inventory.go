package model

// LayerInventory is what the extractors found in one layer. It is the unit
// stored in the layer cache, so it depends only on the layer's content and
// the extractor set.
type LayerInventory struct {
	DiffID Digest `json:"diffId"`
	// Files holds one entry per file that an extractor consumed.
	Files []FileResult `json:"files,omitempty"`
	// Whiteouts are paths this layer deletes from the layers below it
	// (".wh.<name>" entries), as cleaned, slash-separated paths without a
	// leading slash.
	Whiteouts []string `json:"whiteouts,omitempty"`
	// OpaqueDirs are directories whose lower-layer contents this layer hides
	// (".wh..wh..opq" entries).
	OpaqueDirs []string `json:"opaqueDirs,omitempty"`
	// Status lists the problems met while reading the layer.
	Status []Status `json:"status,omitempty"`
}

// FileResult is the result of one extractor on one file of a layer.
type FileResult struct {
	Path      string     `json:"path"`
	Extractor string     `json:"extractor"`
	Packages  []Package  `json:"packages,omitempty"`
	OS        *OSRelease `json:"os,omitempty"`
	// Licenses are declared by a file that documents a package found
	// elsewhere (a Debian copyright file); squashing attaches them.
	Licenses []string `json:"licenses,omitempty"`
	// Manifest is what a project manifest (package.json) declares; squashing
	// uses it for lock files in the same directory that do not say which
	// packages are direct or development-only.
	Manifest *Manifest `json:"manifest,omitempty"`
	// Secrets and PersonalData found in the file by content scanners.
	Secrets      []Secret       `json:"secrets,omitempty"`
	PersonalData []PersonalData `json:"personalData,omitempty"`
}

// Inventory is the squashed view of an artifact: what a container started
// from the image would see.
type Inventory struct {
	OS       *OSRelease `json:"os,omitempty"`
	Packages []Package  `json:"packages"`
}

// Manifest lists the dependencies a project manifest names, by package
// name: Prod (dependencies, optionalDependencies) and Dev
// (devDependencies); Pinned the exact versions some of them ask for, and
// Workspaces the path patterns of the member projects (npm and yarn
// "workspaces").
type Manifest struct {
	Type       PackageType         `json:"type"`
	Prod       []string            `json:"prod,omitempty"`
	Dev        []string            `json:"dev,omitempty"`
	Pinned     map[string][]string `json:"pinned,omitempty"`
	Workspaces []string            `json:"workspaces,omitempty"`
}
