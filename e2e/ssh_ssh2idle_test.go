package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"sshbox/internal/testenv"
)

// TestSSHSSH2IdleTimeout: sshbox's ssh reading an SSH2_CONFIG with
// IdleTimeout 2 (under the heading that picks the host) against OpenSSH's
// sshd, which sends keepalives every second: an idle session ends with
// dbclient -I's words and status, one whose command prints does not end
// while it prints, and a host the heading does not pick has no timeout.
func TestSSHSSH2IdleTimeout(t *testing.T) {
	t.Parallel()
	testenv.NeedRoot(t)
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	port := testenv.StartOpenSSHD(t, "ClientAliveInterval 1").Port
	cfg := filepath.Join(t.TempDir(), "SSH2_CONFIG")
	os.WriteFile(cfg, []byte("StrictHostKeyChecking no\nBatchMode yes\n127.0.0.1:\n  IdleTimeout 2s\n"), 0o644)
	ssh := func(host, command string) idleRun {
		return runIdle(t, []string{"HOME=" + t.TempDir()}, testenv.Bin(t, "ssh"), "-F", cfg, "-o", "UserKnownHostsFile=/dev/null",
			"-i", key, "-p", fmt.Sprint(port), "-l", u.Name, host, command)
	}
	said := fmt.Sprintf("Connection to %s@127.0.0.1:%d exited: Idle timeout", u.Name, port)
	t.Run("idle", func(t *testing.T) {
		t.Parallel()
		checkIdleEnd(t, "ssh sleep 30", ssh("127.0.0.1", "sleep 30"), 0, said)
	})
	t.Run("busy", func(t *testing.T) {
		t.Parallel()
		checkBusyThenIdle(t, "ssh printing", ssh("127.0.0.1", idleCommand), 0, said)
	})
	t.Run("other host", func(t *testing.T) {
		t.Parallel()
		// localhost is not under the 127.0.0.1 heading: the command runs
		// its 3 s of silence to the end.
		if r := ssh("localhost", "sleep 3; echo done"); r.status != 0 || r.out != "done\n" {
			t.Errorf("no timeout for localhost: status %d after %v, %q %q", r.status, r.took, r.out, r.err)
		}
	})
}
