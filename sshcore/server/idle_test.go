package server

import (
	"io"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// TestIdleTimeout: Server.IdleTimeout (dropbear -I) closes a connection on
// which only keepalives move, and logs why; data on a channel, or requests
// on it, keep the connection open while they come (sshcore/idle's rule).
// The bounds are on hangs, not measurements: the connection must outlive a
// stretch of traffic three intervals long, and end within half a minute of
// the last traffic.
func TestIdleTimeout(t *testing.T) {
	const d = 2 * time.Second
	setup := func(s *Server) { s.IdleTimeout = d }
	for _, c := range []struct {
		name    string
		command string
		busy    bool // whether poke is traffic
		poke    func(c *ssh.Client, s *ssh.Session, in io.Writer) error
	}{
		{"keepalives", "sleep 60", false, func(c *ssh.Client, _ *ssh.Session, _ io.Writer) error {
			_, _, err := c.SendRequest("keepalive@openssh.com", true, nil)
			return err
		}},
		{"data", "cat", true, func(_ *ssh.Client, _ *ssh.Session, in io.Writer) error {
			_, err := in.Write([]byte("x"))
			return err
		}},
		{"channel requests", "sleep 60", true, func(_ *ssh.Client, s *ssh.Session, _ io.Writer) error {
			_, err := s.SendRequest("keepalive@openssh.com", true, nil)
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			conn, log := dialUserWith(t, nil, setup)
			s, err := conn.NewSession()
			if err != nil {
				t.Fatal(err)
			}
			in, _ := s.StdinPipe()
			if err := s.Start(c.command); err != nil {
				t.Fatal(err)
			}
			closed := make(chan struct{})
			go func() { conn.Wait(); close(closed) }()
			start := time.Now()
			wasClosed := false
		busy:
			for time.Since(start) < 3*d {
				select {
				case <-closed:
					wasClosed = true
					break busy
				case <-time.After(200 * time.Millisecond):
					c.poke(conn, s, in)
				}
			}
			switch elapsed := time.Since(start); {
			case c.busy && wasClosed:
				t.Fatalf("closed after %v of traffic every 200ms\n%s", elapsed, log.String())
			case !c.busy && !wasClosed:
				t.Fatalf("keepalives kept the connection open for %v\n%s", elapsed, log.String())
			case wasClosed && elapsed < d/2:
				t.Fatalf("closed after %v, before the timeout of %v", elapsed, d)
			}
			select {
			case <-closed:
			case <-time.After(30 * time.Second):
				t.Fatalf("still open half a minute after the traffic stopped\n%s", log.String())
			}
			for range 100 {
				if strings.Contains(log.String(), "Idle timeout: no traffic for 2 seconds from user sbx") {
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
			t.Errorf("log lacks the idle timeout:\n%s", log.String())
		})
	}
}
