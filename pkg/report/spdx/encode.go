// Package spdx renders a drydock report as an SPDX 2.3 JSON document, and
// reads SPDX 2.2 and 2.3 JSON documents (as drydock and syft write them)
// back into a report.
//
// The document describes one package for the artifact (an image is a
// CONTAINER), which CONTAINS a package per OS release and per inventory
// package. drydock's own fields travel in one annotation per package whose
// comment holds "drydock:<area>:<field>=value" lines, the names of the
// CycloneDX encoder's properties, so that a report survives the round trip.
//
// The document carries the inventory only: vulnerabilities,
// misconfigurations, secrets and personal data are not written (SPDX 2.3
// describes packages; docs/report-schema.md lists which formats carry
// which findings).
package spdx

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx/v2/common"
	"github.com/spdx/tools-golang/spdx/v2/v2_3"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/purl"
	"github.com/drydockhq/drydock/pkg/report"
	"github.com/drydockhq/drydock/pkg/report/internal/license"
	"github.com/drydockhq/drydock/pkg/report/internal/sbom"
)

// Format is the format name of the encoder.
const Format report.Format = "spdx-json"

// NamespacePrefix starts the documentNamespace of the documents drydock writes.
const NamespacePrefix = "https://drydock.dev/spdxdocs/"

// SPDX vocabulary.
const (
	noAssertion         = "NOASSERTION"
	none                = "NONE"
	documentID          = common.ElementID("DOCUMENT")
	categoryPkgManager  = "PACKAGE-MANAGER"
	refTypePURL         = "purl"
	purposeContainer    = "CONTAINER"
	purposeOS           = "OPERATING_SYSTEM" // the JSON schema's spelling; the spec text has "OPERATING-SYSTEM"
	purposeFile         = "FILE"
	purposeOther        = "OTHER"
	annotationTypeOther = "OTHER"
	creatorTool         = "Tool"
	createdLayout       = "2006-01-02T15:04:05Z"
)

// Encoder writes SPDX 2.3 JSON. The output is deterministic: the same report
// always gives the same bytes, document namespace included.
type Encoder struct{}

var _ report.Encoder = Encoder{}

// Format implements report.Encoder.
func (Encoder) Format() report.Format { return Format }

// Encode implements report.Encoder: it writes r as an SPDX 2.3 JSON document.
func (Encoder) Encode(w io.Writer, r *model.Report) error {
	if r == nil {
		return errors.New("encoding SPDX: nil report")
	}
	doc := build(r)
	// The namespace ends with a hash of the content, so that it is unique to
	// the document and yet the same report always gives the same bytes.
	draft, err := marshal(doc)
	if err != nil {
		return fmt.Errorf("encoding SPDX: %w", err)
	}
	sum := sha256.Sum256(draft)
	doc.DocumentNamespace = NamespacePrefix + idString(doc.DocumentName) + "-" + hex.EncodeToString(sum[:16])
	out, err := marshal(doc)
	if err != nil {
		return fmt.Errorf("encoding SPDX: %w", err)
	}
	if _, err := w.Write(out); err != nil {
		return fmt.Errorf("writing SPDX: %w", err)
	}
	return nil
}

func marshal(doc *v2_3.Document) ([]byte, error) {
	var buf bytes.Buffer
	if err := spdxjson.Write(doc, &buf, spdxjson.Indent("  "), spdxjson.EscapeHTML(false)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type builder struct {
	r         *model.Report
	annotator common.Annotator
	created   string
	ids       map[common.ElementID]bool
	dups      map[common.ElementID]int
	// Free-text licenses become LicenseRef- identifiers, each declared once.
	refByText map[string]license.Expression
	others    map[string]*v2_3.OtherLicense
}

// build converts r to an SPDX document without a namespace.
func build(r *model.Report) *v2_3.Document {
	tool := cmp.Or(r.Tool.Name, "drydock")
	if r.Tool.Version != "" {
		tool += "-" + r.Tool.Version
	}
	b := &builder{
		r:         r,
		annotator: common.Annotator{AnnotatorType: creatorTool, Annotator: tool},
		created:   r.CreatedAt.UTC().Format(createdLayout),
		ids:       map[common.ElementID]bool{documentID: true},
		dups:      map[common.ElementID]int{},
		refByText: map[string]license.Expression{},
		others:    map[string]*v2_3.OtherLicense{},
	}
	name := cmp.Or(r.Artifact.Name, string(r.Artifact.Digest), "unknown")
	doc := &v2_3.Document{
		SPDXVersion:    v2_3.Version,
		DataLicense:    v2_3.DataLicense,
		SPDXIdentifier: documentID,
		DocumentName:   name,
		CreationInfo: &v2_3.CreationInfo{
			LicenseListVersion: license.ListVersion,
			Creators:           []common.Creator{{CreatorType: creatorTool, Creator: tool}},
			Created:            b.created,
		},
	}

	root := b.artifactPackage(name)
	doc.Packages = append(doc.Packages, root)
	doc.Relationships = append(doc.Relationships, relationship(documentID, root.PackageSPDXIdentifier, common.TypeRelationshipDescribe))
	if os := r.Inventory.OS; os != nil {
		p := b.osPackage(os)
		doc.Packages = append(doc.Packages, p)
		doc.Relationships = append(doc.Relationships, relationship(root.PackageSPDXIdentifier, p.PackageSPDXIdentifier, common.TypeRelationshipContains))
	}
	pkgs := sbom.Sorted(r.Inventory.Packages)
	ids := make([]common.ElementID, len(pkgs))
	for i := range pkgs {
		p := b.pkg(&pkgs[i])
		ids[i] = p.PackageSPDXIdentifier
		doc.Packages = append(doc.Packages, p)
		doc.Relationships = append(doc.Relationships, relationship(root.PackageSPDXIdentifier, p.PackageSPDXIdentifier, common.TypeRelationshipContains))
	}
	for i, edges := range sbom.Edges(pkgs) {
		for _, j := range edges {
			doc.Relationships = append(doc.Relationships, relationship(ids[i], ids[j], common.TypeRelationshipDependsOn))
		}
	}

	refs := make([]string, 0, len(b.others))
	for id := range b.others {
		refs = append(refs, id)
	}
	slices.Sort(refs)
	for _, id := range refs {
		doc.OtherLicenses = append(doc.OtherLicenses, b.others[id])
	}
	return doc
}

func relationship(a, b common.ElementID, typ string) *v2_3.Relationship {
	return &v2_3.Relationship{
		RefA:         common.DocElementID{ElementRefID: a},
		RefB:         common.DocElementID{ElementRefID: b},
		Relationship: typ,
	}
}

// id returns a unique element ID ("SPDXRef-" is added when written) made of
// the parts, with the characters SPDX does not allow replaced.
func (b *builder) id(parts ...string) common.ElementID {
	for i, p := range parts {
		parts[i] = idString(p)
	}
	base := common.ElementID(strings.Join(parts, "-"))
	id := base
	for b.ids[id] {
		b.dups[base]++
		id = base + common.ElementID("-"+strconv.Itoa(b.dups[base]+1))
	}
	b.ids[id] = true
	return id
}

// idString keeps the characters allowed in SPDX identifiers (letters,
// digits, '.', '-') and turns every other run into one '-'.
func idString(s string) string {
	var out strings.Builder
	dash := false
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' {
			out.WriteRune(r)
			dash = false
		} else if !dash && out.Len() > 0 {
			out.WriteByte('-')
			dash = true
		}
	}
	return cmp.Or(strings.TrimRight(out.String(), "-"), "x")
}

func (b *builder) annotation(ps sbom.Properties) []v2_3.Annotation {
	if len(ps) == 0 {
		return nil
	}
	return []v2_3.Annotation{{
		Annotator:         b.annotator,
		AnnotationDate:    b.created,
		AnnotationType:    annotationTypeOther,
		AnnotationComment: ps.Text(),
	}}
}

func (b *builder) artifactPackage(name string) *v2_3.Package {
	a := &b.r.Artifact
	p := &v2_3.Package{
		PackageName:             name,
		PackageSPDXIdentifier:   b.id("Artifact", name),
		PackageVersion:          string(a.Digest),
		PackageDownloadLocation: noAssertion,
		PackageLicenseConcluded: noAssertion,
		PackageLicenseDeclared:  noAssertion,
		PackageCopyrightText:    noAssertion,
		PrimaryPackagePurpose:   purposeOther,
		Annotations:             b.annotation(sbom.ImageProperties(a)),
	}
	switch a.Type {
	case model.ArtifactImage:
		p.PrimaryPackagePurpose = purposeContainer
		if pu := purl.ForImage(a.Name, a.Digest); pu != "" {
			p.PackageExternalReferences = []*v2_3.PackageExternalReference{{Category: categoryPkgManager, RefType: refTypePURL, Locator: pu}}
		}
	case model.ArtifactFilesystem:
		p.PrimaryPackagePurpose = purposeFile
	}
	return p
}

func (b *builder) osPackage(os *model.OSRelease) *v2_3.Package {
	return &v2_3.Package{
		PackageName:             os.ID,
		PackageSPDXIdentifier:   b.id("OperatingSystem", os.ID, os.VersionID),
		PackageVersion:          os.VersionID,
		PackageDescription:      os.PrettyName,
		PackageDownloadLocation: noAssertion,
		PackageLicenseConcluded: noAssertion,
		PackageLicenseDeclared:  noAssertion,
		PackageCopyrightText:    noAssertion,
		PrimaryPackagePurpose:   purposeOS,
		Annotations:             b.annotation(sbom.OSProperties(os)),
	}
}

func (b *builder) pkg(pkg *model.Package) *v2_3.Package {
	p := &v2_3.Package{
		PackageName:             pkg.Name,
		PackageSPDXIdentifier:   b.id("Package", string(pkg.Type), pkg.Name, sbom.ID(pkg)),
		PackageVersion:          pkg.Version,
		PackageDownloadLocation: noAssertion,
		PackageSourceInfo:       sourceInfo(pkg),
		PackageLicenseConcluded: noAssertion,
		PackageLicenseDeclared:  b.declared(pkg.Licenses),
		PackageCopyrightText:    noAssertion,
		Annotations:             b.annotation(sbom.PackageProperties(pkg)),
	}
	pu := pkg.PURL
	if pu == "" {
		pu = purl.For(*pkg, b.r.Inventory.OS)
	}
	if pu != "" {
		p.PackageExternalReferences = []*v2_3.PackageExternalReference{{Category: categoryPkgManager, RefType: refTypePURL, Locator: pu}}
	}
	return p
}

// sourceInfo says, for people, where the package came from: its source
// package, and the files and layers it was found in.
func sourceInfo(p *model.Package) string {
	var parts []string
	if s := p.Source; s != nil && s.Name != "" {
		parts = append(parts, strings.TrimSpace("built from source package "+s.Name+" "+s.Version))
	}
	var locs []string
	for _, l := range p.Locations {
		s := l.Path
		if l.Layer != "" {
			s += " in layer " + strconv.Itoa(l.LayerIndex) + " (" + string(l.Layer) + ")"
		}
		locs = append(locs, s)
	}
	if len(locs) > 0 {
		found := "found"
		if p.FoundBy != "" {
			found += " by " + p.FoundBy
		}
		parts = append(parts, found+" in "+strings.Join(locs, ", "))
	}
	return strings.Join(parts, "; ")
}

// declared renders declared licenses as one valid SPDX expression (their
// conjunction), with LicenseRef- identifiers for free text, or NOASSERTION.
func (b *builder) declared(ls []string) string {
	var es []license.Expression
	seen := map[string]bool{}
	for _, raw := range ls {
		raw = strings.TrimSpace(raw)
		if raw == "" || seen[raw] {
			continue
		}
		seen[raw] = true
		e, err := license.Parse(raw)
		if err != nil {
			e = b.ref(raw)
		} else {
			for _, id := range e.Refs() {
				b.declareRef(id)
			}
		}
		es = append(es, e)
	}
	if len(es) == 0 {
		return noAssertion
	}
	return license.And(es...).String()
}

// ref returns the LicenseRef- for free-text license text, declaring it.
func (b *builder) ref(text string) license.Expression {
	if e, ok := b.refByText[text]; ok {
		return e
	}
	e := license.Ref(text)
	for n := 2; b.others[e.String()] != nil; n++ { // "GPL-2+" and "GPL 2+"
		e = license.Ref(text + " " + strconv.Itoa(n))
	}
	b.refByText[text] = e
	b.others[e.String()] = &v2_3.OtherLicense{LicenseIdentifier: e.String(), ExtractedText: text, LicenseName: text}
	return e
}

// declareRef declares a LicenseRef- that a package's own expression names
// (SPDX requires every one to be declared); its text is not known.
func (b *builder) declareRef(id string) {
	if b.others[id] == nil {
		b.others[id] = &v2_3.OtherLicense{LicenseIdentifier: id, ExtractedText: noAssertion, LicenseName: id}
	}
}
