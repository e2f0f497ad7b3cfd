// This file is not part of x/crypto: sshbox adds it to its copy when it
// builds (sshbox's _xcrypto/README.md).

package ssh

import "fmt"

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

// SetOpenSSHAuthentication runs user authentication as OpenSSH's sshd
// does where x/crypto differs:
//
//   - A refused key query (a publickey request without a signature, for a
//     key the server does not accept) counts against MaxAuthTries as any
//     failed attempt does, and the disconnect that ends the last one says
//     "Too many authentication failures". x/crypto forgives the first
//     MaxAuthTries refused queries, so that a client with many keys reaches
//     its last one; that lets a client ask about twice as many keys as an
//     administrator's MaxAuthTries says before it is disconnected.
//   - A client that asks for the ssh-userauth service again between
//     attempts is answered, as OpenSSH answers it: paramiko asks before
//     every attempt, and a program that retries on one connection (a
//     password after a refused one) was disconnected by x/crypto.
//   - A client that changes the user name between attempts is
//     disconnected, with OpenSSH's words ("Change of username or service
//     not allowed: (a,ssh-connection) -> (b,ssh-connection)"), where
//     x/crypto let it try every name it liked on one connection.
func (c *ServerConfig) SetOpenSSHAuthentication(on bool) {
	c.openSSHAuthentication = on
}

// tooManyFailures is the text of the disconnect after MaxAuthTries.
func (c *ServerConfig) tooManyFailures() string {
	if c.openSSHAuthentication {
		return "Too many authentication failures"
	}
	return "too many authentication failures"
}

// readUserAuthPacket reads the next authentication request, answering the
// service requests that come before it when OpenSSH's rules apply.
func (s *connection) readUserAuthPacket(config *ServerConfig) ([]byte, error) {
	for {
		packet, err := s.transport.readPacket()
		if err != nil || !config.openSSHAuthentication || len(packet) == 0 || packet[0] != msgServiceRequest {
			return packet, err
		}
		var req serviceRequestMsg
		if err := Unmarshal(packet, &req); err != nil {
			return nil, err
		}
		if req.Service != serviceUserAuth {
			return nil, fmt.Errorf("ssh: requested service %q before authenticating", req.Service)
		}
		if err := s.transport.writePacket(Marshal(&serviceAcceptMsg{Service: serviceUserAuth})); err != nil {
			return nil, err
		}
	}
}

// userChanged disconnects a client whose request names another user than
// its first one did, when OpenSSH's rules apply; the error's text is the
// reason, after "ssh: ".
func (s *connection) userChanged(config *ServerConfig, first bool, req *userAuthRequestMsg) error {
	if !config.openSSHAuthentication || first || req.User == s.user {
		return nil
	}
	msg := fmt.Sprintf("Change of username or service not allowed: (%s,%s) -> (%s,%s)", s.user, serviceSSH, req.User, req.Service)
	if err := s.transport.writePacket(Marshal(&disconnectMsg{Reason: 2, Message: msg})); err != nil {
		return err
	}
	return fmt.Errorf("ssh: %s", msg)
}
