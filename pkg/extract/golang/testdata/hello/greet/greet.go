// Package greet is a local module, replaced by a directory.
package greet

// Hello returns a greeting.
func Hello() string { return "hello" }
