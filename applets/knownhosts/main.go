// Package knownhosts is the known-hosts applet: it parses the command line and calls into
// sshcore.
package knownhosts

import (
	"fmt"
	"os"
)

// Main runs the known-hosts applet with args[0] the applet name; it returns the exit
// status.
func Main(args []string) int {
	fmt.Fprintln(os.Stderr, "known-hosts: not implemented yet")
	return 1
}
