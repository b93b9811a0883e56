package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/spf13/cobra"

	"github.com/drydockhq/drydock/pkg/extract"
	"github.com/drydockhq/drydock/pkg/extract/list"
	"github.com/drydockhq/drydock/pkg/image"
	"github.com/drydockhq/drydock/pkg/layercache"
	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/report"
	"github.com/drydockhq/drydock/pkg/report/gitlab"
	reportjson "github.com/drydockhq/drydock/pkg/report/json"
	"github.com/drydockhq/drydock/pkg/report/junit"
	"github.com/drydockhq/drydock/pkg/report/sarif"
	"github.com/drydockhq/drydock/pkg/report/table"
	"github.com/drydockhq/drydock/pkg/report/template"
	"github.com/drydockhq/drydock/pkg/scan"
)

// imageFlags are the flags that say how to open and read an image.
type imageFlags struct {
	platform   string
	insecure   bool
	cacheDir   string
	noCache    bool
	extractors []string
	parallel   int
}

func (f *imageFlags) register(cmd *cobra.Command, a *app) {
	fl := cmd.Flags()
	fl.StringVar(&f.platform, "platform", "linux/amd64", "platform to pick from a multi-arch image (os/arch[/variant])")
	fl.BoolVar(&f.insecure, "insecure", false, "allow plain HTTP to registries that are not on loopback")
	fl.StringVar(&f.cacheDir, "cache-dir", a.defaultCacheDir(), "layer cache directory")
	fl.BoolVar(&f.noCache, "no-cache", false, "neither read nor write the layer cache")
	fl.StringSliceVar(&f.extractors, "extractors", nil, "extractors to run, by name or prefix (default all: "+strings.Join(extractorNames(), ", ")+")")
	fl.IntVar(&f.parallel, "parallel", 0, "layers read at once (default: number of CPUs)")
}

func extractorNames() []string {
	var names []string
	for _, e := range list.Default() {
		names = append(names, e.Name())
	}
	return names
}

// outputFlags say how to write the report.
type outputFlags struct {
	format   string
	output   string
	template string
}

func (f *outputFlags) register(cmd *cobra.Command, def string, formats []string) {
	cmd.Flags().StringVarP(&f.format, "format", "f", def, "output format: "+strings.Join(formats, ", "))
	cmd.Flags().StringVarP(&f.output, "output", "o", "", "write the report to this file instead of standard output")
	cmd.Flags().StringVarP(&f.template, "template", "t", "", "Go text/template file for -f template, or @"+strings.Join(template.BuiltinNames(), ", @")+" for a built-in one")
}

func (a *app) imageCmd() *cobra.Command {
	var (
		imf imageFlags
		vf  vulnFlags
		sf  scanFlags
		out outputFlags
	)
	cmd := &cobra.Command{
		Use:   "image REF",
		Short: "Scan a container image",
		Long: `Scan a container image: list its OS and application packages, layer by
layer, and match them against the vulnerability DB. --scanners adds the image
config checks (config), secrets (secret) and personal data (pii) in every layer.

REF is one of:
  docker-archive:PATH[:TAG]   'docker save' output (plain, gzip or zstd)
  oci:DIR[:TAG]               OCI image layout directory
  registry:NAME[:TAG|@DIGEST] image in a registry (docker config and credential helpers for auth)
  PATH                        a file (docker-archive) or an OCI layout directory
  NAME[:TAG]                  otherwise, an image in a registry`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.scanReport(cmd.Context(), vf, sf, out, imf.cacheDir, func(extra extract.Set) (*model.Report, *v1.ConfigFile, string, error) {
				r, cfg, err := a.scanImage(cmd.Context(), args[0], imf, extra)
				return r, cfg, "", err
			})
		},
	}
	imf.register(cmd, a)
	vf.register(cmd, a)
	sf.register(cmd)
	out.register(cmd, "table", formatNames())
	return cmd
}

func (a *app) sbomCmd() *cobra.Command {
	var (
		imf   imageFlags
		vf    vulnFlags
		out   outputFlags
		input string
	)
	cmd := &cobra.Command{
		Use:   "sbom [REF]",
		Short: "Write the software bill of materials of an image, or read one back",
		Long: `Write the software bill of materials (SBOM) of an image.

With --input, read an SBOM (CycloneDX JSON, SPDX JSON or drydock JSON) instead
of an image and scan its packages for vulnerabilities (the output defaults to a
table; --skip-vulns and -f cyclonedx|spdx-json convert it instead).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var (
				r   *model.Report
				err error
			)
			switch {
			case input != "" && len(args) > 0:
				return usageError{fmt.Errorf("give an image or --input, not both")}
			case input != "":
				if r, err = readSBOM(input); err != nil {
					return err
				}
				if !cmd.Flags().Changed("format") {
					out.format = "table"
				}
				if err := parseSeverities(vf.severity); err != nil {
					return err
				}
				if !vf.skipVulns {
					if err := a.matchVulns(cmd.Context(), r, vf, imf.cacheDir); err != nil {
						return err
					}
				}
				if err := a.write(r, out); err != nil {
					return err
				}
				return gate(r, vf)
			case len(args) == 1:
				r, _, err = a.scanImage(cmd.Context(), args[0], imf, nil)
			default:
				return usageError{fmt.Errorf("give an image reference or --input FILE")}
			}
			if err != nil {
				return err
			}
			return a.write(r, out)
		},
	}
	imf.register(cmd, a)
	vf.register(cmd, a)
	out.register(cmd, defaultSBOMFormat, formatNames())
	cmd.Flags().StringVarP(&input, "input", "i", "", "read this SBOM file instead of scanning an image")
	return cmd
}

func (a *app) cacheCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{Use: "cache", Short: "Manage the layer cache"}
	clean := &cobra.Command{
		Use:   "clean",
		Short: "Remove every cached layer",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := layercache.Clean(dir); err != nil {
				return err
			}
			fmt.Fprintf(a.env.Stdout, "layer cache in %s removed\n", dir)
			return nil
		},
	}
	clean.Flags().StringVar(&dir, "cache-dir", a.defaultCacheDir(), "layer cache directory")
	cmd.AddCommand(clean)
	return cmd
}

// scanImage opens and scans one image with the package extractors and the
// extra (content) extractors; it returns the image config too.
func (a *app) scanImage(ctx context.Context, ref string, f imageFlags, extra extract.Set) (*model.Report, *v1.ConfigFile, error) {
	plat, err := v1.ParsePlatform(f.platform)
	if err != nil {
		return nil, nil, usageError{fmt.Errorf("--platform: %w", err)}
	}
	set := list.Default()
	if len(f.extractors) > 0 {
		if set, err = set.Select(f.extractors); err != nil {
			return nil, nil, usageError{fmt.Errorf("--extractors: %w", err)}
		}
	}
	set = append(set, extra...)
	cfg := scan.Config{
		Extractors:  set,
		Parallel:    f.parallel,
		Logger:      a.logger,
		ToolVersion: a.env.Version,
		Walk:        extract.WalkOptions{},
	}
	if !f.noCache {
		c, err := layercache.OpenBolt(f.cacheDir)
		if err != nil {
			return nil, nil, err
		}
		defer c.Close()
		cfg.Cache = c
	}
	img, err := image.Open(ctx, ref, image.Options{Platform: plat, Insecure: f.insecure})
	if err != nil {
		return nil, nil, err
	}
	defer img.Close()
	if !a.quiet && isTerminal(a.env.Stderr) {
		p := newProgress(a.env.Stderr, len(img.Layers()))
		defer p.finish()
		cfg.Progress = p.update
	}
	s, err := scan.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	r, err := s.Scan(ctx, img)
	return r, img.Config(), err
}

const defaultSBOMFormat = "cyclonedx"

func formatNames() []string {
	return []string{"table", "json", "cyclonedx", "spdx-json", "sarif", "junit", "gitlab", "gitlab-secrets", "template"}
}

// encoder returns the encoder for the output flags.
func (a *app) encoder(f outputFlags, w io.Writer) (report.Encoder, error) {
	if f.template != "" && f.format != "template" {
		return nil, usageError{fmt.Errorf("--template needs -f template")}
	}
	switch f.format {
	case "table":
		return table.Encoder{Color: isTerminal(w)}, nil
	case "json":
		return reportjson.Encoder{}, nil
	case "sarif":
		return sarif.Encoder{}, nil
	case "junit":
		return junit.Encoder{}, nil
	case "gitlab":
		return gitlab.Encoder{DefaultBranchImage: a.env.Getenv("CS_DEFAULT_BRANCH_IMAGE")}, nil
	case "gitlab-secrets":
		return gitlab.SecretsEncoder{}, nil
	case "template":
		if f.template == "" {
			return nil, usageError{fmt.Errorf("-f template needs --template FILE")}
		}
		if name, ok := strings.CutPrefix(f.template, "@"); ok {
			return template.Builtin(name)
		}
		return template.ParseFile(f.template)
	}
	return sbomEncoder(f.format)
}

// write renders the report to the output file or standard output. A
// report that cannot be rendered leaves no output file behind.
func (a *app) write(r *model.Report, f outputFlags) (err error) {
	if f.output == "" {
		enc, err := a.encoder(f, a.env.Stdout)
		if err != nil {
			return err
		}
		return enc.Encode(a.env.Stdout, r)
	}
	enc, err := a.encoder(f, io.Discard) // a file is never a terminal
	if err != nil {
		return err
	}
	file, err := os.Create(f.output)
	if err != nil {
		return fmt.Errorf("creating output: %w", err)
	}
	defer func() {
		if cerr := file.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("writing %s: %w", f.output, cerr)
		}
		if err != nil {
			os.Remove(f.output)
		}
	}()
	return enc.Encode(file, r)
}
