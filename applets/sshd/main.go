// Package sshd is the sshd applet: it parses the command line and calls into
// sshcore.
package sshd

import (
	"fmt"
	"os"
)

// Main runs the sshd applet with args[0] the applet name; it returns the exit
// status.
func Main(args []string) int {
	fmt.Fprintln(os.Stderr, "sshd: not implemented yet")
	return 1
}
