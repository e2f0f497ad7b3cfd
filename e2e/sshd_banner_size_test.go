package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// TestSshdBannerSize: a Banner of 200 KiB reaches OpenSSH's ssh whole, and
// one over 1 MiB is not sent at all, as OpenSSH's sshd does with them.
func TestSshdBannerSize(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	u.UnlockForKeys(t)
	key := u.AuthorizeKey(t, "")
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	line := strings.Repeat("banner text ", 8) + "\n"
	for _, size := range []int{200 << 10, 1<<20 + 1000} {
		banner := filepath.Join(dir, fmt.Sprint(size))
		os.WriteFile(banner, []byte(strings.Repeat(line, size/len(line))), 0o644)
		login := func(port int) int {
			cmd := exec.Command(testenv.NeedCmd(t, "ssh"), "-F", "none", "-o", "StrictHostKeyChecking=no",
				"-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "LogLevel=INFO",
				"-i", key, "-p", fmt.Sprint(port), "-l", u.Name, "127.0.0.1", "true")
			var errb bytes.Buffer
			cmd.Stderr = &errb
			if err := cmd.Run(); err != nil {
				t.Fatalf("ssh: %v\n%s", err, errb.String())
			}
			return strings.Count(errb.String(), "banner text")
		}
		ours := testenv.StartSshbox(t, "Banner "+banner)
		got := login(ours.Port)
		ours.Proc.Kill()
		theirs := testenv.StartOpenSSHD(t, "Banner "+banner)
		want := login(theirs.Port)
		theirs.Proc.Kill()
		if got != want {
			t.Errorf("banner of %d bytes: %d lines shown, with OpenSSH's sshd %d", size, got/8, want/8)
		}
	}
}
