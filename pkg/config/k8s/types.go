package k8s

// The structs below mirror the k8s.io/api fields the checks read, with the
// same YAML names, and nothing else. Pointers distinguish "unset" from the
// zero value where the API does (securityContext precedence).

// PodSpec is the part of core/v1 PodSpec the checks read.
type PodSpec struct {
	HostNetwork                  bool                `yaml:"hostNetwork"`
	HostPID                      bool                `yaml:"hostPID"`
	HostIPC                      bool                `yaml:"hostIPC"`
	SecurityContext              *PodSecurityContext `yaml:"securityContext"`
	ServiceAccountName           string              `yaml:"serviceAccountName"`
	DeprecatedServiceAccount     string              `yaml:"serviceAccount"`
	AutomountServiceAccountToken *bool               `yaml:"automountServiceAccountToken"`
	Volumes                      []Volume            `yaml:"volumes"`
	Containers                   []Container         `yaml:"containers"`
	InitContainers               []Container         `yaml:"initContainers"`
	EphemeralContainers          []Container         `yaml:"ephemeralContainers"`
}

// PodSecurityContext is the part of core/v1 PodSecurityContext the checks read.
type PodSecurityContext struct {
	RunAsNonRoot    *bool    `yaml:"runAsNonRoot"`
	RunAsUser       *int64   `yaml:"runAsUser"`
	SeccompProfile  *Profile `yaml:"seccompProfile"`
	AppArmorProfile *Profile `yaml:"appArmorProfile"`
}

// Profile is a seccomp or AppArmor profile reference.
type Profile struct {
	Type             string `yaml:"type"`
	LocalhostProfile string `yaml:"localhostProfile"`
}

// Container is the part of core/v1 Container the checks read.
type Container struct {
	Name            string           `yaml:"name"`
	Image           string           `yaml:"image"`
	Ports           []ContainerPort  `yaml:"ports"`
	Env             []EnvVar         `yaml:"env"`
	Resources       Resources        `yaml:"resources"`
	SecurityContext *SecurityContext `yaml:"securityContext"`
}

// ContainerPort is core/v1 ContainerPort.
type ContainerPort struct {
	Name          string `yaml:"name"`
	ContainerPort int64  `yaml:"containerPort"`
	HostPort      int64  `yaml:"hostPort"`
	Protocol      string `yaml:"protocol"`
}

// EnvVar is core/v1 EnvVar; ValueFrom is only tested for presence.
type EnvVar struct {
	Name      string `yaml:"name"`
	Value     string `yaml:"value"`
	ValueFrom any    `yaml:"valueFrom"`
}

// Resources is core/v1 ResourceRequirements; quantities are kept as written.
type Resources struct {
	Limits   map[string]any `yaml:"limits"`
	Requests map[string]any `yaml:"requests"`
}

// SecurityContext is the part of core/v1 SecurityContext the checks read.
type SecurityContext struct {
	Privileged               *bool         `yaml:"privileged"`
	AllowPrivilegeEscalation *bool         `yaml:"allowPrivilegeEscalation"`
	RunAsNonRoot             *bool         `yaml:"runAsNonRoot"`
	RunAsUser                *int64        `yaml:"runAsUser"`
	ReadOnlyRootFilesystem   *bool         `yaml:"readOnlyRootFilesystem"`
	Capabilities             *Capabilities `yaml:"capabilities"`
	SeccompProfile           *Profile      `yaml:"seccompProfile"`
	AppArmorProfile          *Profile      `yaml:"appArmorProfile"`
}

// Capabilities is core/v1 Capabilities.
type Capabilities struct {
	Add  []string `yaml:"add"`
	Drop []string `yaml:"drop"`
}

// Volume is the part of core/v1 Volume the checks read.
type Volume struct {
	Name     string           `yaml:"name"`
	HostPath *HostPathVolume  `yaml:"hostPath"`
	Secret   *SecretReference `yaml:"secret"`
}

// HostPathVolume is core/v1 HostPathVolumeSource.
type HostPathVolume struct {
	Path string `yaml:"path"`
	Type string `yaml:"type"`
}

// SecretReference is the secretName of a secret volume.
type SecretReference struct {
	SecretName string `yaml:"secretName"`
}

// PolicyRule is rbac/v1 PolicyRule.
type PolicyRule struct {
	APIGroups     []string `yaml:"apiGroups"`
	Resources     []string `yaml:"resources"`
	Verbs         []string `yaml:"verbs"`
	ResourceNames []string `yaml:"resourceNames"`
}

// Subject is rbac/v1 Subject.
type Subject struct {
	Kind      string `yaml:"kind"`
	Name      string `yaml:"name"`
	Namespace string `yaml:"namespace"`
}

// RoleRef is rbac/v1 RoleRef.
type RoleRef struct {
	APIGroup string `yaml:"apiGroup"`
	Kind     string `yaml:"kind"`
	Name     string `yaml:"name"`
}

// Binding is rbac/v1 RoleBinding or ClusterRoleBinding.
type Binding struct {
	Subjects []Subject `yaml:"subjects"`
	RoleRef  RoleRef   `yaml:"roleRef"`
}

// IngressSpec is the part of networking/v1 IngressSpec the checks read.
type IngressSpec struct {
	TLS   []IngressTLS  `yaml:"tls"`
	Rules []IngressRule `yaml:"rules"`
}

// IngressTLS is networking/v1 IngressTLS.
type IngressTLS struct {
	Hosts      []string `yaml:"hosts"`
	SecretName string   `yaml:"secretName"`
}

// IngressRule is the host of a networking/v1 IngressRule.
type IngressRule struct {
	Host string `yaml:"host"`
}
