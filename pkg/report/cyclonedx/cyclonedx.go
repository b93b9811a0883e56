// Package cyclonedx renders a drydock report as a CycloneDX 1.6 JSON SBOM
// (with its vulnerabilities as a VEX/VDR section), and reads CycloneDX JSON
// SBOMs (1.4–1.6, as drydock, syft and trivy write them) back into a report.
//
// Misconfigurations, secrets and personal data are not written: an SBOM
// describes components and their vulnerabilities, and has no place for
// findings about files (docs/report-schema.md lists which formats carry
// which findings). Reading a CycloneDX SBOM back gives a report without them.
//
// drydock-specific facts travel in component properties named
// "drydock:<area>:<field>" (see the Prop constants), so that a report survives
// the round trip; third-party SBOMs are read from their package URLs, with
// syft's and trivy's own properties used where they say more.
package cyclonedx

import (
	"github.com/drydockhq/drydock/pkg/report"
	"github.com/drydockhq/drydock/pkg/report/internal/sbom"
)

// Format is the format name of the encoder.
const Format report.Format = "cyclonedx"

// Property names written on components (the same names serve as SPDX
// annotation keys). Location properties are numbered:
// "drydock:location:0:path", "drydock:location:0:layer", ...
const (
	PropPackageType          = sbom.PropPackageType
	PropPackageEcosystem     = sbom.PropPackageEcosystem
	PropPackageArch          = sbom.PropPackageArch
	PropPackageSourceName    = sbom.PropPackageSourceName
	PropPackageSourceVersion = sbom.PropPackageSourceVersion
	PropPackageFoundBy       = sbom.PropPackageFoundBy

	PropImageRepoTag  = sbom.PropImageRepoTag
	PropImageID       = sbom.PropImageID
	PropImagePlatform = sbom.PropImagePlatform

	PropOSCodename   = sbom.PropOSCodename
	PropOSDistroless = sbom.PropOSDistroless
	PropOSPath       = sbom.PropOSPath

	PropVulnAdvisory   = "drydock:vulnerability:advisory"
	PropVulnMatchedBy  = "drydock:vulnerability:matched-by"
	PropVulnFixed      = "drydock:vulnerability:fixed-version"
	PropVulnSeverity   = "drydock:vulnerability:severity"
	PropVulnSuppressed = "drydock:vulnerability:suppressed-by"
	PropVulnNote       = "drydock:vulnerability:note"
)

// Encoder writes CycloneDX 1.6 JSON. The output is deterministic: the same
// report always gives the same bytes, serial number included.
type Encoder struct{}

var _ report.Encoder = Encoder{}

// Format implements report.Encoder.
func (Encoder) Format() report.Format { return Format }
