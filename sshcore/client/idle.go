package client

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/sshcore/idle"
)

// ssh watches every channel of its connection, whoever opened it, by
// wrapping the connection x/crypto's Client runs on, so that every user of
// the connection (the session, -L, -R, -D, -W, X11, the agent, connection
// sharing) is seen without being told. Two things need that:
//
//   - OpenSSH's client loop does not end with the session while forwarded
//     connections are still open (channel_still_open): `ssh -L ... host
//     sleep 10` keeps a connection made through the tunnel until it
//     closes. openChannels counts them.
//   - dbclient's -I (Client.IdleTimeout): once no traffic has moved on the
//     connection for the interval, counted from authentication, ssh closes
//     it and says so as Dropbear does. What is traffic is sshcore/idle's
//     rule: channels opened by either side, data and requests on them
//     either way, their EOF and close, global requests other than
//     keepalives. ServerAliveInterval's keepalive@openssh.com (dbclient
//     -K) and its answer do not count, nor do the server's keepalives:
//     with Dropbear too they leave an otherwise idle session to time out.
//   - ChannelTimeout (ssh_config(5)): a channel of a type it names on which
//     no data has moved, either way, for its interval is closed by ssh, as
//     OpenSSH's client does (sshcore/idle's Timeouts, the same as sshd's).
//     OpenSSH says so at LogLevel VERBOSE ("channel N: closing after T
//     seconds of inactivity"), numbering channels as it opens them; ours
//     are numbered in the order they open, either side's. A session closed
//     so ends ssh as a session the server closed without an exit status
//     does: status 255, "Connection to HOST closed." after a terminal.
//     The channel of -W, and so each ProxyJump hop's channel to the next
//     host, is a direct-tcpip channel on the wire but "stdio-forward" to
//     ChannelTimeout, as OpenSSH's ssh -W (which ProxyJump runs) knows it:
//     direct-tcpip= does not close a jump host's tunnel, "*=" does.

// watchChannels returns the connection, channel opens and global requests
// to build the ssh.Client from: the channels counted, and watched for the
// idle timeout when there is one, with its timer started.
func (c *Client) watchChannels(sc ssh.Conn, chans <-chan ssh.NewChannel, reqs <-chan *ssh.Request) (ssh.Conn, <-chan ssh.NewChannel, <-chan *ssh.Request) {
	w := &watchedConn{Conn: sc, open: &c.open}
	c.open.log = c.Log
	if c.Opts != nil && len(c.Opts.ChannelTimeout) > 0 {
		w.limit = c.Opts.ChannelIdleTimeout
		w.timeouts = idle.NewTimeouts(c.Opts.ChannelIdleTimeout, func(tc *idle.TimedChannel, d time.Duration) {
			c.Log.Verbose(msgChannelInactive, tc.ID(), int(d/time.Second))
			if tc.Type() == "session" {
				c.sessionExpired.Store(true)
			}
		}, nil)
		c.timeouts = w.timeouts
	}
	if c.IdleTimeout > 0 {
		w.t = idle.New(c.IdleTimeout, func() {
			c.idleExpired.Store(true)
			sc.Close()
		})
		c.idle = w.t
	}
	// The server's global requests count as traffic for the idle timeout
	// (but keepalives), and each is logged at -v, as OpenSSH's
	// client_input_global_request logs it (hostkeys-00@openssh.com,
	// keepalive@openssh.com), whoever then answers it.
	reqs = idle.Requests(reqs, func(r *ssh.Request) {
		c.Log.Debug1("client_input_global_request: rtype %s want_reply %d", r.Type, boolInt(r.WantReply))
		if idle.Counts(r.Type) {
			w.t.Touch()
		}
	})
	opens := make(chan ssh.NewChannel)
	go func() {
		defer close(opens)
		for nch := range chans {
			w.t.Touch()
			opens <- &watchedNewChannel{NewChannel: nch, w: w}
		}
	}()
	return w, opens, reqs
}

// openChannels holds the connection's channels from their opening until
// x/crypto has closed them (both sides sent CLOSE, or the connection
// ended), each numbered in the order it opened and described as
// OpenSSH's ~# describes it.
type openChannels struct {
	log  *Logger // nil: nothing logged
	mu   sync.Mutex
	next int
	list []*openChannel
	zero chan struct{} // closed when list empties; nil while it is empty
}

// openChannel is one entry: desc is OpenSSH's name for the channel's
// other end ("client-session", "direct-tcpip: listening port ...", the
// originator of a forwarded-tcpip connection), chanType its type as
// OpenSSH's ~# shows it in brackets.
type openChannel struct {
	id             int
	desc, chanType string
}

// add lists a channel just opened, logged at -v as OpenSSH's channel_new
// logs it, with ChannelTimeout's interval for its type.
func (o *openChannels) add(desc, chanType string, inactive time.Duration) *openChannel {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.list) == 0 {
		o.zero = make(chan struct{})
	}
	e := &openChannel{id: o.next, desc: desc, chanType: chanType}
	o.next++
	o.list = append(o.list, e)
	o.log.Debug1("channel %d: new %s [%s] (inactive timeout: %d)", e.id, chanType, desc, int(inactive/time.Second))
	return e
}

// done drops a channel that x/crypto has closed, logged at -v as
// OpenSSH's channel_free logs it, with the channels open before.
func (o *openChannels) done(e *openChannel) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.log.Debug1("channel %d: free: %s, nchannels %d", e.id, e.desc, len(o.list))
	for i, x := range o.list {
		if x == e {
			o.list = append(o.list[:i], o.list[i+1:]...)
			break
		}
	}
	if len(o.list) == 0 && o.zero != nil {
		close(o.zero)
		o.zero = nil
	}
}

// String is what ~# prints: OpenSSH's heading and a line for each open
// channel, "#N desc [type]" (OpenSSH's own lines go on with its file
// descriptors and buffer states, which sshbox does not have).
func (o *openChannels) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var b strings.Builder
	b.WriteString("The following connections are open:\n")
	for _, e := range o.list {
		fmt.Fprintf(&b, "  #%d %s [%s]\n", e.id, e.desc, e.chanType)
	}
	return b.String()
}

// wait returns once no channel is open: after the session has ended, the
// forwarded connections still open hold ssh, as OpenSSH's do.
func (o *openChannels) wait() {
	o.mu.Lock()
	z := o.zero
	o.mu.Unlock()
	if z != nil {
		<-z
	}
}

// watchedConn is the connection with its channels counted and, under an
// idle timeout (t non-nil), the channels it opens and the global requests
// it sends counted as traffic; under ChannelTimeout (timeouts non-nil)
// its channels are timed.
type watchedConn struct {
	ssh.Conn
	t        *idle.Timer
	timeouts *idle.Timeouts
	limit    func(chanType string) time.Duration // ChannelTimeout's interval for a type; nil: none set
	open     *openChannels
}

// Disconnect passes connend.Leave through to the connection underneath.
func (w *watchedConn) Disconnect(reason uint32, message string) error {
	if d, ok := w.Conn.(interface{ Disconnect(uint32, string) error }); ok {
		return d.Disconnect(reason, message)
	}
	return w.Conn.Close()
}

func (w *watchedConn) OpenChannel(name string, data []byte) (ssh.Channel, <-chan *ssh.Request, error) {
	w.t.Touch()
	ch, reqs, err := w.Conn.OpenChannel(name, data)
	if err != nil {
		return ch, reqs, err
	}
	ch, reqs = w.channel(ch, reqs, name, describeChannel(name, data))
	return ch, reqs, nil
}

func (w *watchedConn) SendRequest(name string, wantReply bool, payload []byte) (bool, []byte, error) {
	if idle.Counts(name) {
		w.t.Touch()
	}
	return w.Conn.SendRequest(name, wantReply, payload)
}

// Algorithms passes on what was negotiated (connMACFailure reads the
// cipher).
func (w *watchedConn) Algorithms() ssh.NegotiatedAlgorithms {
	if am, ok := w.Conn.(ssh.AlgorithmsConnMetadata); ok {
		return am.Algorithms()
	}
	return ssh.NegotiatedAlgorithms{}
}

// channel holds ch, of SSH type chanType, open until its requests end,
// which x/crypto closes once the channel is closed both ways or the
// connection has gone; the count drops before the requests' end is passed
// on, so that whoever waits for it (x/crypto's Session.Wait) sees the
// channel gone from the count. Under an idle timeout its traffic and
// requests are reported to t; under ChannelTimeout it is timed until it
// ends.
func (w *watchedConn) channel(ch ssh.Channel, reqs <-chan *ssh.Request, chanType, desc string) (ssh.Channel, <-chan *ssh.Request) {
	return w.channelAs(ch, reqs, chanType, shownType(chanType), desc)
}

// channelAs is channel with the type ~# shows given apart (dynamic-tcpip
// for a -D connection's direct-tcpip channel).
func (w *watchedConn) channelAs(ch ssh.Channel, reqs <-chan *ssh.Request, chanType, shown, desc string) (ssh.Channel, <-chan *ssh.Request) {
	var inactive time.Duration
	if w.limit != nil {
		inactive = w.limit(idle.TimeoutType(chanType))
	}
	e := w.open.add(desc, shown, inactive)
	var touch func(bool)
	if w.t != nil {
		touch = func(bool) { w.t.Touch() }
	}
	var timed *idle.TimedChannel
	switch {
	case w.timeouts != nil:
		timed = w.timeouts.Track(ch, chanType, touch)
		ch = timed
	case touch != nil:
		ch = &idle.Channel{Channel: ch, Touch: touch}
	}
	out := make(chan *ssh.Request)
	go func() {
		defer close(out)
		defer w.open.done(e)
		if timed != nil {
			defer timed.Forget()
		}
		for r := range reqs {
			w.t.Touch()
			w.open.log.Debug1("client_input_channel_req: channel %d rtype %s reply %d", e.id, r.Type, boolInt(r.WantReply))
			out <- r
		}
	}()
	return ch, out
}

// watchedNewChannel is a channel the server opens (-R, X11, the agent):
// accepted, it is watched as the others.
type watchedNewChannel struct {
	ssh.NewChannel
	w *watchedConn
}

func (n *watchedNewChannel) Accept() (ssh.Channel, <-chan *ssh.Request, error) {
	ch, reqs, err := n.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	ch, reqs = n.w.channel(ch, reqs, n.ChannelType(), describeChannel(n.ChannelType(), n.ExtraData()))
	return ch, reqs, nil
}

// dialStdio opens a direct-tcpip channel to host:port on conn for -W or
// the next ProxyJump hop, known to ChannelTimeout as "stdio-forward"; on
// a connection that is not watched it is conn.Dial.
func dialStdio(conn *ssh.Client, host string, port int) (net.Conn, error) {
	w, ok := conn.Conn.(*watchedConn)
	if !ok {
		return conn.Dial("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	}
	// RFC 4254 7.2, from 0.0.0.0 port 0 as x/crypto's Dial says.
	payload := ssh.Marshal(tcpipOpen{host, uint32(port), "0.0.0.0", 0})
	w.t.Touch()
	ch, reqs, err := w.Conn.OpenChannel("direct-tcpip", payload)
	if err != nil {
		return nil, err
	}
	ch, reqs = w.channel(ch, reqs, "stdio-forward", "stdio-forward")
	go ssh.DiscardRequests(reqs)
	return &stdioConn{Channel: ch}, nil
}

// stdioConn is a channel as a net.Conn, as x/crypto's Dial returns one:
// zero addresses, no deadlines.
type stdioConn struct {
	ssh.Channel
}

var errNoDeadline = errors.New("ssh: deadline not supported on a forwarded channel")

func (s *stdioConn) LocalAddr() net.Addr              { return &net.TCPAddr{IP: net.IPv4zero} }
func (s *stdioConn) RemoteAddr() net.Addr             { return &net.TCPAddr{IP: net.IPv4zero} }
func (s *stdioConn) SetDeadline(time.Time) error      { return errNoDeadline }
func (s *stdioConn) SetReadDeadline(time.Time) error  { return errNoDeadline }
func (s *stdioConn) SetWriteDeadline(time.Time) error { return errNoDeadline }
