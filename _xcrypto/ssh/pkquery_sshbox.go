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
