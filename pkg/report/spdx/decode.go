package spdx

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx/v2/common"
	"github.com/spdx/tools-golang/spdx/v2/v2_3"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/purl"
	"github.com/drydockhq/drydock/pkg/report/internal/license"
	"github.com/drydockhq/drydock/pkg/report/internal/sbom"
)

// ErrNotSPDX is returned (wrapped) by Decode for input that is not an SPDX
// JSON document, so that callers can try another format.
var ErrNotSPDX = errors.New("not an SPDX JSON document")

// statusSource is the Source of the statuses Decode reports.
const statusSource = "sbom/spdx"

// syftSourceInfo starts the sourceInfo syft writes, which names the files a
// package was found in: "acquired package info from DPKG DB: /var/lib/dpkg/status, …".
const syftSourceInfo = "acquired package info from "

// Decode reads an SPDX JSON document (2.2 or 2.3; 2.1 too) into a report of
// type model.ArtifactSBOM. The package the document DESCRIBES is the
// artifact when it is a container or has no package URL (or an OCI one);
// an OPERATING-SYSTEM package is the OS; every other package is an
// inventory package. Package fields come from drydock's annotations when
// present, else from the purl external reference (see purl.Parse) and
// syft's sourceInfo. Problems with single packages are reported in
// Report.Status.
func Decode(r io.Reader) (*model.Report, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading SPDX document: %w", err)
	}
	if err := checkHeader(data); err != nil {
		return nil, err
	}
	doc, err := spdxjson.Read(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decoding SPDX document: %w", err)
	}
	d := decoder{
		rep: &model.Report{
			SchemaVersion: model.SchemaVersion,
			Artifact:      model.Artifact{Name: doc.DocumentName, Type: model.ArtifactSBOM},
		},
		others: map[string]string{},
	}
	if ci := doc.CreationInfo; ci != nil && ci.Created != "" {
		t, err := time.Parse(time.RFC3339, ci.Created)
		if err != nil {
			d.status("creationInfo.created %q: %v", ci.Created, err)
		} else {
			d.rep.CreatedAt = t.UTC()
		}
	}
	for _, ol := range doc.OtherLicenses {
		if ol == nil {
			continue
		}
		text := ol.ExtractedText
		if text == "" || text == noAssertion {
			text = ol.LicenseName
		}
		if text != "" && text != noAssertion {
			d.others[ol.LicenseIdentifier] = text
		}
	}
	described := describedIDs(doc)
	var docOS *model.OSRelease
	artifactFound := false
	for _, p := range doc.Packages {
		if p == nil {
			continue
		}
		ps := annotations(p.Annotations)
		switch {
		case strings.ReplaceAll(p.PrimaryPackagePurpose, "-", "_") == purposeOS && docOS == nil:
			docOS = &model.OSRelease{ID: strings.ToLower(p.PackageName), VersionID: p.PackageVersion, PrettyName: p.PackageDescription}
			sbom.ApplyOSProperties(docOS, ps)
		case !artifactFound && described[p.PackageSPDXIdentifier] && isArtifact(p):
			artifactFound = true
			d.artifact(p, ps)
		default:
			d.addPackage(p, ps)
		}
	}
	d.dependencies(doc.Relationships)
	d.rep.Inventory = sbom.Inventory(docOS, d.pkgs)
	return d.rep, nil
}

// dependencies reads DEPENDS_ON (A depends on B) and DEPENDENCY_OF (A is a
// dependency of B) relationships between packages into DependsOn, as the
// purls of the packages depended on.
func (d *decoder) dependencies(rels []*v2_3.Relationship) {
	for _, rel := range rels {
		if rel == nil || rel.RefA.DocumentRefID != "" || rel.RefB.DocumentRefID != "" {
			continue
		}
		from, to := rel.RefA.ElementRefID, rel.RefB.ElementRefID
		switch rel.Relationship {
		case common.TypeRelationshipDependsOn:
		case common.TypeRelationshipDependencyOf:
			from, to = to, from
		default:
			continue
		}
		i, ok := d.byID[from]
		j, ok2 := d.byID[to]
		if !ok || !ok2 || i == j || d.pkgs[j].Package.PURL == "" {
			continue
		}
		p := &d.pkgs[i].Package
		p.DependsOn = sbom.AddDependsOn(p.DependsOn, d.pkgs[j].Package.PURL)
	}
}

// checkHeader tells apart truncated JSON, other JSON documents and
// unsupported SPDX versions, with a clear error for each.
func checkHeader(data []byte) error {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return fmt.Errorf("%w: empty input", ErrNotSPDX)
	}
	if trimmed[0] != '{' {
		return fmt.Errorf("%w: input is not a JSON object", ErrNotSPDX)
	}
	var head struct {
		SPDXVersion *string `json:"spdxVersion"`
		BOMFormat   any     `json:"bomFormat"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return fmt.Errorf("decoding SPDX document: %w", err)
	}
	switch {
	case head.SPDXVersion == nil && head.BOMFormat != nil:
		return fmt.Errorf("%w: the document is CycloneDX (bomFormat %v)", ErrNotSPDX, head.BOMFormat)
	case head.SPDXVersion == nil:
		return fmt.Errorf("%w: no spdxVersion field", ErrNotSPDX)
	}
	switch v := *head.SPDXVersion; v {
	case "SPDX-2.1", "SPDX-2.2", "SPDX-2.3":
		return nil
	default:
		return fmt.Errorf("decoding SPDX document: spdxVersion %q is not supported (want SPDX-2.1 to SPDX-2.3)", v)
	}
}

type decoder struct {
	rep    *model.Report
	others map[string]string // LicenseRef- → its text
	pkgs   []sbom.Decoded
	byID   map[common.ElementID]int // SPDX ID → index in pkgs
}

func (d *decoder) status(format string, args ...any) {
	d.rep.Status = append(d.rep.Status, model.Status{Source: statusSource, Message: fmt.Sprintf(format, args...)})
}

// describedIDs returns the elements the document DESCRIBES.
func describedIDs(doc *v2_3.Document) map[common.ElementID]bool {
	ids := map[common.ElementID]bool{}
	for _, rel := range doc.Relationships {
		if rel == nil || rel.RefA.DocumentRefID != "" || rel.RefB.DocumentRefID != "" {
			continue
		}
		switch {
		case rel.Relationship == common.TypeRelationshipDescribe && rel.RefA.ElementRefID == doc.SPDXIdentifier:
			ids[rel.RefB.ElementRefID] = true
		case rel.Relationship == common.TypeRelationshipDescribeBy && rel.RefB.ElementRefID == doc.SPDXIdentifier:
			ids[rel.RefA.ElementRefID] = true
		}
	}
	return ids
}

// isArtifact tells the scanned thing from a described package: a
// container, or anything without a package URL but that of an image.
func isArtifact(p *v2_3.Package) bool {
	if p.PrimaryPackagePurpose == purposeContainer {
		return true
	}
	pu := packageURL(p)
	return pu == "" || strings.HasPrefix(pu, "pkg:oci/") || strings.HasPrefix(pu, "pkg:docker/")
}

func packageURL(p *v2_3.Package) string {
	for _, ref := range p.PackageExternalReferences {
		if ref != nil && ref.RefType == refTypePURL && ref.Locator != "" {
			return ref.Locator
		}
	}
	return ""
}

// annotations reads the drydock properties of a package's annotations.
func annotations(as []v2_3.Annotation) sbom.Properties {
	var ps sbom.Properties
	for _, a := range as {
		ps = append(ps, sbom.ParseText(a.AnnotationComment)...)
	}
	return ps
}

func (d *decoder) artifact(p *v2_3.Package, ps sbom.Properties) {
	a := &d.rep.Artifact
	a.Name = cmp.Or(p.PackageName, a.Name)
	if strings.HasPrefix(p.PackageVersion, "sha256:") {
		a.Digest = model.Digest(p.PackageVersion)
	}
	sbom.ApplyImageProperties(a, ps)
}

func (d *decoder) addPackage(sp *v2_3.Package, ps sbom.Properties) {
	var p model.Package
	var distro *model.OSRelease
	if pu := packageURL(sp); pu != "" {
		parsed, osr, err := purl.Parse(pu)
		if err != nil {
			d.status("package %q: %v", sp.PackageName, err)
			p.PURL = pu
		} else {
			p, distro = parsed, osr
		}
	}
	ours := sbom.ApplyPackageProperties(&p, ps)
	if ours {
		p.Name, p.Version = sp.PackageName, sp.PackageVersion
	} else {
		sbom.Complete(&p, sp.PackageName, sp.PackageVersion)
		p.Locations = syftLocations(sp.PackageSourceInfo)
	}
	if p.Name == "" {
		d.status("package %q has no name: skipped", string(sp.PackageSPDXIdentifier))
		return
	}
	p.Licenses = d.licenses(sp)
	if d.byID == nil {
		d.byID = map[common.ElementID]int{}
	}
	d.byID[sp.PackageSPDXIdentifier] = len(d.pkgs)
	d.pkgs = append(d.pkgs, sbom.Decoded{Package: p, Ours: ours, Distro: distro})
}

// syftLocations reads the paths of syft's sourceInfo:
// "acquired package info from DPKG DB: /var/lib/dpkg/status, /usr/share/doc/x/copyright".
func syftLocations(info string) []model.Location {
	rest, ok := strings.CutPrefix(info, syftSourceInfo)
	if !ok {
		return nil
	}
	_, paths, ok := strings.Cut(rest, ": ")
	if !ok {
		return nil
	}
	var out []model.Location
	for _, path := range strings.Split(paths, ", ") {
		if path = strings.TrimLeft(strings.TrimSpace(path), "/"); path != "" {
			out = append(out, model.Location{Path: path})
		}
	}
	return out
}

// licenses reads the declared licenses (the concluded ones when none are
// declared), split at their top-level ANDs, with each LicenseRef- that the
// document defines replaced by its text.
func (d *decoder) licenses(p *v2_3.Package) []string {
	expr := strings.TrimSpace(p.PackageLicenseDeclared)
	if expr == "" || expr == noAssertion || expr == none {
		expr = strings.TrimSpace(p.PackageLicenseConcluded)
	}
	if expr == "" || expr == noAssertion || expr == none {
		return nil
	}
	e, err := license.Parse(expr)
	if err != nil {
		return []string{expr}
	}
	var out []string
	seen := map[string]bool{}
	for _, c := range e.Conjuncts() {
		s := c.String()
		if ref := c.Ref(); ref != "" && d.others[ref] != "" {
			s = d.others[ref]
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
