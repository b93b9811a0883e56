package cli

import (
	"context"
	"fmt"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/spf13/cobra"

	"github.com/drydockhq/drydock/pkg/config"
	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/model"
)

// Scanner names for --scanners.
const (
	scanVuln   = "vuln"
	scanConfig = "config"
	scanSecret = "secret"
	scanPII    = "pii"
)

func scannerNames() []string { return []string{scanVuln, scanConfig, scanSecret, scanPII} }

// scanFlags choose what is looked for beyond the package inventory.
type scanFlags struct {
	scanners    []string
	secretRules string
	cf          configFlags
}

func (f *scanFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringSliceVar(&f.scanners, "scanners", []string{scanVuln}, "what to look for: "+strings.Join(scannerNames(), ", "))
	cmd.Flags().StringVar(&f.secretRules, "secret-rules", "", "YAML file of secret rules merged with the built-in ones (see pkg/secret/README.md)")
	f.cf.register(cmd)
}

// validate checks the scanner names.
func (f *scanFlags) validate() error {
	for _, s := range f.scanners {
		if !slices.Contains(scannerNames(), s) {
			return usageError{fmt.Errorf("--scanners: unknown scanner %q (want %s)", s, strings.Join(scannerNames(), ", "))}
		}
	}
	return nil
}

func (f *scanFlags) has(s string) bool { return slices.Contains(f.scanners, s) }

// contentExtractors are the extractors that the secret and PII scanners add
// to the walk.
func (f *scanFlags) contentExtractors() (extract.Set, error) {
	var set extract.Set
	if f.has(scanSecret) {
		e, err := newSecretExtractor(f.secretRules)
		if err != nil {
			return nil, err
		}
		set = append(set, e)
	}
	if f.has(scanPII) {
		set = append(set, newPIIExtractor())
	}
	return set, nil
}

// finish runs the post-inventory scanners on a report: configuration checks
// (of the image config, or of the directory's Dockerfiles and manifests)
// and the severity filter on secrets. cfg is nil for directories; dir is ""
// for images.
func (f *scanFlags) finish(ctx context.Context, getenv func(string) string, r *model.Report, cfg *v1.ConfigFile, dir string, severity []string) error {
	if f.has(scanConfig) {
		opts, err := f.cf.options(ctx, getenv)
		if err != nil {
			return err
		}
		var (
			ms []model.Misconfiguration
			st []model.Status
		)
		if dir != "" {
			ms, st, err = config.ScanDir(ctx, dir, opts)
		} else {
			ms, st, err = config.ScanImageConfig(ctx, cfg, r.Artifact.Name, opts)
		}
		if err != nil {
			return err
		}
		r.Misconfigurations = bySeverity(ms, severity, misconfigSeverity)
		r.Status = append(r.Status, st...)
	}
	// Content findings exist only when their extractors ran; a scanner that
	// ran and found nothing reports an empty list.
	if f.has(scanSecret) {
		r.Secrets = bySeverity(r.Secrets, severity, func(s model.Secret) model.Severity { return s.Severity })
	}
	if f.has(scanPII) && r.PersonalData == nil {
		r.PersonalData = []model.PersonalData{}
	}
	return nil
}

// scanReport is the pipeline image and fs share once their flags are
// parsed: scan (with the content extractors the scanners add), drop dev
// dependencies, match, run the post-inventory scanners, write, gate. scan
// returns the report and, for the config scanner, the image config or the
// scanned directory.
func (a *app) scanReport(ctx context.Context, vf vulnFlags, sf scanFlags, out outputFlags, cacheDir string,
	scan func(extra extract.Set) (r *model.Report, cfg *v1.ConfigFile, dir string, err error)) error {
	if err := parseSeverities(vf.severity); err != nil {
		return err
	}
	if err := sf.validate(); err != nil {
		return err
	}
	extra, err := sf.contentExtractors()
	if err != nil {
		return err
	}
	r, cfg, dir, err := scan(extra)
	if err != nil {
		return err
	}
	if !vf.includeDev {
		dropDev(&r.Inventory)
	}
	if !vf.skipVulns && sf.has(scanVuln) {
		if err := a.matchVulns(ctx, r, vf, cacheDir); err != nil {
			return err
		}
	}
	if err := sf.finish(ctx, a.env.Getenv, r, cfg, dir, vf.severity); err != nil {
		return err
	}
	if err := a.write(r, out); err != nil {
		return err
	}
	return gate(r, vf)
}
