package dockerfile

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/drydockhq/drydock/pkg/config/checks"
	"github.com/drydockhq/drydock/pkg/model"
)

// Check runs the DD-DF checks on a parsed Dockerfile. target names the file
// in findings. Checks about what the image runs as (USER, EXPOSE,
// HEALTHCHECK) look at the final stage and the stages it is built FROM;
// checks about how the build runs look at every stage.
func Check(df *Dockerfile, target string) []model.Misconfiguration {
	if df == nil || len(df.Stages) == 0 {
		return nil
	}
	c := &checker{df: df, target: target}
	for _, in := range df.MetaArgs {
		c.secrets(in, "global ARG")
	}
	for i := range df.Stages {
		c.stage(&df.Stages[i])
	}
	c.final()
	return c.out
}

type checker struct {
	df     *Dockerfile
	target string
	out    []model.Misconfiguration
}

func (c *checker) add(id, object string, line int, format string, args ...any) {
	c.out = append(c.out, checks.Finding(id, c.target, object, line, fmt.Sprintf(format, args...)))
}

// object names a stage in findings.
func object(st *Stage) string {
	if st.Name != "" {
		return fmt.Sprintf("stage %s (FROM %s)", st.Name, st.Base)
	}
	return fmt.Sprintf("stage %d (FROM %s)", st.Index, st.Base)
}

// parent returns the earlier stage st is built FROM, or nil for an image.
func (c *checker) parent(st *Stage) *Stage {
	base := strings.ToLower(st.Base)
	for i := st.Index - 1; i >= 0; i-- {
		if c.df.Stages[i].Name != "" && c.df.Stages[i].Name == base {
			return &c.df.Stages[i]
		}
	}
	return nil
}

// isStageRef reports whether ref names a stage before index.
func (c *checker) isStageRef(ref string, index int) bool {
	ref = strings.ToLower(ref)
	for i := 0; i < index && i < len(c.df.Stages); i++ {
		if c.df.Stages[i].Name == ref {
			return true
		}
	}
	return false
}

func (c *checker) stage(st *Stage) {
	obj := object(st)
	c.base(st, obj)
	for _, in := range st.Instructions {
		switch in.Cmd {
		case "ENV", "ARG", "LABEL":
			c.secrets(in, obj)
		case "RUN":
			c.run(in, obj)
		case "ADD":
			c.checkAdd(in, obj)
			c.copyKeys(in, obj)
		case "COPY":
			c.copyKeys(in, obj)
		}
	}
}

func (c *checker) base(st *Stage, obj string) {
	b, known := expand(st.Base, c.df.metaArgs())
	if !known || b == "" || strings.EqualFold(b, "scratch") || c.isStageRef(b, st.Index) {
		return // a base set at build time (--build-arg) cannot be judged here
	}
	shown := st.Base
	if b != st.Base {
		shown += " (" + b + " with the ARG defaults)"
	}
	if why := checks.ParseImageRef(b).Unpinned(); why != "" {
		c.add(checks.DFUnpinnedBase, obj, st.From.Line, "FROM %s: %s and no digest", shown, why)
	}
}

func (c *checker) secrets(in Instruction, obj string) {
	for _, kv := range in.Pairs() {
		if kv.HasValue && checks.SecretName(kv.Key) && checks.LiteralSecretValue(kv.Value) {
			c.add(checks.DFSecret, obj, in.Line, "%s %s has a literal value (%d characters, redacted)", in.Cmd, kv.Key, len(kv.Value))
		}
	}
}

func (c *checker) run(in Instruction, obj string) {
	script := in.Script()
	cmds := checks.Commands(script)
	sudo, update, install := false, "", false
	for _, w := range cmds {
		if w[0] == "sudo" {
			sudo = true
			w = w[1:]
			for len(w) > 0 && strings.HasPrefix(w[0], "-") {
				w = w[1:]
			}
			if len(w) == 0 {
				continue
			}
		}
		mgr, sub, pkgs := pkgCommand(w)
		switch {
		case mgr == "":
		case isUpgrade(mgr, sub, pkgs):
			c.add(checks.DFUpgrade, obj, in.Line, "RUN %s %s upgrades every installed package", mgr, sub)
		case sub == "update" && (mgr == "apt-get" || mgr == "apt" || mgr == "apk"):
			update = mgr + " " + sub
		case sub == "install" || sub == "add":
			install = true
			if mgr == "apt-get" && !slices.Contains(w, "--no-install-recommends") && !hasOptionNoRecommends(w) {
				c.add(checks.DFInstallRecommend, obj, in.Line, "apt-get install without --no-install-recommends")
			}
		}
	}
	if sudo {
		c.add(checks.DFSudo, obj, in.Line, "RUN uses sudo")
	}
	if update != "" && !install {
		c.add(checks.DFUpdateAlone, obj, in.Line, "RUN runs %s without installing anything in the same step", update)
	}
	if checks.PipeToShell(script) {
		c.add(checks.DFPipeShell, obj, in.Line, "RUN pipes a downloaded script to a shell")
	}
}

// hasOptionNoRecommends accepts the apt option spelling
// -o APT::Install-Recommends=false.
func hasOptionNoRecommends(w []string) bool {
	for _, x := range w {
		if strings.EqualFold(x, "APT::Install-Recommends=false") || strings.EqualFold(x, "APT::Install-Recommends=0") ||
			strings.EqualFold(x, "-oAPT::Install-Recommends=false") {
			return true
		}
	}
	return false
}

// pkgCommand recognises a package manager invocation: its name, subcommand
// and the package arguments (words after the subcommand that are not options).
func pkgCommand(w []string) (mgr, sub string, pkgs []string) {
	if len(w) == 0 {
		return "", "", nil
	}
	name := path.Base(w[0])
	switch name {
	case "apt-get", "apt", "apk", "yum", "dnf", "microdnf", "zypper":
	default:
		return "", "", nil
	}
	i := 1
	for i < len(w) && strings.HasPrefix(w[i], "-") {
		// Options with a separate value.
		if (w[i] == "-o" || w[i] == "-c" || w[i] == "-t") && i+1 < len(w) {
			i++
		}
		i++
	}
	if i >= len(w) {
		return name, "", nil
	}
	sub = w[i]
	for _, x := range w[i+1:] {
		if !strings.HasPrefix(x, "-") && !strings.HasPrefix(x, ">") && x != "&" {
			pkgs = append(pkgs, x)
		}
	}
	return name, sub, pkgs
}

func isUpgrade(mgr, sub string, pkgs []string) bool {
	switch mgr {
	case "apt-get", "apt":
		return sub == "upgrade" || sub == "dist-upgrade" || sub == "full-upgrade"
	case "apk":
		return sub == "upgrade" && len(pkgs) == 0
	case "yum", "dnf", "microdnf":
		return (sub == "update" || sub == "upgrade" || sub == "distro-sync") && len(pkgs) == 0
	case "zypper":
		return sub == "up" || sub == "update" || sub == "dup" || sub == "dist-upgrade"
	}
	return false
}

// archiveExt are the local sources ADD unpacks, where ADD is the right tool.
var archiveExt = []string{".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tar.xz", ".txz", ".tar.zst"}

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// sources returns the source arguments of COPY or ADD (all but the last).
func sources(in Instruction) []string {
	if len(in.Heredocs) > 0 || len(in.Args) < 2 {
		return nil
	}
	return in.Args[:len(in.Args)-1]
}

func (c *checker) checkAdd(in Instruction, obj string) {
	_, checksum := in.Flag("checksum")
	for _, src := range sources(in) {
		switch {
		case isURL(src):
			if !checksum {
				c.add(checks.DFAddURL, obj, in.Line, "ADD %s downloads without a checksum", src)
			}
		case strings.HasPrefix(src, "git@") || strings.HasSuffix(src, ".git"):
			// a Git source: ADD is the only instruction for it
		default:
			low := strings.ToLower(src)
			archive := false
			for _, ext := range archiveExt {
				if strings.HasSuffix(low, ext) {
					archive = true
				}
			}
			if !archive && !strings.Contains(src, "$") {
				c.add(checks.DFAddLocal, obj, in.Line, "ADD %s: use COPY for local files", src)
			}
		}
	}
}

// keyFiles are base names of private keys and credential files.
var keyFiles = map[string]bool{
	"id_rsa": true, "id_dsa": true, "id_ecdsa": true, "id_ed25519": true,
	".env": true, ".npmrc": true, ".pypirc": true, ".netrc": true, ".git-credentials": true,
	"credentials": true, "credentials.json": true, ".dockercfg": true, "kubeconfig": true,
	"service-account.json": true, "htpasswd": true, ".htpasswd": true,
}

// keyExt are extensions of private keys and key stores.
var keyExt = []string{".key", ".p12", ".pfx", ".jks", ".keystore", ".ppk"}

// KeyFile reports whether a COPY/ADD source names a private key or a
// credentials file. *.pem counts unless the name says it is a certificate
// (cert, chain, bundle, ca); .env.example and the like do not count.
func KeyFile(src string) bool {
	base := strings.ToLower(path.Base(strings.TrimSuffix(src, "/")))
	if keyFiles[base] {
		return true
	}
	if rest, ok := strings.CutPrefix(base, ".env."); ok {
		switch rest {
		case "example", "sample", "template", "dist", "defaults":
			return false
		}
		return true
	}
	for _, ext := range keyExt {
		if strings.HasSuffix(base, ext) {
			return true
		}
	}
	if strings.HasSuffix(base, ".pem") {
		for _, w := range []string{"cert", "chain", "bundle", "ca.", "ca-", "pub"} {
			if strings.Contains(base, w) {
				return false
			}
		}
		return true
	}
	return false
}

func (c *checker) copyKeys(in Instruction, obj string) {
	for _, src := range sources(in) {
		if !isURL(src) && KeyFile(src) {
			c.add(checks.DFCopyKey, obj, in.Line, "%s %s puts a key or credentials file in the image", in.Cmd, src)
		}
	}
}

// final checks the user, ports and healthcheck of the image the Dockerfile
// builds: the last stage, with what it inherits from earlier stages.
func (c *checker) final() {
	last := &c.df.Stages[len(c.df.Stages)-1]
	obj := object(last)
	chain := []*Stage{last}
	for p := c.parent(last); p != nil && len(chain) <= len(c.df.Stages); p = c.parent(p) {
		chain = append([]*Stage{p}, chain...)
	}
	var user, health *Instruction
	for _, st := range chain {
		for i := range st.Instructions {
			in := &st.Instructions[i]
			switch in.Cmd {
			case "USER":
				user = in
			case "HEALTHCHECK":
				health = in
			case "EXPOSE":
				for _, p := range in.Args {
					if port, svc, ok := checks.AdminPort(p); ok {
						c.add(checks.DFAdminPort, obj, in.Line, "EXPOSE %s: port %d (%s)", p, port, svc)
					}
				}
			}
		}
	}
	switch {
	case user == nil:
		c.add(checks.DFRoot, obj, last.From.Line, "the final stage sets no USER, so it runs as root unless %s sets a user", chain[0].Base)
	case len(user.Args) == 0 || checks.IsRootUser(user.Args[0]):
		name := ""
		if len(user.Args) > 0 {
			name = user.Args[0]
		}
		c.add(checks.DFRoot, obj, user.Line, "the last USER of the final stage is %q (root)", name)
	}
	switch {
	case health == nil:
		c.add(checks.DFHealthcheck, obj, last.From.Line, "the final stage has no HEALTHCHECK")
	case strings.EqualFold(strings.TrimSpace(health.Raw), "NONE"):
		c.add(checks.DFHealthcheck, obj, health.Line, "HEALTHCHECK NONE disables the healthcheck")
	}
}
