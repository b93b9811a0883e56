package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/drydockhq/drydock/internal/bundled"
	"github.com/drydockhq/drydock/pkg/ignore"
	"github.com/drydockhq/drydock/pkg/match"
	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/vex"
	"github.com/drydockhq/drydock/pkg/vulndb"
	"github.com/drydockhq/drydock/pkg/vulndb/ingest"
)

// vulnFlags say whether and how to match vulnerabilities, and when to fail.
type vulnFlags struct {
	db            string
	skipVulns     bool
	severity      []string
	exitCode      int
	ignoreUnfixed bool
	kernelHeaders bool
	includeDev    bool
	ignoreFile    string
	vex           []string
}

func (f *vulnFlags) register(cmd *cobra.Command, a *app) {
	fl := cmd.Flags()
	fl.StringVar(&f.db, "db", "", "vulnerability DB file (default: "+filepath.Join("CACHE-DIR", dbFile)+"; built from the bundled data on first use)")
	fl.BoolVar(&f.skipVulns, "skip-vulns", false, "list packages only; do not match vulnerabilities")
	fl.StringSliceVar(&f.severity, "severity", nil, "report only these severities (UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL)")
	fl.IntVar(&f.exitCode, "exit-code", 0, "exit with this code when a reported vulnerability remains (0: never)")
	fl.BoolVar(&f.ignoreUnfixed, "ignore-unfixed", false, "leave out vulnerabilities that have no fixed version")
	fl.StringVar(&f.ignoreFile, "ignorefile", "", "ignore file: YAML entries with id, package, reason, expires (default "+ignore.DefaultFile+" in the working directory, if present; a .trivyignore is read too)")
	fl.StringSliceVar(&f.vex, "vex", nil, "OpenVEX or CycloneDX VEX document whose not_affected/fixed statements suppress findings (repeatable)")
	fl.BoolVar(&f.includeDev, "include-dev-deps", false, "keep development-only dependencies (npm devDependencies, ...) in the inventory and the findings")
	fl.BoolVar(&f.kernelHeaders, "include-kernel-headers", false, "also count findings on kernel packages (linux-libc-dev); suppressed by default, see docs")
}

const dbFile = "vuln.db"

// dbPath returns the DB file to use.
func (a *app) dbPath(flag, cacheDir string) string {
	if flag != "" {
		return flag
	}
	return filepath.Join(cacheDir, "db", dbFile)
}

// openDB opens the DB, building it from the bundled data when there is none.
func (a *app) openDB(ctx context.Context, p string, explicit bool) (*vulndb.DB, error) {
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		if explicit {
			return nil, fmt.Errorf("no vulnerability DB at %s (build one with 'drydock db build --from DIR --db %s')", p, p)
		}
		if err := a.buildBundled(ctx, p); err != nil {
			return nil, err
		}
	}
	db, err := vulndb.Open(p)
	if err != nil {
		return nil, fmt.Errorf("opening vulnerability DB: %w", err)
	}
	if explicit {
		return db, nil
	}
	if info, err := db.Info(ctx); err == nil && bundled.Stale(info.Sources) {
		db.Close()
		if err := a.buildBundled(ctx, p); err != nil {
			return nil, err
		}
		if db, err = vulndb.Open(p); err != nil {
			return nil, fmt.Errorf("opening vulnerability DB: %w", err)
		}
	}
	return db, nil
}

func (a *app) buildBundled(ctx context.Context, p string) error {
	tmp, err := os.MkdirTemp("", "drydock-bundled-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	inputs, err := bundled.Write(tmp)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("creating DB dir: %w", err)
	}
	fmt.Fprintf(a.env.Stderr, "drydock: no vulnerability DB yet: building %s from the bundled data (a small subset: Debian 12, Alpine 3.10-3.11, and a few npm, Maven, Go and PyPI packages); run 'drydock db build' for full data\n", p)
	if _, err := ingest.Build(ctx, p, inputs, ingest.Options{Logger: a.logger}); err != nil {
		return fmt.Errorf("building the bundled DB: %w", err)
	}
	return nil
}

// matchVulns adds findings to the report.
func (a *app) matchVulns(ctx context.Context, r *model.Report, f vulnFlags, cacheDir string) error {
	db, err := a.openDB(ctx, a.dbPath(f.db, cacheDir), f.db != "")
	if err != nil {
		return err
	}
	defer db.Close()
	info, err := db.Info(ctx)
	if err != nil {
		return err
	}
	if age := time.Since(info.BuiltAt); age > 7*24*time.Hour {
		r.Status = append(r.Status, model.Status{Source: "vulndb", Message: fmt.Sprintf("the vulnerability DB was built %s ago; run 'drydock db update'", age.Round(time.Hour))})
	}
	r.DB = &info
	vulns, err := match.New(db, match.Options{IncludeKernelHeaders: f.kernelHeaders, Logger: a.logger}).Match(ctx, &r.Inventory)
	if err != nil {
		return fmt.Errorf("matching vulnerabilities: %w", err)
	}
	if vulns == nil {
		vulns = []model.Vulnerability{}
	}
	if err := a.suppress(r, vulns, f); err != nil {
		return err
	}
	r.Vulnerabilities = filterVulns(vulns, f)
	return nil
}

// suppress applies VEX statements, then the ignore file, to the findings.
// A finding keeps the first suppression it gets.
func (a *app) suppress(r *model.Report, vulns []model.Vulnerability, f vulnFlags) error {
	var docs []*vex.Document
	for _, p := range f.vex {
		d, err := vex.Load(p)
		if err != nil {
			return usageError{fmt.Errorf("--vex: %w", err)}
		}
		docs = append(docs, d)
	}
	if len(docs) > 0 {
		vex.Merge(docs...).Apply(vulns, vex.Subjects(r.Artifact)...)
	}
	path, explicit := f.ignoreFile, f.ignoreFile != ""
	if !explicit {
		path = ignore.DefaultFile
	}
	ig, err := ignore.Load(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		return nil
	case err != nil:
		return usageError{fmt.Errorf("ignore file: %w", err)}
	}
	for _, w := range ig.Apply(vulns, time.Now()).Warnings() {
		r.Status = append(r.Status, model.Status{Source: "ignore-file", Message: w})
	}
	return nil
}

// filterVulns keeps the findings the flags ask for; it returns a new slice.
func filterVulns(vs []model.Vulnerability, f vulnFlags) []model.Vulnerability {
	out := bySeverity(vs, f.severity, func(v model.Vulnerability) model.Severity { return v.Severity })
	if f.ignoreUnfixed {
		out = slices.DeleteFunc(out, func(v model.Vulnerability) bool { return v.FixedVersion == "" })
	}
	return out
}

// bySeverity returns the findings whose severity is one of severities (all
// of them when none is given) in a new, non-nil slice: a scanner that ran
// reports an empty list, not none.
func bySeverity[T any](xs []T, severities []string, severity func(T) model.Severity) []T {
	out := make([]T, 0, len(xs))
	for _, x := range xs {
		if len(severities) == 0 || slices.ContainsFunc(severities, func(s string) bool { return strings.EqualFold(s, string(severity(x))) }) {
			out = append(out, x)
		}
	}
	return out
}

// gate returns the findings error when unsuppressed findings remain:
// vulnerabilities, misconfigurations and secrets (already filtered by
// severity). Personal data is reported, not gated: it is not a severity.
func gate(r *model.Report, f vulnFlags) error {
	if f.exitCode == 0 {
		return nil
	}
	open := slices.ContainsFunc(r.Vulnerabilities, func(v model.Vulnerability) bool { return v.Suppressed == nil }) ||
		slices.ContainsFunc(r.Misconfigurations, func(m model.Misconfiguration) bool { return m.Suppressed == nil }) ||
		slices.ContainsFunc(r.Secrets, func(s model.Secret) bool { return s.Suppressed == nil })
	if open {
		return &exitError{code: f.exitCode, err: errFindings}
	}
	return nil
}

func parseSeverities(ss []string) error {
	for _, s := range ss {
		switch model.Severity(strings.ToUpper(s)) {
		case model.SeverityUnknown, model.SeverityLow, model.SeverityMedium, model.SeverityHigh, model.SeverityCritical:
		default:
			return usageError{fmt.Errorf("--severity: unknown severity %q", s)}
		}
	}
	return nil
}

func (a *app) dbCmd() *cobra.Command {
	var (
		dbFlag   string
		cacheDir string
		from     []string
	)
	cmd := &cobra.Command{Use: "db", Short: "Build and inspect the vulnerability database"}
	cmd.PersistentFlags().StringVar(&dbFlag, "db", "", "vulnerability DB file (default: CACHE-DIR/db/"+dbFile+")")
	cmd.PersistentFlags().StringVar(&cacheDir, "cache-dir", a.defaultCacheDir(), "cache directory")
	build := &cobra.Command{
		Use:   "build --from PATH [--from PATH...]",
		Short: "Build the DB from OSV data (zips, directories, files) and native feeds",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(from) == 0 {
				return usageError{errors.New("give at least one --from")}
			}
			p := a.dbPath(dbFlag, cacheDir)
			if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
				return err
			}
			rep, err := ingest.Build(cmd.Context(), p, from, ingest.Options{Logger: a.logger})
			if err != nil {
				return err
			}
			fmt.Fprintf(a.env.Stdout, "built %s: %d advisories, %d packages, %.1f MiB in %s\n", rep.Path, rep.Advisories, rep.Packages, float64(rep.Size)/(1<<20), rep.Duration.Round(time.Millisecond))
			for _, s := range rep.Sources {
				fmt.Fprintf(a.env.Stdout, "  %-40s %6d records  %4d skipped\n", s.Name, s.Records, s.Skipped)
				reasons := make([]string, 0, len(s.Notes))
				for r := range s.Notes {
					reasons = append(reasons, r)
				}
				slices.Sort(reasons)
				for _, r := range reasons {
					fmt.Fprintf(a.env.Stdout, "      %d× %s\n", s.Notes[r], r)
				}
			}
			return nil
		},
	}
	build.Flags().StringSliceVar(&from, "from", nil, "input: OSV zip, directory or file, or a native feed (Alpine secdb, rubysec, FriendsOfPHP, Node.js security-wg, Ubuntu CVE tracker); a directory of such files is read whole")
	status := &cobra.Command{
		Use:   "status",
		Short: "Show the DB's age, sources and per-ecosystem counts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := vulndb.Open(a.dbPath(dbFlag, cacheDir))
			if err != nil {
				return err
			}
			defer db.Close()
			info, err := db.Info(cmd.Context())
			if err != nil {
				return err
			}
			age := time.Since(info.BuiltAt).Round(time.Minute)
			fmt.Fprintf(a.env.Stdout, "DB %s\nschema %d, built %s (%s ago)\n", db.Path(), info.SchemaVersion, info.BuiltAt.Format(time.RFC3339), age)
			if age > 7*24*time.Hour {
				fmt.Fprintln(a.env.Stdout, "warning: older than 7 days; run 'drydock db update'")
			}
			fmt.Fprintln(a.env.Stdout, "sources:")
			for _, s := range info.Sources {
				fmt.Fprintf(a.env.Stdout, "  %-40s %6d records  %4d skipped\n", s.Name, s.Records, s.Skipped)
			}
			fmt.Fprintln(a.env.Stdout, "advisories per ecosystem:")
			ecos := make([]string, 0, len(info.Counts))
			for e := range info.Counts {
				ecos = append(ecos, e)
			}
			slices.Sort(ecos)
			for _, e := range ecos {
				fmt.Fprintf(a.env.Stdout, "  %-24s %6d\n", e, info.Counts[e])
			}
			return nil
		},
	}
	cmd.AddCommand(build, status)
	cmd.AddCommand(a.dbDistCmds(func() string { return a.dbPath(dbFlag, cacheDir) })...)
	return cmd
}
