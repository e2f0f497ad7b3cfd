package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
