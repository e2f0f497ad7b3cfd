package idle

import (
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/tun"
)

// ChannelTimeout, the same keyword in sshd_config(5) and ssh_config(5): a
// channel is active while data moves on it, in either direction; one idle
// for its type's interval is closed. "global" watches all channels taken
// together: data on any of them counts, and when it expires every open
// channel is closed. Requests, EOF and close are not data: OpenSSH notes a
// channel used only when it reads or writes data.

// TimeoutType is the name ChannelTimeout knows a channel of SSH type
// chanType by: the channel type itself, or OpenSSH's name for the
// connections of agent, X11 and tunnel forwarding.
func TimeoutType(chanType string) string {
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

// Timeouts applies ChannelTimeout to the channels of one connection, both
// those it opened and those its peer opened.
type Timeouts struct {
	limit   func(typ string) time.Duration          // the interval for a type, or "global"; 0: none
	expired func(tc *TimedChannel, d time.Duration) // told before a channel is closed for inactivity
	emptied func()                                  // told when no channel is left open; may be nil

	mu     sync.Mutex
	next   int // OpenSSH-style channel number, for the log
	open   map[*TimedChannel]struct{}
	global *Timer
}

// NewTimeouts watches a connection's channels with the intervals limit
// gives for a ChannelTimeout type (TimeoutType) or "global" (0: no limit);
// expired is called with a channel and the interval it was idle for before
// it is closed for inactivity; emptied, when not nil, each time the last
// open channel is gone (sshd's UnusedConnectionTimeout starts over then).
func NewTimeouts(limit func(typ string) time.Duration, expired func(tc *TimedChannel, d time.Duration), emptied func()) *Timeouts {
	return &Timeouts{limit: limit, expired: expired, emptied: emptied, open: map[*TimedChannel]struct{}{}}
}

// Track wraps ch, a channel of SSH type chanType just opened by either
// side, so that what moves on it is seen: data for ChannelTimeout, and
// everything (as Channel reports it) for touch, when not nil. The channel
// counts as open until its Close or Forget.
func (t *Timeouts) Track(ch ssh.Channel, chanType string, touch func(data bool)) *TimedChannel {
	tc := &TimedChannel{t: t, typ: chanType, touch: touch}
	tc.Channel = &Channel{Channel: ch, Touch: tc.touched}
	t.mu.Lock()
	defer t.mu.Unlock()
	tc.id = t.next
	t.next++
	t.open[tc] = struct{}{}
	if d := t.limit("global"); d > 0 && t.global == nil {
		t.global = New(d, t.globalExpired)
	}
	tc.global = t.global
	if d := t.limit(TimeoutType(chanType)); d > 0 {
		tc.own = New(d, func() {
			t.expired(tc, d)
			tc.Close()
		})
	}
	return tc
}

// Open is how many of the channels tracked are still open.
func (t *Timeouts) Open() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.open)
}

// Stop ends the timers once the connection is over. A nil *Timeouts (no
// ChannelTimeout) may be stopped.
func (t *Timeouts) Stop() {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.global.Stop()
	for tc := range t.open {
		tc.own.Stop()
	}
}

// globalExpired closes every open channel: nothing moved on any of them.
// The global interval starts again for the channels opened after.
func (t *Timeouts) globalExpired() {
	t.mu.Lock()
	open := make([]*TimedChannel, 0, len(t.open))
	for tc := range t.open {
		open = append(open, tc)
	}
	d := t.global.Duration()
	t.global.Restart()
	t.mu.Unlock()
	for _, tc := range open {
		t.expired(tc, d)
		tc.Close()
	}
}

// TimedChannel is a channel under ChannelTimeout.
type TimedChannel struct {
	ssh.Channel // a *Channel reporting to touched
	t           *Timeouts
	id          int
	typ         string
	own, global *Timer
	touch       func(data bool)
	once        sync.Once
}

// ID is the channel's number, in the order the connection's channels
// opened, from 0.
func (tc *TimedChannel) ID() int { return tc.id }

// Type is the channel's SSH type ("session", "x11"...).
func (tc *TimedChannel) Type() string { return tc.typ }

func (tc *TimedChannel) touched(data bool) {
	if data {
		tc.own.Touch()
		tc.global.Touch()
	}
	if tc.touch != nil {
		tc.touch(data)
	}
}

// ReadDatagram and WriteDatagram pass tun@openssh.com's packets on to
// the *Channel underneath, which notes them (sshcore/tun): the embedded
// interface does not carry them.
func (tc *TimedChannel) ReadDatagram(p []byte) (int, error) {
	return tun.ReadDatagram(tc.Channel, p)
}

func (tc *TimedChannel) WriteDatagram(p []byte) (int, error) {
	return tun.WriteDatagram(tc.Channel, p)
}

// Close closes the channel and forgets it.
func (tc *TimedChannel) Close() error {
	err := tc.Channel.Close()
	tc.Forget()
	return err
}

// Forget stops watching a channel that has ended without a Close of ours
// (the peer closed it, or the connection went); it reports whether this
// was the call that forgot it.
func (tc *TimedChannel) Forget() bool {
	forgot := false
	tc.once.Do(func() {
		forgot = true
		tc.t.mu.Lock()
		tc.own.Stop() // set under the lock, after its timer started
		delete(tc.t.open, tc)
		empty := len(tc.t.open) == 0
		tc.t.mu.Unlock()
		if empty && tc.t.emptied != nil {
			tc.t.emptied()
		}
	})
	return forgot
}
