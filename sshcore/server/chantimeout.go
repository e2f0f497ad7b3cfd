package server

import (
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/idle"
	"sshbox/sshcore/tun"
)

// ChannelTimeout and UnusedConnectionTimeout (sshd_config(5)). A channel
// is active while data moves on it, in either direction; one idle for its
// type's interval is closed (a session's processes get the hang-up a
// departed client gives them). "global" watches all channels taken
// together: data on any of them counts, and when it expires every open
// channel is closed. UnusedConnectionTimeout ends a connection that has had
// no open channel, of any kind, for its interval since authentication;
// forward listeners do not count as channels. Server.IdleTimeout
// (Dropbear's -I) ends a connection with no traffic at all for its
// interval (watchIdle).

// timeoutType is the name ChannelTimeout knows a channel type by.
func timeoutType(chanType string) string {
	switch chanType {
	case "auth-agent@openssh.com":
		return "agent-connection"
	case "x11":
		return "x11-connection"
	case "tun@openssh.com":
		return "tun-connection"
	}
	return chanType
}

// chanTimeouts is a connection's record of its open channels.
type chanTimeouts struct {
	mu     sync.Mutex
	next   int                        // OpenSSH-style channel number for the log
	open   map[*timedChannel]struct{} // every open channel, whoever opened it
	global *idle.Timer
	unused *idle.Timer // running while no channel is open
}

// trackChannel wraps a channel just opened (by either side) so that its
// activity is seen and its end counted; it applies the user's
// ChannelTimeout for chanType.
func (c *conn) trackChannel(ch ssh.Channel, chanType string) ssh.Channel {
	opts := c.user.opts
	t := &c.timeouts
	t.mu.Lock()
	defer t.mu.Unlock()
	tc := &timedChannel{c: c, id: t.next}
	tc.Channel = &idle.Channel{Channel: ch, Touch: tc.touch}
	c.idle.Touch()
	t.next++
	if t.open == nil {
		t.open = map[*timedChannel]struct{}{}
	}
	t.open[tc] = struct{}{}
	t.unused.Stop()
	if d := opts.ChannelIdleTimeout("global"); d > 0 && t.global == nil {
		t.global = idle.New(d, c.globalTimeout)
	}
	tc.global = t.global
	if d := opts.ChannelIdleTimeout(timeoutType(chanType)); d > 0 {
		tc.own = idle.New(d, func() {
			c.srv.log().Infof(msgChannelInactive, tc.id, int(d/time.Second))
			tc.Close()
		})
	}
	return tc
}

// channelClosed forgets a channel; with none left, the unused
// connection timeout starts over.
func (c *conn) channelClosed(tc *timedChannel) {
	t := &c.timeouts
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.open, tc)
	if len(t.open) == 0 && t.unused != nil {
		t.unused.Restart()
	}
}

// globalTimeout closes every open channel: nothing moved on any of them.
func (c *conn) globalTimeout() {
	t := &c.timeouts
	t.mu.Lock()
	open := make([]*timedChannel, 0, len(t.open))
	for tc := range t.open {
		open = append(open, tc)
	}
	d := t.global.Duration()
	t.global.Restart()
	t.mu.Unlock()
	for _, tc := range open {
		c.srv.log().Infof(msgChannelInactive, tc.id, int(d/time.Second))
		tc.Close()
	}
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
		busy := len(t.open) > 0
		t.mu.Unlock()
		if busy {
			return
		}
		c.srv.log().Infof(msgUnusedConnection, c.user.name, c.remoteIP, c.remotePort)
		c.sshConn.Close()
	})
	if len(t.open) > 0 {
		t.unused.Stop()
	}
}

// Dropbear's -I (Server.IdleTimeout) and the ssh2 dialect's IdleTimeout
// (ServerOptions.IdleTimeout): the connection is closed once no
// traffic has moved on it for the interval, counted from authentication.
// What is traffic is sshcore/idle's rule (channel opens, data and requests
// on channels, global requests other than keepalives); it is noted where
// each passes: timedChannel for what moves on a channel, session.serve for
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
	t.global.Stop()
	t.mu.Unlock()
	c.idle.Stop()
}

// timedChannel notes the traffic on a channel: data (either way) for
// ChannelTimeout, anything for the connection's idle timeout.
type timedChannel struct {
	ssh.Channel // an *idle.Channel reporting to touch
	c           *conn
	id          int
	own, global *idle.Timer
	once        sync.Once
}

func (tc *timedChannel) touch(data bool) {
	if data {
		tc.own.Touch()
		tc.global.Touch()
	}
	tc.c.idle.Touch()
}

// ReadDatagram and WriteDatagram pass tun@openssh.com's packets on to
// the *idle.Channel, which notes them (sshcore/tun).
func (tc *timedChannel) ReadDatagram(p []byte) (int, error) {
	return tun.ReadDatagram(tc.Channel, p)
}

func (tc *timedChannel) WriteDatagram(p []byte) (int, error) {
	return tun.WriteDatagram(tc.Channel, p)
}

func (tc *timedChannel) Close() error {
	err := tc.Channel.Close()
	tc.once.Do(func() {
		tc.own.Stop()
		tc.c.channelClosed(tc)
	})
	return err
}
