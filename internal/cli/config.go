package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/drydockhq/drydock/pkg/config"
	"github.com/drydockhq/drydock/pkg/config/checks"
	"github.com/drydockhq/drydock/pkg/model"
)

// configFlags select and tune the configuration checks.
type configFlags struct {
	compliance string
	policies   []string
}

func (f *configFlags) register(cmd *cobra.Command) {
	names := make([]string, 0, len(checks.Compliances()))
	for _, c := range checks.Compliances() {
		names = append(names, string(c))
	}
	cmd.Flags().StringVar(&f.compliance, "compliance", "", "report only the checks mapped to one framework: "+strings.Join(names, ", "))
	cmd.Flags().StringSliceVar(&f.policies, "policy", nil, "directory or file of Rego policies run on the same inputs as the built-in checks (repeatable)")
}

// options turns the flags into config.Options.
func (f *configFlags) options(ctx context.Context, getenv func(string) string) (config.Options, error) {
	c, err := checks.ParseCompliance(f.compliance)
	if err != nil {
		return config.Options{}, usageError{fmt.Errorf("--compliance: %w", err)}
	}
	opts := config.Options{Compliance: c}
	if len(f.policies) > 0 {
		ev, err := loadPolicies(ctx, getenv, f.policies)
		if err != nil {
			return config.Options{}, err
		}
		opts.Policies = ev
	}
	return opts, nil
}

func (a *app) configCmd() *cobra.Command {
	var (
		cf       configFlags
		out      outputFlags
		severity []string
		exitCode int
	)
	cmd := &cobra.Command{
		Use:   "config PATH|-",
		Short: "Check Dockerfiles and Kubernetes manifests for misconfigurations",
		Long: `Check Dockerfiles and Kubernetes manifests (multi-document YAML, List kinds,
rendered Helm output) for misconfigurations: a directory tree, one file, or
standard input ('-', e.g. helm template ... | drydock config -).

Every check has an ID (DD-DF-…, DD-K8S-…), a severity, why it matters, how to
fix it, and the CIS Docker / CIS Kubernetes / Pod Security Standards clauses
and, where it protects personal data, the GDPR / CCPA / HK PDPO articles it
maps to. --compliance keeps the checks of one framework; --policy adds your
own Rego policies.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := parseSeverities(severity); err != nil {
				return err
			}
			opts, err := cf.options(cmd.Context(), a.env.Getenv)
			if err != nil {
				return err
			}
			var (
				ms     []model.Misconfiguration
				status []model.Status
			)
			if args[0] == "-" {
				data, err := io.ReadAll(io.LimitReader(os.Stdin, config.MaxFileSize+1))
				if err != nil {
					return fmt.Errorf("reading standard input: %w", err)
				}
				ms, status, err = config.ScanFile(cmd.Context(), "-", data, opts)
				if err != nil {
					return err
				}
			} else if ms, status, err = config.ScanDir(cmd.Context(), args[0], opts); err != nil {
				return err
			}
			r := &model.Report{
				SchemaVersion:     model.SchemaVersion,
				CreatedAt:         time.Now().UTC(),
				Tool:              model.Tool{Name: "drydock", Version: a.env.Version},
				Artifact:          model.Artifact{Name: args[0], Type: model.ArtifactFilesystem},
				Misconfigurations: bySeverity(ms, severity, misconfigSeverity),
				Status:            status,
			}
			if err := a.write(r, out); err != nil {
				return err
			}
			return gate(r, vulnFlags{severity: severity, exitCode: exitCode})
		},
	}
	cf.register(cmd)
	out.register(cmd, "table", formatNames())
	cmd.Flags().StringSliceVar(&severity, "severity", nil, "report only these severities (LOW,MEDIUM,HIGH,CRITICAL)")
	cmd.Flags().IntVar(&exitCode, "exit-code", 0, "exit with this code when a reported misconfiguration remains (0: never)")
	return cmd
}

func misconfigSeverity(m model.Misconfiguration) model.Severity { return m.Severity }
