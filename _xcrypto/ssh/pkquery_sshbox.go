// This file is not part of x/crypto: sshbox adds it to its copy when it
// builds (sshbox's _xcrypto/README.md).

package ssh

// SetPublicKeyQueryCallback sets what is called when the server has
// answered a client's query about a key (a publickey request without a
// signature: "would this key do?") with SSH_MSG_USERAUTH_PK_OK. x/crypto
// asks PublicKeyCallback once per key, whether the client queried first
// or sent its signature straight away, so only this tells them apart;
// sshd logs OpenSSH's "Postponed publickey" line with it.
func (c *ServerConfig) SetPublicKeyQueryCallback(f func(conn ConnMetadata, key PublicKey)) {
	c.publicKeyQueried = f
}

func (c *ServerConfig) keyQueried(conn ConnMetadata, key PublicKey) {
	if c.publicKeyQueried != nil {
		c.publicKeyQueried(conn, key)
	}
}

// SetOpenSSHMaxAuthTries applies MaxAuthTries as OpenSSH's sshd does: a
// refused key query (a publickey request without a signature, for a key
// the server does not accept) counts as a failed attempt, and the
// disconnect that ends the last one says "Too many authentication
// failures". x/crypto forgives the first MaxAuthTries refused queries, so
// that a client with many keys reaches its last one; that lets a client
// ask about twice as many keys as an administrator's MaxAuthTries says
// before it is disconnected.
func (c *ServerConfig) SetOpenSSHMaxAuthTries(on bool) {
	c.openSSHMaxAuthTries = on
}

// tooManyFailures is the text of the disconnect after MaxAuthTries.
func (c *ServerConfig) tooManyFailures() string {
	if c.openSSHMaxAuthTries {
		return "Too many authentication failures"
	}
	return "too many authentication failures"
}
