package server

import (
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/idle"
)

// ChannelTimeout and UnusedConnectionTimeout (sshd_config(5)). A channel
// is active while data moves on it, in either direction; one idle for its
// type's interval is closed (a session's processes get the hang-up a
// departed client gives them). "global" watches all channels taken
// together. sshcore/idle's Timeouts does that, as for ssh's ChannelTimeout.
// UnusedConnectionTimeout ends a connection that has had no open channel,
// of any kind, for its interval since authentication; forward listeners do
// not count as channels. Server.IdleTimeout (Dropbear's -I) ends a
// connection with no traffic at all for its interval (watchIdle).

// chanTimeouts is a connection's watch over its open channels.
type chanTimeouts struct {
	mu     sync.Mutex
	t      *idle.Timeouts // made with the first channel, once the user is known
	unused *idle.Timer    // running while no channel is open
}

// trackChannel wraps a channel just opened (by either side) so that its
// activity is seen and its end counted; it applies the user's
// ChannelTimeout for chanType.
func (c *conn) trackChannel(ch ssh.Channel, chanType string) ssh.Channel {
	t := &c.timeouts
	t.mu.Lock()
	if t.t == nil {
		t.t = idle.NewTimeouts(c.user.opts.ChannelIdleTimeout, func(tc *idle.TimedChannel, d time.Duration) {
			c.srv.log().Verbosef(msgChannelInactive, tc.ID(), int(d/time.Second))
		}, c.channelsClosed)
	}
	t.unused.Stop()
	t.mu.Unlock()
	c.idle.Touch()
	return t.t.Track(ch, chanType, func(bool) { c.idle.Touch() })
}

// channelsClosed: with no channel left, the unused connection timeout
// starts over.
func (c *conn) channelsClosed() {
	t := &c.timeouts
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.unused != nil {
		t.unused.Restart()
	}
}

// openChannels is how many channels the connection has open.
func (t *chanTimeouts) openChannels() int {
	if t.t == nil {
		return 0
	}
	return t.t.Open()
}

// watchUnused starts UnusedConnectionTimeout once the user is in.
func (c *conn) watchUnused() {
	d := c.user.opts.UnusedConnectionTimeout
	if d <= 0 {
		return
	}
	t := &c.timeouts
	t.mu.Lock()
	defer t.mu.Unlock()
	t.unused = idle.New(d, func() {
		t.mu.Lock()
		busy := t.openChannels() > 0
		t.mu.Unlock()
		if busy {
			return
		}
		c.srv.log().Infof(msgUnusedConnection, c.user.name, c.remoteIP, c.remotePort)
		c.sshConn.Close()
	})
	if t.openChannels() > 0 {
		t.unused.Stop()
	}
}

// Dropbear's -I (Server.IdleTimeout) and the ssh2 dialect's IdleTimeout
// (ServerOptions.IdleTimeout): the connection is closed once no
// traffic has moved on it for the interval, counted from authentication.
// What is traffic is sshcore/idle's rule (channel opens, data and requests
// on channels, global requests other than keepalives); it is noted where
// each passes: trackChannel for what moves on a channel, session.serve for
// the requests that arrive on a session, dispatch and forwardRequest for
// channel opens and global requests. The keepalives of ClientAliveInterval
// (dropbear -K) and their answers never reach those places, so they do not
// keep an otherwise idle connection open, as with Dropbear.
func (c *conn) watchIdle() {
	d := c.srv.IdleTimeout
	if o := c.user.opts.IdleTimeout; o > 0 && (d <= 0 || o < d) {
		// The ssh2 dialect's IdleTimeout, for this user's connection;
		// with dropbear -I too, the shorter one.
		d = o
	}
	if d <= 0 {
		return
	}
	c.idle = idle.New(d, func() {
		c.srv.log().Infof(msgIdleTimeout, int(d/time.Second), c.user.name, c.remoteIP, c.remotePort)
		c.sshConn.Close()
	})
}

// stopTimeouts ends the connection's timers when it is over.
func (c *conn) stopTimeouts() {
	t := &c.timeouts
	t.mu.Lock()
	t.unused.Stop()
	t.t.Stop()
	t.mu.Unlock()
	c.idle.Stop()
}
