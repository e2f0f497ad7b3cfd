// Package e2e holds sshbox's interop tests: each one starts real programs
// (sshbox's applets and OpenSSH, Dropbear, PuTTY or paramiko as the peer)
// on loopback ports with throwaway accounts, and checks one scenario.
package e2e
