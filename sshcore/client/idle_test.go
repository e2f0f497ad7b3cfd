package client

import (
	"bytes"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/sshcore/loglevel"
)

// echoServer is an SSH server that lets anyone in, echoes what comes on a
// channel, grants every channel request and refuses every global one (so
// keepalives are answered).
func echoServer(t *testing.T) string {
	t.Helper()
	cfg := &ssh.ServerConfig{NoClientAuth: true}
	cfg.AddHostKey(newSigner(t))
	return listenSSH(t, cfg, func(_ *ssh.ServerConn, chans <-chan ssh.NewChannel, reqs <-chan *ssh.Request) {
		go ssh.DiscardRequests(reqs)
		for nch := range chans {
			ch, creqs, err := nch.Accept()
			if err != nil {
				continue
			}
			go func() {
				for r := range creqs {
					r.Reply(true, nil)
				}
			}()
			go io.Copy(ch, ch)
		}
	})
}

// idleClient connects to addr as watchChannels sets the connection up, with
// an idle timeout of d.
func idleClient(t *testing.T, addr string, d time.Duration) (*Client, *ssh.Client) {
	t.Helper()
	return watchedClient(t, addr, &Client{IdleTimeout: d})
}

// watchedClient connects c to addr as watchChannels sets the connection up.
func watchedClient(t *testing.T, addr string, c *Client) (*Client, *ssh.Client) {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	sc, chans, reqs, err := ssh.NewClientConn(nc, addr, &ssh.ClientConfig{User: "u", HostKeyCallback: ssh.InsecureIgnoreHostKey()})
	if err != nil {
		t.Fatal(err)
	}
	conn := ssh.NewClient(c.watchChannels(sc, chans, reqs))
	t.Cleanup(func() { c.idle.Stop(); c.timeouts.Stop(); conn.Close() })
	return c, conn
}

// TestIdleTimeoutClient: the client's idle timeout closes a connection on
// which only keepalives move, not one whose channel carries data; the
// bounds are on hangs, not measurements.
func TestIdleTimeoutClient(t *testing.T) {
	const d = time.Second
	addr := echoServer(t)
	for _, busy := range []bool{false, true} {
		c, conn := idleClient(t, addr, d)
		ch, creqs, err := conn.OpenChannel("session", nil)
		if err != nil {
			t.Fatal(err)
		}
		go ssh.DiscardRequests(creqs)
		go io.Copy(io.Discard, ch)
		closed := make(chan struct{})
		go func() { conn.Wait(); close(closed) }()
		start, wasClosed := time.Now(), false
	poke:
		for time.Since(start) < 3*d {
			select {
			case <-closed:
				wasClosed = true
				break poke
			case <-time.After(100 * time.Millisecond):
				conn.SendRequest("keepalive@openssh.com", true, nil)
				if busy {
					ch.Write([]byte("x"))
				}
			}
		}
		switch elapsed := time.Since(start); {
		case busy && wasClosed:
			t.Fatalf("closed after %v of data every 100ms", elapsed)
		case !busy && !wasClosed:
			t.Fatalf("keepalives kept the connection open for %v", elapsed)
		case wasClosed && elapsed < d/2:
			t.Fatalf("closed after %v, before the timeout of %v", elapsed, d)
		}
		select {
		case <-closed:
		case <-time.After(30 * time.Second):
			t.Fatalf("busy %v: still open half a minute after the traffic stopped", busy)
		}
		if !c.idleExpired.Load() {
			t.Errorf("busy %v: closed, but not by the idle timeout", busy)
		}
	}
}

// syncBuffer is a log that the timers' goroutines write while the test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestChannelTimeoutClient: under ChannelTimeout session=2, a session
// channel with no data is closed by the client (the echo server then
// closes its side, so its reads end) and said at VERBOSE; one with data
// every 100ms and a direct-tcpip channel, which the pattern does not name,
// stay open; the connection stays up.
func TestChannelTimeoutClient(t *testing.T) {
	addr := echoServer(t)
	var log syncBuffer
	c, conn := watchedClient(t, addr, &Client{
		Opts: &configfmt.ClientOptions{ChannelTimeout: []string{"session=2"}},
		Log:  NewLogger(&log, loglevel.Verbose),
	})
	open := func(typ string) (ssh.Channel, chan struct{}) {
		ch, creqs, err := conn.OpenChannel(typ, nil)
		if err != nil {
			t.Fatal(err)
		}
		go ssh.DiscardRequests(creqs)
		ended := make(chan struct{})
		go func() { io.Copy(io.Discard, ch); close(ended) }()
		return ch, ended
	}
	_, idleEnded := open("session")
	busy, busyEnded := open("session")
	busy.Write([]byte("x"))
	_, otherEnded := open("direct-tcpip")
	start := time.Now()
	for time.Since(start) < 4*time.Second {
		busy.Write([]byte("x"))
		time.Sleep(100 * time.Millisecond)
	}
	select {
	case <-idleEnded:
	case <-time.After(30 * time.Second):
		t.Fatal("idle session channel still open")
	}
	for name, ended := range map[string]chan struct{}{"busy session": busyEnded, "direct-tcpip": otherEnded} {
		select {
		case <-ended:
			t.Errorf("%s channel closed", name)
		default:
		}
	}
	if !strings.Contains(log.String(), "channel 0: closing after 2 seconds of inactivity") || strings.Contains(log.String(), "channel 1:") {
		t.Errorf("log: %q", log.String())
	}
	if !c.sessionExpired.Load() {
		t.Error("sessionExpired not set")
	}
	if _, _, err := conn.SendRequest("x@example.org", true, nil); err != nil {
		t.Errorf("connection gone: %v", err)
	}
}

// TestChannelTimeoutStdioForward: the channel of -W and of a ProxyJump hop
// is "stdio-forward" to ChannelTimeout, as OpenSSH's ssh -W knows it:
// direct-tcpip= leaves it open while it closes a direct-tcpip channel.
func TestChannelTimeoutStdioForward(t *testing.T) {
	addr := echoServer(t)
	_, conn := watchedClient(t, addr, &Client{
		Opts: &configfmt.ClientOptions{ChannelTimeout: []string{"direct-tcpip=1"}},
	})
	stdio, err := dialStdio(conn, "db.example", 5432)
	if err != nil {
		t.Fatal(err)
	}
	stdioEnded := make(chan struct{})
	go func() { io.Copy(io.Discard, stdio); close(stdioEnded) }()
	direct, err := conn.Dial("tcp", "db.example:5432")
	if err != nil {
		t.Fatal(err)
	}
	directEnded := make(chan struct{})
	go func() { io.Copy(io.Discard, direct); close(directEnded) }()
	select {
	case <-directEnded:
	case <-time.After(30 * time.Second):
		t.Fatal("idle direct-tcpip channel still open")
	}
	select {
	case <-stdioEnded:
		t.Error("the stdio-forward channel was closed by direct-tcpip=1")
	default:
	}
	if _, err := stdio.Write([]byte("x")); err != nil {
		t.Errorf("stdio-forward channel: %v", err)
	}
}
