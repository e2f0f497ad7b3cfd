// Package configfmt reads sshbox's configuration files: first the record
// layer (STREAM_LF, STREAM_CR, STREAM, VAR, VFC, detected from the bytes),
// then a dialect (OpenSSH's ssh_config/sshd_config, or the ssh2 dialect of
// OpenVMS installations), producing the typed ClientOptions and
// ServerOptions. Every config, authorized_keys and known_hosts file sshbox
// reads goes through ReadFile.
package configfmt

import "errors"

// This file is the package's contract with the rest of sshbox. The bodies
// below are placeholders until the record reader and dialects land; callers
// code against the signatures.

var errNotReady = errors.New("configfmt: not implemented yet")

// Format is a record format.
type Format int

const (
	StreamLF Format = iota // data LF (Unix)
	StreamCR               // data CR
	Stream                 // data CR LF
	VAR                    // 2-byte LE count, data, pad to even
	VFC                    // VAR with a fixed control area before the data
)

// ReadFile, Decode and Encode (records.go) are the record layer.

// DefaultClientOptions, LoadClient and ClientOptions.WriteG are in
// loadclient.go.

// DefaultServerOptions, LoadServer, ServerConfig.For and
// ServerOptions.WriteT are in loadserver.go.
