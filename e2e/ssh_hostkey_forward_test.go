package e2e

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// TestSSHChangedHostKeyDisablesForwarding: with StrictHostKeyChecking=no
// and a changed host key, ssh goes on as OpenSSH does but without agent
// and port forwarding (an impostor must not get them), saying so in
// OpenSSH's words; ExitOnForwardFailure makes that fatal. Checked against
// OpenSSH's sshd with a wrong known_hosts entry.
func TestSSHChangedHostKeyDisablesForwarding(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	good := string(readFile(t, e.kh))
	other := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	otherPub := strings.Fields(string(readFile(t, other+".pub")))
	changed := fmt.Sprintf("[127.0.0.1]:%d %s %s\n", e.port, otherPub[0], otherPub[1])
	lport := testenv.FreePort(t)
	// The server is this host: the remote command sees whether ssh
	// listens on lport for -L.
	probe := fmt.Sprintf(`ss -Hltn "sport = :%d" | wc -l; echo "${SSH_AUTH_SOCK:-none}"`, lport)
	args := append(e.base(), "-o", "StrictHostKeyChecking=no", "-o", "BatchMode=yes", "-A",
		"-L", fmt.Sprintf("%d:127.0.0.1:%d", lport, e.port), e.dest(), probe)

	// With the right key the forwardings are there (the control).
	os.WriteFile(e.kh, []byte(good), 0o600)
	stdout, stderr, status := e.run(nil, args...)
	if status != 0 || !strings.HasPrefix(stdout, "1\n") {
		t.Fatalf("known key: status %d, stdout %q, stderr:\n%s", status, stdout, stderr)
	}

	os.WriteFile(e.kh, []byte(changed), 0o600)
	stdout, stderr, status = e.run(nil, args...)
	if status != 0 || stdout != "0\nnone\n" {
		t.Errorf("changed key: status %d, stdout %q (want no listener, no agent), stderr:\n%s", status, stdout, stderr)
	}
	for _, want := range []string{
		"Agent forwarding is disabled to avoid man-in-the-middle attacks.",
		"Port forwarding is disabled to avoid man-in-the-middle attacks.",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}

	// -D and -R are port forwarding too, and -w is disabled as well (before
	// any device is opened); with ExitOnForwardFailure it ends.
	for _, fwd := range [][]string{{"-D", fmt.Sprint(lport)}, {"-R", fmt.Sprintf("%d:127.0.0.1:1", lport)}, {"-w", "any"}} {
		a := append(e.base(), "-o", "StrictHostKeyChecking=no", "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes")
		a = append(append(a, fwd...), e.dest(), "echo", "went-on")
		stdout, stderr, status = e.run(nil, a...)
		if status != 255 || stdout != "" || !strings.Contains(stderr, "Error: forwarding disabled due to host key check failure") {
			t.Errorf("%v with ExitOnForwardFailure: status %d, stdout %q, stderr:\n%s", fwd, status, stdout, stderr)
		}
		if fwd[0] == "-w" && !strings.Contains(stderr, "Tunnel forwarding is disabled to avoid man-in-the-middle attacks.") {
			t.Errorf("-w: stderr lacks the tunnel's line:\n%s", stderr)
		}
	}

	// Nothing to disable: no message about it, and the session runs.
	a := append(e.base(), "-o", "StrictHostKeyChecking=no", "-o", "BatchMode=yes", "-o", "PasswordAuthentication=no",
		"-o", "KbdInteractiveAuthentication=no", "-o", "ExitOnForwardFailure=yes", e.dest(), "echo", "went-on")
	stdout, stderr, status = e.run(nil, a...)
	if status != 0 || stdout != "went-on\n" || strings.Contains(stderr, "is disabled") {
		t.Errorf("nothing to disable: status %d, stdout %q, stderr:\n%s", status, stdout, stderr)
	}
}
