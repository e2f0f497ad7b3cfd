package client

import (
	"io"
	"net"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
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
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	sc, chans, reqs, err := ssh.NewClientConn(nc, addr, &ssh.ClientConfig{User: "u", HostKeyCallback: ssh.InsecureIgnoreHostKey()})
	if err != nil {
		t.Fatal(err)
	}
	c := &Client{IdleTimeout: d}
	conn := ssh.NewClient(c.watchChannels(sc, chans, reqs))
	t.Cleanup(func() { c.idle.Stop(); conn.Close() })
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
