package server

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// agentForward is a connection's forwarded agent (ssh -A): a Unix socket
// in a private directory owned by the user, each connection to it carried
// to the client in an "auth-agent@openssh.com" channel.
type agentForward struct {
	once sync.Once
	sock string
	err  error
}

// agentSocket sets up the connection's agent socket on first use and
// returns its path for SSH_AUTH_SOCK.
func (c *conn) agentSocket() (string, error) {
	if c.auth != nil && c.auth.NoAgentForwarding || !c.user.opts.AllowAgentForwarding {
		return "", errDenied
	}
	c.agent.once.Do(func() {
		c.agent.sock, c.agent.err = c.listenAgent()
	})
	return c.agent.sock, c.agent.err
}

func (c *conn) listenAgent() (string, error) {
	a := c.user.acct
	dir, err := os.MkdirTemp("", "ssh-")
	if err != nil {
		return "", err
	}
	sock := filepath.Join(dir, "agent."+strings.ReplaceAll(c.remoteIP, ":", "_"))
	l, err := net.Listen("unix", sock)
	if err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	if os.Geteuid() == 0 {
		// Only the user may talk to the agent.
		os.Chown(sock, int(a.UID), int(a.GID))
		os.Chown(dir, int(a.UID), int(a.GID))
	}
	c.sessions.Add(1)
	go func() {
		defer c.sessions.Done()
		defer c.recoverPanic()
		defer os.RemoveAll(dir)
		c.acceptIntoChannels(l, "auth-agent@openssh.com", func(net.Conn) []byte { return nil })
	}()
	return sock, nil
}
