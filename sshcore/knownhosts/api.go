// Package knownhosts reads, matches and writes known_hosts files in
// OpenSSH's format (hashed |1| names, [host]:port, patterns and negation,
// @revoked, @cert-authority), through configfmt's record reader, and converts
// the ssh2 host key directory (key_<port>_<host>.pub in RFC 4716).
package knownhosts

import (
	"errors"

	"golang.org/x/crypto/ssh"
)

// This file is the package's contract with the client and the applets; the
// bodies are placeholders until the implementation lands.

var errNotReady = errors.New("knownhosts: not implemented yet")

// Status is the outcome of looking a host key up.
type Status int

const (
	Unknown Status = iota // no entry for this host (and key type)
	Known                 // an entry matches host and key
	Changed               // the host is listed with a different key of the same type
	Revoked               // the key is marked @revoked
)

// Entry locates one line of a known_hosts file.
type Entry struct {
	File string
	Line int
	Key  ssh.PublicKey
}

// Result is what Check found. For Changed, Entry is the old key's line.
type Result struct {
	Status Status
	Entry  *Entry
}

// DB is the set of known_hosts files consulted for one connection.
type DB struct {
	// Warnings lists lines that could not be parsed (file:line: reason);
	// they are skipped as OpenSSH skips them.
	Warnings []string
}

// Open reads the given files; missing ones count as empty.
func Open(files ...string) (*DB, error) { return nil, errNotReady }

// Check looks up host (a name or an address) on port (22 matches plain
// entries; others match [host]:port) with the key the server presented.
func (db *DB) Check(host string, port int, key ssh.PublicKey) Result { return Result{} }

// IsHostAuthority reports whether auth is a @cert-authority key for host.
func (db *DB) IsHostAuthority(auth ssh.PublicKey, host string, port int) bool { return false }

// HostPattern returns the known_hosts name for host and port: "host" for 22,
// "[host]:port" otherwise.
func HostPattern(host string, port int) string { return "" }

// Append adds a line for host:port with key to file, hashing the name when
// hash is set; it creates the file 0600 (and its directory 0700) and writes
// atomically.
func Append(file, host string, port int, key ssh.PublicKey, hash bool) error { return errNotReady }
