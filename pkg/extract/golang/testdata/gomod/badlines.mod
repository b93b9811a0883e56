module example.com/bad

go 1.22

require (
	golang.org/x/text v0.3.5
	golang.org/x/net 1.0
)

frobnicate all

require golang.org/x/crypto v0.1.0 // indirect
