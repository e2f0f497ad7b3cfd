package client

import (
	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/idle"
)

// dbclient's -I (Client.IdleTimeout): once no traffic has moved on the
// connection for the interval, counted from authentication, ssh closes it
// and says so as Dropbear does. What is traffic is sshcore/idle's rule:
// channels opened by either side, data and requests on them either way,
// their EOF and close, global requests other than keepalives. It is
// watched by wrapping the connection x/crypto's Client runs on, so every
// user of the connection (the session, -L, -R, -D, -W, the agent,
// connection sharing) is seen without being told. ServerAliveInterval's
// keepalive@openssh.com (dbclient -K) and its answer do not count, nor do
// the server's keepalives: with Dropbear too they leave an otherwise idle
// session to time out.

// watchIdle returns the connection, channel opens and global requests to
// build the ssh.Client from: as given without an idle timeout, else
// watched, with the timer started.
func (c *Client) watchIdle(sc ssh.Conn, chans <-chan ssh.NewChannel, reqs <-chan *ssh.Request) (ssh.Conn, <-chan ssh.NewChannel, <-chan *ssh.Request) {
	if c.IdleTimeout <= 0 {
		return sc, chans, reqs
	}
	t := idle.New(c.IdleTimeout, func() {
		c.idleExpired.Store(true)
		sc.Close()
	})
	c.idle = t
	opens := make(chan ssh.NewChannel)
	go func() {
		defer close(opens)
		for nch := range chans {
			t.Touch()
			opens <- &idleNewChannel{NewChannel: nch, t: t}
		}
	}()
	return &idleConn{Conn: sc, t: t}, opens, idle.Requests(reqs, func(reqType string) {
		if idle.Counts(reqType) {
			t.Touch()
		}
	})
}

// watchedChannel reports a channel's traffic, and the requests that
// arrive on it, to t.
func watchedChannel(t *idle.Timer, ch ssh.Channel, reqs <-chan *ssh.Request) (ssh.Channel, <-chan *ssh.Request) {
	return &idle.Channel{Channel: ch, Touch: func(bool) { t.Touch() }}, idle.Requests(reqs, func(string) { t.Touch() })
}

// idleConn is the connection under an idle timeout: the channels it opens
// and the global requests it sends are traffic.
type idleConn struct {
	ssh.Conn
	t *idle.Timer
}

func (c *idleConn) OpenChannel(name string, data []byte) (ssh.Channel, <-chan *ssh.Request, error) {
	c.t.Touch()
	ch, reqs, err := c.Conn.OpenChannel(name, data)
	if err != nil {
		return ch, reqs, err
	}
	ch, reqs = watchedChannel(c.t, ch, reqs)
	return ch, reqs, nil
}

func (c *idleConn) SendRequest(name string, wantReply bool, payload []byte) (bool, []byte, error) {
	if idle.Counts(name) {
		c.t.Touch()
	}
	return c.Conn.SendRequest(name, wantReply, payload)
}

// Algorithms passes on what was negotiated (connMACFailure reads the
// cipher).
func (c *idleConn) Algorithms() ssh.NegotiatedAlgorithms {
	if am, ok := c.Conn.(ssh.AlgorithmsConnMetadata); ok {
		return am.Algorithms()
	}
	return ssh.NegotiatedAlgorithms{}
}

// idleNewChannel is a channel the server opens (-R, the agent): accepted,
// it is watched as the others.
type idleNewChannel struct {
	ssh.NewChannel
	t *idle.Timer
}

func (n *idleNewChannel) Accept() (ssh.Channel, <-chan *ssh.Request, error) {
	ch, reqs, err := n.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	ch, reqs = watchedChannel(n.t, ch, reqs)
	return ch, reqs, nil
}
