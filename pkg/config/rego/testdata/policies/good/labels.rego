package user.image.labels

import rego.v1

# No metadata at all: ID and title are the package path, severity MEDIUM.
deny contains "image has no org.opencontainers.image.source label" if {
	input.kind == "ImageConfig"
	not input.config.config.Labels["org.opencontainers.image.source"]
}
