package server

import (
	"sync"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/tun"
)

// What one authenticated client may make the daemon hold. Connections are
// goroutines of one process (design.md §5), so these bounds, not process
// boundaries, are what keep one client from starving the others. The
// figures and the worst case they add up to are in docs/sshd.md ("Limits").
const (
	// maxEnvVars is how many env requests a session keeps; OpenSSH stops
	// at the same count (session.c: "too many env vars").
	maxEnvVars = 128
	// maxEnvBytes bounds the NAME=value bytes one session keeps.
	maxEnvBytes = 64 << 10
	// maxChannels bounds the channels a client has open at once on one
	// connection (sessions, which MaxSessions bounds further, and
	// forwarded connections). x/crypto buffers up to one window (2 MiB)
	// of data per channel that nobody reads yet, so this times 2 MiB is
	// the worst case of pending data per connection.
	maxChannels = 64
	// maxRemoteForwards bounds the listeners one connection may have
	// sshd open for it (ssh -R).
	maxRemoteForwards = 64
)

// envAllowed reports whether a session with env may keep one more
// variable kv (NAME=value) within the limits above.
func envAllowed(env []string, kv string) bool {
	if len(env) >= maxEnvVars {
		return false
	}
	n := len(kv)
	for _, e := range env {
		n += len(e)
	}
	return n <= maxEnvBytes
}

// admitChannel counts a channel the client opens against maxChannels. It
// returns the channel to hand to the handlers, which gives its slot back
// when it is rejected, fails to be accepted, or is closed; false means the
// client has too many open and the channel was rejected.
func (c *conn) admitChannel(nch ssh.NewChannel) (ssh.NewChannel, bool) {
	c.mu.Lock()
	if c.channelsOpen >= maxChannels {
		c.mu.Unlock()
		c.refused(msgChannelLimit, maxChannels, nch.ChannelType(), c.remoteIP, c.remotePort)
		nch.Reject(ssh.ResourceShortage, "too many channels")
		return nil, false
	}
	c.channelsOpen++
	c.mu.Unlock()
	return &countedNewChannel{NewChannel: nch, c: c}, true
}

func (c *conn) releaseChannel() {
	c.mu.Lock()
	c.channelsOpen--
	c.mu.Unlock()
}

// countedNewChannel is a channel open that holds one of its connection's
// channel slots until it ends one way or another.
type countedNewChannel struct {
	ssh.NewChannel
	c    *conn
	once sync.Once
}

func (n *countedNewChannel) release() { n.once.Do(n.c.releaseChannel) }

// UnwrapNewChannel is the channel open as x/crypto made it (tun.Supported).
func (n *countedNewChannel) UnwrapNewChannel() ssh.NewChannel { return n.NewChannel }

func (n *countedNewChannel) Reject(reason ssh.RejectionReason, message string) error {
	n.release()
	return n.NewChannel.Reject(reason, message)
}

func (n *countedNewChannel) Accept() (ssh.Channel, <-chan *ssh.Request, error) {
	ch, reqs, err := n.NewChannel.Accept()
	if err != nil {
		n.release()
		return nil, nil, err
	}
	return n.c.trackChannel(&countedChannel{Channel: ch, release: n.release}, n.ChannelType()), reqs, nil
}

// countedChannel gives its slot back on the first Close.
type countedChannel struct {
	ssh.Channel
	release func()
}

// ReadDatagram and WriteDatagram pass tun@openssh.com's packets on
// (sshcore/tun).
func (ch *countedChannel) ReadDatagram(p []byte) (int, error) {
	return tun.ReadDatagram(ch.Channel, p)
}

func (ch *countedChannel) WriteDatagram(p []byte) (int, error) {
	return tun.WriteDatagram(ch.Channel, p)
}

func (ch *countedChannel) Close() error {
	err := ch.Channel.Close()
	ch.release()
	return err
}
