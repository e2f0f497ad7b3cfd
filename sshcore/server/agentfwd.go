package server

import (
	"net"
	"os"
	"strings"
	"sync"

	"sshbox/sshcore/asuser"
)

// agentForward is a connection's forwarded agent (ssh -A): a Unix socket
// in a private directory, both created by the user (through asuser), each
// connection to it carried to the client in an "auth-agent@openssh.com"
// channel.
type agentForward struct {
	once sync.Once
	sock string
	err  error
}

// agentSocket sets up the connection's agent socket on first use and
// returns its path for SSH_AUTH_SOCK.
func (c *conn) agentSocket() (string, error) {
	if !c.agentForwardingAllowed() {
		return "", errDenied
	}
	c.agent.once.Do(func() {
		c.agent.sock, c.agent.err = c.listenAgent()
	})
	return c.agent.sock, c.agent.err
}

func (c *conn) listenAgent() (string, error) {
	cred := c.user.acct.cred()
	name := "agent." + strings.NewReplacer(":", "_", "/", "_").Replace(c.remoteIP)
	l, sock, err := asuser.AgentListener(cred, os.TempDir(), name)
	if err != nil {
		return "", err
	}
	c.sessions.Add(1)
	go func() {
		defer c.sessions.Done()
		defer c.recoverPanic()
		// Removed as the user too: the directory is theirs, and root
		// following paths in it could be steered elsewhere.
		defer asuser.RemoveAgent(cred, sock)
		c.acceptIntoChannels(l, "auth-agent@openssh.com", func(net.Conn) []byte { return nil })
	}()
	return sock, nil
}
