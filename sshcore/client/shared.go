package client

import (
	"io"
	"net"

	"golang.org/x/crypto/ssh"
)

// What a connection-sharing master (sshcore/mux) borrows from the client
// so that a shared session or forwarding behaves as a direct one.

// TerminalModes are the pty modes sent for the terminal on fd.
func TerminalModes(fd int) ssh.TerminalModes { return terminalModes(fd) }

// ServeLocal carries each connection accepted on l through conn to target
// (network "tcp", or "unix" for a socket path on the server), or, when
// target is "", to the address a SOCKS client names (-D).
func (c *Client) ServeLocal(conn *ssh.Client, l net.Listener, network, target string) {
	if target == "" {
		c.serveLocal(l, socksHandshake, conn, "tcp", true)
		return
	}
	c.serveLocal(l, fixedTarget(target), conn, network, false)
}

// ListenUnix makes a local forwarding's socket as -L does
// (StreamLocalBindMask, StreamLocalBindUnlink).
func (c *Client) ListenUnix(path string) (net.Listener, error) { return c.listenUnix(path) }

// ServeRemote carries the connections the server accepts on l to target
// (network "tcp", or "unix" for a socket path here), or, when target is
// "", to the address each one's SOCKS request names (remote dynamic
// forwarding, within PermitRemoteOpen).
func (c *Client) ServeRemote(l net.Listener, network, target string) {
	if target == "" {
		c.serveRemote(l, "tcp", c.remoteSocks)
		return
	}
	c.serveRemote(l, network, fixedTarget(target))
}

// LocalBind is the address a local listener binds for a forwarding's bind
// host ("" and "localhost": loopback, "*": every address).
func LocalBind(host string) string { return localBind(host) }

// RemoteBind is the address a remote forwarding asks the server to bind
// ("" and "localhost": loopback, "*": every address).
func RemoteBind(host string) string {
	switch host {
	case "", "localhost":
		return "127.0.0.1"
	case "*":
		return "0.0.0.0"
	}
	return host
}

// WantTTY decides, as for a direct session, whether a shared session asks
// for a pty.
func (c *Client) WantTTY(command string) bool { return c.wantTTY(command) }

// ForwardParts reads a -L/-R ("[bind:]port:host:hostport", either end
// possibly a socket path) or -D ("[bind:]port") specification, or its
// configuration form; bindPath and hostPath are the ends that are paths.
func ForwardParts(spec string, dynamic bool) (bindHost string, bindPort int, host string, hostPort int, bindPath, hostPath string, err error) {
	f, err := ParseForward(spec, dynamic)
	return f.bindHost, f.bindPort, f.host, f.hostPort, f.bindPath, f.hostPath, err
}

// SharedEscapes is the escape filter a master applies to what a shared
// session's user types: ~. ends that session only (end), ~B sends the
// session s a BREAK, ~R re-keys the master's connection, ~# and ~? work,
// ~^Z and ~C are refused as OpenSSH's master refuses them; w is the
// client's terminal.
func (c *Client) SharedEscapes(ch byte, w io.Writer, s *ssh.Session, end func()) func([]byte) []byte {
	f := &escapeFilter{c: c, ch: ch, lineHead: true, shared: true, w: w, disconnect: end,
		sendBreak: func() { SendBreak(s) }}
	return f.filter
}

// SendBreak sends the session a BREAK (RFC 4335) of OpenSSH's length, as
// ~B does; a server without BREAK support ignores it.
func SendBreak(s *ssh.Session) {
	s.SendRequest("break", false, ssh.Marshal(struct{ Ms uint32 }{1000}))
}
