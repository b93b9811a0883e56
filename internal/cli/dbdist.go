package cli

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/drydockhq/drydock/pkg/vulndb"
	"github.com/drydockhq/drydock/pkg/vulndb/bundle"
	"github.com/drydockhq/drydock/pkg/vulndb/update"
)

// dbDistCmds are the commands that move DBs between machines: update,
// export, import and keygen. dbPath resolves the --db/--cache-dir flags of
// the parent command at run time.
func (a *app) dbDistCmds(dbPath func() string) []*cobra.Command {
	var (
		bundleURL   string
		mirror      string
		ecosystems  []string
		trusted     []string
		requireSig  bool
		maxAge      time.Duration
		signKey     string
		importTrust []string
		importReq   bool
	)
	upd := &cobra.Command{
		Use:   "update",
		Short: "Fetch fresh vulnerability data (OSV exports, a mirror, or a regional node's bundle)",
		Long: `Fetch fresh vulnerability data and replace the DB atomically.

By default the public OSV per-ecosystem exports (all.zip) are downloaded and
the DB is rebuilt locally. --mirror points at a mirror of the same layout;
--bundle installs a ready DB bundle (from 'drydock db export' on a central or
regional node), verified against --trusted-key.

When the source cannot be reached, an existing DB younger than
--offline-max-age is kept with a warning and the command succeeds; a bundle
that arrives but fails verification is always an error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			keys, err := readPublicKeys(trusted)
			if err != nil {
				return err
			}
			p := dbPath()
			opts := update.Options{
				DBPath: p, Bundle: bundleURL, Mirror: mirror,
				TrustedKeys: keys, RequireSignature: requireSig, Logger: a.logger,
			}
			if cmd.Flags().Changed("ecosystems") {
				opts.Ecosystems = ecosystems
			}
			res, err := update.Update(cmd.Context(), opts)
			if errors.Is(err, update.ErrFetch) {
				if age, ok := dbAge(cmd, p); ok && age <= maxAge {
					fmt.Fprintf(a.env.Stderr, "drydock: warning: update failed (%v); keeping the DB built %s ago\n", err, age.Round(time.Minute))
					return nil
				}
			}
			if err != nil {
				return err
			}
			switch {
			case res.Manifest != nil:
				fmt.Fprintf(a.env.Stdout, "installed %s from %s (%d bytes, built %s)\n", p, res.Source, res.Downloaded, res.Manifest.BuiltAt.Format(time.RFC3339))
			case res.Build != nil:
				fmt.Fprintf(a.env.Stdout, "built %s from %s: %d advisories, %d packages, %.1f MiB downloaded\n", p, res.Source, res.Build.Advisories, res.Build.Packages, float64(res.Downloaded)/(1<<20))
			}
			return nil
		},
	}
	fl := upd.Flags()
	fl.StringVar(&bundleURL, "bundle", "", "URL or path of a DB bundle to install instead of building from OSV exports")
	fl.StringVar(&mirror, "mirror", update.DefaultMirror, "base URL of the OSV exports (<mirror>/<ecosystem>/all.zip)")
	fl.StringSliceVar(&ecosystems, "ecosystems", update.DefaultEcosystems(), "OSV ecosystems to fetch")
	fl.StringSliceVar(&trusted, "trusted-key", nil, "PEM ed25519 public key that may sign bundles (repeatable)")
	fl.BoolVar(&requireSig, "require-signature", false, "refuse unsigned bundles")
	fl.DurationVar(&maxAge, "offline-max-age", 7*24*time.Hour, "when the source is unreachable, keep an existing DB up to this age")

	export := &cobra.Command{
		Use:   "export FILE",
		Short: "Write the DB as a bundle (SHA-256 manifest, optional ed25519 signature)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) (err error) {
			var key ed25519.PrivateKey
			if signKey != "" {
				if key, err = readPrivateKey(signKey); err != nil {
					return err
				}
			}
			f, err := os.Create(args[0])
			if err != nil {
				return err
			}
			defer func() {
				if cerr := f.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					os.Remove(args[0])
				}
			}()
			if err := bundle.Export(cmd.Context(), dbPath(), f, key); err != nil {
				return err
			}
			fmt.Fprintf(a.env.Stdout, "exported %s to %s (signed: %t)\n", dbPath(), args[0], key != nil)
			return nil
		},
	}
	export.Flags().StringVar(&signKey, "sign-key", "", "PEM ed25519 private key to sign the manifest with")

	imp := &cobra.Command{
		Use:   "import FILE",
		Short: "Verify a bundle and install its DB",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			keys, err := readPublicKeys(importTrust)
			if err != nil {
				return err
			}
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			p := dbPath()
			if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
				return err
			}
			m, err := bundle.Import(cmd.Context(), f, p, bundle.ImportOptions{TrustedKeys: keys, RequireSignature: importReq})
			if err != nil {
				return err
			}
			fmt.Fprintf(a.env.Stdout, "installed %s (built %s)\n", p, m.BuiltAt.Format(time.RFC3339))
			return nil
		},
	}
	imp.Flags().StringSliceVar(&importTrust, "trusted-key", nil, "PEM ed25519 public key that may sign bundles (repeatable)")
	imp.Flags().BoolVar(&importReq, "require-signature", false, "refuse unsigned bundles")

	keygen := &cobra.Command{
		Use:   "keygen PREFIX",
		Short: "Create an ed25519 key pair for signing bundles (PREFIX.key, PREFIX.pub)",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			pub, priv, err := ed25519.GenerateKey(rand.Reader)
			if err != nil {
				return err
			}
			privDER, err := x509.MarshalPKCS8PrivateKey(priv)
			if err != nil {
				return err
			}
			pubDER, err := x509.MarshalPKIXPublicKey(pub)
			if err != nil {
				return err
			}
			if err := writeNew(args[0]+".key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: privDER}), 0o600); err != nil {
				return err
			}
			if err := writeNew(args[0]+".pub", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), 0o644); err != nil {
				return err
			}
			fmt.Fprintf(a.env.Stdout, "wrote %s.key and %s.pub\n", args[0], args[0])
			return nil
		},
	}
	return []*cobra.Command{upd, export, imp, keygen}
}

// dbAge returns the age of the DB at p, if one opens.
func dbAge(cmd *cobra.Command, p string) (time.Duration, bool) {
	db, err := vulndb.Open(p)
	if err != nil {
		return 0, false
	}
	defer db.Close()
	info, err := db.Info(cmd.Context())
	if err != nil {
		return 0, false
	}
	return time.Since(info.BuiltAt), true
}

// writeNew writes a file that must not exist yet.
func writeNew(name string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func readPEM(name, typ string) ([]byte, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	b, _ := pem.Decode(data)
	if b == nil || b.Type != typ {
		return nil, fmt.Errorf("%s: not a PEM %q block", name, typ)
	}
	return b.Bytes, nil
}

func readPrivateKey(name string) (ed25519.PrivateKey, error) {
	der, err := readPEM(name, "PRIVATE KEY")
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	ek, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: not an ed25519 key", name)
	}
	return ek, nil
}

func readPublicKeys(names []string) ([]ed25519.PublicKey, error) {
	var keys []ed25519.PublicKey
	for _, name := range names {
		der, err := readPEM(name, "PUBLIC KEY")
		if err != nil {
			return nil, err
		}
		k, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		ek, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("%s: not an ed25519 key", name)
		}
		keys = append(keys, ek)
	}
	return keys, nil
}
