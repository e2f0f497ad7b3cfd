// Package sshkeygen is the ssh-keygen applet: it parses the command line and calls into
// sshcore.
package sshkeygen

import (
	"fmt"
	"os"
)

// Main runs the ssh-keygen applet with args[0] the applet name; it returns the exit
// status.
func Main(args []string) int {
	fmt.Fprintln(os.Stderr, "ssh-keygen: not implemented yet")
	return 1
}
