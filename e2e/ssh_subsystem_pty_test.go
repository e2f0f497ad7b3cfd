package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestSSHSubsystemOnPty: ssh -s -t runs the subsystem on a pty, as OpenSSH's
// ssh does, with both sshds: the subsystem sees a terminal of the client's
// size, follows a resize, reads what is typed, and its exit status is
// ssh's; the escape character works (~. ends the connection); without -t
// the subsystem has no terminal. OpenSSH's ssh runs beside sshbox's in the
// same terminal, and each line checked is what OpenSSH's shows.
func TestSSHSubsystemOnPty(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	probe := filepath.Join(sharedDir(t, 0o755, 0, 0), "ttyprobe")
	script := `#!/bin/sh
if tty -s; then echo "pty=yes size=$(stty size)"; else echo pty=no; fi
read line
echo "size=$(stty size 2>/dev/null) line=$line"
exit 3
`
	if err := os.WriteFile(probe, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	config := "Subsystem ttyprobe " + probe
	box := testenv.StartSshbox(t, config)
	ossh := testenv.StartOpenSSHD(t, config)
	start := func(ssh string, port int, flags ...string) *testenv.Term {
		args := append(append(flags, "-o", "LogLevel=INFO"), testenv.SSHArgs(key, port, u.Name)...)
		return testenv.StartTerm(t, 24, 80, []string{"TERM=xterm"}, ssh, append(args, "ttyprobe")...)
	}
	eachClientServer(t, box.Port, ossh.Port, func(client, server, ssh string, port int) {
		what := client + " ssh -s -t to " + server + " sshd"
		tm := start(ssh, port, "-s", "-t")
		at := tm.Expect(0, "pty=yes size=24 80\r\n", 15*time.Second)
		tm.Resize(30, 100)
		time.Sleep(300 * time.Millisecond) // the window change reaches the server first
		tm.Type("hello\r")
		tm.Expect(at, "size=30 100 line=hello\r\n", 10*time.Second)
		if code := tm.Wait(10 * time.Second); code != 3 {
			t.Errorf("%s: exit %d, want the subsystem's 3; terminal:\n%s", what, code, tm.Output())
		}
		if out := tm.Output(); !strings.Contains(out, "Connection to 127.0.0.1 closed.") {
			t.Errorf("%s: no closing line, as OpenSSH's ssh gives on a pty; terminal:\n%s", what, out)
		}

		tm = start(ssh, port, "-s", "-t")
		tm.Expect(0, "pty=yes", 15*time.Second)
		tm.Type("~.")
		if code := tm.Wait(10 * time.Second); code != 255 {
			t.Errorf("%s: ~. gave exit %d, want 255; terminal:\n%s", what, code, tm.Output())
		}

		tm = start(ssh, port, "-s")
		tm.Expect(0, "pty=no\r\n", 15*time.Second)
		tm.Type("x\r")
		tm.Expect(0, "line=x", 10*time.Second)
		if code := tm.Wait(10 * time.Second); code != 3 {
			t.Errorf("%s without -t: exit %d, want 3; terminal:\n%s", client, code, tm.Output())
		}
	})
}
