package server

import (
	"bufio"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/configfmt"
)

// ssh2Config loads an SSHD2_CONFIG with text, as sshd's ConfigFunc.
func ssh2Config(t *testing.T, text string) ConfigFunc {
	t.Helper()
	p := filepath.Join(t.TempDir(), "SSHD2_CONFIG")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := configfmt.LoadServer(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c.For
}

// greeting dials addr and returns the first line the server sends ("" if
// it closes the connection first); the connection stays open until the
// test ends.
func greeting(t *testing.T, addr string) (string, net.Conn) {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, _ := bufio.NewReader(nc).ReadString('\n')
	nc.SetReadDeadline(time.Time{})
	return line, nc
}

// TestMaxConnections: with MaxConnections 2, a third connection is refused
// before the version exchange while two are open, authenticated or not,
// and admitted again once one has gone.
func TestMaxConnections(t *testing.T) {
	addr, _, log := startServer(t, ssh2Config(t, "*:\nMaxConnections 2\nPerSourcePenalties no\n"))
	var open []net.Conn
	for i := 0; i < 2; i++ {
		line, nc := greeting(t, addr)
		if !strings.HasPrefix(line, "SSH-2.0-") {
			t.Fatalf("connection %d: %q\n%s", i+1, line, log)
		}
		open = append(open, nc)
	}
	if line, _ := greeting(t, addr); line != "Not allowed at this time\r\n" {
		t.Fatalf("third connection: %q, want the refusal\n%s", line, log)
	}
	waitOutput(t, log, "past MaxConnections")
	open[0].Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		line, _ := greeting(t, addr)
		if strings.HasPrefix(line, "SSH-2.0-") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no connection admitted after one of two closed: %q\n%s", line, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestHostAccess: DenyHosts and AllowHosts refuse a client by its
// address before the version exchange; one they allow gets the server's
// version.
func TestHostAccess(t *testing.T) {
	for _, c := range []struct {
		conf string
		ok   bool
		why  string
	}{
		{"DenyHosts \\i127\\.0\\.0\\..*\n", false, "by DenyHosts"},
		{"DenyHosts 10.*,\\m127.0.0.0/8\n", false, "by DenyHosts"},
		{"AllowHosts \\i10.*\n", false, "by AllowHosts"},
		{"AllowHosts \\i10.*\nAllowHosts \\i127.0.0.1\n", true, ""},
		{"AllowHosts \\m127.0.0.0/8\nDenyHosts \\i10.*\n", true, ""},
	} {
		addr, _, log := startServer(t, ssh2Config(t, "## SSH CONFIGURATION FILE FORMAT VERSION 1.1\n## REGEX-SYNTAX egrep\n"+
			"PerSourcePenalties no\n"+c.conf))
		line, _ := greeting(t, addr)
		if got := strings.HasPrefix(line, "SSH-2.0-"); got != c.ok {
			t.Errorf("%q: greeting %q, want admitted %v\n%s", c.conf, line, c.ok, log)
			continue
		}
		if !c.ok {
			waitOutput(t, log, "[127.0.0.1] port ")
			waitOutput(t, log, c.why)
		}
	}
}

// TestIdleTimeoutOption: the ssh2 dialect's IdleTimeout (the user's
// options) closes an idle connection as dropbear -I does, the shorter of
// the two winning when both are set. The bound is on a hang.
func TestIdleTimeoutOption(t *testing.T) {
	for _, srv := range []time.Duration{0, time.Hour} {
		conn, log := dialUserWith(t, func(o *configfmt.ServerOptions) { o.IdleTimeout = 2 * time.Second },
			func(s *Server) { s.IdleTimeout = srv })
		s, err := conn.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Start("sleep 60"); err != nil {
			t.Fatal(err)
		}
		closed := make(chan struct{})
		go func() { conn.Wait(); close(closed) }()
		select {
		case <-closed:
		case <-time.After(30 * time.Second):
			t.Fatalf("Server.IdleTimeout %v: the idle connection is still open\n%s", srv, log)
		}
		waitOutput(t, log, "Idle timeout: no traffic for 2 seconds from user ")
	}
}
