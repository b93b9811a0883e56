// A go.mod with the directives of recent Go releases.
module example.com/modern/v2

go 1.24.0

toolchain go1.24.4

godebug (
	default=go1.21
	panicnil=1
)

require (
	github.com/google/go-cmp v0.7.0
	golang.org/x/net v0.38.0
)

require (
	golang.org/x/text v0.23.0 // indirect
	golang.org/x/tools v0.31.0 // indirect
)

tool golang.org/x/tools/cmd/stringer

ignore ./node_modules

replace golang.org/x/net v0.38.0 => ../net-fork

retract v2.0.1 // published by mistake
