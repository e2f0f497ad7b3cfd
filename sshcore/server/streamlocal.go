package server

import (
	"net"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/asuser"
)

// Unix-socket forwarding, OpenSSH's extension (PROTOCOL 2.4 and 2.5):
// ssh -L ...:/remote/socket opens "direct-streamlocal@openssh.com"
// channels; ssh -R /remote/socket:... asks for
// "streamlocal-forward@openssh.com" and gets "forwarded-streamlocal"
// channels for each connection to the socket. The socket is connected to,
// or created, as the user, so file permissions decide as for the user's
// own programs.

// directStreamLocalMsg is the payload of a direct-streamlocal channel.
type directStreamLocalMsg struct {
	SocketPath string
	Reserved0  string
	Reserved1  uint32
}

// streamLocalForwardMsg is the payload of streamlocal-forward and
// cancel-streamlocal-forward.
type streamLocalForwardMsg struct {
	SocketPath string
}

// forwardedStreamLocalMsg opens a forwarded-streamlocal channel.
type forwardedStreamLocalMsg struct {
	SocketPath string
	Reserved   string
}

// directStreamLocal serves ssh -L to a Unix socket on this host.
func (c *conn) directStreamLocal(nch ssh.NewChannel) {
	var m directStreamLocalMsg
	if err := ssh.Unmarshal(nch.ExtraData(), &m); err != nil {
		nch.Reject(ssh.ConnectionFailed, "bad request")
		return
	}
	if !c.streamLocalAllowed("local") {
		c.srv.log().Infof(msgRefusedStreamFwd, c.remoteIP, c.remotePort, m.SocketPath)
		nch.Reject(ssh.Prohibited, "administratively prohibited")
		return
	}
	c.connectChannel(nch, "unix", m.SocketPath, func(err error) {
		c.srv.log().Verbosef(msgConnectPathFail, m.SocketPath, err)
	})
}

// listenStreamLocal creates the socket of an ssh -R with a socket path, as
// the user, with StreamLocalBindMask and StreamLocalBindUnlink; nil when
// refused or failed (logged).
func (c *conn) listenStreamLocal(path string) net.Listener {
	if !c.streamLocalAllowed("remote") || path == "" {
		c.srv.log().Infof(msgRefusedStreamRev, path)
		return nil
	}
	o := c.user.opts
	l, err := asuser.Listen(c.user.acct.cred(), "unix", path, o.StreamLocalBindMask, o.StreamLocalBindUnlink)
	if err != nil {
		c.srv.log().Verbosef(msgStreamFwdFailed, path, err)
		return nil
	}
	return l
}

// serveStreamLocalForward carries each connection to the socket to the
// client in a forwarded-streamlocal channel.
func (c *conn) serveStreamLocalForward(l net.Listener, path string) {
	c.acceptIntoChannels(l, "forwarded-streamlocal@openssh.com", func(net.Conn) []byte {
		return ssh.Marshal(forwardedStreamLocalMsg{SocketPath: path})
	})
}
