package e2e

import (
	"os/exec"
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
