package e2e

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// TestSshdRekeyLimit: with RekeyLimit 1M sshd renews the keys while 4 MB
// flow, which OpenSSH's ssh -vv shows as further key exchanges; without
// it there is one.
func TestSshdRekeyLimit(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	u.UnlockForKeys(t)
	key := u.AuthorizeKey(t, "")
	kexes := func(config string) int {
		d := testenv.StartSshbox(t, config)
		args := []string{"-vv", "-F", "none", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
			"-o", "BatchMode=yes", "-i", key, "-p", fmt.Sprint(d.Port), "-l", u.Name, "127.0.0.1", "head -c 4000000 /dev/zero"}
		cmd := exec.Command(testenv.NeedCmd(t, "ssh"), args...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil || out.Len() != 4000000 {
			t.Fatalf("ssh: %v, %d bytes\n%s", err, out.Len(), errb.String())
		}
		d.Proc.Kill()
		return strings.Count(errb.String(), "SSH2_MSG_KEXINIT received")
	}
	if n := kexes(""); n != 1 {
		t.Errorf("without RekeyLimit: %d key exchanges", n)
	}
	if n := kexes("RekeyLimit 1M"); n < 2 {
		t.Errorf("RekeyLimit 1M: %d key exchanges for 4 MB", n)
	}
}

// TestSSHRekeyLimit: sshbox's ssh with -o RekeyLimit=1M renews the keys
// while 4 MB flow, which OpenSSH's sshd shows in its debug log; and, as
// OpenSSH's ssh -v, sshbox's shows "Server host key:" at every one of
// those key exchanges that completes (scripts/bench's soak counts re-keys
// that way).
func TestSSHRekeyLimit(t *testing.T) {
	t.Parallel()
	e, d := openSSHEnv(t, "LogLevel DEBUG1")
	stdout, stderr, status := e.run(nil, append(e.base(), "-v", "-o", "RekeyLimit=1M", "-o", "BatchMode=yes", e.dest(), "head -c 4000000 /dev/zero")...)
	if status != 0 || len(stdout) != 4000000 {
		t.Fatalf("ssh: status %d, %d bytes, %s", status, len(stdout), stderr)
	}
	n := strings.Count(d.Proc.Stderr.String(), "SSH2_MSG_KEXINIT received")
	if n < 2 {
		t.Errorf("RekeyLimit=1M: %d key exchanges in OpenSSH's sshd log\n%s", n, d.Proc.Stderr.String())
	}
	// The last exchange may be cut short by the end of the connection:
	// sshd has the client's KEXINIT, the client never gets the server's
	// reply. Every other one shows the host key, at least one re-key.
	if c := strings.Count(stderr, "debug1: Server host key: "); c != n && c != n-1 || c < 2 {
		t.Errorf("ssh -v shows \"Server host key:\" %d times for the server's %d key exchanges\n%s", c, n, stderr)
	}
}
