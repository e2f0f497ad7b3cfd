package server

import (
	"io"
	"net"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore"
	"sshbox/sshcore/asuser"
	"sshbox/sshcore/idle"
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

// directTCPIP serves ssh -L: a connection to the requested address,
// opened as the user, copied both ways.
func (c *conn) directTCPIP(nch ssh.NewChannel) {
	var m directTCPIPMsg
	if err := ssh.Unmarshal(nch.ExtraData(), &m); err != nil {
		nch.Reject(ssh.ConnectionFailed, "bad request")
		return
	}
	if !c.tcpForwardingAllowed("local") {
		c.refusedAt(loglevel.Info, msgRefusedLocalFwd, m.OriginHost, m.OriginPort, m.Host, m.Port)
		nch.Reject(ssh.Prohibited, "administratively prohibited")
		return
	}
	if !c.openPermitted(m.Host, m.Port) {
		c.srv.log().Infof(msgOpenDenied, c.remoteIP, c.remotePort, m.Host, m.Port)
		nch.Reject(ssh.Prohibited, "administratively prohibited")
		return
	}
	target := net.JoinHostPort(m.Host, strconv.Itoa(int(m.Port)))
	c.connectChannel(nch, "tcp", target, func(err error) {
		c.srv.log().Errorf(msgConnectFailed, m.Host, m.Port)
		c.srv.log().Debugf("connect to %s: %v", target, err)
	})
}

// connectChannel opens the connection of a direct-tcpip or
// direct-streamlocal channel as the user and, once it is up, accepts the
// channel and copies both ways.
func (c *conn) connectChannel(nch ssh.NewChannel, network, addr string, failed func(error)) {
	c.sessions.Add(1)
	go func() {
		defer c.sessions.Done()
		defer c.recoverPanic()
		tc, err := asuser.Dial(c.user.acct.cred(), network, addr)
		if err != nil {
			failed(err)
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

// handleGlobalRequests answers connection-level requests, first and then
// the rest of reqs (dispatch starts it at the first request that opens a
// listener): remote forwardings (ssh -R) are opened and cancelled here,
// the host key proofs of UpdateHostKeys signed (hostkeys_notify.go);
// anything else (an OpenSSH keepalive) gets a refusal, which is an answer.
func (c *conn) handleGlobalRequests(first *ssh.Request, reqs <-chan *ssh.Request) {
	defer c.recoverPanic()
	forwards := map[string]net.Listener{}
	defer func() {
		for _, l := range forwards {
			l.Close()
		}
	}()
	// A closed reqs yields nil: the connection has ended. Between
	// requests, a session about to send its exit status may ask that what
	// the client sent before is answered first (syncGlobal).
	for req := first; req != nil; req = c.nextGlobal(reqs, func(r *ssh.Request) { c.forwardRequest(r, forwards) }) {
		c.forwardRequest(req, forwards)
	}
}

// forwardRequest answers one global request for handleGlobalRequests.
func (c *conn) forwardRequest(req *ssh.Request, forwards map[string]net.Listener) {
	if idle.Counts(req.Type) {
		c.idle.Touch()
	}
	c.srv.log().Debugf(msgGlobalRequest, req.Type, boolInt(req.WantReply))
	switch req.Type {
	case "tcpip-forward":
		var m tcpipForwardMsg
		if err := ssh.Unmarshal(req.Payload, &m); err != nil || !c.tcpForwardingAllowed("remote") ||
			!req.WantReply && m.BindPort == 0 ||
			m.BindPort != 0 && m.BindPort < 1024 && c.user.acct.UID != 0 || m.BindPort > 65535 {
			req.Reply(false, nil)
			return
		}
		if !c.listenPermitted(m.BindAddr, m.BindPort) {
			c.refused(msgListenDenied, c.remoteIP, c.remotePort, m.BindAddr, m.BindPort)
			req.Reply(false, nil)
			return
		}
		if len(forwards) >= maxRemoteForwards {
			c.refused(msgFwdLimit, maxRemoteForwards, c.remoteIP, c.remotePort)
			req.Reply(false, nil)
			return
		}
		l, err := asuser.Listen(c.user.acct.cred(), "tcp", net.JoinHostPort(c.bindHost(m.BindAddr), strconv.Itoa(int(m.BindPort))), 0, false)
		if err != nil {
			c.srv.log().Verbosef(msgRemoteFwdFailed, m.BindAddr, m.BindPort, err)
			req.Reply(false, nil)
			return
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
	case sshcore.ReqHostKeysProve:
		c.answerProve(req)
	case sshcore.ReqNoMoreSessions:
		c.keepNoMoreSessions(req)
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
	case "streamlocal-forward@openssh.com":
		var m streamLocalForwardMsg
		if ssh.Unmarshal(req.Payload, &m) != nil {
			req.Reply(false, nil)
			return
		}
		l := c.listenStreamLocal(m.SocketPath)
		if l == nil {
			req.Reply(false, nil)
			return
		}
		key := "unix:" + m.SocketPath
		if old, ok := forwards[key]; ok {
			old.Close()
		}
		forwards[key] = l
		req.Reply(true, nil)
		c.sessions.Add(1)
		go func() {
			defer c.sessions.Done()
			defer c.recoverPanic()
			c.serveStreamLocalForward(l, m.SocketPath)
		}()
	case "cancel-streamlocal-forward@openssh.com":
		var m streamLocalForwardMsg
		key := ""
		if ssh.Unmarshal(req.Payload, &m) == nil {
			key = "unix:" + m.SocketPath
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
// this host (ssh -R, agent and X11 forwarding): each connection accepted on l is
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
		c.openInto(lc, chanType, payload(lc))
	}
}

// openInto opens a channel to the client for a connection accepted on the
// server's side and copies both ways in the background; a channel the
// client refuses closes the connection.
func (c *conn) openInto(lc net.Conn, chanType string, payload []byte) {
	ch, reqs, err := c.sshConn.OpenChannel(chanType, payload)
	if err != nil {
		lc.Close()
		return
	}
	ch = c.trackChannel(ch, chanType)
	go ssh.DiscardRequests(reqs)
	c.sessions.Add(1)
	go func() {
		defer c.sessions.Done()
		defer c.recoverPanic()
		pipe(ch, lc, c.gone)
	}()
}

// boolInt prints want-reply as OpenSSH's debug line does (0 or 1).
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
