package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestSSHServerKilledUnderSession: sshbox's ssh in a real terminal, an
// interactive shell on sshbox's sshd, and the daemon is killed. The user
// reads OpenSSH's words on the screen and ssh exits 255.
func TestSSHServerKilledUnderSession(t *testing.T) {
	d := testenv.StartSshbox(t, "")
	e := newEnv(t, d.Port, d.HostKey+".pub")
	// Without keystroke chaff: a chaff packet on its way as the daemon
	// dies is left unread, and its socket then closes with a reset
	// ("Read from remote host 127.0.0.1: Connection reset by peer",
	// OpenSSH's words for that end).
	tm := e.term(24, 80, append(e.base(), "-o", "ObscureKeystrokeTiming=no", e.dest())...)
	tm.Type("PS1='rdy''> '\r")
	at := tm.Expect(0, "rdy> ", 15*time.Second)
	d.Proc.Kill()
	tm.Expect(at, "Connection to 127.0.0.1 closed by remote host.", 10*time.Second)
	if status := tm.Wait(10 * time.Second); status != 255 {
		t.Errorf("status %d, want 255", status)
	}
}

// faultServer is a TCP server that misbehaves in one way per connection,
// standing in for a server that dies or stalls at a given phase; handle
// gets the connection.
func faultServer(t *testing.T, handle func(c *net.TCPConn)) int {
	l := testenv.ServeTCP(t, func(c net.Conn) { handle(c.(*net.TCPConn)) })
	return l.Addr().(*net.TCPAddr).Port
}

// sendVersionThen sends a server version line and reads the client's
// version and the start of its KEXINIT, so that the client has nothing
// left to write and is waiting for the server's KEXINIT; then does what.
func sendVersionThen(what func(c *net.TCPConn)) func(c *net.TCPConn) {
	return func(c *net.TCPConn) {
		io.WriteString(c, "SSH-2.0-fault\r\n")
		var got []byte
		buf := make([]byte, 4096)
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		for {
			i := bytes.IndexByte(got, '\n')
			if i >= 0 && len(got) > i+1 {
				break
			}
			n, err := c.Read(buf)
			if err != nil {
				break
			}
			got = append(got, buf[:n]...)
		}
		// The rest of the KEXINIT packet, sent in the same write.
		c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		c.Read(buf)
		c.SetReadDeadline(time.Time{})
		what(c)
	}
}

// reset closes the connection with a RST instead of a FIN.
func reset(c *net.TCPConn) { c.SetLinger(0); c.Close() }

// readThen reads what the client sent first (its version line), then does
// what: a reset before the client even finished connecting would be a
// connect error.
func readThen(what func(c *net.TCPConn)) func(c *net.TCPConn) {
	return func(c *net.TCPConn) {
		c.Read(make([]byte, 256))
		what(c)
	}
}

// closeFIN ends the server's side with a FIN and reads what still comes:
// closing with unread data would send a RST instead.
func closeFIN(c *net.TCPConn) { c.CloseWrite(); io.Copy(io.Discard, c) }

// stall holds the connection open and silent until the client leaves.
func stall(c *net.TCPConn) { io.Copy(io.Discard, c) }

// TestSSHConnectionEndMessages: each way a connection can end before the
// session gets OpenSSH's message, naming the banner exchange only when it
// was in the banner exchange, with one prefix only.
func TestSSHConnectionEndMessages(t *testing.T) {
	testenv.Bin(t, "ssh")
	for _, tc := range []struct {
		name      string
		handle    func(c *net.TCPConn)
		want      []string
		forbidden []string
	}{
		{"closed before banner", closeFIN,
			[]string{"kex_exchange_identification: Connection closed by remote host\nConnection closed by 127.0.0.1 port %d\n"}, nil},
		{"reset before banner", readThen(reset),
			[]string{"kex_exchange_identification: read: Connection reset by peer\nConnection reset by 127.0.0.1 port %d\n"}, nil},
		{"stalled before banner", stall,
			[]string{"Connection timed out during banner exchange\nConnection to 127.0.0.1 port %d timed out\n"}, nil},
		{"banner too long", func(c *net.TCPConn) { io.WriteString(c, strings.Repeat("S", 300)); stall(c) },
			[]string{"kex_exchange_identification: banner line too long\nbanner exchange: Connection to 127.0.0.1 port %d: invalid format\n"},
			[]string{"ssh: ssh:", "overflow"}},
		{"closed in key exchange", sendVersionThen(closeFIN),
			[]string{"Connection closed by 127.0.0.1 port %d\n"}, []string{"banner", "kex_exchange_identification"}},
		{"reset in key exchange", sendVersionThen(reset),
			[]string{"Connection reset by 127.0.0.1 port %d\n"}, []string{"banner", "kex_exchange_identification"}},
		{"stalled in key exchange", sendVersionThen(stall),
			[]string{"Connection to 127.0.0.1 port %d timed out\n"}, []string{"banner"}},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			port := faultServer(t, tc.handle)
			e := &sshEnv{t: t, home: t.TempDir()}
			_, stderr, status := e.run(nil, "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "ConnectTimeout=2",
				"-o", "UserKnownHostsFile=/dev/null", "-p", fmt.Sprint(port), "127.0.0.1", "true")
			if status != 255 {
				t.Errorf("status %d, want 255", status)
			}
			for _, w := range tc.want {
				// Each line ended as OpenSSH's log.c ends it.
				if w = strings.ReplaceAll(fmt.Sprintf(w, port), "\n", "\r\n"); stderr != w {
					t.Errorf("stderr %q, want %q", stderr, w)
				}
			}
			for _, f := range tc.forbidden {
				if strings.Contains(stderr, f) {
					t.Errorf("stderr %q contains %q", stderr, f)
				}
			}
		})
	}
}
