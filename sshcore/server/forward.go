package server

import (
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/loglevel"
)

// directTCPIPMsg is the payload of a "direct-tcpip" channel open (RFC 4254
// 7.2): what ssh -L asks the server to connect to.
type directTCPIPMsg struct {
	Host       string
	Port       uint32
	OriginHost string
	OriginPort uint32
}

// forwardingAllowed reports whether this login may forward in the given
// direction ("local" for ssh -L, "remote" for ssh -R).
func (c *conn) forwardingAllowed(direction string) bool {
	if c.auth != nil && c.auth.NoPortForwarding {
		return false
	}
	switch strings.ToLower(c.user.opts.AllowTcpForwarding) {
	case "yes", "all", "":
		return true
	case direction:
		return true
	}
	return false
}

// directTCPIP serves ssh -L: the server connects to the requested address
// and copies both ways.
func (c *conn) directTCPIP(nch ssh.NewChannel) {
	var m directTCPIPMsg
	if err := ssh.Unmarshal(nch.ExtraData(), &m); err != nil {
		nch.Reject(ssh.ConnectionFailed, "bad request")
		return
	}
	if !c.forwardingAllowed("local") {
		c.refusedAt(loglevel.Verbose, msgRefusedLocalFwd, m.OriginHost, m.OriginPort, m.Host, m.Port)
		nch.Reject(ssh.Prohibited, "administratively prohibited")
		return
	}
	if c.auth != nil && len(c.auth.PermitOpen) > 0 && !permitted(c.auth.PermitOpen, m.Host, m.Port) {
		nch.Reject(ssh.Prohibited, "administratively prohibited")
		return
	}
	c.sessions.Add(1)
	go func() {
		defer c.sessions.Done()
		defer c.recoverPanic()
		target := net.JoinHostPort(m.Host, strconv.Itoa(int(m.Port)))
		tc, err := net.DialTimeout("tcp", target, 10*time.Second)
		if err != nil {
			c.srv.log().Verbosef(msgConnectFailed, m.Host, m.Port, err)
			nch.Reject(ssh.ConnectionFailed, "connect failed")
			return
		}
		ch, reqs, err := nch.Accept()
		if err != nil {
			tc.Close()
			return
		}
		go ssh.DiscardRequests(reqs)
		pipe(ch, tc, c.gone)
	}()
}

// permitted matches host:port against permitopen="host:port" entries
// ("*" allowed for either part).
func permitted(list []string, host string, port uint32) bool {
	for _, p := range list {
		h, ps, err := net.SplitHostPort(p)
		if err != nil {
			continue
		}
		if (h == "*" || strings.EqualFold(h, host)) && (ps == "*" || ps == strconv.Itoa(int(port))) {
			return true
		}
	}
	return false
}

// pipe copies both ways until both directions are done, passing EOF on.
// When gone closes (the client left) the TCP side is closed too, which a
// target that keeps its connection open would otherwise never see.
func pipe(ch ssh.Channel, tc net.Conn, gone <-chan struct{}) {
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-gone:
			tc.Close()
		case <-stop:
		}
	}()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		io.Copy(tc, ch)
		if t, ok := tc.(interface{ CloseWrite() error }); ok {
			t.CloseWrite()
		}
	}()
	go func() {
		defer wg.Done()
		io.Copy(ch, tc)
		ch.CloseWrite()
	}()
	wg.Wait()
	ch.Close()
	tc.Close()
}

// tcpipForwardMsg is the payload of "tcpip-forward" and
// "cancel-tcpip-forward" (RFC 4254 7.1): what ssh -R asks sshd to listen on.
type tcpipForwardMsg struct {
	BindAddr string
	BindPort uint32
}

// forwardedTCPIPMsg opens a "forwarded-tcpip" channel for one connection
// accepted on a remote forwarding.
type forwardedTCPIPMsg struct {
	Addr       string
	Port       uint32
	OriginAddr string
	OriginPort uint32
}

// handleGlobalRequests answers connection-level requests: remote
// forwardings (ssh -R) are opened and cancelled here; anything else (an
// OpenSSH keepalive, hostkey rotation) gets a refusal, which is an answer.
func (c *conn) handleGlobalRequests(reqs <-chan *ssh.Request) {
	defer c.recoverPanic()
	forwards := map[string]net.Listener{}
	defer func() {
		for _, l := range forwards {
			l.Close()
		}
	}()
	for req := range reqs {
		switch req.Type {
		case "tcpip-forward":
			var m tcpipForwardMsg
			if err := ssh.Unmarshal(req.Payload, &m); err != nil || !c.forwardingAllowed("remote") ||
				m.BindPort != 0 && m.BindPort < 1024 && c.user.acct.UID != 0 || m.BindPort > 65535 {
				req.Reply(false, nil)
				continue
			}
			if len(forwards) >= maxRemoteForwards {
				c.refused(msgFwdLimit, maxRemoteForwards, c.remoteIP, c.remotePort)
				req.Reply(false, nil)
				continue
			}
			l, err := net.Listen("tcp", net.JoinHostPort(c.bindHost(m.BindAddr), strconv.Itoa(int(m.BindPort))))
			if err != nil {
				c.srv.log().Verbosef(msgRemoteFwdFailed, m.BindAddr, m.BindPort, err)
				req.Reply(false, nil)
				continue
			}
			port := uint32(l.Addr().(*net.TCPAddr).Port)
			key := net.JoinHostPort(m.BindAddr, strconv.Itoa(int(port)))
			if old, ok := forwards[key]; ok {
				old.Close()
			}
			forwards[key] = l
			var reply []byte
			if m.BindPort == 0 {
				reply = ssh.Marshal(struct{ Port uint32 }{port})
			}
			req.Reply(true, reply)
			c.sessions.Add(1)
			go func() {
				defer c.sessions.Done()
				defer c.recoverPanic()
				c.serveForward(l, m.BindAddr, port)
			}()
		case "cancel-tcpip-forward":
			var m tcpipForwardMsg
			key := ""
			if ssh.Unmarshal(req.Payload, &m) == nil {
				key = net.JoinHostPort(m.BindAddr, strconv.Itoa(int(m.BindPort)))
			}
			l, ok := forwards[key]
			if ok {
				l.Close()
				delete(forwards, key)
			}
			req.Reply(ok, nil)
		default:
			if req.WantReply {
				req.Reply(false, nil)
			}
		}
	}
}

// bindHost applies GatewayPorts to the address a client asked to listen
// on: unless the administrator allows otherwise, only loopback.
func (c *conn) bindHost(requested string) string {
	switch strings.ToLower(c.user.opts.GatewayPorts) {
	case "yes":
		return ""
	case "clientspecified":
		if requested == "" || requested == "*" {
			return ""
		}
		if requested == "localhost" {
			return "127.0.0.1"
		}
		return requested
	}
	if requested == "::1" || requested == "[::1]" {
		return "::1"
	}
	return "127.0.0.1"
}

// serveForward accepts connections on a remote forwarding and hands each
// to the client in a forwarded-tcpip channel, until the forwarding is
// cancelled or the client leaves.
func (c *conn) serveForward(l net.Listener, addr string, port uint32) {
	c.acceptIntoChannels(l, "forwarded-tcpip", func(tc net.Conn) []byte {
		oip, oport := splitAddr(tc.RemoteAddr())
		return ssh.Marshal(forwardedTCPIPMsg{addr, port, oip, uint32(oport)})
	})
}

// acceptIntoChannels is the server side of every forwarding that starts on
// this host (ssh -R, agent forwarding): each connection accepted on l is
// carried to the client in a new channel of chanType, whose extra data
// payload builds. It returns when l is closed, which happens when the
// client leaves.
func (c *conn) acceptIntoChannels(l net.Listener, chanType string, payload func(net.Conn) []byte) {
	go func() {
		<-c.gone
		l.Close()
	}()
	for {
		lc, err := l.Accept()
		if err != nil {
			return
		}
		ch, reqs, err := c.sshConn.OpenChannel(chanType, payload(lc))
		if err != nil {
			lc.Close()
			continue
		}
		go ssh.DiscardRequests(reqs)
		c.sessions.Add(1)
		go func() {
			defer c.sessions.Done()
			defer c.recoverPanic()
			pipe(ch, lc, c.gone)
		}()
	}
}
