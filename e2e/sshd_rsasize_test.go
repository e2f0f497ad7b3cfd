package e2e

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// rsaKey makes an RSA key of bits bits with OpenSSH's ssh-keygen.
func rsaKey(t *testing.T, dir string, bits string) string {
	t.Helper()
	p := filepath.Join(dir, "id_rsa_"+bits)
	if out, err := exec.Command(testenv.NeedCmd(t, "ssh-keygen"), "-q", "-t", "rsa", "-b", bits, "-N", "", "-f", p).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	return p
}

// TestSshdRequiredRSASize: RequiredRSASize refuses RSA user keys shorter
// than it (a Match block may lower it for some users) and leaves out RSA
// host keys shorter than it, as OpenSSH 9.2's sshd does with the same
// configuration; OpenSSH's ssh is the client of both.
func TestSshdRequiredRSASize(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	short, long := rsaKey(t, dir, "2048"), rsaKey(t, dir, "3072")
	hostShort := rsaKey(t, t.TempDir(), "2048")
	u := testenv.NewUser(t, "")
	u.UnlockForKeys(t)
	u.Authorize(t, short+".pub")
	u.Authorize(t, long+".pub")
	lenient := testenv.NewUser(t, "")
	lenient.UnlockForKeys(t)
	lenient.Authorize(t, short+".pub")

	extra := "HostKey " + hostShort + "\nRequiredRSASize 3072\nMatch User " + lenient.Name + "\n\tRequiredRSASize 2048\n"
	box := testenv.StartSshbox(t, extra)
	ossh := testenv.StartOpenSSHD(t, extra)
	login := func(port int, key, user string, extra ...string) int {
		args := append(append(extra, testenv.SSHArgs(key, port, user)...), "true")
		var errb bytes.Buffer
		cmd := exec.Command(testenv.NeedCmd(t, "ssh"), args...)
		cmd.Stderr = &errb
		return testenv.ExitCode(cmd.Run())
	}
	for _, c := range []struct {
		what  string
		key   string
		user  string
		extra []string
		want  int
	}{
		{"a 2048-bit key", short, u.Name, nil, 255},
		{"a 3072-bit key", long, u.Name, nil, 0},
		{"a 2048-bit key where Match lowers the size", short, lenient.Name, nil, 0},
		{"the 2048-bit RSA host key", long, u.Name, []string{"-o", "HostKeyAlgorithms=rsa-sha2-512,rsa-sha2-256"}, 255},
	} {
		if got := login(box.Port, c.key, c.user, c.extra...); got != c.want {
			t.Errorf("sshbox, %s: status %d, want %d\n%s", c.what, got, c.want, box.Proc.Stderr.String())
		}
		if got := login(ossh.Port, c.key, c.user, c.extra...); got != c.want {
			t.Errorf("OpenSSH, %s: status %d, want %d", c.what, got, c.want)
		}
	}
	box.WaitLog(t, "main: Host key "+hostShort+": Invalid key length", 5*time.Second)
	box.WaitLog(t, "refusing RSA key: Invalid key length", 5*time.Second)
	if !strings.Contains(ossh.Proc.Stderr.String(), "refusing RSA key: Invalid key length") {
		t.Errorf("OpenSSH's log, for comparison, lacks the refusal:\n%s", ossh.Proc.Stderr.String())
	}
}
