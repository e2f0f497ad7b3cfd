package server

import (
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
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
		c.srv.log().Verbosef("refused local port forward: originator %s port %d, target %s port %d", m.OriginHost, m.OriginPort, m.Host, m.Port)
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
		target := net.JoinHostPort(m.Host, strconv.Itoa(int(m.Port)))
		tc, err := net.DialTimeout("tcp", target, 10*time.Second)
		if err != nil {
			c.srv.log().Verbosef("connect to %s port %d failed: %v", m.Host, m.Port, err)
			nch.Reject(ssh.ConnectionFailed, "connect failed")
			return
		}
		ch, reqs, err := nch.Accept()
		if err != nil {
			tc.Close()
			return
		}
		go ssh.DiscardRequests(reqs)
		stop := make(chan struct{})
		go func() {
			// A client that vanishes leaves the target connection open
			// otherwise.
			select {
			case <-c.gone:
				tc.Close()
			case <-stop:
			}
		}()
		pipe(ch, tc)
		close(stop)
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
func pipe(ch ssh.Channel, tc net.Conn) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		io.Copy(tc, ch)
		if t, ok := tc.(*net.TCPConn); ok {
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

// handleGlobalRequests answers connection-level requests. Remote
// forwarding is not offered; keepalives from clients get their answer.
func (c *conn) handleGlobalRequests(reqs <-chan *ssh.Request) {
	for req := range reqs {
		if req.WantReply {
			req.Reply(false, nil)
		}
	}
}
