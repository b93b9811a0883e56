package k8s

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/drydockhq/drydock/pkg/config/checks"
	"github.com/drydockhq/drydock/pkg/model"
)

// ExpiryWindow is how far ahead a TLS certificate's expiry is reported.
const ExpiryWindow = 30 * 24 * time.Hour

// Options configure the checks.
type Options struct {
	// Now is the time certificates are checked against; zero means
	// time.Now().
	Now time.Time
}

// Warning is a problem with one object that did not stop the checks.
type Warning struct {
	File    string
	Line    int
	Message string
}

// workloadKinds maps each workload kind to the path of its pod spec and of
// the pod template's metadata.
var workloadKinds = map[string]struct{ spec, meta []string }{
	"Pod":                   {[]string{"spec"}, []string{"metadata"}},
	"PodTemplate":           {[]string{"template", "spec"}, []string{"template", "metadata"}},
	"Deployment":            {[]string{"spec", "template", "spec"}, []string{"spec", "template", "metadata"}},
	"StatefulSet":           {[]string{"spec", "template", "spec"}, []string{"spec", "template", "metadata"}},
	"DaemonSet":             {[]string{"spec", "template", "spec"}, []string{"spec", "template", "metadata"}},
	"ReplicaSet":            {[]string{"spec", "template", "spec"}, []string{"spec", "template", "metadata"}},
	"ReplicationController": {[]string{"spec", "template", "spec"}, []string{"spec", "template", "metadata"}},
	"Job":                   {[]string{"spec", "template", "spec"}, []string{"spec", "template", "metadata"}},
	"CronJob":               {[]string{"spec", "jobTemplate", "spec", "template", "spec"}, []string{"spec", "jobTemplate", "spec", "template", "metadata"}},
}

// IsWorkload reports whether kind runs pods.
func IsWorkload(kind string) bool { _, ok := workloadKinds[kind]; return ok }

// otherKinds are kinds drydock knows and has nothing (more) to check in;
// objects of kinds in neither list are reported as not checked.
var otherKinds = map[string]bool{
	"Namespace": true, "Service": true, "ServiceAccount": true, "ConfigMap": true, "Secret": true,
	"Ingress": true, "IngressClass": true, "NetworkPolicy": true, "Role": true, "ClusterRole": true,
	"RoleBinding": true, "ClusterRoleBinding": true, "PersistentVolume": true, "PersistentVolumeClaim": true,
	"PodDisruptionBudget": true, "HorizontalPodAutoscaler": true, "StorageClass": true, "LimitRange": true,
	"ResourceQuota": true, "PriorityClass": true, "Endpoints": true, "EndpointSlice": true,
	"ValidatingWebhookConfiguration": true, "MutatingWebhookConfiguration": true,
	"ValidatingAdmissionPolicy": true, "ValidatingAdmissionPolicyBinding": true,
	"CustomResourceDefinition": true, "APIService": true, "Lease": true, "RuntimeClass": true,
	"CSIDriver": true, "VolumeSnapshot": true, "VolumeSnapshotClass": true, "List": true,
}

// Known reports whether drydock knows the kind (checked or not).
func Known(kind string) bool { return IsWorkload(kind) || otherKinds[kind] }

// Check runs the DD-K8S checks on a set of objects, usually every object of
// a directory: the NetworkPolicy and service account checks look across
// objects. Findings are ordered by file, line and check ID.
func Check(ctx context.Context, objs []*Object, opts Options) ([]model.Misconfiguration, []Warning) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	c := &checker{opts: opts, defaultSANoToken: map[string]bool{}, netpol: map[string]bool{}}
	for _, o := range objs {
		switch o.Kind {
		case "NetworkPolicy":
			c.netpol[o.Namespace] = true
		case "ServiceAccount":
			if o.Name == "default" && scalar(lookup(o.Node, "automountServiceAccountToken")) == "false" {
				c.defaultSANoToken[o.Namespace] = true
			}
		}
	}
	for i, o := range objs {
		if i%64 == 0 && ctx.Err() != nil {
			break
		}
		switch {
		case IsWorkload(o.Kind):
			c.workload(o)
		case o.Kind == "Role" || o.Kind == "ClusterRole":
			c.role(o)
		case o.Kind == "RoleBinding" || o.Kind == "ClusterRoleBinding":
			c.binding(o)
		case o.Kind == "ConfigMap":
			c.configMap(o)
		case o.Kind == "Ingress":
			c.ingress(o)
		case o.Kind == "Secret":
			c.secret(o)
		}
	}
	c.networkPolicies()
	sort.SliceStable(c.out, func(i, j int) bool {
		a, b := c.out[i], c.out[j]
		if a.Target != b.Target {
			return a.Target < b.Target
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.ID < b.ID
	})
	return c.out, c.warnings
}

type checker struct {
	opts             Options
	out              []model.Misconfiguration
	warnings         []Warning
	netpol           map[string]bool // namespaces with a NetworkPolicy
	defaultSANoToken map[string]bool // namespaces whose default SA disables automount
	workloads        []*Object
}

func (c *checker) add(id string, o *Object, line int, format string, args ...any) {
	if line == 0 {
		line = o.Line
	}
	c.out = append(c.out, checks.Finding(id, o.File, o.ID(), line, fmt.Sprintf(format, args...)))
}

func (c *checker) warn(o *Object, line int, format string, args ...any) {
	c.warnings = append(c.warnings, Warning{File: o.File, Line: line, Message: o.ID() + ": " + fmt.Sprintf(format, args...)})
}

// maxWarnings is the most type errors reported for one object.
const maxWarnings = 5

// decode decodes n into v; type errors in some fields are warnings (the
// other fields are still set), other errors (such as excessive aliasing)
// stop the object's checks.
func (c *checker) decode(o *Object, n *yaml.Node, v any) bool {
	err := n.Decode(v)
	if err == nil {
		return true
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		for i, e := range te.Errors {
			if i == maxWarnings {
				c.warn(o, n.Line, "%d more type errors", len(te.Errors)-i)
				break
			}
			c.warn(o, n.Line, "%s", e)
		}
		return true
	}
	c.warn(o, n.Line, "cannot decode: %v", err)
	return false
}

// pod is one pod spec being checked.
type pod struct {
	o        *Object
	node     *yaml.Node // the pod spec
	spec     PodSpec
	annots   map[string]string
	specPath []string
}

func (c *checker) workload(o *Object) {
	paths := workloadKinds[o.Kind]
	n := lookup(o.Node, paths.spec...)
	if n == nil || n.Kind != yaml.MappingNode {
		c.warn(o, o.Line, "no pod spec at %s", strings.Join(paths.spec, "."))
		return
	}
	p := &pod{o: o, node: n, specPath: paths.spec}
	if !c.decode(o, n, &p.spec) {
		return
	}
	if a := lookup(o.Node, append(slices.Clone(paths.meta), "annotations")...); a != nil {
		_ = a.Decode(&p.annots) // annotations are only read for AppArmor; bad ones are ignored
	}
	c.workloads = append(c.workloads, o)
	c.podLevel(p)
	for _, list := range []struct {
		key string
		cs  []Container
	}{{"initContainers", p.spec.InitContainers}, {"containers", p.spec.Containers}, {"ephemeralContainers", p.spec.EphemeralContainers}} {
		for i := range list.cs {
			c.container(p, list.key, i, &list.cs[i])
		}
	}
	c.podAggregates(p)
}

func boolv(b *bool) (set, v bool) {
	if b == nil {
		return false, false
	}
	return true, *b
}

func (c *checker) podLevel(p *pod) {
	s, o := p.spec, p.o
	var host []string
	line := 0
	for _, h := range []struct {
		on  bool
		key string
	}{{s.HostNetwork, "hostNetwork"}, {s.HostPID, "hostPID"}, {s.HostIPC, "hostIPC"}} {
		if h.on {
			host = append(host, h.key)
			if line == 0 {
				line = lineOf(p.node, h.key)
			}
		}
	}
	if len(host) > 0 {
		c.add(checks.K8SHostNamespaces, o, line, "pod shares the host's namespaces: %s", strings.Join(host, ", "))
	}
	for i, v := range s.Volumes {
		if v.HostPath != nil {
			c.add(checks.K8SHostPath, o, lineOf(p.node, "volumes", i, "hostPath"), "volume %s mounts host path %s", v.Name, v.HostPath.Path)
		}
	}
	if sc := s.SecurityContext; sc != nil {
		if sc.SeccompProfile != nil && strings.EqualFold(sc.SeccompProfile.Type, "Unconfined") {
			c.add(checks.K8SSeccompUnconfined, o, lineOf(p.node, "securityContext", "seccompProfile", "type"), "pod seccomp profile is Unconfined")
		}
		if sc.AppArmorProfile != nil && strings.EqualFold(sc.AppArmorProfile.Type, "Unconfined") {
			c.add(checks.K8SAppArmor, o, lineOf(p.node, "securityContext", "appArmorProfile", "type"), "pod AppArmor profile is Unconfined")
		}
	}
	sa := s.ServiceAccountName
	if sa == "" {
		sa = s.DeprecatedServiceAccount
	}
	if sa == "" || sa == "default" {
		set, v := boolv(s.AutomountServiceAccountToken)
		if (!set && !c.defaultSANoToken[o.Namespace]) || (set && v) {
			c.add(checks.K8SDefaultSA, o, lineOf(p.node, "serviceAccountName"),
				"pod runs as the default service account with its API token mounted (automountServiceAccountToken is not false)")
		}
	}
}

// baselineCaps are the capabilities the baseline Pod Security Standard
// allows adding.
var baselineCaps = []string{"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}

func capName(s string) string {
	return strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "CAP_")
}

func (c *checker) container(p *pod, key string, i int, ct *Container) {
	o := p.o
	at := func(path ...any) int { return lineOf(p.node, append([]any{key, i}, path...)...) }
	name := fmt.Sprintf("container %s", ct.Name)
	if key == "initContainers" {
		name = "init container " + ct.Name
	} else if key == "ephemeralContainers" {
		name = "ephemeral container " + ct.Name
	}
	sc := ct.SecurityContext
	if sc == nil {
		sc = &SecurityContext{}
	}
	var psc PodSecurityContext
	if p.spec.SecurityContext != nil {
		psc = *p.spec.SecurityContext
	}

	if set, v := boolv(sc.Privileged); set && v {
		c.add(checks.K8SPrivileged, o, at("securityContext", "privileged"), "%s is privileged", name)
	}
	if set, v := boolv(sc.AllowPrivilegeEscalation); !set || v {
		if set {
			c.add(checks.K8SPrivEscalation, o, at("securityContext", "allowPrivilegeEscalation"), "%s sets allowPrivilegeEscalation: true", name)
		} else {
			c.add(checks.K8SPrivEscalation, o, at("securityContext"), "%s does not set allowPrivilegeEscalation: false", name)
		}
	}
	uid := psc.RunAsUser
	uidLine := lineOf(p.node, "securityContext", "runAsUser")
	if sc.RunAsUser != nil {
		uid, uidLine = sc.RunAsUser, at("securityContext", "runAsUser")
	}
	if uid != nil && *uid == 0 {
		c.add(checks.K8SRunAsRootUser, o, uidLine, "%s runs as UID 0 (runAsUser: 0)", name)
	}

	var caps Capabilities
	if sc.Capabilities != nil {
		caps = *sc.Capabilities
	}
	var beyond, notNetBind []string
	for _, a := range caps.Add {
		n := capName(a)
		if !slices.Contains(baselineCaps, n) {
			beyond = append(beyond, n)
		}
		if n != "NET_BIND_SERVICE" {
			notNetBind = append(notNetBind, n)
		}
	}
	if len(beyond) > 0 {
		c.add(checks.K8SCapsBaseline, o, at("securityContext", "capabilities", "add"), "%s adds capabilities %s", name, strings.Join(beyond, ", "))
	}
	dropsAll := slices.ContainsFunc(caps.Drop, func(s string) bool { return capName(s) == "ALL" })
	switch {
	case !dropsAll:
		c.add(checks.K8SCapsRestricted, o, at("securityContext", "capabilities"), "%s does not drop ALL capabilities", name)
	case len(notNetBind) > 0:
		c.add(checks.K8SCapsRestricted, o, at("securityContext", "capabilities", "add"), "%s adds back %s (only NET_BIND_SERVICE is allowed)", name, strings.Join(notNetBind, ", "))
	}

	for j, port := range ct.Ports {
		if port.HostPort != 0 {
			c.add(checks.K8SHostPort, o, at("ports", j, "hostPort"), "%s binds host port %d", name, port.HostPort)
		}
	}
	if set, v := boolv(sc.ReadOnlyRootFilesystem); !set || !v {
		c.add(checks.K8SReadOnlyRootFS, o, at("securityContext"), "%s does not set readOnlyRootFilesystem: true", name)
	}
	if key != "ephemeralContainers" {
		var missing []string
		for _, r := range []string{"cpu", "memory"} {
			if _, ok := ct.Resources.Limits[r]; !ok {
				missing = append(missing, r)
			}
		}
		if len(missing) > 0 {
			c.add(checks.K8SResourceLimits, o, at("resources"), "%s has no %s limit", name, strings.Join(missing, " or "))
		}
	}
	if sc.SeccompProfile != nil && strings.EqualFold(sc.SeccompProfile.Type, "Unconfined") {
		c.add(checks.K8SSeccompUnconfined, o, at("securityContext", "seccompProfile", "type"), "%s seccomp profile is Unconfined", name)
	}
	if sc.AppArmorProfile != nil && strings.EqualFold(sc.AppArmorProfile.Type, "Unconfined") {
		c.add(checks.K8SAppArmor, o, at("securityContext", "appArmorProfile", "type"), "%s AppArmor profile is Unconfined", name)
	} else if v := p.annots["container.apparmor.security.beta.kubernetes.io/"+ct.Name]; strings.EqualFold(v, "unconfined") {
		c.add(checks.K8SAppArmor, o, lineOf(o.Node, append(anyPath(workloadKinds[o.Kind].meta), "annotations")...),
			"%s AppArmor annotation is unconfined", name)
	}

	ref := checks.ParseImageRef(ct.Image)
	if why := ref.Unpinned(); why != "" && ct.Image != "" {
		c.add(checks.K8SImageTag, o, at("image"), "%s image %s has %s", name, ct.Image, why)
	} else if ref.Digest == "" && ct.Image != "" {
		c.add(checks.K8SImageDigest, o, at("image"), "%s image %s is not pinned by digest", name, ct.Image)
	}

	for j, e := range ct.Env {
		if e.ValueFrom == nil && checks.SecretName(e.Name) && checks.LiteralSecretValue(e.Value) {
			c.add(checks.K8SEnvSecret, o, at("env", j, "value"), "%s: env %s has a literal value (%d characters, redacted)", name, e.Name, len(e.Value))
		}
	}
}

func anyPath(p []string) []any {
	out := make([]any, len(p))
	for i, s := range p {
		out[i] = s
	}
	return out
}

// podAggregates checks the rules that pod-level settings can satisfy for all
// containers at once, reporting one finding per pod.
func (c *checker) podAggregates(p *pod) {
	var psc PodSecurityContext
	if p.spec.SecurityContext != nil {
		psc = *p.spec.SecurityContext
	}
	var nonRoot, seccomp []string
	all := slices.Concat(p.spec.InitContainers, p.spec.Containers, p.spec.EphemeralContainers)
	for _, ct := range all {
		sc := ct.SecurityContext
		if sc == nil {
			sc = &SecurityContext{}
		}
		v := psc.RunAsNonRoot
		if sc.RunAsNonRoot != nil {
			v = sc.RunAsNonRoot
		}
		if v == nil || !*v {
			nonRoot = append(nonRoot, ct.Name)
		}
		prof := psc.SeccompProfile
		if sc.SeccompProfile != nil {
			prof = sc.SeccompProfile
		}
		if prof == nil || prof.Type == "" {
			seccomp = append(seccomp, ct.Name)
		}
	}
	if len(nonRoot) > 0 {
		line := lineOf(p.node, "securityContext", "runAsNonRoot")
		extra := ""
		if psc.RunAsUser != nil && *psc.RunAsUser != 0 {
			extra = fmt.Sprintf(" (runAsUser %d is set, but the kubelet only refuses root images with runAsNonRoot)", *psc.RunAsUser)
		}
		c.add(checks.K8SRunAsNonRoot, p.o, line, "runAsNonRoot is not true for %s%s", plural("container", nonRoot), extra)
	}
	if len(seccomp) > 0 {
		c.add(checks.K8SSeccompMissing, p.o, lineOf(p.node, "securityContext"), "no seccomp profile (RuntimeDefault or Localhost) for %s", plural("container", seccomp))
	}
}

func plural(noun string, names []string) string {
	if len(names) == 1 {
		return noun + " " + names[0]
	}
	return noun + "s " + strings.Join(names, ", ")
}

// networkPolicies reports namespaces that run workloads but have no
// NetworkPolicy among the objects checked.
func (c *checker) networkPolicies() {
	byNS := map[string][]*Object{}
	var order []string
	for _, w := range c.workloads {
		if _, ok := byNS[w.Namespace]; !ok {
			order = append(order, w.Namespace)
		}
		byNS[w.Namespace] = append(byNS[w.Namespace], w)
	}
	for _, ns := range order {
		if c.netpol[ns] {
			continue
		}
		ws := byNS[ns]
		first := ws[0]
		name := "namespace " + ns
		if ns == "" {
			name = "the target namespace (no metadata.namespace)"
		}
		obj := "Namespace/" + ns
		if ns == "" {
			obj = "Namespace/(unspecified)"
		}
		c.out = append(c.out, checks.Finding(checks.K8SNoNetworkPolicy, first.File, obj, first.Line,
			fmt.Sprintf("%s runs %d workload(s) (first: %s) but no NetworkPolicy applies to it", name, len(ws), first.ID())))
	}
}

func (c *checker) role(o *Object) {
	rules := lookup(o.Node, "rules")
	if rules == nil {
		return
	}
	var rs []PolicyRule
	if !c.decode(o, rules, &rs) {
		return
	}
	for i, r := range rs {
		line := lineOf(o.Node, "rules", i)
		var wild []string
		if slices.Contains(r.Verbs, "*") {
			wild = append(wild, "verbs")
		}
		if slices.Contains(r.Resources, "*") {
			wild = append(wild, "resources")
		}
		if slices.Contains(r.APIGroups, "*") {
			wild = append(wild, "apiGroups")
		}
		if len(wild) > 0 {
			c.add(checks.K8SRBACWildcard, o, line, "rule %d has * in %s", i+1, strings.Join(wild, ", "))
		}
		coreGroup := slices.Contains(r.APIGroups, "") || slices.Contains(r.APIGroups, "*")
		readsSecrets := slices.ContainsFunc(r.Verbs, func(v string) bool { return v == "get" || v == "list" || v == "watch" || v == "*" })
		if coreGroup && slices.Contains(r.Resources, "secrets") && readsSecrets && len(r.ResourceNames) == 0 {
			c.add(checks.K8SRBACSecretsAccess, o, line, "rule %d allows %s on secrets", i+1, strings.Join(r.Verbs, ", "))
		}
	}
}

// broadGroups are groups that cluster-admin must never be bound to.
var broadGroups = []string{"system:authenticated", "system:unauthenticated", "system:serviceaccounts"}

func (c *checker) binding(o *Object) {
	var b Binding
	if !c.decode(o, o.Node, &b) {
		return
	}
	for i, s := range b.Subjects {
		line := lineOf(o.Node, "subjects", i)
		if b.RoleRef.Name == "cluster-admin" && b.RoleRef.Kind == "ClusterRole" {
			switch {
			case s.Kind == "ServiceAccount":
				c.add(checks.K8SClusterAdmin, o, line, "cluster-admin is bound to service account %s/%s", s.Namespace, s.Name)
			case s.Kind == "Group" && (slices.Contains(broadGroups, s.Name) || strings.HasPrefix(s.Name, "system:serviceaccounts:")):
				c.add(checks.K8SClusterAdmin, o, line, "cluster-admin is bound to group %s", s.Name)
			}
		}
		if (s.Kind == "User" && s.Name == "system:anonymous") || (s.Kind == "Group" && s.Name == "system:unauthenticated") {
			c.add(checks.K8SAnonymousBinding, o, line, "%s %s is bound to %s %s", b.RoleRef.Kind, b.RoleRef.Name, strings.ToLower(s.Kind), s.Name)
		}
	}
}

// MaxConfigValue is the longest ConfigMap value searched for embedded
// secrets (ConfigMaps are capped at 1 MiB by the API server).
const MaxConfigValue = 1 << 20

func (c *checker) configMap(o *Object) {
	data := lookup(o.Node, "data")
	if data == nil || data.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(data.Content); i += 2 {
		k, v := data.Content[i], resolve(data.Content[i+1])
		if v == nil || v.Kind != yaml.ScalarNode {
			continue
		}
		if checks.SecretName(k.Value) && checks.LiteralSecretValue(v.Value) && !strings.Contains(v.Value, "\n") {
			c.add(checks.K8SConfigMapSecret, o, k.Line, "key %s has a literal value (%d characters, redacted)", k.Value, len(v.Value))
			continue
		}
		if len(v.Value) > MaxConfigValue {
			continue
		}
		if strings.Contains(v.Value, "PRIVATE KEY-----") {
			c.add(checks.K8SConfigMapSecret, o, k.Line, "key %s holds a PEM private key", k.Value)
			continue
		}
		if inner := embeddedSecret(v.Value); inner != "" {
			c.add(checks.K8SConfigMapSecret, o, k.Line, "key %s sets %s to a literal value (redacted)", k.Value, inner)
		}
	}
}

// embeddedSecret looks for "name: value", "name = value" or "name=value"
// lines in a config file held in a ConfigMap value, and returns the first
// secret-looking name with a literal value.
func embeddedSecret(s string) string {
	for line := range strings.Lines(s) {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == ';' || strings.HasPrefix(line, "//") {
			continue
		}
		i := strings.IndexAny(line, ":=")
		if i <= 0 {
			continue
		}
		name := strings.Trim(strings.TrimSpace(line[:i]), `"'`)
		val := strings.Trim(strings.TrimSpace(line[i+1:]), `"',`)
		if strings.ContainsAny(name, " \t") || strings.HasPrefix(val, "{{") {
			continue
		}
		if checks.SecretName(name) && checks.LiteralSecretValue(val) {
			return name
		}
	}
	return ""
}

func (c *checker) ingress(o *Object) {
	spec := lookup(o.Node, "spec")
	if spec == nil {
		return
	}
	var is IngressSpec
	if !c.decode(o, spec, &is) {
		return
	}
	if len(is.TLS) == 0 {
		var hosts []string
		for _, r := range is.Rules {
			if r.Host != "" {
				hosts = append(hosts, r.Host)
			}
		}
		what := "all hosts"
		if len(hosts) > 0 {
			what = strings.Join(hosts, ", ")
		}
		c.add(checks.K8SIngressNoTLS, o, lineOf(o.Node, "spec"), "ingress has no tls section: %s served over plain HTTP", what)
	}
}

func (c *checker) secret(o *Object) {
	if scalar(lookup(o.Node, "type")) != "kubernetes.io/tls" {
		return
	}
	var pemData []byte
	line := 0
	if n := lookup(o.Node, "data", "tls.crt"); n != nil && scalar(n) != "" {
		line = lineOf(o.Node, "data", "tls.crt")
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(n.Value), ""))
		if err != nil {
			c.add(checks.K8SSecretUnreadable, o, line, "data.tls.crt is not valid base64")
			return
		}
		pemData = b
	} else if n := lookup(o.Node, "stringData", "tls.crt"); n != nil && scalar(n) != "" {
		line = lineOf(o.Node, "stringData", "tls.crt")
		pemData = []byte(n.Value)
	} else {
		return // empty placeholder, filled in by cert-manager or an operator
	}
	var leaf *x509.Certificate
	for rest := pemData; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			c.add(checks.K8SSecretUnreadable, o, line, "tls.crt holds a certificate that cannot be parsed: %v", err)
			return
		}
		leaf = cert
		break
	}
	if leaf == nil {
		c.add(checks.K8SSecretUnreadable, o, line, "tls.crt holds no PEM certificate")
		return
	}
	now := c.opts.Now
	subject := leaf.Subject.CommonName
	if subject == "" && len(leaf.DNSNames) > 0 {
		subject = leaf.DNSNames[0]
	}
	switch {
	case now.After(leaf.NotAfter):
		c.add(checks.K8SCertExpired, o, line, "certificate %q expired on %s (%d days ago)", subject,
			leaf.NotAfter.UTC().Format(time.DateOnly), int(now.Sub(leaf.NotAfter).Hours()/24))
	case leaf.NotAfter.Sub(now) < ExpiryWindow:
		c.add(checks.K8SCertExpiring, o, line, "certificate %q expires on %s (in %d days)", subject,
			leaf.NotAfter.UTC().Format(time.DateOnly), int(leaf.NotAfter.Sub(now).Hours()/24))
	}
}
