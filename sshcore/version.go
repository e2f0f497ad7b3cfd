// Package sshcore is the shared SSH engine of sshbox: client and server sit in
// its subpackages (algo, keys, knownhosts, client, server) on top of
// golang.org/x/crypto/ssh. This file holds what every part names: the version.
package sshcore

import "runtime"

// Version is sshbox's release version.
const Version = "0.1.0"

// ProtocolVersion is the identification string sent in the version exchange.
const ProtocolVersion = "SSH-2.0-sshbox_" + Version

// VersionLine is what every applet prints for -V (OpenSSH prints its own
// version line on stderr the same way).
func VersionLine() string {
	return "sshbox_" + Version + ", " + runtime.Version()
}
