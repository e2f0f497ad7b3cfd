package client

import (
	"strings"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore"
)

// requestNoMoreSessions tells the server, once ssh has opened the one
// session it will ever open, that any later session on this connection is
// not ssh's (OpenSSH's no-more-sessions@openssh.com, PROTOCOL 2.2): a
// process that takes over ssh cannot then start sessions of its own. As
// OpenSSH's ssh_session2, only without connection sharing (a master opens
// sessions for its clients) and only to servers that know the request.
func (c *Client) requestNoMoreSessions(conn *ssh.Client) {
	if c.Shared != nil || c.Opts.ControlMaster != "false" || !knowsNoMoreSessions(string(conn.ServerVersion())) {
		return
	}
	c.Log.Debug1("Requesting %s", sshcore.ReqNoMoreSessions)
	conn.SendRequest(sshcore.ReqNoMoreSessions, false, nil)
}

// knowsNoMoreSessions: OpenSSH since 3.2 (compat.c's SSH_NEW_OPENSSH,
// which OpenSSH's ssh sends the request by) and sshbox.
func knowsNoMoreSessions(version string) bool {
	sw := strings.TrimPrefix(strings.TrimPrefix(version, "SSH-2.0-"), "SSH-1.99-")
	switch {
	case strings.HasPrefix(sw, "sshbox_"):
		return true
	case !strings.HasPrefix(sw, "OpenSSH"):
		return false
	}
	for _, old := range []string{"OpenSSH_2.", "OpenSSH_3.0", "OpenSSH_3.1"} {
		if strings.HasPrefix(sw, old) {
			return false
		}
	}
	return true
}
