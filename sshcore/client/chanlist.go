package client

import (
	"fmt"
	"net"
	"strconv"

	"golang.org/x/crypto/ssh"
)

// What ~# lists: the connection's open channels, named as OpenSSH's
// client names them (its channel's "remote name" and type), so that the
// question ~# answers in OpenSSH, "which forwarded connections keep ssh
// from exiting?", gets the same answer.

// tcpipOpen is the data of a direct-tcpip or forwarded-tcpip channel open
// (RFC 4254, 7.1 and 7.2): the address connected to or listened on, and
// the connection's originator.
type tcpipOpen struct {
	Host     string
	Port     uint32
	OrigAddr string
	OrigPort uint32
}

// describeChannel is OpenSSH's remote name for a channel of type
// chanType opened with data: the session is "client-session", a
// forwarded-tcpip connection its originator's address, and the rest
// their OpenSSH names. -L and -D connections get a fuller one where they
// are made (dialForward).
func describeChannel(chanType string, data []byte) string {
	switch chanType {
	case "session":
		return "client-session"
	case "forwarded-tcpip":
		var m tcpipOpen
		if ssh.Unmarshal(data, &m) == nil {
			return m.OrigAddr
		}
	case "direct-tcpip":
		var m tcpipOpen
		if ssh.Unmarshal(data, &m) == nil {
			return fmt.Sprintf("direct-tcpip: connect from %s port %d to %s port %d", m.OrigAddr, m.OrigPort, m.Host, m.Port)
		}
	case "forwarded-streamlocal@openssh.com":
		return "forwarded-streamlocal"
	case "auth-agent@openssh.com":
		return "authentication agent connection"
	case "tun@openssh.com":
		return "tun"
	}
	return chanType
}

// shownType is the type in brackets on a ~# line, OpenSSH's own name for
// the kind of channel where it differs from the protocol's.
func shownType(chanType string) string {
	switch chanType {
	case "auth-agent@openssh.com":
		return "authentication agent connection"
	case "tun@openssh.com":
		return "tun"
	}
	return chanType
}

// dialForward opens the channel for a connection in accepted on a -L or
// -D listener, to dest (host:port, or a socket path for network "unix"),
// as OpenSSH does: the connection's own address as the originator, and
// listed by ~# as "direct-tcpip: listening port L for H port P, connect
// from A port AP to B port BP" (type dynamic-tcpip for -D). On a
// connection that is not watched it is conn.Dial.
func dialForward(conn *ssh.Client, network, dest string, in net.Conn, dynamic bool) (net.Conn, error) {
	w, ok := conn.Conn.(*watchedConn)
	if !ok {
		return conn.Dial(network, dest)
	}
	// On a socket path listener OpenSSH's line has no originator and the
	// path with port 0, its listening port -2 (PORT_STREAMLOCAL); the
	// originator sent stays x/crypto's 0.0.0.0 port 0.
	orig, origPort, wireOrig := "", 0, "0.0.0.0"
	local, localPort, listenPort := in.LocalAddr().String(), 0, -2
	if a, ok := in.RemoteAddr().(*net.TCPAddr); ok {
		orig, origPort, wireOrig = a.IP.String(), a.Port, a.IP.String()
	}
	if a, ok := in.LocalAddr().(*net.TCPAddr); ok {
		local, localPort, listenPort = a.IP.String(), a.Port, a.Port
	}
	var name, host string
	var payload []byte
	port := -2
	if network == "unix" {
		name, host = "direct-streamlocal@openssh.com", dest
		payload = ssh.Marshal(struct {
			Path      string
			Reserved0 string
			Reserved1 uint32
		}{dest, "", 0})
	} else {
		h, p, err := net.SplitHostPort(dest)
		if err != nil {
			return nil, err
		}
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("bad port %q", p)
		}
		name, host = "direct-tcpip", h
		payload = ssh.Marshal(tcpipOpen{h, uint32(port), wireOrig, uint32(origPort)})
	}
	w.t.Touch()
	ch, reqs, err := w.Conn.OpenChannel(name, payload)
	if err != nil {
		return nil, err
	}
	shown := name
	if dynamic {
		shown = "dynamic-tcpip"
	}
	desc := fmt.Sprintf("%s: listening port %d for %s port %d, connect from %s port %d to %s port %d",
		name, listenPort, host, port, orig, origPort, local, localPort)
	ch, reqs = w.channelAs(ch, reqs, name, shown, desc)
	go ssh.DiscardRequests(reqs)
	return &stdioConn{Channel: ch}, nil
}
