package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestInitScriptRestartKeepsSession runs contrib/init.d/sshd (the BusyBox /
// sysvinit script) as an administrator would: start, then restart while a
// session is open. The restart returns, the new daemon takes logins, and
// the session started before it still finishes with status 0.
func TestInitScriptRestartKeepsSession(t *testing.T) {
	t.Parallel()
	root, err := testenv.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(root, "contrib", "init.d", "sshd")
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	cfg, hostKey, port := testenv.SshboxConfig(t, "")
	pidFile := filepath.Join(t.TempDir(), "sshd.pid")
	logFile := filepath.Join(t.TempDir(), "sshd.log")
	env := append(os.Environ(), "SSHD="+testenv.Bin(t, "sshd"), "PIDFILE="+pidFile,
		"SSHD_OPTS=-f "+cfg+" -E "+logFile)
	initd := func(action string) {
		t.Helper()
		cmd := exec.Command("/bin/sh", script, action)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			log, _ := os.ReadFile(logFile)
			t.Fatalf("init.d/sshd %s: %v\n%s\nlog:\n%s", action, err, out, log)
		}
	}
	daemonPid := func() int {
		var pid int
		sshdWaitFor(t, 10*time.Second, func() bool {
			data, _ := os.ReadFile(pidFile)
			_, err := fmt.Sscan(string(data), &pid)
			return err == nil
		})
		return pid
	}
	initd("start")
	first := daemonPid()
	t.Cleanup(func() {
		syscall.Kill(first, syscall.SIGKILL)
		if data, err := os.ReadFile(pidFile); err == nil {
			var pid int
			fmt.Sscan(string(data), &pid)
			syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	d := &testenv.Sshbox{Port: port, Addr: fmt.Sprintf("127.0.0.1:%d", port), HostKey: hostKey, ConfigPath: cfg}
	testenv.WaitPort(t, d.Addr, 10*time.Second)

	session := startHeldSession(t, u, key, port, func() string { log, _ := os.ReadFile(logFile); return string(log) })

	initd("restart")
	second := daemonPid()
	if second == first {
		t.Fatalf("restart left the same daemon (pid %d)", first)
	}
	if out, errOut, code := sshdLogin(t, d, key, u.Name, nil, nil, "echo", "new"); code != 0 || out != "new\n" {
		t.Fatalf("login after restart: %d %q %q", code, out, errOut)
	}
	session.finish(t)
	sshdWaitFor(t, 20*time.Second, func() bool { return syscall.Kill(first, 0) != nil })
	initd("stop")
	sshdWaitFor(t, 20*time.Second, func() bool { return syscall.Kill(second, 0) != nil })
	if log, _ := os.ReadFile(logFile); !strings.Contains(string(log), "Received signal 15; terminating.") {
		t.Errorf("log lacks the SIGTERM line:\n%s", log)
	}
}
