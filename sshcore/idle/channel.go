package idle

import (
	"io"
	"strings"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/tun"
)

// What is traffic. Dropbear's -I closes a connection on which "no traffic
// is transmitted or received" for its interval; Dropbear counts every
// packet but its keepalives and the answers to them (and SSH_MSG_IGNORE).
// x/crypto shows us the connection protocol, not packets, so traffic here
// is what that protocol carries: channels opened, data moving on a
// channel either way, requests on a channel either way (exit-status,
// window-change, a peer's keepalive on a channel, which Dropbear counts
// too), a channel's EOF and close, and global requests except keepalives.
// Keepalives are global requests named keepalive@... (what OpenSSH's
// ServerAliveInterval and ClientAliveInterval and Dropbear's -K send when
// no channel is open) and sshbox's keystroke-timing chaff ("ping"); the
// answers to requests are not seen at all. Key re-exchange and
// SSH_MSG_IGNORE never reach this level, so they do not count either. So a
// session kept busy only by keepalives, its own side's or the peer's, ends
// at the timeout, as with Dropbear, while one whose program prints, or
// whose user types, does not.

// Counts says whether a global request of type reqType is traffic: any but
// a keepalive.
func Counts(reqType string) bool {
	return !strings.HasPrefix(reqType, "keepalive@") && reqType != "ping"
}

// Channel reports the traffic of an ssh.Channel to Touch: data read or
// written, on standard output or standard error (data true), and the
// requests sent on it, its EOF and its close (data false). The requests
// that arrive on a channel come on the request channel its Accept or
// OpenChannel returned: Requests watches those.
type Channel struct {
	ssh.Channel
	Touch func(data bool)
}

func (c *Channel) Read(p []byte) (int, error) {
	n, err := c.Channel.Read(p)
	if n > 0 {
		c.Touch(true)
	}
	return n, err
}

// ReadDatagram and WriteDatagram carry tun@openssh.com's packets
// (sshcore/tun), which are data as the rest.
func (c *Channel) ReadDatagram(p []byte) (int, error) {
	n, err := tun.ReadDatagram(c.Channel, p)
	if n > 0 {
		c.Touch(true)
	}
	return n, err
}

func (c *Channel) WriteDatagram(p []byte) (int, error) {
	n, err := tun.WriteDatagram(c.Channel, p)
	if n > 0 {
		c.Touch(true)
	}
	return n, err
}

func (c *Channel) Write(p []byte) (int, error) {
	n, err := c.Channel.Write(p)
	if n > 0 {
		c.Touch(true)
	}
	return n, err
}

// Stderr is the channel's standard error, watched as the rest.
func (c *Channel) Stderr() io.ReadWriter { return &stderr{rw: c.Channel.Stderr(), c: c} }

func (c *Channel) SendRequest(name string, wantReply bool, payload []byte) (bool, error) {
	c.Touch(false)
	return c.Channel.SendRequest(name, wantReply, payload)
}

func (c *Channel) CloseWrite() error {
	c.Touch(false)
	return c.Channel.CloseWrite()
}

func (c *Channel) Close() error {
	c.Touch(false)
	return c.Channel.Close()
}

type stderr struct {
	rw io.ReadWriter
	c  *Channel
}

func (s *stderr) Read(p []byte) (int, error) {
	n, err := s.rw.Read(p)
	if n > 0 {
		s.c.Touch(true)
	}
	return n, err
}

func (s *stderr) Write(p []byte) (int, error) {
	n, err := s.rw.Write(p)
	if n > 0 {
		s.c.Touch(true)
	}
	return n, err
}

// Requests passes on the requests that arrive on a channel (or on the
// connection), calling seen with each first. The goroutine that carries
// them ends when in closes.
func Requests(in <-chan *ssh.Request, seen func(r *ssh.Request)) <-chan *ssh.Request {
	out := make(chan *ssh.Request)
	go func() {
		defer close(out)
		for r := range in {
			seen(r)
			out <- r
		}
	}()
	return out
}
