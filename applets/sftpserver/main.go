// Package sftpserver is the sftp-server applet: it parses the command line and calls into
// sshcore.
package sftpserver

import (
	"fmt"
	"os"
)

// Main runs the sftp-server applet with args[0] the applet name; it returns the exit
// status.
func Main(args []string) int {
	fmt.Fprintln(os.Stderr, "sftp-server: not implemented yet")
	return 1
}
