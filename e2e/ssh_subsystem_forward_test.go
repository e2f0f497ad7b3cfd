package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"sshbox/internal/testenv"
)

// TestSSHSubsystemForwarding: ssh -s asks for X11 and agent forwarding
// before the subsystem, as OpenSSH's ssh does (ssh_session2_setup), so a
// subsystem sees DISPLAY and SSH_AUTH_SOCK as a command does: to
// OpenSSH's sshd and to sshbox's, with OpenSSH's ssh run beside it. The
// subsystem is a script that reports both and uses them.
func TestSSHSubsystemForwarding(t *testing.T) {
	t.Parallel()
	d := startXvfb(t)
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	probe := filepath.Join(sharedDir(t, 0o755, 0, 0), "probe")
	script := "#!/bin/sh\n" + x11Probe + "\n" +
		`echo "agent=${SSH_AUTH_SOCK:+set}"; ssh-add -l >/dev/null 2>&1 && echo keys=ok || echo keys=none` + "\n"
	if err := os.WriteFile(probe, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	config := "X11Forwarding yes\nSubsystem probe " + probe
	box := testenv.StartSshbox(t, config)
	ossh := testenv.StartOpenSSHD(t, config)
	sock := startAgent(t, testenv.NeedCmd(t, "ssh-agent"), t.TempDir(), nil, nil)
	add := exec.Command(testenv.NeedCmd(t, "ssh-add"), key)
	add.Env = agentEnv(sock)
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("ssh-add: %v\n%s", err, out)
	}
	env := append(d.Env(), "SSH_AUTH_SOCK="+sock)
	forwarded := regexp.MustCompile(`^display=localhost:\d+\.0\nxauth=MIT-MAGIC-COOKIE-1\nx11=ok\nagent=set\nkeys=ok\n$`)
	const absent = x11Absent + "agent=\nkeys=none\n"

	eachClientServer(t, box.Port, ossh.Port, func(client, server, ssh string, port int) {
		what := client + " ssh -s to " + server + " sshd"
		if out, stderr := x11Client(t, ssh, env, port, key, u, []string{"-s", "-X", "-A"}, "probe"); !forwarded.MatchString(out) {
			t.Errorf("%s -X -A: %q, want X11 and the agent\n%s", what, out, stderr)
		}
		if out, stderr := x11Client(t, ssh, env, port, key, u, []string{"-s"}, "probe"); out != absent {
			t.Errorf("%s without -X -A: %q, want %q\n%s", what, out, absent, stderr)
		}
	})
}
