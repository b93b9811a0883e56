// Command hello is a tiny program whose build info names modules with known
// vulnerabilities (golang.org/x/text v0.3.5: GO-2021-0113).
package main

import (
	"fmt"
	"os"

	"golang.org/x/crypto/ssh/terminal"
	"golang.org/x/text/language"

	"example.com/drydock/greet"
)

var version = "dev"

func main() {
	tag, _ := language.Parse("en-US")
	fmt.Println(greet.Hello(), tag, terminal.IsTerminal(int(os.Stdout.Fd())), version)
}
