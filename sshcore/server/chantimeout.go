package server

import (
	"io"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/idle"
)

// ChannelTimeout and UnusedConnectionTimeout (sshd_config(5)). A channel
// is active while data moves on it, in either direction; one idle for its
// type's interval is closed (a session's processes get the hang-up a
// departed client gives them). "global" watches all channels taken
// together: data on any of them counts, and when it expires every open
// channel is closed. UnusedConnectionTimeout ends a connection that has had
// no open channel, of any kind, for its interval since authentication;
// forward listeners do not count as channels.

// timeoutType is the name ChannelTimeout knows a channel type by.
func timeoutType(chanType string) string {
	if chanType == "auth-agent@openssh.com" {
		return "agent-connection"
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
	tc := &timedChannel{Channel: ch, c: c, id: t.next}
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

// stopTimeouts ends the connection's timers when it is over.
func (c *conn) stopTimeouts() {
	t := &c.timeouts
	t.mu.Lock()
	t.unused.Stop()
	t.global.Stop()
	t.mu.Unlock()
}

// timedChannel notes the data that moves on a channel.
type timedChannel struct {
	ssh.Channel
	c           *conn
	id          int
	own, global *idle.Timer
	once        sync.Once
}

func (tc *timedChannel) touch(n int) {
	if n > 0 {
		tc.own.Touch()
		tc.global.Touch()
	}
}

func (tc *timedChannel) Read(p []byte) (int, error) {
	n, err := tc.Channel.Read(p)
	tc.touch(n)
	return n, err
}

func (tc *timedChannel) Write(p []byte) (int, error) {
	n, err := tc.Channel.Write(p)
	tc.touch(n)
	return n, err
}

func (tc *timedChannel) Stderr() io.ReadWriter {
	return &timedStderr{rw: tc.Channel.Stderr(), tc: tc}
}

func (tc *timedChannel) Close() error {
	err := tc.Channel.Close()
	tc.once.Do(func() {
		tc.own.Stop()
		tc.c.channelClosed(tc)
	})
	return err
}

type timedStderr struct {
	rw io.ReadWriter
	tc *timedChannel
}

func (s *timedStderr) Read(p []byte) (int, error) {
	n, err := s.rw.Read(p)
	s.tc.touch(n)
	return n, err
}

func (s *timedStderr) Write(p []byte) (int, error) {
	n, err := s.rw.Write(p)
	s.tc.touch(n)
	return n, err
}
