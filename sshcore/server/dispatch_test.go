package server

import (
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/internal/testenv"
)

// TestGlobalRequestsAroundARemoteForwarding: a keepalive is refused both
// before the first forwarding (answered by dispatch) and after it (by the
// forwarding handler), and the remote forwarding opened in between carries
// a connection and can be cancelled.
func TestGlobalRequestsAroundARemoteForwarding(t *testing.T) {
	c, log := dialUser(t, nil)
	keepalive := func(when string) {
		ok, _, err := c.SendRequest("keepalive@openssh.com", true, nil)
		if err != nil || ok {
			t.Errorf("keepalive %s: ok %v, %v", when, ok, err)
		}
	}

	keepalive("before any forwarding")
	l, err := c.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("remote forwarding: %v\n%s", err, log.String())
	}
	keepalive("with a forwarding open")
	go func() {
		if fc, err := l.Accept(); err == nil {
			fc.Write([]byte("through"))
			fc.Close()
		}
	}()
	nc, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(nc)
	nc.Close()
	if string(got) != "through" {
		t.Errorf("through the forwarding: %q", got)
	}
	if err := l.Close(); err != nil {
		t.Errorf("cancel-tcpip-forward: %v", err)
	}
	keepalive("after the cancel")
}

// TestPanicDuringLoginEndsOnlyThatConnection: a panic in an
// authentication callback (here the per-user configuration, evaluated while
// x/crypto authenticates, on the login's own goroutine) is logged and ends
// that connection; the listener keeps serving.
func TestPanicDuringLoginEndsOnlyThatConnection(t *testing.T) {
	dial, log := panickingLoginServer(t, testOptions)
	if err := dial("sbx-panic-user"); err == nil {
		t.Fatal("the connection whose login panicked succeeded")
	}
	if err := dial("sbx-no-such-user"); err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("next connection: %v", err)
	}
	if !strings.Contains(log.String(), "fatal: panic serving 127.0.0.1 port ") || !strings.Contains(log.String(), "boom in login") {
		t.Fatalf("log:\n%s", log.String())
	}
}

// panickingLoginServer serves opts, except that the login of
// sbx-panic-user panics; dial logs in as a user with a key of its own.
func panickingLoginServer(t *testing.T, opts func() *configfmt.ServerOptions) (dial func(user string) error, log *testenv.SyncBuffer) {
	addr, hk, log := startServer(t, func(m configfmt.MatchConn) (*configfmt.ServerOptions, error) {
		if m.User == "sbx-panic-user" {
			panic("boom in login")
		}
		return opts(), nil
	})
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signer, _ := ssh.NewSignerFromKey(priv)
	return func(user string) error {
		c, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{User: user, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
			HostKeyCallback: ssh.FixedHostKey(hk), Timeout: 5 * time.Second})
		if err == nil {
			c.Close()
		}
		return err
	}, log
}

// TestIdleConnectionHoldsOneGoroutine: once logged in, an idle connection
// (no channels, no forwardings) holds one goroutine of sshd's own beside
// x/crypto's; each more would add a stack to every idle connection (see
// docs/performance.md, "Where the memory goes").
func TestIdleConnectionHoldsOneGoroutine(t *testing.T) {
	c, log := dialUser(t, nil)
	keepalive := func() {
		if _, _, err := c.SendRequest("keepalive@openssh.com", true, nil); err != nil {
			t.Fatal(err)
		}
	}
	keepalive() // answered, so the login is over on the server's side
	// The login's goroutine returns right after x/crypto lets the client
	// in; wait for it to be gone rather than guess how long that takes.
	var ours []string
	for range 500 {
		ours = connGoroutines()
		if len(ours) <= 1 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(ours) != 1 {
		t.Fatalf("%d goroutines of the connection, want 1:\n%s\n%s", len(ours), strings.Join(ours, "\n\n"), log.String())
	}
}

// connGoroutines are the stacks of the goroutines that run sshd's
// per-connection code (or were started by it).
func connGoroutines() []string {
	var out []string
	for _, g := range strings.Split(goroutines(), "\n\n") {
		if strings.Contains(g, "sshbox/sshcore/server.(*conn).") {
			out = append(out, g)
		}
	}
	return out
}
