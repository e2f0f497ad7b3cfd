package client

import (
	"errors"
	"net"
	"testing"
)

type addrOnly struct{ a net.Addr }

func (a addrOnly) RemoteAddr() net.Addr { return a.a }

// TestMACFailureText: x/crypto's error for each cipher family gets
// OpenSSH's words; "Corrupted MAC on input." only where a MAC was checked.
func TestMACFailureText(t *testing.T) {
	remote := addrOnly{&net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 2222}}
	fatal := "ssh_dispatch_run_fatal: Connection to 192.0.2.1 port 2222: message authentication code incorrect"
	for _, c := range []struct {
		err    string
		cipher string
		want   string
	}{
		{"ssh: MAC failure", "aes128-ctr", "Corrupted MAC on input.\n" + fatal},
		{"ssh: MAC failure", "aes128-cbc", "Corrupted MAC on input.\n" + fatal},
		{"ssh: MAC failure", "chacha20-poly1305@openssh.com", fatal},
		{"cipher: message authentication failed", "aes256-gcm@openssh.com", fatal},
		{"ssh: handshake failed: ssh: MAC failure", "aes256-ctr", "Corrupted MAC on input.\n" + fatal},
	} {
		m, ok := asMACFailure(errors.New(c.err), c.cipher, remote, "h", 22).(*macFailure)
		if !ok {
			t.Errorf("%q with %s: not a MAC failure", c.err, c.cipher)
			continue
		}
		if got := m.message(); got != c.want {
			t.Errorf("%q with %s: %q, want %q", c.err, c.cipher, got, c.want)
		}
	}
	if _, ok := asMACFailure(errors.New("EOF"), "aes128-ctr", remote, "h", 22).(*macFailure); ok {
		t.Error("EOF taken for a MAC failure")
	}
}
