package e2e

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/internal/delayproxy"
	"sshbox/internal/testenv"
)

// TestScpLargeFileSessions: a file past the split size moves over several
// sftp sessions of one connection, both ways, byte-identical.
func TestScpLargeFileSessions(t *testing.T) {
	t.Parallel()
	e, d := openSSHEnv(t, "LogLevel VERBOSE")
	local := t.TempDir()
	src := filepath.Join(local, "large.bin")
	os.WriteFile(src, randomBytes(40<<20+12345), 0o644)
	if r := e.scp(src, e.remote("large.bin")); r.RC != 0 {
		t.Fatalf("upload: %d\n%s", r.RC, r.Err)
	}
	sameFile(t, src, filepath.Join(e.user.Home, "large.bin"))
	back := filepath.Join(local, "back.bin")
	if r := e.scp(e.remote("large.bin"), back); r.RC != 0 {
		t.Fatalf("download: %d\n%s", r.RC, r.Err)
	}
	sameFile(t, src, back)
	// Two connections, each with more than one sftp session.
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := strings.Count(d.Proc.Stderr.String(), "Starting session: subsystem 'sftp'")
		if n > 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d sftp sessions for two large copies:\n%s", n, d.Proc.Stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestScpSessionsFollowRoundTrip: against sshbox's sshd, whose sftp-server
// answers a session's requests in parallel, a large file moves over one
// sftp session on loopback, and over several through a path with a
// 20 ms round trip, where one session's window per round trip would be
// the limit (sshcore/transfer, sessionsFor). -v shows each session as
// "Sending subsystem: sftp", as OpenSSH's ssh does.
func TestScpSessionsFollowRoundTrip(t *testing.T) {
	t.Parallel()
	e, d := sshboxEnv(t, "")
	local := t.TempDir()
	src := filepath.Join(local, "large.bin")
	os.WriteFile(src, randomBytes(40<<20+777), 0o644)
	sessions := func(r testenv.Result) int { return strings.Count(r.Err, "Sending subsystem: sftp") }

	r := e.scp("-v", src, e.remote("large.bin"))
	if r.RC != 0 {
		t.Fatalf("upload: %d\n%s", r.RC, r.Err)
	}
	sameFile(t, src, filepath.Join(e.user.Home, "large.bin"))
	if n := sessions(r); n != 1 {
		t.Errorf("upload on loopback: %d sftp sessions, want 1", n)
	}
	back := filepath.Join(local, "back.bin")
	if r = e.scp("-v", e.remote("large.bin"), back); r.RC != 0 {
		t.Fatalf("download: %d\n%s", r.RC, r.Err)
	}
	sameFile(t, src, back)
	if n := sessions(r); n != 1 {
		t.Errorf("download on loopback: %d sftp sessions, want 1", n)
	}

	// The same server 20 ms away.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go (&delayproxy.Proxy{Target: d.Addr, Delay: 10 * time.Millisecond}).Serve(l)
	far := *e
	far.port = l.Addr().(*net.TCPAddr).Port
	far.kh = testenv.KnownHosts(t, t.TempDir(), far.port, d.HostKey+".pub")
	os.Remove(back)
	if r = far.scp("-v", far.remote("large.bin"), back); r.RC != 0 {
		t.Fatalf("download through the delay: %d\n%s", r.RC, r.Err)
	}
	sameFile(t, src, back)
	if n := sessions(r); n < 2 || n > 8 {
		t.Errorf("download at 20 ms: %d sftp sessions, want 2-8", n)
	}
}
