package model

// Misconfiguration is a failed configuration check on an image config, a
// Dockerfile or a Kubernetes object.
type Misconfiguration struct {
	// ID is the check's stable ID ("DD-K8S-001") or a user policy's ID.
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Severity Severity `json:"severity"`
	// Description says why it matters; Resolution how to fix it.
	Description string `json:"description,omitempty"`
	Resolution  string `json:"resolution,omitempty"`
	// Message is specific to this occurrence ("container web runs as root").
	Message string `json:"message"`
	// Target is the file or image the object came from; Object names the
	// object in it ("Deployment/shop/web", "image config"), Line its first
	// line when known.
	Target string `json:"target"`
	Object string `json:"object,omitempty"`
	Line   int    `json:"line,omitempty"`
	// Controls are the benchmark and regulation clauses the check maps to.
	Controls []Control `json:"controls,omitempty"`
	// Source is "builtin" or the policy file of a user policy.
	Source     string      `json:"source,omitempty"`
	Suppressed *Suppressed `json:"suppressed,omitempty"`
}

// Control is one clause of a benchmark or regulation.
type Control struct {
	// Framework: "CIS Docker Benchmark 1.6", "CIS Kubernetes Benchmark 1.9",
	// "PSS baseline", "PSS restricted", "GDPR", "CCPA", "HK PDPO".
	Framework string `json:"framework"`
	// ID is the clause: "4.1", "art. 32", "§1798.150", "DPP4".
	ID string `json:"id"`
}

// Secret is a credential found in a file.
type Secret struct {
	// RuleID names the rule that matched ("aws-access-key-id").
	RuleID   string   `json:"ruleId"`
	Category string   `json:"category"`
	Title    string   `json:"title"`
	Severity Severity `json:"severity"`
	// Match is the matched text with the secret redacted; it never holds
	// the secret itself.
	Match    string   `json:"match"`
	Line     int      `json:"line"`
	Location Location `json:"location"`
	// Deleted is true when a later layer removed the file: it is not in the
	// running container, but it still ships in the image.
	Deleted    bool        `json:"deleted,omitempty"`
	Suppressed *Suppressed `json:"suppressed,omitempty"`
}

// PersonalData reports a file that holds personal data.
type PersonalData struct {
	Location Location `json:"location"`
	Deleted  bool     `json:"deleted,omitempty"`
	// Kinds counts what was found, per kind.
	Kinds []PIIKind `json:"kinds"`
}

// PIIKind is one kind of personal data found in a file.
type PIIKind struct {
	// Kind: "hkid", "credit-card", "email", "phone", "iban".
	Kind  string `json:"kind"`
	Count int    `json:"count"`
	// Sample is one occurrence, redacted ("A12****(3)").
	Sample string `json:"sample"`
}
