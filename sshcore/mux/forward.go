package mux

import (
	"fmt"
	"net"
	"strconv"

	"sshbox/sshcore/client"
)

// String is the forwarding as OpenSSH's -L/-R/-D argument.
func (f Forward) String() string {
	end := func(host string, port uint32) string {
		if port == unixPort {
			return host
		}
		p := strconv.Itoa(int(port))
		if host == "" {
			return p
		}
		if len(host) > 0 && host[0] != '[' && containsColon(host) {
			host = "[" + host + "]"
		}
		return host + ":" + p
	}
	if f.Kind == FwdDynamic {
		return end(f.ListenHost, f.ListenPort)
	}
	return end(f.ListenHost, f.ListenPort) + ":" + end(f.ConnectHost, f.ConnectPort)
}

func containsColon(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			return true
		}
	}
	return false
}

// forwarding is f as the client's table of forwardings names it (the
// master's own -L/-R/-D are there too, as in OpenSSH's one list).
func (f Forward) forwarding() client.Forwarding {
	out := client.Forwarding{ListenHost: f.ListenHost, ListenPort: int(f.ListenPort),
		ConnectHost: f.ConnectHost, ConnectPort: int(f.ConnectPort)}
	switch f.Kind {
	case FwdLocal:
		out.Kind = 'L'
	case FwdRemote:
		out.Kind = 'R'
	case FwdDynamic:
		out.Kind = 'D'
	}
	if f.ListenPort == unixPort {
		out.ListenPath, out.ListenHost, out.ListenPort = f.ListenHost, "", 0
	}
	if f.ConnectPort == unixPort {
		out.ConnectPath, out.ConnectHost, out.ConnectPort = f.ConnectHost, "", 0
	}
	if f.Kind == FwdRemote && f.ConnectHost == remoteSocks && f.ConnectPort == 0 {
		out.ConnectHost = "" // remote dynamic
	}
	return out
}

// openForward sets up a forwarding for a client (-O forward, or the -L/-R
// a passenger was given). An identical one that exists already is fine,
// as in OpenSSH.
func (m *Master) openForward(c *net.UnixConn, id uint32, f Forward) error {
	if f.Kind < FwdLocal || f.Kind > FwdDynamic || f.Kind == FwdDynamic && f.ListenPort == unixPort {
		return reply(c, sFailure, id, "unsupported forwarding")
	}
	if f.ListenPort > 65535 && f.ListenPort != unixPort || f.Kind != FwdDynamic && f.ConnectPort > 65535 && f.ConnectPort != unixPort {
		return reply(c, sFailure, id, "invalid port")
	}
	if m.Client.HoldsForward(f.forwarding()) {
		return reply(c, sOK, id, "")
	}
	if m.Confirm != nil && !m.Confirm(fmt.Sprintf("Open %s forward %s? ", kindName(f.Kind), f)) {
		return reply(c, sPermissionDenied, id, "permission denied")
	}
	network, target := "tcp", net.JoinHostPort(f.ConnectHost, strconv.Itoa(int(f.ConnectPort)))
	if f.ConnectPort == unixPort {
		network, target = "unix", f.ConnectHost
	}
	if f.Kind == FwdRemote {
		var l net.Listener
		var err error
		if f.ListenPort == unixPort {
			if l, err = m.Conn.ListenUnix(f.ListenHost); err != nil {
				return reply(c, sFailure, id, "remote port forwarding failed for listen path "+f.ListenHost)
			}
		} else {
			bind := client.RemoteBind(f.ListenHost)
			if l, err = m.Conn.Listen("tcp", net.JoinHostPort(bind, strconv.Itoa(int(f.ListenPort)))); err != nil {
				return reply(c, sFailure, id, "remote port forwarding failed for listen port "+strconv.Itoa(int(f.ListenPort)))
			}
		}
		if f.ConnectHost == remoteSocks && f.ConnectPort == 0 {
			target = "" // remote dynamic
		}
		go m.Client.ServeRemote(l, network, target)
		// Held with the port the server chose, by which -O cancel
		// names it.
		m.Client.HoldForward(f.forwarding(), l)
		if f.ListenPort == 0 {
			var p packet
			p.u32(sRemotePort).u32(id).u32(uint32(l.Addr().(*net.TCPAddr).Port))
			return writePacket(c, p)
		}
		return reply(c, sOK, id, "")
	}
	var l net.Listener
	var err error
	addr := net.JoinHostPort(client.LocalBind(f.ListenHost), strconv.Itoa(int(f.ListenPort)))
	if f.ListenPort == unixPort {
		addr = f.ListenHost
		l, err = m.Client.ListenUnix(addr)
	} else {
		l, err = net.Listen("tcp", addr)
	}
	if err != nil {
		return reply(c, sFailure, id, fmt.Sprintf("Port forwarding failed: bind %s: %v", addr, err))
	}
	m.Client.HoldForward(f.forwarding(), l)
	if f.Kind == FwdDynamic {
		target = ""
	}
	go m.Client.ServeLocal(m.Conn, l, network, target)
	return reply(c, sOK, id, "")
}

// closeForward is -O cancel: any forwarding the master holds, its own
// -L/-R/-D included, as OpenSSH's master.
func (m *Master) closeForward(c *net.UnixConn, id uint32, f Forward) error {
	if !m.Client.CloseForward(f.forwarding()) {
		return reply(c, sFailure, id, "port not forwarded")
	}
	return reply(c, sOK, id, "")
}

func kindName(k uint32) string {
	switch k {
	case FwdLocal:
		return "local"
	case FwdRemote:
		return "remote"
	}
	return "dynamic"
}
