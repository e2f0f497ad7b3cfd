// This file is not part of x/crypto: sshbox adds it to its copy when it
// builds (sshbox's _xcrypto/README.md).

package ssh

import (
	"strings"
	"sync"
	"testing"
)

// TestDebugLog: a client with a debug log hears of the server's
// extensions and service accept during the login, and of each
// SSH_MSG_DEBUG the server sends afterwards (SendDebug), cut at 900
// bytes, also after a key re-exchange; the connection goes on as before.
func TestDebugLog(t *testing.T) {
	c1, c2, err := netPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	defer c2.Close()
	server := serveNoAuth(t, c2, "ed25519")
	var mu sync.Mutex
	var lines []string
	cfg := &ClientConfig{}
	cfg.SetDebugLog(func(s string) {
		mu.Lock()
		lines = append(lines, s)
		mu.Unlock()
	})
	client := dialNoAuth(t, c1, cfg)
	defer client.Close()
	s := <-server
	if s == nil {
		t.FailNow()
	}
	send := func(msg string) {
		t.Helper()
		if err := s.Conn.(*connection).SendDebug(msg); err != nil {
			t.Fatal(err)
		}
		// A global request behind it, answered: the debug message
		// has been read once the answer is back.
		if _, _, err := s.SendRequest("sync@example.com", true, nil); err != nil {
			t.Fatal(err)
		}
	}
	send("key options: pty\n")
	// A key re-exchange swaps the ciphers, not the transport.
	client.(*connection).transport.(*handshakeTransport).requestKeyExchange()
	if _, _, err := client.SendRequest("sync@example.com", true, nil); err != nil {
		t.Fatal(err)
	}
	send(strings.Repeat("x", 1000))
	mu.Lock()
	defer mu.Unlock()
	want := []string{
		"SSH2_MSG_EXT_INFO received",
		"kex_input_ext_info: server-sig-algs=<ssh-ed25519,",
		"kex_input_ext_info: ping@openssh.com=<0>",
		"SSH2_MSG_SERVICE_ACCEPT received",
		"Remote: key options: pty",
		"Remote: " + strings.Repeat("x", 900),
	}
	if len(lines) != len(want) {
		t.Fatalf("lines %q, want %d", lines, len(want))
	}
	for i, w := range want {
		// The server-sig-algs line goes on with the list; the others
		// are whole.
		if i == 1 && !strings.HasPrefix(lines[i], w) || i != 1 && lines[i] != w {
			t.Errorf("line %d: %q, want %q", i, lines[i], w)
		}
	}
}
