package e2e

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// TestSSHQueryMatchesOpenSSH: every question OpenSSH's ssh -Q answers
// (but kex-gss: sshbox has no GSSAPI), keyword spellings included, is
// answered, and each name sshbox lists is one OpenSSH lists for the same
// question (sshbox lists only what it can use, so fewer; ML-KEM, newer
// than the OpenSSH installed here, aside).
func TestSSHQueryMatchesOpenSSH(t *testing.T) {
	t.Parallel()
	ssh := testenv.NeedCmd(t, "ssh")
	e := &sshEnv{t: t, home: t.TempDir()}
	help, err := exec.Command(ssh, "-Q", "help").Output()
	if err != nil {
		t.Fatal(err)
	}
	questions := append(strings.Fields(string(help)), "Ciphers", "MACs", "KexAlgorithms", "HostKeyAlgorithms", "PubkeyAcceptedAlgorithms", "CASignatureAlgorithms")
	for _, q := range questions {
		if q == "kex-gss" {
			continue
		}
		theirs, err := exec.Command(ssh, "-Q", q).Output()
		if err != nil {
			continue // a keyword this OpenSSH does not take
		}
		ours, stderr, status := e.run(nil, "-Q", q)
		if status != 0 || ours == "" {
			t.Errorf("-Q %s: status %d %q", q, status, stderr)
			continue
		}
		known := map[string]bool{}
		for _, n := range strings.Fields(string(theirs)) {
			known[n] = true
		}
		for _, n := range strings.Fields(ours) {
			if !known[n] && !strings.HasPrefix(n, "mlkem") {
				t.Errorf("-Q %s lists %s; OpenSSH does not", q, n)
			}
		}
	}
}

// TestSSHFlagErrorsMatchOpenSSH: an option value OpenSSH's ssh refuses in
// its getopt loop is refused by sshbox's in the same words, with the same
// line end and status, before any destination is looked at; the first bad
// one in the order given.
func TestSSHFlagErrorsMatchOpenSSH(t *testing.T) {
	t.Parallel()
	ossh := testenv.NeedCmd(t, "ssh")
	for _, args := range [][]string{
		{"-p", "abc", "h"}, {"-p", "0", "h"}, {"-p", "99999", "h"},
		{"-L", "1", "h"}, {"-L", "abc:1:2", "h"}, {"-D", "x", "h"}, {"-R", "x:y", "h"},
		{"-c", "nosuch", "h"}, {"-c", "nosuch"}, {"-m", "nosuch", "h"},
		{"-e", "~~", "h"}, {"-e", "xy", "h"}, {"-e", "^ab", "h"}, {"-e", "^\x01", "h"},
		{"-W", "h"}, {"-W", "h"}, {"-J", ",,", "h"}, {"-J", "a", "-J", "b", "h"}, {"-w", "x", "h"},
		{"-L", "1", "-p", "abc", "h"}, {"-p", "abc", "-L", "1", "h"},
	} {
		run := func(prog string) (string, int) {
			cmd := exec.Command(prog, append([]string{"-F", "/dev/null"}, args...)...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			return stderr.String(), testenv.ExitCode(err)
		}
		want, wantRC := run(ossh)
		got, gotRC := run(testenv.Bin(t, "ssh"))
		if got != want || gotRC != wantRC {
			t.Errorf("ssh %q: sshbox %q (status %d), OpenSSH %q (status %d)", args, got, gotRC, want, wantRC)
		}
	}
}
