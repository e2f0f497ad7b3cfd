// Package configfmt reads sshbox's configuration files: first the record
// layer (STREAM_LF, STREAM_CR, STREAM, VAR, VFC, detected from the bytes),
// then a dialect (OpenSSH's ssh_config/sshd_config, or the ssh2 dialect of
// OpenVMS installations), producing the typed ClientOptions and
// ServerOptions. Every config, authorized_keys and known_hosts file sshbox
// reads goes through ReadFile.
package configfmt

// This file is the package's contract with the rest of sshbox; the code
// lives in files named by concern:
//
//	records.go    ReadFile, Decode, Encode: the record layer
//	openssh.go    the OpenSSH dialect's lines, quoting and Include
//	loadclient.go DefaultClientOptions, LoadClient, LoadClientCommand,
//	              (*ClientOptions).WriteG
//	client.go     the ssh_config keyword table
//	loadserver.go DefaultServerOptions, LoadServer, (*ServerConfig).For,
//	              (*ServerOptions).WriteT
//	server.go     the sshd_config keyword table
//	ssh2.go       the ssh2 dialect and its keyword mapping
//	patterns.go   OpenSSH's pattern lists and CIDR matching
//	tokens.go     % tokens and ~
//
// Warnings: keywords OpenSSH knows but sshbox does not act on are
// accepted; one line per keyword ("FILE:LINE: X is accepted but not acted
// on by sshbox") lands in ClientOptions.Warnings or ServerConfig.Warnings
// for the applet to show (ssh -v, sshd's log). Errors are one line naming
// FILE:LINE or the byte offset.

// Format is a record format.
type Format int

const (
	StreamLF Format = iota // data LF (Unix)
	StreamCR               // data CR
	Stream                 // data CR LF
	VAR                    // 2-byte LE count, data, pad to even
	VFC                    // VAR with a fixed control area before the data
)
