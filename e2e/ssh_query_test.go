package e2e

import (
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
