package cyclonedx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/purl"
	"github.com/drydockhq/drydock/pkg/report/internal/sbom"
)

// ErrNotCycloneDX is returned (wrapped) by Decode for input that is not a
// CycloneDX JSON BOM, so that callers can try another format.
var ErrNotCycloneDX = errors.New("not a CycloneDX JSON BOM")

// statusSource is the Source of the statuses Decode reports.
const statusSource = "sbom/cyclonedx"

// Properties that syft and trivy write, read when there are no drydock ones.
const (
	syftFoundBy        = "syft:package:foundBy"
	syftSource         = "syft:metadata:source"
	syftSourceVersion  = "syft:metadata:sourceVersion"
	syftLocationPrefix = "syft:location:"
	syftLocPath        = "path"
	syftLocLayer       = "layerID"
	syftDistroCodename = "syft:distro:versionCodename"
	trivySrcName       = "aquasecurity:trivy:SrcName"
	trivySrcVersion    = "aquasecurity:trivy:SrcVersion"
	trivySrcRelease    = "aquasecurity:trivy:SrcRelease"
	trivySrcEpoch      = "aquasecurity:trivy:SrcEpoch"
	trivyFilePath      = "aquasecurity:trivy:FilePath"
	trivyLayerDiffID   = "aquasecurity:trivy:LayerDiffID"
	trivyImageID       = "aquasecurity:trivy:ImageID"
	trivyRepoTag       = "aquasecurity:trivy:RepoTag"
	trivyRepoDigest    = "aquasecurity:trivy:RepoDigest"
)

const (
	// minSpec and maxSpec bound the spec versions Decode accepts: CycloneDX
	// has JSON from 1.2 on.
	minSpec, maxSpec = cdx.SpecVersion1_2, cdx.SpecVersion1_7
	// maxComponentNesting bounds the recursion into nested components.
	maxComponentNesting = 256
)

// Decode reads a CycloneDX JSON BOM (spec 1.2–1.7; drydock writes 1.6, syft
// and trivy 1.4–1.6) into a report of type model.ArtifactSBOM. Its packages
// come from the components (nested ones included) that are libraries,
// frameworks or have a package URL; their fields come from drydock's
// properties when present, else from the package URL (see purl.Parse) and
// syft's or trivy's properties. The OS is the operating-system component, or
// else the distribution all OS packages' distro qualifiers agree on.
// Problems with single components are reported in Report.Status.
func Decode(r io.Reader) (*model.Report, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading CycloneDX BOM: %w", err)
	}
	if err := checkHeader(data); err != nil {
		return nil, err
	}
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		return nil, fmt.Errorf("decoding CycloneDX BOM: %w", err)
	}
	d := decoder{rep: &model.Report{
		SchemaVersion: model.SchemaVersion,
		Artifact:      model.Artifact{Type: model.ArtifactSBOM},
	}}
	d.metadata(bom.Metadata)
	d.walk(bom.Components, 0)
	d.dependencies(bom.Dependencies)
	d.rep.Inventory = sbom.Inventory(d.os(), d.pkgs)
	return d.rep, nil
}

// checkHeader tells apart truncated JSON, other JSON documents and
// unsupported CycloneDX versions, with a clear error for each.
func checkHeader(data []byte) error {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return fmt.Errorf("%w: empty input", ErrNotCycloneDX)
	}
	if trimmed[0] != '{' {
		return fmt.Errorf("%w: input is not a JSON object", ErrNotCycloneDX)
	}
	var head struct {
		BOMFormat   *string         `json:"bomFormat"`
		SpecVersion json.RawMessage `json:"specVersion"`
		SPDXVersion any             `json:"spdxVersion"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return fmt.Errorf("decoding CycloneDX BOM: %w", err)
	}
	switch {
	case head.BOMFormat == nil && head.SPDXVersion != nil:
		return fmt.Errorf("%w: the document is SPDX (spdxVersion %v)", ErrNotCycloneDX, head.SPDXVersion)
	case head.BOMFormat == nil:
		return fmt.Errorf("%w: no bomFormat field", ErrNotCycloneDX)
	case *head.BOMFormat != cdx.BOMFormat:
		return fmt.Errorf("%w: bomFormat is %q, want %q", ErrNotCycloneDX, *head.BOMFormat, cdx.BOMFormat)
	case head.SpecVersion == nil:
		return fmt.Errorf("decoding CycloneDX BOM: no specVersion field")
	}
	var v cdx.SpecVersion
	if err := json.Unmarshal(head.SpecVersion, &v); err != nil {
		return fmt.Errorf("decoding CycloneDX BOM: specVersion %s: %w", head.SpecVersion, err)
	}
	if v < minSpec || v > maxSpec {
		return fmt.Errorf("decoding CycloneDX BOM: spec version %s is not supported in JSON (want %s to %s)", v, minSpec, maxSpec)
	}
	return nil
}

type decoder struct {
	rep    *model.Report
	osComp *cdx.Component
	pkgs   []sbom.Decoded
	byRef  map[string]int // bom-ref → index in pkgs
}

func (d *decoder) status(format string, args ...any) {
	d.rep.Status = append(d.rep.Status, model.Status{Source: statusSource, Message: fmt.Sprintf(format, args...)})
}

func (d *decoder) metadata(m *cdx.Metadata) {
	if m == nil {
		return
	}
	if m.Timestamp != "" {
		t, err := time.Parse(time.RFC3339, m.Timestamp)
		if err != nil {
			d.status("metadata timestamp %q: %v", m.Timestamp, err)
		} else {
			d.rep.CreatedAt = t.UTC()
		}
	}
	c := m.Component
	if c == nil {
		return
	}
	a := &d.rep.Artifact
	a.Name = c.Name
	if c.Group != "" {
		a.Name = c.Group + "/" + c.Name
	}
	if strings.HasPrefix(c.Version, "sha256:") {
		a.Digest = model.Digest(c.Version)
	}
	ps := props(c.Properties)
	sbom.ApplyImageProperties(a, ps)
	a.RepoTags = append(a.RepoTags, ps.All(trivyRepoTag)...)
	if v := ps.Get(trivyImageID); v != "" && a.ImageID == "" {
		a.ImageID = model.Digest(v)
	}
	if _, dg, ok := strings.Cut(ps.Get(trivyRepoDigest), "@"); ok && a.Digest == "" {
		a.Digest = model.Digest(dg)
	}
}

func props(ps *[]cdx.Property) sbom.Properties {
	if ps == nil {
		return nil
	}
	out := make(sbom.Properties, len(*ps))
	for i, p := range *ps {
		out[i] = sbom.Property{Name: p.Name, Value: p.Value}
	}
	return out
}

func (d *decoder) walk(cs *[]cdx.Component, depth int) {
	if cs == nil {
		return
	}
	if depth > maxComponentNesting {
		d.status("components nested deeper than %d levels: ignored", maxComponentNesting)
		return
	}
	for i := range *cs {
		c := &(*cs)[i]
		switch {
		case c.Type == cdx.ComponentTypeOS:
			if d.osComp == nil {
				d.osComp = c
			}
		case isPackage(c):
			d.addPackage(c)
		}
		d.walk(c.Components, depth+1)
	}
}

// isPackage tells package components from the others (the image, the OS,
// trivy's per-file "application" groupings, files, services...).
func isPackage(c *cdx.Component) bool {
	if c.PackageURL != "" || props(c.Properties).Get(PropPackageType) != "" {
		return true
	}
	return c.Type == cdx.ComponentTypeLibrary || c.Type == cdx.ComponentTypeFramework
}

func (d *decoder) addPackage(c *cdx.Component) {
	ps := props(c.Properties)
	var p model.Package
	var distro *model.OSRelease
	if c.PackageURL != "" {
		parsed, osr, err := purl.Parse(c.PackageURL)
		if err != nil {
			d.status("component %q: %v", c.Name, err)
			p.PURL = c.PackageURL
		} else {
			p, distro = parsed, osr
		}
	}
	name := c.Name
	if c.Group != "" {
		sep := "/"
		if p.Type == model.TypeMaven || ps.Get(PropPackageType) == string(model.TypeMaven) {
			sep = ":"
		}
		name = c.Group + sep + c.Name
	}

	ours := sbom.ApplyPackageProperties(&p, ps)
	if ours {
		// drydock wrote the name and version as they are.
		p.Name, p.Version = name, c.Version
	} else {
		sbom.Complete(&p, name, c.Version)
		if src := thirdPartySource(ps, p.Type); src != nil {
			// syft leaves the source version out when it is the package's.
			if src.Version == "" {
				src.Version = p.Version
				if p.Source != nil && p.Source.Name == src.Name {
					src.Version = p.Source.Version
				}
			}
			p.Source = src
		}
		p.FoundBy = ps.Get(syftFoundBy)
		p.Locations = sbom.Locations(ps, syftLocationPrefix, syftLocPath, syftLocLayer, "")
		if path, layer := ps.Get(trivyFilePath), ps.Get(trivyLayerDiffID); path != "" || layer != "" {
			p.Locations = append(p.Locations, model.Location{Path: strings.TrimLeft(path, "/"), Layer: model.Digest(layer)})
		}
	}
	if p.Name == "" {
		d.status("component with bom-ref %q has no name: skipped", c.BOMRef)
		return
	}
	p.Licenses = decodeLicenses(c.Licenses)
	if c.BOMRef != "" {
		if d.byRef == nil {
			d.byRef = map[string]int{}
		}
		d.byRef[c.BOMRef] = len(d.pkgs)
	}
	d.pkgs = append(d.pkgs, sbom.Decoded{Package: p, Ours: ours, Distro: distro})
}

// dependencies reads the dependency graph between package components into
// DependsOn (the purls of the packages depended on); edges to components
// that are not packages, or have no purl, are left out.
func (d *decoder) dependencies(deps *[]cdx.Dependency) {
	if deps == nil {
		return
	}
	for _, dep := range *deps {
		i, ok := d.byRef[dep.Ref]
		if !ok || dep.Dependencies == nil {
			continue
		}
		var purls []string
		for _, ref := range *dep.Dependencies {
			if j, ok := d.byRef[ref]; ok && d.pkgs[j].Package.PURL != "" {
				purls = append(purls, d.pkgs[j].Package.PURL)
			}
		}
		p := &d.pkgs[i].Package
		p.DependsOn = sbom.AddDependsOn(p.DependsOn, purls...)
	}
}

// thirdPartySource reads the source package from syft's or trivy's properties.
func thirdPartySource(ps sbom.Properties, t model.PackageType) *model.SourcePackage {
	if name := ps.Get(syftSource); name != "" {
		return &model.SourcePackage{Name: name, Version: ps.Get(syftSourceVersion)}
	}
	name := ps.Get(trivySrcName)
	if name == "" {
		return nil
	}
	v := ps.Get(trivySrcVersion)
	if rel := ps.Get(trivySrcRelease); rel != "" && v != "" {
		v += "-" + rel
	}
	if e := ps.Get(trivySrcEpoch); e != "" && e != "0" && v != "" && t != model.TypeRPM {
		v = e + ":" + v
	}
	return &model.SourcePackage{Name: name, Version: v}
}

func decodeLicenses(ls *cdx.Licenses) []string {
	if ls == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, l := range *ls {
		var s string
		switch {
		case l.Expression != "":
			s = l.Expression
		case l.License != nil && l.License.ID != "":
			s = l.License.ID
		case l.License != nil:
			s = l.License.Name
		}
		if s = strings.TrimSpace(s); s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// os returns the release the operating-system component describes, if any.
func (d *decoder) os() *model.OSRelease {
	c := d.osComp
	if c == nil {
		return nil
	}
	ps := props(c.Properties)
	osr := &model.OSRelease{
		ID:         strings.ToLower(c.Name),
		VersionID:  c.Version,
		PrettyName: c.Description,
		Codename:   ps.Get(syftDistroCodename),
	}
	sbom.ApplyOSProperties(osr, ps)
	return osr
}
