// Command lite links only golang.org/x/text of the hello module's
// requirements: the tests cross-compile it for Windows and macOS, where the
// standard library is rarely in the build cache already.
package main

import (
	"fmt"

	"golang.org/x/text/language"
)

func main() {
	fmt.Println(language.MustParse("de-CH"))
}
