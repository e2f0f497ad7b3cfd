package e2e

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestSshdRestartKeepsSessions is the restart an administrator does over
// SSH (issue 15): a session is running, the daemon gets SIGTERM, a new
// daemon starts on the same port at once and takes a login, and the old
// session still finishes its command with status 0. The old daemon exits
// once its last connection has ended.
func TestSshdRestartKeepsSessions(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	pidFile := filepath.Join(t.TempDir(), "sshd.pid")
	old := testenv.StartSshbox(t, "PidFile "+pidFile)
	sshdWaitFor(t, 5*time.Second, func() bool { _, err := os.Stat(pidFile); return err == nil })

	// The session goes on only after the new daemon has served a login.
	session := startHeldSession(t, u, key, old.Port, old.Proc.Stderr.String)

	old.Proc.Cmd.Process.Signal(syscall.SIGTERM)
	old.WaitLog(t, "Received signal 15; terminating.", 10*time.Second)
	sshdWaitFor(t, 10*time.Second, func() bool { _, err := os.Stat(pidFile); return os.IsNotExist(err) })

	// The new daemon binds the same port while the old one still serves.
	p := testenv.Start(t, testenv.Bin(t, ""), "sshd", "-D", "-e", "-f", old.ConfigPath)
	fresh := &testenv.Sshbox{Port: old.Port, Addr: old.Addr, HostKey: old.HostKey, ConfigPath: old.ConfigPath, Proc: p}
	fresh.WaitLog(t, "Server listening on", 20*time.Second)
	if out, errOut, code := sshdLogin(t, fresh, key, u.Name, nil, nil, "echo", "new"); code != 0 || out != "new\n" {
		t.Fatalf("login through the new daemon: status %d, %q %q\nnew log:\n%s", code, out, errOut, p.Stderr.String())
	}
	if !strings.Contains(p.Stderr.String(), "Accepted publickey") || strings.Count(old.Proc.Stderr.String(), "Accepted publickey") != 1 {
		t.Errorf("the new login went to the wrong daemon\nold:\n%s\nnew:\n%s", old.Proc.Stderr.String(), p.Stderr.String())
	}
	select {
	case <-old.Proc.Done():
		t.Fatalf("the old daemon exited with a session open:\n%s", old.Proc.Stderr.String())
	default:
	}

	session.finish(t)
	err, done := old.Proc.Wait(20 * time.Second)
	if !done || err != nil {
		t.Errorf("old daemon after its last session: done %v, %v\n%s", done, err, old.Proc.Stderr.String())
	}
}

// TestSshdSecondSignalEndsSessions: a second SIGTERM (or a SIGINT) ends
// the sessions a first SIGTERM left running, and the daemon exits.
func TestSshdSecondSignalEndsSessions(t *testing.T) {
	t.Parallel()
	for _, second := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(second.String(), func(t *testing.T) {
			u := testenv.NewUser(t, "")
			key := u.AuthorizeKey(t, "")
			d := testenv.StartSshbox(t, "")
			cmd := exec.Command(testenv.NeedCmd(t, "ssh"), append(testenv.SSHArgs(key, d.Port, u.Name), "echo started; exec sleep 600")...)
			stdout, _ := cmd.StdoutPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
			lines := bufio.NewScanner(stdout)
			if !lines.Scan() {
				t.Fatalf("session did not start:\n%s", d.Proc.Stderr.String())
			}
			d.Proc.Cmd.Process.Signal(syscall.SIGTERM)
			d.WaitLog(t, "Received signal 15; terminating.", 10*time.Second)
			d.Proc.Cmd.Process.Signal(second)
			err, done := d.Proc.Wait(20 * time.Second)
			if !done || err != nil {
				t.Fatalf("after a second signal: done %v, %v\n%s", done, err, d.Proc.Stderr.String())
			}
			if err := cmd.Wait(); testenv.ExitCode(err) != 255 {
				t.Errorf("session ended with %v, want the connection closed (255)", err)
			}
		})
	}
}
