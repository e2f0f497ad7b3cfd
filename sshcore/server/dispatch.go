package server

import (
	"golang.org/x/crypto/ssh"

	"sshbox/sshcore"
	"sshbox/sshcore/connend"
	"sshbox/sshcore/idle"
)

// dispatch serves an authenticated connection's channel opens and global
// requests until the client leaves, on the connection's own goroutine.
// x/crypto already keeps three goroutines per connection, and an idle
// connection is mostly their stacks and buffers; a second goroutine of
// ours waiting on the global requests would add a stack to every idle
// connection for requests most clients never send. Requests that only get
// a refusal (OpenSSH's keepalives) or a quick signature (UpdateHostKeys'
// proofs) are answered here; the first one that
// opens a listener (ssh -R) starts handleGlobalRequests, which keeps the
// listeners and takes every later request, in order.
func (c *conn) dispatch(chans <-chan ssh.NewChannel, reqs <-chan *ssh.Request) {
	// Until a remote forwarding hands the requests to handleGlobalRequests,
	// this loop also serves syncGlobal.
	sync := c.globalSync
	handedOff := false
	handoff := func(req *ssh.Request) {
		if c.dispatchGlobal(req, reqs) {
			reqs, sync, handedOff = nil, nil, true
		}
	}
	for chans != nil {
		select {
		case nch, ok := <-chans:
			if !ok {
				chans = nil
				continue
			}
			c.idle.Touch()
			if nch.ChannelType() == "session" {
				// A no-more-sessions@openssh.com sent before this open
				// is kept first, as OpenSSH's one loop keeps it: x/crypto
				// hands requests and channels over separately.
				if reqs != nil {
					drainGlobal(reqs, func(req *ssh.Request) bool {
						handoff(req)
						return reqs != nil
					})
				}
				if handedOff {
					c.syncGlobal()
				}
				if c.noMoreSessions.Load() {
					c.endPossibleAttack()
					continue
				}
			}
			if nch, ok := c.admitChannel(nch); ok {
				c.handleChannel(nch)
			}
		case req, ok := <-reqs:
			if !ok {
				reqs = nil // x/crypto closes chans as well
				continue
			}
			handoff(req)
		case done := <-sync:
			// Stops at a handoff: the rest are handleGlobalRequests' then.
			drainGlobal(reqs, func(req *ssh.Request) bool {
				handoff(req)
				return reqs != nil
			})
			close(done)
		}
	}
}

// dispatchGlobal answers a global request that needs no listener, or
// starts handleGlobalRequests with it and the rest of reqs and says so.
func (c *conn) dispatchGlobal(req *ssh.Request, reqs <-chan *ssh.Request) (handedOff bool) {
	if idle.Counts(req.Type) {
		c.idle.Touch()
	}
	if req.Type == sshcore.ReqHostKeysProve {
		c.srv.log().Debugf(msgGlobalRequest, req.Type, boolInt(req.WantReply))
		c.answerProve(req)
		return false
	}
	if !opensListener(req.Type) {
		c.srv.log().Debugf(msgGlobalRequest, req.Type, boolInt(req.WantReply))
		if !c.keepNoMoreSessions(req) && req.WantReply {
			req.Reply(false, nil)
		}
		return false
	}
	// The global request handler counts as a session: what it starts
	// (remote forwardings) is then always waited for.
	c.sessions.Add(1)
	go func() {
		defer c.sessions.Done()
		c.handleGlobalRequests(req, reqs)
	}()
	return true
}

// opensListener says whether a global request needs handleGlobalRequests:
// the requests that open or cancel a remote forwarding. (A cancel with no
// forwarding open is refused there too, in the same order as the rest.)
func opensListener(reqType string) bool {
	switch reqType {
	case "tcpip-forward", "cancel-tcpip-forward",
		"streamlocal-forward@openssh.com", "cancel-streamlocal-forward@openssh.com":
		return true
	}
	return false
}

// keepNoMoreSessions takes OpenSSH's no-more-sessions@openssh.com: the
// client will open no further session, and one that comes anyway ends the
// connection (endPossibleAttack). It says whether req was that request.
func (c *conn) keepNoMoreSessions(req *ssh.Request) bool {
	if req.Type != sshcore.ReqNoMoreSessions {
		return false
	}
	c.noMoreSessions.Store(true)
	if req.WantReply {
		req.Reply(true, nil)
	}
	return true
}

// endPossibleAttack ends a connection whose client opened a session after
// no-more-sessions@openssh.com, in OpenSSH's words (serverloop.c's
// server_request_session): a disconnect message, reason protocol error,
// and the same line logged.
func (c *conn) endPossibleAttack() {
	c.endedHere.Store(true)
	c.srv.log().Infof(msgDisconnectingUser, c.peerID("user "+c.user.acct.Name), msgPossibleAttack)
	connend.End(c.sshConn.Conn, connend.ProtocolError, msgPossibleAttack)
}
