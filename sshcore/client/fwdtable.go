package client

import (
	"net"
	"strings"
)

// The forwardings ssh holds open, whoever asked for them (-L/-R/-D on the
// command line, ~C, a connection-sharing client): ~# lists them, ~C -KL,
// -KR, -KD and -O cancel close them. One table, so that each of those
// reaches every forwarding, as with OpenSSH's one set of listeners and
// permissions.

// Forwarding is one forwarding by its parts, as -O forward and -O cancel
// name it: Kind 'L', 'R' or 'D'; a Unix socket at either end is the path
// (ListenPath, ConnectPath) instead of host and port. A dynamic
// forwarding, local or remote, has no connect end.
type Forwarding struct {
	Kind        byte
	ListenHost  string
	ListenPort  int
	ListenPath  string
	ConnectHost string
	ConnectPort int
	ConnectPath string
}

// heldFwd is one forwarding in the table.
type heldFwd struct {
	f     Forwarding
	desc  string // what ~# shows
	close func() error
}

// forwarding is f as the table knows it.
func (f fwdSpec) forwarding(kind byte) Forwarding {
	return Forwarding{Kind: kind, ListenHost: f.bindHost, ListenPort: f.bindPort, ListenPath: f.bindPath,
		ConnectHost: f.host, ConnectPort: f.hostPort, ConnectPath: f.hostPath}
}

// target is where the forwarding's connections go, for ~#.
func (f Forwarding) target() string {
	switch {
	case f.ConnectPath != "":
		return f.ConnectPath
	case f.Kind == 'D' || f.ConnectHost == "" && f.ConnectPort == 0:
		return "socks:0"
	}
	return net.JoinHostPort(f.ConnectHost, itoa(f.ConnectPort))
}

// HoldForward enters a forwarding listening on l into the table; l.Close
// ends it. A remote one asked for on port 0 is entered with the port the
// server chose, by which ~C -KR and -O cancel name it.
func (c *Client) HoldForward(f Forwarding, l net.Listener) {
	f = exact(f)
	if a, ok := l.Addr().(*net.TCPAddr); ok && f.ListenPath == "" && f.ListenPort == 0 {
		f.ListenPort = a.Port
	}
	addr := l.Addr().String()
	var desc string
	switch f.Kind {
	case 'D':
		desc = "dynamic " + addr
	case 'L':
		desc = "local " + addr + " -> " + f.target()
	default:
		desc = "remote " + addr + " -> " + f.target()
	}
	c.fwdMu.Lock()
	c.fwds = append(c.fwds, &heldFwd{f: f, desc: desc, close: l.Close})
	c.fwdMu.Unlock()
}

// HoldsForward reports whether the table has f exactly (-O forward: an
// identical forwarding that exists already is fine).
func (c *Client) HoldsForward(f Forwarding) bool {
	c.fwdMu.Lock()
	defer c.fwdMu.Unlock()
	for _, h := range c.fwds {
		if h.f == exact(f) {
			return true
		}
	}
	return false
}

// CloseForward closes the forwarding f names exactly, as -O cancel does;
// false if ssh holds no such forwarding.
func (c *Client) CloseForward(f Forwarding) bool {
	f = exact(f)
	return c.closeForwards(func(h Forwarding) bool { return h == f }, true)
}

// exact is f as the table compares it: what a dynamic forwarding's
// connect end says does not tell it apart (OpenSSH's mux sends "socks").
func exact(f Forwarding) Forwarding {
	if f.Kind == 'D' {
		f.ConnectHost, f.ConnectPort, f.ConnectPath = "", 0, ""
	}
	return f
}

// cancelListen is ~C's -KL, -KR and -KD: it closes the forwardings of that
// kind listening where at says, matched as OpenSSH matches them. A local
// or dynamic one is known by its port and its bind address, where none,
// "*" and "localhost" are the same (channel_cancel_lport_listener); a
// socket path names either kind. A remote one is known by its port (the
// allocated one for port 0) and the bind address exactly as it was
// written, or by its path (channel_request_rforward_cancel).
func (c *Client) cancelListen(kind byte, at fwdSpec) bool {
	if kind == 'R' {
		return c.closeForwards(func(h Forwarding) bool {
			if h.Kind != 'R' {
				return false
			}
			if at.bindPath != "" {
				return h.ListenPath == at.bindPath
			}
			return h.ListenPath == "" && h.ListenPort == at.bindPort && h.ListenHost == at.bindHost
		}, true)
	}
	return c.closeForwards(func(h Forwarding) bool {
		if h.Kind == 'R' {
			return false
		}
		if at.bindPath != "" {
			return h.ListenPath == at.bindPath
		}
		return h.Kind == kind && h.ListenPath == "" && h.ListenPort == at.bindPort &&
			cancelBind(h.ListenHost) == cancelBind(at.bindHost)
	}, false)
}

// cancelBind is a local bind address as OpenSSH compares them when
// cancelling (channel_fwd_bind_addr for the client).
func cancelBind(host string) string {
	switch host {
	case "", "*", "localhost":
		return ""
	}
	return host
}

// closeForwards closes and forgets the forwardings match picks (only the
// first with one); it reports whether there were any.
func (c *Client) closeForwards(match func(Forwarding) bool, one bool) bool {
	var gone []*heldFwd
	c.fwdMu.Lock()
	kept := c.fwds[:0]
	for _, h := range c.fwds {
		if match(h.f) && !(one && len(gone) > 0) {
			gone = append(gone, h)
			continue
		}
		kept = append(kept, h)
	}
	for i := len(kept); i < len(c.fwds); i++ {
		c.fwds[i] = nil
	}
	c.fwds = kept
	c.fwdMu.Unlock()
	for _, h := range gone {
		// Connections already made go on; a remote forwarding's listener
		// sends the server its cancel request.
		if err := h.close(); err != nil {
			c.Log.Debug1("cancel %s: %v", h.desc, err)
		}
	}
	return len(gone) > 0
}

// forwardList is what ~# prints: the open channels, as OpenSSH lists
// them, then the forwardings ssh holds (which OpenSSH does not list; they
// are what ~C -KL and -KR cancel).
func (c *Client) forwardList() string {
	var b strings.Builder
	b.WriteString(c.open.String())
	c.fwdMu.Lock()
	defer c.fwdMu.Unlock()
	if len(c.fwds) > 0 {
		b.WriteString("The following forwardings are set up:\n")
	}
	for _, h := range c.fwds {
		b.WriteString("  " + h.desc + "\n")
	}
	return b.String()
}
