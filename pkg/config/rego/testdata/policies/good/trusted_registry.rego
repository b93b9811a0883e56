package user.dockerfile.trusted_registry

__rego_metadata__ := {
	"id": "ACME-DF-001",
	"title": "Base images come from the internal registry",
	"severity": "CRITICAL",
	"description": "Only registry.acme.example images are scanned and signed.",
	"recommended_actions": "Use registry.acme.example/<image>.",
}

__rego_input__ := {"selector": [{"type": "dockerfile"}]}

deny[msg] {
	stage := input.stages[_]
	not startswith(stage.base, "registry.acme.example/")
	stage.base != "scratch"
	msg := sprintf("stage %d is built FROM %s (line %d)", [stage.index, stage.base, stage.line])
}
