package client

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"golang.org/x/crypto/ssh"
)

// A packet whose MAC or AEAD tag does not verify ends the connection. x/crypto
// says "ssh: MAC failure" for the MAC ciphers (CTR, CBC, either MAC mode)
// and for chacha20-poly1305, and crypto/cipher's "cipher: message
// authentication failed" for AES-GCM. OpenSSH says "Corrupted MAC on
// input." only when a MAC check failed (not when an AEAD cipher refused
// the packet), then ends with the dispatcher's fatal line; both are shown
// the same way here.

// macFailure is a connection that ended on such a packet.
type macFailure struct {
	err    error
	aead   bool   // the cipher authenticates itself
	remote string // "IP port N"
}

func (m *macFailure) Error() string { return m.err.Error() }
func (m *macFailure) Unwrap() error { return m.err }

// message is OpenSSH's text for it.
func (m *macFailure) message() string {
	line := fmt.Sprintf(msgMACFatal, m.remote)
	if m.aead {
		return line
	}
	return msgCorruptedMAC + "\n" + line
}

func isMACFailure(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "ssh: MAC failure") || strings.Contains(s, "message authentication failed")
}

// asMACFailure returns err as a *macFailure when it is one; cipher is the
// server->client cipher.
func asMACFailure(err error, cipher string, remote interface{ RemoteAddr() net.Addr }, host string, port int) error {
	if !isMACFailure(err) {
		return err
	}
	return &macFailure{err: err, aead: aead(cipher), remote: remoteID(remote, host, port)}
}

// connMACFailure is asMACFailure for an established connection.
func (c *Client) connMACFailure(conn *ssh.Client, err error) error {
	cipher := ""
	if am, ok := conn.Conn.(ssh.AlgorithmsConnMetadata); ok {
		cipher = am.Algorithms().Read.Cipher
	}
	return asMACFailure(err, cipher, conn, c.Opts.HostName, c.Opts.Port)
}

// reportMACFailure prints the message when err is a MAC failure.
func (c *Client) reportMACFailure(err error) bool {
	var m *macFailure
	if !errors.As(err, &m) {
		return false
	}
	c.Log.Error("%s", m.message())
	return true
}
