# METADATA
# title: Images must use a release tag
# description: Production images are pinned to a release tag or digest.
# custom:
#   id: ACME-K8S-001
#   severity: HIGH
#   resolution: Set image to name:version.
#   controls:
#   - framework: ACME baseline
#     id: IMG-1
#   input:
#     selector:
#     - type: kubernetes
package acme.k8s.no_latest

containers contains c if {
	some c in input.spec.template.spec.containers
}

containers contains c if {
	some c in input.spec.containers
}

deny contains result if {
	some c in containers
	endswith(c.image, ":latest")
	result := {"msg": sprintf("container %s uses %s", [c.name, c.image]), "line": input._drydock.line + 1}
}
