// This file is not part of x/crypto: sshbox adds it to its copy when it
// builds (sshbox's _xcrypto/README.md).

package ssh

// RequestKeyChange starts a key re-exchange now, as OpenSSH's ~R escape and
// the time part of RekeyLimit do; x/crypto otherwise starts one only after
// so much data. It returns at once: the exchange runs as one the data
// volume started would, and the HostKeyCallback (client) or the host key's
// signature (server) marks it. It reports false when the connection has no
// key exchange of its own to renew.
func (c *connection) RequestKeyChange() bool {
	t, ok := c.transport.(*handshakeTransport)
	if ok {
		t.requestKeyExchange()
	}
	return ok
}
