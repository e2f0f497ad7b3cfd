// Package configfmt reads sshbox's configuration files: first the record
// layer (STREAM_LF, STREAM_CR, STREAM, VAR, VFC, detected from the bytes),
// then a dialect (OpenSSH's ssh_config/sshd_config, or the ssh2 dialect of
// OpenVMS installations), producing the typed ClientOptions and
// ServerOptions. Every config, authorized_keys and known_hosts file sshbox
// reads goes through ReadFile.
package configfmt

import (
	"errors"
	"io"
)

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

// DefaultServerOptions returns OpenSSH's server defaults.
func DefaultServerOptions() *ServerOptions { return &ServerOptions{} }

// ServerConfig is a parsed sshd configuration, Match blocks kept, ready to be
// evaluated per connection.
type ServerConfig struct {
	Path string
}

// LoadServer parses the sshd configuration at path with the -o overrides
// applied first.
func LoadServer(path string, overrides []string) (*ServerConfig, error) { return nil, errNotReady }

// For returns the effective options for one connection, Match blocks
// applied. A zero MatchConn gives the global options.
func (c *ServerConfig) For(m MatchConn) (*ServerOptions, error) { return nil, errNotReady }

// WriteT prints the options as `sshd -T` does.
func (o *ServerOptions) WriteT(w io.Writer) error { return errNotReady }
