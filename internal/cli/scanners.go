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
func (f *scanFlags) finish(ctx context.Context, r *model.Report, cfg *v1.ConfigFile, dir string, severity []string) error {
	if f.has(scanConfig) {
		opts, err := f.cf.options()
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
		if ms == nil {
			ms = []model.Misconfiguration{}
		}
		r.Misconfigurations = filterSeverity(ms, severity)
		r.Status = append(r.Status, st...)
	}
	if f.has(scanSecret) {
		if r.Secrets == nil {
			r.Secrets = []model.Secret{}
		}
		if len(severity) > 0 {
			r.Secrets = slices.DeleteFunc(r.Secrets, func(s model.Secret) bool {
				return !slices.ContainsFunc(severity, func(v string) bool { return strings.EqualFold(v, string(s.Severity)) })
			})
		}
	} else {
		r.Secrets = nil
	}
	if f.has(scanPII) {
		if r.PersonalData == nil {
			r.PersonalData = []model.PersonalData{}
		}
	} else {
		r.PersonalData = nil
	}
	return nil
}
