package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestSshdPidFileAfterSIGHUP: SIGHUP writes the pid file again, as
// OpenSSH's sshd does when it re-executes itself: a deleted one comes
// back, and a PidFile the new configuration moves is written there and the
// old one removed.
func TestSshdPidFileAfterSIGHUP(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first, second := filepath.Join(dir, "first.pid"), filepath.Join(dir, "second.pid")
	d := testenv.StartSshbox(t, "PidFile "+first)
	pid := fmt.Sprint(d.Proc.Cmd.Process.Pid)
	holds := func(p string) func() bool {
		return func() bool {
			data, _ := os.ReadFile(p)
			return strings.TrimSpace(string(data)) == pid
		}
	}
	sshdWaitFor(t, 5*time.Second, holds(first))
	os.Remove(first)
	d.Proc.Cmd.Process.Signal(syscall.SIGHUP)
	sshdWaitFor(t, 5*time.Second, holds(first))

	cfg, _ := os.ReadFile(d.ConfigPath)
	os.WriteFile(d.ConfigPath, []byte(strings.Replace(string(cfg), "PidFile "+first, "PidFile "+second, 1)), 0o644)
	d.Proc.Cmd.Process.Signal(syscall.SIGHUP)
	sshdWaitFor(t, 5*time.Second, holds(second))
	sshdWaitFor(t, 5*time.Second, func() bool { _, err := os.Stat(first); return os.IsNotExist(err) })
	d.Proc.Cmd.Process.Signal(syscall.SIGTERM)
	d.Proc.Wait(10 * time.Second)
	if _, err := os.Stat(second); !os.IsNotExist(err) {
		t.Errorf("pid file left behind: %v", err)
	}
}
