package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// TestSSHUserPrecedence: ssh -G names the user OpenSSH's ssh -G names for
// the same command line: the first given, in argument order, of -l,
// -o User= and user@host.
func TestSSHUserPrecedence(t *testing.T) {
	t.Parallel()
	e := &sshEnv{t: t, home: t.TempDir()}
	userOf := func(out string) string {
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "user ") {
				return l
			}
		}
		return ""
	}
	for _, line := range []string{
		"baz@host -o User=foo -l bar", "-l bar baz@host -o User=foo", "-o User=foo -l bar baz@host",
		"-o User=foo host -l bar", "-l bar -o User=foo host", "host -l bar -o User=foo", "-oUser=x -lbar host",
		"ssh://u1@host:2222 -l u2",
	} {
		args := append([]string{"-G", "-F", "/dev/null"}, strings.Fields(line)...)
		want, err := exec.Command(testenv.NeedCmd(t, "ssh"), args...).Output()
		if err != nil {
			t.Fatalf("OpenSSH ssh %s: %v", line, err)
		}
		got, stderr, status := e.run(nil, args...)
		if status != 0 || userOf(got) != userOf(string(want)) {
			t.Errorf("ssh -G %s: %q (status %d %s), OpenSSH %q", line, userOf(got), status, stderr, userOf(string(want)))
		}
	}
}

// TestSSHRefuseConnection: OpenSSH 10's RefuseConnection in a Host block
// makes ssh refuse to connect to that host (exit 255, one line), and only
// to it.
func TestSSHRefuseConnection(t *testing.T) {
	t.Parallel()
	e, _ := openSSHEnv(t, "")
	cfg := filepath.Join(e.home, "config")
	os.WriteFile(cfg, []byte("Host blocked\n\tHostName 127.0.0.1\n\tRefuseConnection yes\n"), 0o644)
	args := append([]string{"-F", cfg}, e.base()[2:]...)
	_, stderr, status := e.run(nil, append(args, "-o", "BatchMode=yes", "-l", e.user.Name, "blocked", "true")...)
	if status != 255 || !strings.Contains(stderr, "refused by configuration (RefuseConnection)") {
		t.Errorf("blocked: status %d %q", status, stderr)
	}
	if _, stderr, status := e.run(nil, append(args, "-o", "BatchMode=yes", "-l", e.user.Name, "127.0.0.1", "true")...); status != 0 {
		t.Errorf("another host: status %d %q", status, stderr)
	}
}
