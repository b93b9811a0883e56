package checks

import "github.com/drydockhq/drydock/pkg/model"

// Check IDs. Each family numbers its checks from 001; an ID never changes
// meaning and is never reused.
const (
	IMGRoot        = "DD-IMG-001"
	IMGAdminPort   = "DD-IMG-002"
	IMGSecret      = "DD-IMG-003"
	IMGHealthcheck = "DD-IMG-004"
	IMGLatestBase  = "DD-IMG-005"
	IMGAddURL      = "DD-IMG-006"
	IMGPipeShell   = "DD-IMG-007"

	DFRoot             = "DD-DF-001"
	DFAdminPort        = "DD-DF-002"
	DFSecret           = "DD-DF-003"
	DFHealthcheck      = "DD-DF-004"
	DFAddURL           = "DD-DF-005"
	DFAddLocal         = "DD-DF-006"
	DFSudo             = "DD-DF-007"
	DFUpgrade          = "DD-DF-008"
	DFUpdateAlone      = "DD-DF-009"
	DFPipeShell        = "DD-DF-010"
	DFUnpinnedBase     = "DD-DF-011"
	DFCopyKey          = "DD-DF-012"
	DFInstallRecommend = "DD-DF-013"

	K8SPrivileged        = "DD-K8S-001"
	K8SPrivEscalation    = "DD-K8S-002"
	K8SRunAsNonRoot      = "DD-K8S-003"
	K8SRunAsRootUser     = "DD-K8S-004"
	K8SCapsBaseline      = "DD-K8S-005"
	K8SCapsRestricted    = "DD-K8S-006"
	K8SHostNamespaces    = "DD-K8S-007"
	K8SHostPath          = "DD-K8S-008"
	K8SHostPort          = "DD-K8S-009"
	K8SReadOnlyRootFS    = "DD-K8S-010"
	K8SResourceLimits    = "DD-K8S-011"
	K8SSeccompUnconfined = "DD-K8S-012"
	K8SSeccompMissing    = "DD-K8S-013"
	K8SAppArmor          = "DD-K8S-014"
	K8SDefaultSA         = "DD-K8S-015"
	K8SImageTag          = "DD-K8S-016"
	K8SImageDigest       = "DD-K8S-017"
	K8SNoNetworkPolicy   = "DD-K8S-018"
	K8SRBACWildcard      = "DD-K8S-019"
	K8SClusterAdmin      = "DD-K8S-020"
	K8SAnonymousBinding  = "DD-K8S-021"
	K8SConfigMapSecret   = "DD-K8S-022"
	K8SIngressNoTLS      = "DD-K8S-023"
	K8SCertExpired       = "DD-K8S-024"
	K8SCertExpiring      = "DD-K8S-025"
	K8SEnvSecret         = "DD-K8S-026"
	K8SSecretUnreadable  = "DD-K8S-027"
	K8SRBACSecretsAccess = "DD-K8S-028"
)

func cisD(id string) model.Control { return model.Control{Framework: CISDocker, ID: id} }
func cisK(id string) model.Control { return model.Control{Framework: CISKubernetes, ID: id} }
func pssB(name string) model.Control {
	return model.Control{Framework: PSSBaseline, ID: name}
}
func pssR(name string) model.Control {
	return model.Control{Framework: PSSRestricted, ID: name}
}

// personalData are the clauses of the privacy laws that require "appropriate
// technical measures" for personal data: GDPR art. 32 (security of
// processing), CCPA §1798.150 (liability for breaches caused by a failure to
// maintain reasonable security), Hong Kong PDPO data protection principle 4
// (security of personal data). Checks that protect data in transit or at rest
// (secrets, TLS, network isolation, RBAC) map to them.
var personalData = []model.Control{
	{Framework: GDPR, ID: "art. 32"},
	{Framework: CCPA, ID: "§1798.150"},
	{Framework: PDPO, ID: "DPP4"},
}

func with(cs ...any) []model.Control {
	var out []model.Control
	for _, c := range cs {
		switch c := c.(type) {
		case model.Control:
			out = append(out, c)
		case []model.Control:
			out = append(out, c...)
		}
	}
	return out
}

const (
	rootDesc = "A container whose process runs as root (UID 0) gives an attacker who exploits the application root " +
		"inside the container, and with it a much shorter path to the host through kernel or runtime flaws, " +
		"writable host mounts or added capabilities."
	adminPortDesc = "Remote administration services (SSH, Telnet, RDP, VNC, the Docker API, WinRM) inside a container " +
		"bypass the orchestrator's access control and audit trail, and are a favourite target of brute force attacks."
	secretDesc = "Environment variables, build arguments and labels are stored in clear text in the image config: " +
		"anyone who can pull the image (or run `docker inspect` on a container) can read them, and they stay in " +
		"every copy and cache of the image."
	healthDesc = "Without a HEALTHCHECK the engine cannot tell a hung process from a working one, so a broken " +
		"container keeps receiving traffic instead of being restarted."
	pipeShellDesc = "Piping a script fetched over the network straight into a shell runs whatever the server (or " +
		"anyone in the middle) returns, with no checksum or signature check, and the build cannot be reproduced."
)

// catalog is every built-in check, ordered by ID.
var catalog = []Check{
	// ---- image config ----
	{
		ID: IMGRoot, Family: FamilyImage, Severity: model.SeverityHigh,
		Title:       "Image runs as root",
		Description: rootDesc,
		Resolution:  "Create an unprivileged user in the image and set it with USER (for example `USER 10001`).",
		Controls:    with(cisD("4.1")),
	},
	{
		ID: IMGAdminPort, Family: FamilyImage, Severity: model.SeverityMedium,
		Title:       "Image exposes a remote administration port",
		Description: adminPortDesc,
		Resolution:  "Remove the service and its EXPOSE line; use `kubectl exec` or `docker exec` for debugging.",
	},
	{
		ID: IMGSecret, Family: FamilyImage, Severity: model.SeverityCritical,
		Title:       "Secret in image environment or labels",
		Description: secretDesc,
		Resolution: "Remove the value from the image and rotate it; inject secrets at run time (orchestrator " +
			"secrets mounted as files) and use `RUN --mount=type=secret` for build-time secrets.",
		Controls: with(cisD("4.10"), personalData),
	},
	{
		ID: IMGHealthcheck, Family: FamilyImage, Severity: model.SeverityLow,
		Title:       "Image has no HEALTHCHECK",
		Description: healthDesc,
		Resolution:  "Add a HEALTHCHECK instruction that probes the service (or rely on orchestrator probes and accept the finding).",
		Controls:    with(cisD("4.6")),
	},
	{
		ID: IMGLatestBase, Family: FamilyImage, Severity: model.SeverityMedium,
		Title: "Image built on an unpinned base image",
		Description: "The image records that it was built FROM a base image with the `latest` tag or no tag: the " +
			"same Dockerfile builds a different image from one day to the next, and the base cannot be audited.",
		Resolution: "Build FROM a fixed version tag, ideally pinned by digest (`FROM alpine:3.20@sha256:...`).",
	},
	{
		ID: IMGAddURL, Family: FamilyImage, Severity: model.SeverityMedium,
		Title: "Image layer was added from a remote URL",
		Description: "ADD with a URL downloads content at build time without verifying it; the layer depends on " +
			"what the server returned that day.",
		Resolution: "Download with curl or wget in a RUN step, verify a checksum or signature, then remove the tool.",
		Controls:   with(cisD("4.9")),
	},
	{
		ID: IMGPipeShell, Family: FamilyImage, Severity: model.SeverityHigh,
		Title:       "Image layer ran a downloaded script through a shell",
		Description: pipeShellDesc,
		Resolution:  "Download the script to a file, verify its checksum or signature, then run it.",
		Controls:    with(cisD("4.11")),
	},

	// ---- Dockerfile ----
	{
		ID: DFRoot, Family: FamilyDockerfile, Severity: model.SeverityHigh,
		Title:       "Final stage runs as root",
		Description: rootDesc + " The last USER of the final stage decides the user the image runs as.",
		Resolution:  "Add `USER <non-root user>` (a name or a non-zero UID) to the final stage, after the steps that need root.",
		Controls:    with(cisD("4.1")),
	},
	{
		ID: DFAdminPort, Family: FamilyDockerfile, Severity: model.SeverityMedium,
		Title:       "EXPOSE of a remote administration port",
		Description: adminPortDesc,
		Resolution:  "Remove the service and its EXPOSE line; use `kubectl exec` or `docker exec` for debugging.",
	},
	{
		ID: DFSecret, Family: FamilyDockerfile, Severity: model.SeverityCritical,
		Title:       "Secret in ENV, ARG or LABEL",
		Description: secretDesc + " ARG values are also recorded in the image history.",
		Resolution: "Remove the value and rotate it; use `RUN --mount=type=secret,id=...` at build time and " +
			"orchestrator secrets at run time.",
		Controls: with(cisD("4.10"), personalData),
	},
	{
		ID: DFHealthcheck, Family: FamilyDockerfile, Severity: model.SeverityLow,
		Title:       "No HEALTHCHECK in the final stage",
		Description: healthDesc,
		Resolution:  "Add a HEALTHCHECK instruction that probes the service (`HEALTHCHECK CMD curl -f http://localhost/ || exit 1`).",
		Controls:    with(cisD("4.6")),
	},
	{
		ID: DFAddURL, Family: FamilyDockerfile, Severity: model.SeverityMedium,
		Title: "ADD from a remote URL",
		Description: "ADD with a URL downloads content at build time without verifying it (unless --checksum is " +
			"given); the image depends on what the server returned that day.",
		Resolution: "Use `ADD --checksum=sha256:...`, or download with curl in a RUN step and verify the checksum.",
		Controls:   with(cisD("4.9")),
	},
	{
		ID: DFAddLocal, Family: FamilyDockerfile, Severity: model.SeverityLow,
		Title: "ADD used where COPY would do",
		Description: "ADD silently unpacks local tar archives and fetches URLs; for plain files COPY does the same " +
			"job without the surprises.",
		Resolution: "Replace ADD with COPY for local files and directories.",
		Controls:   with(cisD("4.9")),
	},
	{
		ID: DFSudo, Family: FamilyDockerfile, Severity: model.SeverityHigh,
		Title: "RUN uses sudo",
		Description: "sudo in a build step means the image ships sudo and a sudoers setup, which lets the " +
			"container's user become root again; builds do not need it because RUN already runs as the USER set.",
		Resolution: "Switch to root with `USER root` for the steps that need it, then back to the unprivileged user; remove sudo.",
	},
	{
		ID: DFUpgrade, Family: FamilyDockerfile, Severity: model.SeverityMedium,
		Title: "Package manager upgrade in a build step",
		Description: "`apt-get upgrade`, `dist-upgrade`, `yum update`, `dnf upgrade` or `apk upgrade` pull whatever " +
			"versions are current at build time, so two builds of the same Dockerfile differ, and the base image " +
			"maintainers' tested set is silently replaced.",
		Resolution: "Use an up-to-date base image tag instead, and pin the versions of the packages you install.",
	},
	{
		ID: DFUpdateAlone, Family: FamilyDockerfile, Severity: model.SeverityMedium,
		Title: "Package index update in its own RUN",
		Description: "A RUN that only updates the package index is cached as its own layer: later builds reuse the " +
			"stale index and install outdated packages (or fail).",
		Resolution: "Update and install in one RUN: `RUN apt-get update && apt-get install -y ... && rm -rf /var/lib/apt/lists/*`.",
		Controls:   with(cisD("4.7")),
	},
	{
		ID: DFPipeShell, Family: FamilyDockerfile, Severity: model.SeverityHigh,
		Title:       "Downloaded script piped to a shell",
		Description: pipeShellDesc,
		Resolution:  "Download the script to a file, verify its checksum or signature, then run it.",
		Controls:    with(cisD("4.11")),
	},
	{
		ID: DFUnpinnedBase, Family: FamilyDockerfile, Severity: model.SeverityMedium,
		Title: "Base image not pinned",
		Description: "FROM an image with the `latest` tag or no tag builds on whatever the registry serves that " +
			"day: builds are not reproducible and a compromised or broken tag flows straight into your image.",
		Resolution: "Use a fixed version tag, ideally with its digest (`FROM alpine:3.20@sha256:...`).",
	},
	{
		ID: DFCopyKey, Family: FamilyDockerfile, Severity: model.SeverityHigh,
		Title: "Private key or credentials file copied into the image",
		Description: "COPY or ADD of private keys (id_rsa, *.pem, *.key, *.p12), .env files or credential files " +
			"puts them in a layer for good: deleting them in a later step does not remove them from the image.",
		Resolution: "Exclude the file with .dockerignore and pass it at build time with `RUN --mount=type=secret` " +
			"or at run time as an orchestrator secret.",
		Controls: with(cisD("4.10"), personalData),
	},
	{
		ID: DFInstallRecommend, Family: FamilyDockerfile, Severity: model.SeverityLow,
		Title: "apt-get install without --no-install-recommends",
		Description: "Recommended packages are installed by default: they enlarge the image and its attack " +
			"surface with software nobody asked for.",
		Resolution: "Add `--no-install-recommends` to `apt-get install`.",
		Controls:   with(cisD("4.3")),
	},

	// ---- Kubernetes ----
	{
		ID: K8SPrivileged, Family: FamilyKubernetes, Severity: model.SeverityHigh,
		Title: "Privileged container",
		Description: "A privileged container has every capability, all host devices and no seccomp or AppArmor " +
			"confinement: a compromise of the container is a compromise of the node.",
		Resolution: "Remove `securityContext.privileged: true`; grant only the specific capabilities needed.",
		Controls:   with(pssB("Privileged Containers"), cisK("5.2.2")),
	},
	{
		ID: K8SPrivEscalation, Family: FamilyKubernetes, Severity: model.SeverityMedium,
		Title: "Privilege escalation allowed",
		Description: "Unless allowPrivilegeEscalation is false, a process can gain more privileges than its " +
			"parent (setuid binaries, file capabilities), e.g. become root inside the container.",
		Resolution: "Set `securityContext.allowPrivilegeEscalation: false` on every container.",
		Controls:   with(pssR("Privilege Escalation"), cisK("5.2.6")),
	},
	{
		ID: K8SRunAsNonRoot, Family: FamilyKubernetes, Severity: model.SeverityMedium,
		Title: "Container may run as root",
		Description: "Without runAsNonRoot: true the kubelet starts the container even when its image runs as " +
			"root. A non-zero runAsUser is not enough for the Pod Security Standard, which requires the kubelet " +
			"check.",
		Resolution: "Set `securityContext.runAsNonRoot: true` at pod level (or on every container), with a non-zero runAsUser.",
		Controls:   with(pssR("Running as Non-root"), cisK("5.2.7")),
	},
	{
		ID: K8SRunAsRootUser, Family: FamilyKubernetes, Severity: model.SeverityHigh,
		Title:       "Container runs as UID 0",
		Description: "runAsUser: 0 explicitly runs the container's process as root.",
		Resolution:  "Set runAsUser to a non-zero UID, or remove it and set runAsNonRoot: true.",
		Controls:    with(pssR("Running as Non-root user"), cisK("5.2.7")),
	},
	{
		ID: K8SCapsBaseline, Family: FamilyKubernetes, Severity: model.SeverityHigh,
		Title: "Capabilities added beyond the baseline set",
		Description: "The baseline Pod Security Standard allows adding only the capabilities Docker grants by " +
			"default (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, " +
			"SETGID, SETPCAP, SETUID, SYS_CHROOT); others, like SYS_ADMIN or NET_ADMIN, break container isolation.",
		Resolution: "Remove the extra capabilities from `securityContext.capabilities.add`.",
		Controls:   with(pssB("Capabilities"), cisK("5.2.9")),
	},
	{
		ID: K8SCapsRestricted, Family: FamilyKubernetes, Severity: model.SeverityLow,
		Title: "Capabilities not dropped",
		Description: "The restricted Pod Security Standard requires every container to drop ALL capabilities and " +
			"add back at most NET_BIND_SERVICE, so that a compromised process holds no kernel privileges.",
		Resolution: "Set `securityContext.capabilities.drop: [\"ALL\"]` and add back only NET_BIND_SERVICE if needed.",
		Controls:   with(pssR("Capabilities"), cisK("5.2.8"), cisK("5.2.10")),
	},
	{
		ID: K8SHostNamespaces, Family: FamilyKubernetes, Severity: model.SeverityHigh,
		Title: "Host namespaces shared",
		Description: "hostNetwork, hostPID and hostIPC give the pod the node's network stack, process table or " +
			"IPC: it can sniff node traffic, signal or inspect host processes and reach services bound to localhost.",
		Resolution: "Remove hostNetwork, hostPID and hostIPC (or set them to false).",
		Controls:   with(pssB("Host Namespaces"), cisK("5.2.3"), cisK("5.2.4"), cisK("5.2.5")),
	},
	{
		ID: K8SHostPath, Family: FamilyKubernetes, Severity: model.SeverityMedium,
		Title: "hostPath volume",
		Description: "A hostPath volume mounts a node directory into the pod; with write access (or a path like " +
			"/, /etc, /var/run/docker.sock) it is a direct route to node compromise.",
		Resolution: "Use emptyDir, configMap, secret, projected or persistent volumes instead of hostPath.",
		Controls:   with(pssB("HostPath Volumes"), cisK("5.2.12")),
	},
	{
		ID: K8SHostPort, Family: FamilyKubernetes, Severity: model.SeverityMedium,
		Title: "hostPort used",
		Description: "A hostPort binds the container to a port on the node's own addresses, bypassing Services " +
			"and network policies that only see pod traffic.",
		Resolution: "Remove hostPort and expose the pod through a Service.",
		Controls:   with(pssB("Host Ports"), cisK("5.2.13")),
	},
	{
		ID: K8SReadOnlyRootFS, Family: FamilyKubernetes, Severity: model.SeverityLow,
		Title: "Root filesystem is writable",
		Description: "A writable root filesystem lets an attacker drop tools, modify binaries or persist changes " +
			"inside the container.",
		Resolution: "Set `securityContext.readOnlyRootFilesystem: true` and mount emptyDir volumes where the application writes.",
		Controls:   with(cisK("5.7.3")),
	},
	{
		ID: K8SResourceLimits, Family: FamilyKubernetes, Severity: model.SeverityLow,
		Title: "CPU or memory limit missing",
		Description: "A container without limits can use all of a node's CPU or memory, starving the other pods " +
			"(a denial of service, accidental or not).",
		Resolution: "Set `resources.limits.cpu` and `resources.limits.memory` (or a LimitRange in the namespace).",
	},
	{
		ID: K8SSeccompUnconfined, Family: FamilyKubernetes, Severity: model.SeverityMedium,
		Title: "Seccomp profile set to Unconfined",
		Description: "An Unconfined seccomp profile lets the container make every system call, including the rarely " +
			"used ones that most kernel exploits rely on.",
		Resolution: "Set `securityContext.seccompProfile.type: RuntimeDefault` (or Localhost with a reviewed profile).",
		Controls:   with(pssB("Seccomp"), cisK("5.7.2")),
	},
	{
		ID: K8SSeccompMissing, Family: FamilyKubernetes, Severity: model.SeverityLow,
		Title: "Seccomp profile not set",
		Description: "The restricted Pod Security Standard requires an explicit RuntimeDefault or Localhost seccomp " +
			"profile: without one, many runtimes run the container unconfined.",
		Resolution: "Set `spec.securityContext.seccompProfile.type: RuntimeDefault` at pod level.",
		Controls:   with(pssR("Seccomp"), cisK("5.7.2")),
	},
	{
		ID: K8SAppArmor, Family: FamilyKubernetes, Severity: model.SeverityMedium,
		Title: "AppArmor disabled",
		Description: "An unconfined AppArmor profile (securityContext.appArmorProfile.type: Unconfined or the " +
			"container.apparmor.security.beta.kubernetes.io annotation set to unconfined) removes the runtime's " +
			"default mandatory access control.",
		Resolution: "Remove the override or use `RuntimeDefault` / a `Localhost` profile.",
		Controls:   with(pssB("AppArmor")),
	},
	{
		ID: K8SDefaultSA, Family: FamilyKubernetes, Severity: model.SeverityMedium,
		Title: "Default service account token mounted",
		Description: "The pod uses the namespace's default service account and its API token is mounted: every " +
			"pod in the namespace shares one identity, so rights granted to it for one workload leak to all, and " +
			"a compromised pod can call the API server.",
		Resolution: "Create a dedicated ServiceAccount per workload, and set `automountServiceAccountToken: false` " +
			"where the pod does not call the API.",
		Controls: with(cisK("5.1.5"), cisK("5.1.6"), personalData),
	},
	{
		ID: K8SImageTag, Family: FamilyKubernetes, Severity: model.SeverityMedium,
		Title: "Image uses the latest tag or no tag",
		Description: "`latest` (or no tag) can point to a different image on every pull: nodes may run different " +
			"code, rollbacks do not roll back, and what runs cannot be audited.",
		Resolution: "Use a fixed version tag, ideally with its digest.",
	},
	{
		ID: K8SImageDigest, Family: FamilyKubernetes, Severity: model.SeverityLow,
		Title: "Image not pinned by digest",
		Description: "Tags are mutable: whoever can push to the repository can change what a tag runs. A digest " +
			"pins the exact image that was reviewed and scanned.",
		Resolution: "Reference images as `name:tag@sha256:...`.",
	},
	{
		ID: K8SNoNetworkPolicy, Family: FamilyKubernetes, Severity: model.SeverityMedium,
		Title: "Namespace without NetworkPolicy",
		Description: "Workloads in a namespace with no NetworkPolicy accept traffic from every pod in the cluster " +
			"and can reach every other pod: one compromised pod can reach every database.",
		Resolution: "Add a default-deny NetworkPolicy to the namespace and allow only the flows the application needs.",
		Controls:   with(cisK("5.3.2"), personalData),
	},
	{
		ID: K8SRBACWildcard, Family: FamilyKubernetes, Severity: model.SeverityHigh,
		Title: "Wildcard in RBAC rule",
		Description: "`*` in verbs, resources or apiGroups grants every present and future permission of that kind, " +
			"including reading Secrets and escalating privileges.",
		Resolution: "List the verbs, resources and API groups the subject needs explicitly.",
		Controls:   with(cisK("5.1.3"), personalData),
	},
	{
		ID: K8SClusterAdmin, Family: FamilyKubernetes, Severity: model.SeverityCritical,
		Title: "cluster-admin bound to a service account or broad group",
		Description: "Binding cluster-admin to a service account hands full control of the cluster to every pod " +
			"that runs as it; binding it to system:authenticated, system:unauthenticated or system:serviceaccounts " +
			"hands it to everyone in that group.",
		Resolution: "Bind a role with only the permissions the subject needs; reserve cluster-admin for break-glass human access.",
		Controls:   with(cisK("5.1.1"), personalData),
	},
	{
		ID: K8SAnonymousBinding, Family: FamilyKubernetes, Severity: model.SeverityHigh,
		Title: "Role bound to anonymous or unauthenticated users",
		Description: "A binding to system:anonymous or system:unauthenticated grants its permissions to anyone who " +
			"can reach the API server, without credentials.",
		Resolution: "Remove the subject from the binding.",
		Controls:   with(cisK("5.1.1"), personalData),
	},
	{
		ID: K8SConfigMapSecret, Family: FamilyKubernetes, Severity: model.SeverityHigh,
		Title: "Secret stored in a ConfigMap",
		Description: "ConfigMaps are not meant for secrets: they are readable by many roles, shown in plain text " +
			"by kubectl and never encrypted at rest.",
		Resolution: "Move the value to a Secret (or an external secret store) and rotate it.",
		Controls:   with(personalData),
	},
	{
		ID: K8SIngressNoTLS, Family: FamilyKubernetes, Severity: model.SeverityMedium,
		Title: "Ingress without TLS",
		Description: "An Ingress without a tls section serves its hosts over plain HTTP: credentials and personal " +
			"data cross the network readable and modifiable.",
		Resolution: "Add `spec.tls` with a certificate Secret for every host (cert-manager can issue them).",
		Controls:   with(personalData),
	},
	{
		ID: K8SCertExpired, Family: FamilyKubernetes, Severity: model.SeverityHigh,
		Title: "TLS certificate expired",
		Description: "Clients reject an expired certificate, or worse, users learn to click through the warning; " +
			"either way the encrypted channel is broken.",
		Resolution: "Renew the certificate and update the Secret; automate renewal (cert-manager).",
		Controls:   with(personalData),
	},
	{
		ID: K8SCertExpiring, Family: FamilyKubernetes, Severity: model.SeverityMedium,
		Title:       "TLS certificate expires within 30 days",
		Description: "The certificate in this Secret expires soon; when it does, clients will reject the service.",
		Resolution:  "Renew the certificate and update the Secret; automate renewal (cert-manager).",
		Controls:    with(personalData),
	},
	{
		ID: K8SEnvSecret, Family: FamilyKubernetes, Severity: model.SeverityHigh,
		Title: "Secret as a literal environment value",
		Description: "A secret written as `env[].value` lives in the manifest, in the API object and in every " +
			"copy of them (Git, CI logs, `kubectl get -o yaml`).",
		Resolution: "Use `valueFrom.secretKeyRef` (better: mount the Secret as a file) and rotate the value.",
		Controls:   with(cisK("5.4.1"), personalData),
	},
	{
		ID: K8SSecretUnreadable, Family: FamilyKubernetes, Severity: model.SeverityLow,
		Title: "TLS Secret certificate cannot be read",
		Description: "The Secret has type kubernetes.io/tls but its tls.crt is not base64-encoded PEM " +
			"certificate data, so the ingress controller will reject it and its expiry cannot be checked.",
		Resolution: "Store the PEM certificate chain, base64-encoded, under data.tls.crt (or as text under stringData).",
		Controls:   with(personalData),
	},
	{
		ID: K8SRBACSecretsAccess, Family: FamilyKubernetes, Severity: model.SeverityMedium,
		Title: "Role can read Secrets",
		Description: "get, list or watch on secrets lets the subject read every credential in the namespace (or " +
			"the cluster, for a ClusterRole), including service account tokens of more privileged workloads.",
		Resolution: "Restrict the rule with resourceNames to the Secrets needed, or mount those Secrets instead.",
		Controls:   with(cisK("5.1.2"), personalData),
	},
}
