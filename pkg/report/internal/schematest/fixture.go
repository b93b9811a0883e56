package schematest

import (
	"time"

	"github.com/drydockhq/drydock/pkg/model"
)

// Layer diff IDs of the fixture image, base first.
const (
	Layer0 model.Digest = "sha256:ae2a5f4d1c5a1d4e0f3d3b2f0e9c8b7a6f5e4d3c2b1a09f8e7d6c5b4a3928171"
	Layer1 model.Digest = "sha256:1c9a2b3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
	Layer2 model.Digest = "sha256:5f4e3d2c1b0a99887766554433221100ffeeddccbbaa99887766554433221100"
)

// Report returns a realistic scan report of a Debian 12 image: deb packages
// with source packages (one a binNMU whose source version differs), an apk
// and an rpm package copied in from other distributions, npm packages (one
// installed twice, at two paths), licenses that are SPDX IDs, an SPDX
// expression and Debian free text ("GPL-2+"), and two vulnerabilities with
// CVSS 3.1 vectors, one suppressed by VEX. Besides vulnerabilities it holds
// the other finding classes: misconfigurations of the image config (root
// user, CIS Docker 4.1; no HEALTHCHECK, suppressed by an ignore file) and of
// a Kubernetes manifest in the image (privileged container, PSS baseline and
// CIS Kubernetes); secrets (an AWS access key ID, and a private
// key in a file a later layer deleted), with redacted matches; and personal
// data in a CSV file, counted per kind with redacted samples. Every call
// returns a fresh copy.
func Report() *model.Report {
	debian := &model.OSRelease{
		ID:         "debian",
		VersionID:  "12",
		Codename:   "bookworm",
		PrettyName: "Debian GNU/Linux 12 (bookworm)",
		Path:       "etc/os-release",
	}
	dpkg := func(path string) []model.Location {
		return []model.Location{{Path: path, Layer: Layer0, LayerIndex: 0}}
	}
	libssl := model.Package{
		Name: "libssl3", Version: "3.0.11-1~deb12u2", Type: model.TypeDeb, Ecosystem: "Debian:12",
		PURL:   "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl",
		Source: &model.SourcePackage{Name: "openssl", Version: "3.0.11-1~deb12u2"},
		Arch:   "amd64", Licenses: []string{"Apache-2.0"},
		Locations: dpkg("var/lib/dpkg/status"), FoundBy: "os/dpkg",
	}
	express := model.Package{
		Name: "express", Version: "4.18.2", Type: model.TypeNPM, Ecosystem: model.EcoNPM,
		PURL:      "pkg:npm/express@4.18.2",
		Licenses:  []string{"MIT"},
		Locations: []model.Location{{Path: "app/node_modules/express/package.json", Layer: Layer2, LayerIndex: 2}},
		FoundBy:   "lang/npm",
	}
	published := time.Date(2024, 1, 26, 9, 15, 0, 0, time.UTC)
	modified := time.Date(2024, 2, 2, 17, 4, 0, 0, time.UTC)
	redirect := time.Date(2024, 3, 25, 21, 19, 0, 0, time.UTC)

	return &model.Report{
		SchemaVersion: model.SchemaVersion,
		CreatedAt:     time.Date(2024, 4, 2, 10, 30, 0, 0, time.UTC),
		Tool:          model.Tool{Name: "drydock", Version: "0.4.0"},
		Artifact: model.Artifact{
			Name:     "registry.example.com/shop/web:1.4.2",
			Type:     model.ArtifactImage,
			Digest:   "sha256:9b2d6c8f4a1e3b5d7c9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e6f8a0b2c",
			ImageID:  "sha256:3e1f5a7c9b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a",
			RepoTags: []string{"registry.example.com/shop/web:1.4.2", "registry.example.com/shop/web:latest"},
			Platform: "linux/amd64",
			Layers: []model.Layer{
				{Index: 0, DiffID: Layer0, CreatedBy: "# debian.sh --arch 'amd64' out/ 'bookworm' '@1711929600'"},
				{Index: 1, DiffID: Layer1, CreatedBy: "COPY /rootfs / # buildkit"},
				{Index: 2, DiffID: Layer2, CreatedBy: "COPY app /app # buildkit"},
			},
		},
		Inventory: model.Inventory{
			OS: debian,
			Packages: []model.Package{
				libssl,
				{
					Name: "libc6", Version: "2.36-9+deb12u4", Type: model.TypeDeb, Ecosystem: "Debian:12",
					Source: &model.SourcePackage{Name: "glibc", Version: "2.36-9+deb12u4"},
					Arch:   "amd64", Licenses: []string{"GPL-2+", "LGPL-2.1-or-later"},
					Locations: dpkg("var/lib/dpkg/status"), FoundBy: "os/dpkg",
				},
				{
					Name: "bash", Version: "5.2.15-2+b2", Type: model.TypeDeb, Ecosystem: "Debian:12",
					Source: &model.SourcePackage{Name: "bash", Version: "5.2.15-2"},
					Arch:   "amd64", Licenses: []string{"GPL-3.0-or-later"},
					Locations: dpkg("var/lib/dpkg/status"), FoundBy: "os/dpkg",
				},
				{
					Name: "zlib1g", Version: "1:1.2.13.dfsg-1", Type: model.TypeDeb, Ecosystem: "Debian:12",
					Source: &model.SourcePackage{Name: "zlib", Version: "1:1.2.13.dfsg-1"},
					Arch:   "amd64", Licenses: []string{"Zlib"},
					Locations: dpkg("var/lib/dpkg/status"), FoundBy: "os/dpkg",
				},
				{
					Name: "busybox", Version: "1.36.1-r15", Type: model.TypeAPK, Ecosystem: "Alpine:v3.19",
					Source: &model.SourcePackage{Name: "busybox", Version: "1.36.1-r15"},
					Arch:   "x86_64", Licenses: []string{"GPL-2.0-only"},
					Locations: []model.Location{{Path: "lib/apk/db/installed", Layer: Layer1, LayerIndex: 1}},
					FoundBy:   "os/apk",
				},
				{
					Name: "openssl-libs", Version: "1:3.0.7-25.el9_3", Type: model.TypeRPM, Ecosystem: "AlmaLinux:9",
					Source: &model.SourcePackage{Name: "openssl", Version: "3.0.7-25.el9_3"},
					Arch:   "x86_64", Licenses: []string{"Apache-2.0"},
					Locations: []model.Location{{Path: "var/lib/rpm/rpmdb.sqlite", Layer: Layer1, LayerIndex: 1}},
					FoundBy:   "os/rpm",
				},
				express,
				{
					// The same package installed a second time, elsewhere.
					Name: "express", Version: "4.18.2", Type: model.TypeNPM, Ecosystem: model.EcoNPM,
					PURL:      "pkg:npm/express@4.18.2",
					Licenses:  []string{"MIT"},
					Locations: []model.Location{{Path: "app/admin/node_modules/express/package.json", Layer: Layer2, LayerIndex: 2}},
					FoundBy:   "lang/npm",
				},
				{
					Name: "wasm-pack", Version: "0.12.1", Type: model.TypeNPM, Ecosystem: model.EcoNPM,
					Licenses:  []string{"MIT OR Apache-2.0"},
					Locations: []model.Location{{Path: "app/node_modules/wasm-pack/package.json", Layer: Layer2, LayerIndex: 2}},
					FoundBy:   "lang/npm",
				},
				{
					Name: "@babel/core", Version: "7.23.9", Type: model.TypeNPM, Ecosystem: model.EcoNPM,
					Licenses:  []string{"MIT"},
					Locations: []model.Location{{Path: "app/node_modules/@babel/core/package.json", Layer: Layer2, LayerIndex: 2}},
					FoundBy:   "lang/npm",
				},
				// A lock file's resolved graph (the real dependencies of
				// accepts 1.3.8 and mime-types 2.1.35 on the npm registry).
				{
					Name: "accepts", Version: "1.3.8", Type: model.TypeNPM, Ecosystem: model.EcoNPM,
					PURL:      "pkg:npm/accepts@1.3.8",
					Locations: []model.Location{{Path: "app/package-lock.json", Layer: Layer2, LayerIndex: 2}},
					FoundBy:   "lang/npm-lock",
					DependsOn: []string{"pkg:npm/mime-types@2.1.35", "pkg:npm/negotiator@0.6.3"},
				},
				{
					Name: "mime-types", Version: "2.1.35", Type: model.TypeNPM, Ecosystem: model.EcoNPM,
					PURL:      "pkg:npm/mime-types@2.1.35",
					Locations: []model.Location{{Path: "app/package-lock.json", Layer: Layer2, LayerIndex: 2}},
					FoundBy:   "lang/npm-lock",
					DependsOn: []string{"pkg:npm/mime-db@1.52.0"},
				},
				{
					Name: "mime-db", Version: "1.52.0", Type: model.TypeNPM, Ecosystem: model.EcoNPM,
					PURL:      "pkg:npm/mime-db@1.52.0",
					Locations: []model.Location{{Path: "app/package-lock.json", Layer: Layer2, LayerIndex: 2}},
					FoundBy:   "lang/npm-lock",
				},
				{
					Name: "negotiator", Version: "0.6.3", Type: model.TypeNPM, Ecosystem: model.EcoNPM,
					PURL:      "pkg:npm/negotiator@0.6.3",
					Locations: []model.Location{{Path: "app/package-lock.json", Layer: Layer2, LayerIndex: 2}},
					FoundBy:   "lang/npm-lock",
				},
			},
		},
		Vulnerabilities: []model.Vulnerability{
			{
				ID:             "CVE-2024-0727",
				Aliases:        []string{"DSA-5639-1", "GHSA-9v9h-cgj8-h64p"},
				Advisories:     []string{"DEBIAN-CVE-2024-0727"},
				Summary:        "Processing a maliciously formatted PKCS12 file may lead OpenSSL to crash.",
				Package:        libssl,
				MatchedBy:      "source openssl 3.0.11-1~deb12u2",
				FixedVersion:   "3.0.13-1~deb12u1",
				Severity:       model.SeverityMedium,
				SeveritySource: "CVSS:3.1 NVD",
				CVSS: []model.CVSS{{
					Version: "3.1", Vector: "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H", Score: 5.5, Source: "nvd",
				}},
				References: []string{"https://security-tracker.debian.org/tracker/CVE-2024-0727", "https://www.openssl.org/news/secadv/20240125.txt"},
				Published:  &published,
				Modified:   &modified,
				DataSource: "Debian Security Tracker",
			},
			{
				ID:             "CVE-2024-29041",
				Aliases:        []string{"GHSA-rv95-896h-c2vc"},
				Advisories:     []string{"GHSA-rv95-896h-c2vc"},
				Summary:        "Express.js Open Redirect in malformed URLs",
				Package:        express,
				FixedVersion:   "4.19.2",
				Severity:       model.SeverityMedium,
				SeveritySource: "CVSS:3.1 GHSA",
				CVSS: []model.CVSS{{
					Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N", Score: 6.1, Source: "ghsa",
				}},
				References: []string{"https://github.com/expressjs/express/security/advisories/GHSA-rv95-896h-c2vc"},
				Published:  &redirect,
				DataSource: "GitHub Advisory Database",
				Suppressed: &model.Suppressed{By: "vex", Reason: "vulnerable_code_not_in_execute_path"},
			},
		},
		Misconfigurations: []model.Misconfiguration{
			{
				ID:       "DD-IMG-001",
				Title:    "Image runs as root",
				Severity: model.SeverityHigh,
				Description: "A container whose process runs as root (UID 0) gives an attacker who exploits the application root " +
					"inside the container, and with it a much shorter path to the host through kernel or runtime flaws, " +
					"writable host mounts or added capabilities.",
				Resolution: "Create an unprivileged user in the image and set it with USER (for example `USER 10001`).",
				Message:    "the image sets no USER, so it runs as root",
				Target:     "registry.example.com/shop/web:1.4.2",
				Object:     "image config",
				Controls:   []model.Control{{Framework: "CIS Docker Benchmark 1.6", ID: "4.1"}},
				Source:     "builtin",
			},
			{
				ID:       "DD-K8S-001",
				Title:    "Privileged container",
				Severity: model.SeverityHigh,
				Description: "A privileged container has every capability, all host devices and no seccomp or AppArmor " +
					"confinement: a compromise of the container is a compromise of the node.",
				Resolution: "Remove `securityContext.privileged: true`; grant only the specific capabilities needed.",
				Message:    "container web is privileged",
				Target:     "app/deploy/web.yaml",
				Object:     "Deployment/shop/web",
				Line:       27,
				Controls: []model.Control{
					{Framework: "PSS baseline", ID: "Privileged Containers"},
					{Framework: "CIS Kubernetes Benchmark 1.9", ID: "5.2.2"},
				},
				Source: "builtin",
			},
			{
				ID:          "DD-IMG-004",
				Title:       "Image has no HEALTHCHECK",
				Severity:    model.SeverityLow,
				Description: "Without a HEALTHCHECK the engine cannot tell a hung process from a working one, so a broken container keeps receiving traffic instead of being restarted.",
				Resolution:  "Add a HEALTHCHECK instruction that probes the service (or rely on orchestrator probes and accept the finding).",
				Message:     "the image defines no HEALTHCHECK",
				Target:      "registry.example.com/shop/web:1.4.2",
				Object:      "image config",
				Controls:    []model.Control{{Framework: "CIS Docker Benchmark 1.6", ID: "4.6"}},
				Source:      "builtin",
				Suppressed:  &model.Suppressed{By: "ignore-file", Reason: "Kubernetes liveness probes replace HEALTHCHECK"},
			},
		},
		Secrets: []model.Secret{
			{
				RuleID: "aws-access-key-id", Category: "AWS", Title: "AWS access key ID", Severity: model.SeverityCritical,
				Match:    "AKIA************MPLE",
				Line:     3,
				Location: model.Location{Path: "etc/app/.env", Layer: Layer1, LayerIndex: 1},
			},
			{
				// Copied in by layer 1, removed by layer 2: still in the image.
				RuleID: "private-key", Category: "Private key", Title: "Private key", Severity: model.SeverityHigh,
				Match:    "b3BlbnNz****************",
				Line:     2,
				Location: model.Location{Path: "root/.ssh/id_ed25519", Layer: Layer1, LayerIndex: 1},
				Deleted:  true,
			},
		},
		PersonalData: []model.PersonalData{{
			Location: model.Location{Path: "app/data/customers.csv", Layer: Layer2, LayerIndex: 2},
			Kinds: []model.PIIKind{
				{Kind: "hkid", Count: 3, Sample: "A12****(3)"},
				{Kind: "email", Count: 12, Sample: "j***@example.com"},
			},
		}},
	}
}
