package e2e

import (
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestSSHMuxCancelOwnForward: -O cancel reaches the master's own -L, not
// only what its clients asked for, as OpenSSH's master (one table of
// forwardings for the command line, ~C and the clients); a client's
// identical -L is the same forwarding.
func TestSSHMuxCancelOwnForward(t *testing.T) {
	e := newMuxEnv(t)
	greeter := testenv.ServeTCP(t, func(c net.Conn) { io.WriteString(c, "hello\n"); c.Close() })
	lport := testenv.FreePort(t)
	laddr := fmt.Sprintf("127.0.0.1:%d", lport)
	spec := fmt.Sprintf("%d:%s", lport, greeter.Addr())
	if _, stderr, status := e.run(nil, append(e.shared(), "-L", spec, e.dest(), "true")...); status != 0 {
		t.Fatalf("master with -L: status %d, stderr %q", status, stderr)
	}
	if b := banner(laddr); b != "hello\n" {
		t.Fatalf("the master's -L: got %q", b)
	}
	if _, stderr, status := e.run(nil, append(e.shared(), "-N", "-L", spec, e.dest())...); status != 0 {
		t.Fatalf("a client's identical -L: status %d, stderr %q", status, stderr)
	}
	cancel := append(e.base(), "-S", e.path, "-O", "cancel", "-L", spec, e.dest())
	if _, stderr, status := e.run(nil, cancel...); status != 0 {
		t.Fatalf("-O cancel of the master's -L: status %d, stderr %q", status, stderr)
	}
	refused(t, "tcp", laddr)
	if _, _, status := e.run(nil, cancel...); status != 255 {
		t.Errorf("-O cancel of what is no longer forwarded: status %d, want 255", status)
	}
}

// refused waits until addr refuses connections: at once for a local
// listener, once the server has acted on the cancel for a remote one.
func refused(t *testing.T, network, addr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout(network, addr, 2*time.Second)
		if err != nil {
			return
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatalf("%s %s still accepts connections after the cancel", network, addr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
