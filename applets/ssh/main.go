// Package ssh is the ssh applet: it parses the command line and calls into
// sshcore.
package ssh

import (
	"fmt"
	"os"
)

// Main runs the ssh applet with args[0] the applet name; it returns the exit
// status.
func Main(args []string) int {
	fmt.Fprintln(os.Stderr, "ssh: not implemented yet")
	return 1
}
