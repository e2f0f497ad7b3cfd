// Package client is sshbox's ssh client: it dials the server (directly,
// through a ProxyCommand or through ProxyJump hops), proves the server's
// identity against the known hosts files with the seed's dialogue,
// authenticates the user, and carries the session, its escapes and its
// forwardings, behaving as OpenSSH's ssh does.
package client

import (
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"sshbox/configfmt"
	"sshbox/internal/bulkio"
	"sshbox/sshcore/compress"
	"sshbox/sshcore/connend"
	"sshbox/sshcore/idle"
)

// Client is one invocation of ssh: the effective options plus what only
// the command line says.
type Client struct {
	Opts   *configfmt.ClientOptions
	Log    *Logger
	Prompt *Prompter

	Command      string // remote command; "" = RemoteCommand or a shell
	NoShell      bool   // -N
	StdinNull    bool   // -n
	StdioForward string // -W host:port
	Subsystem    bool   // -s: Command names a subsystem
	// Background (-f) is called once the user is authenticated and the
	// forwardings are up; the caller puts ssh in the background there.
	Background func()
	// HopOptions gives the options of a ProxyJump hop; nil copies the
	// command line's identities and known hosts files.
	HopOptions func(Hop) (*configfmt.ClientOptions, error)
	// Shared, when set, makes this ssh a connection-sharing master: it is
	// called once the user is authenticated and the forwardings are up,
	// and the function it returns runs before Run returns (it waits for
	// the shared sessions). An error ends ssh (status 255).
	Shared func(conn *ssh.Client) (done func(), err error)
	// IdleTimeout closes the connection once no traffic has moved on it
	// for this long (0: never): dbclient's -I, or an SSH2_CONFIG's
	// IdleTimeout (no OpenSSH option sets one; idle.go). ssh then exits
	// as dbclient does.
	IdleTimeout time.Duration
	// ChannelWindow is the receive window each channel offers the server
	// (dbclient's -W), in bytes; 0: sshcore.DefaultChannelWindow.
	ChannelWindow uint32

	jumps       []*ssh.Client
	agentConn   net.Conn
	tcp         *net.TCPConn // the direct connection, for IPQoS (nil through a proxy)
	agent       agent.ExtendedAgent
	aliveFailed atomic.Bool
	idle        *idle.Timer  // IdleTimeout's, nil without one
	open        openChannels // the connection's channels (idle.go)
	// ttyDecided: whether the session gets a pty was settled (and said,
	// where stdin is no terminal) before connecting, as OpenSSH's ssh.c
	// does; tty is the answer.
	ttyDecided, tty bool
	idleExpired     atomic.Bool
	// timeouts is ChannelTimeout's watch over the channels, nil without
	// one; sessionExpired says it closed a session (idle.go).
	timeouts       *idle.Timeouts
	sessionExpired atomic.Bool
	// peer is the server as OpenSSH's messages name it ("IP port P").
	peer string
	// transport is the connection as x/crypto made it, before the
	// wrappers that watch it: what ~R asks for a key exchange.
	transport ssh.Conn
	// wire counts the bytes sent and received on the connection, for
	// the "Transferred:" line at the end.
	wire *bannerConn

	hostKeys *hostKeyUpdater // UpdateHostKeys, when it applies
	x11      x11State        // X11 forwarding (x11.go)

	fwdMu sync.Mutex
	fwds  []*heldFwd // the forwardings held open (fwdtable.go)

	tunName string // the local tunnel device (-w), LocalCommand's %T
}

// Run connects and runs the session; it returns ssh's exit status.
func (c *Client) Run() int {
	if c.Opts.RefuseConnection {
		c.Log.Fatal(msgRefuseConnection, c.Opts.HostName)
		return 255
	}
	if c.Opts.Compression && !compress.Available() {
		c.Log.Debug1("%s", msgNoCompression)
	}
	if c.Opts.IdentityErr != nil {
		c.Log.Fatal("%v", c.Opts.IdentityErr)
		return 255
	}
	if !c.checkForwardAgentSock() {
		return 255
	}
	c.decideTTY()
	conn, err := c.Connect()
	if err != nil {
		c.Log.Fail(err)
		return 255
	}
	defer c.logCompression()
	defer connend.Leave(conn.Conn)
	defer c.idle.Stop()
	defer c.timeouts.Stop()
	defer c.finishHostKeyUpdate()
	go c.keepAlive(conn)
	start := time.Now()
	status := c.serve(conn)
	c.logTransferred(time.Since(start), status)
	if c.idleExpired.Load() {
		// dbclient's words and status: its idle timeout is an end it was
		// asked for (Dropbear's dropbear_close, exit status 0), whatever
		// the session was doing.
		c.Log.Fatal(msgIdleTimeout, c.Opts.User, c.Opts.HostName, c.Opts.Port)
		return idleTimeoutStatus
	}
	return status
}

// logTransferred ends the session's log as OpenSSH's client_loop does:
// what went over the wire (at VERBOSE, so `ssh -v` shows it), then the
// exit status.
func (c *Client) logTransferred(d time.Duration, status int) {
	if c.wire != nil {
		sent, received := c.wire.sent.Load(), c.wire.received.Load()
		secs := d.Seconds()
		c.Log.Verbose(msgTransferred, sent, received, secs)
		if secs > 0 {
			c.Log.Verbose(msgBytesPerSecond, float64(sent)/secs, float64(received)/secs)
		}
	}
	c.Log.Debug1("Exit status %d", status)
}

// idleTimeoutStatus is ssh's exit status when IdleTimeout ended the
// connection: dbclient's, 0.
const idleTimeoutStatus = 0

// closedHere says whether ssh itself ended the connection (keepalives
// unanswered, the idle timeout): then ssh says why, not that the
// connection was lost.
func (c *Client) closedHere() bool { return c.aliveFailed.Load() || c.idleExpired.Load() }

// serve runs what the command line asked for on the connection; it returns
// ssh's exit status.
func (c *Client) serve(conn *ssh.Client) int {
	if c.NoShell || c.StdioForward != "" {
		// OpenSSH's ssh_session2: no session is interactive traffic,
		// unless this is a connection-sharing master.
		c.setQoS(c.Opts.ControlMaster == "false")
	}
	if c.StdioForward != "" {
		return c.stdioForward(conn)
	}
	if err := c.startForwards(conn); err != nil {
		c.Log.Fail(err)
		return 255
	}
	if err := c.startTunnel(conn); err != nil {
		c.Log.Fail(err)
		return 255
	}
	command := c.Command
	if command == "" {
		command = c.Opts.RemoteCommand
	}
	c.runLocalCommand()
	if c.Shared != nil {
		done, err := c.Shared(conn)
		if err != nil {
			c.Log.Fatal("%v", err)
			return 255
		}
		defer done()
	}
	if c.Background != nil {
		c.Background()
	}
	if c.NoShell {
		c.requestNoMoreSessions(conn)
	}
	c.Log.Debug1("Entering interactive session.") // OpenSSH's client_loop, -N included
	if c.NoShell {
		if c.reportMACFailure(c.connMACFailure(conn, conn.Wait())) || c.closedHere() {
			return 255
		}
		return 0
	}
	if c.Subsystem && !c.subsystemOnPty(command) {
		return c.runSubsystem(conn, command)
	}
	return c.runSession(conn, command)
}

// keepAlive sends keepalive@openssh.com every ServerAliveInterval and
// drops the connection when ServerAliveCountMax of them go unanswered.
func (c *Client) keepAlive(conn *ssh.Client) {
	interval := c.Opts.ServerAliveInterval
	if interval <= 0 {
		return
	}
	max := c.Opts.ServerAliveCountMax
	if max <= 0 {
		max = 3
	}
	var outstanding atomic.Int32
	t := time.NewTicker(interval)
	defer t.Stop()
	for range t.C {
		if c.idleExpired.Load() {
			return // the idle timeout closed the connection; Run says so
		}
		if int(outstanding.Load()) >= max {
			c.aliveFailed.Store(true)
			c.Log.Fatal(msgServerTimeout, c.Opts.HostName)
			conn.Close()
			return
		}
		outstanding.Add(1)
		c.Log.Debug3("send packet: type 80 (keepalive@openssh.com)")
		go func() {
			if _, _, err := conn.SendRequest("keepalive@openssh.com", true, nil); err == nil {
				outstanding.Add(-1)
			}
		}()
	}
}

// stdioForward is -W: the standard input and output become a direct-tcpip
// channel to host:port, which is how a ProxyCommand of another ssh uses us.
func (c *Client) stdioForward(conn *ssh.Client) int {
	h, err := ParseDestination(c.StdioForward)
	if err != nil || h.Port == 0 || h.User != "" {
		c.Log.Fatal(msgBadStdioSpec, c.StdioForward)
		return 255
	}
	ch, err := dialStdio(conn, h.Host, h.Port)
	if err != nil {
		c.Log.Fatal("%s: %v", msgStdioFwdFailed, err)
		return 255
	}
	c.requestNoMoreSessions(conn)
	if c.Background != nil {
		c.Background()
	}
	in, restoreStdin := c.stdinUntilExit()
	defer restoreStdin()
	done := make(chan struct{}, 2)
	go func() {
		bulkio.Copy(ch, in)
		restoreStdin()
		if cw, ok := ch.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
		}
	}()
	go func() {
		bulkio.Copy(os.Stdout, ch)
		done <- struct{}{}
	}()
	<-done
	return 0
}

// logCompression prints what compression did, at -v, as OpenSSH's ssh does
// when the connection closes.
func (c *Client) logCompression() {
	if c.transport == nil {
		return
	}
	if st, ok := compress.StatsOf(c.transport); ok {
		for _, l := range st.Lines() {
			c.Log.Debug1("%s", l)
		}
	}
}
