package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// TestSftpServerApplet drives the sftp-server applet directly with
// OpenSSH's sftp -D (no ssh in between): -d picks the start directory,
// -R refuses writes, -u sets the umask of new files.
func TestSftpServerApplet(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "there.txt"), []byte("content\n"), 0o644)
	local := filepath.Join(t.TempDir(), "local.txt")
	os.WriteFile(local, []byte("upload\n"), 0o644)
	got := filepath.Join(t.TempDir(), "got.txt")
	server := testenv.Bin(t, "sftp-server")
	sftp := func(serverArgs, batch string) (string, error) {
		b := filepath.Join(t.TempDir(), "batch")
		os.WriteFile(b, []byte(batch), 0o644)
		out, err := exec.Command(testenv.NeedCmd(t, "sftp"), "-D", server+" "+serverArgs, "-b", b).CombinedOutput()
		return string(out), err
	}
	if out, err := sftp("-d "+dir+" -u 077", fmt.Sprintf("get there.txt %s\nput %s new.txt\n", got, local)); err != nil {
		t.Fatalf("sftp -D sftp-server -d: %v\n%s", err, out)
	}
	if data, _ := os.ReadFile(got); string(data) != "content\n" {
		t.Errorf("get: %q", data)
	}
	if st, err := os.Stat(filepath.Join(dir, "new.txt")); err != nil || st.Mode().Perm()&0o077 != 0 {
		t.Errorf("put with -u 077: %v %v", st, err)
	}
	out, err := sftp("-R -d "+dir, fmt.Sprintf("put %s ro.txt\n", local))
	if err == nil || !strings.Contains(strings.ToLower(out), "denied") && !strings.Contains(strings.ToLower(out), "failure") {
		t.Errorf("put with -R: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "ro.txt")); err == nil {
		t.Error("-R let a file be written")
	}
	if out, err := exec.Command(server, "-x").CombinedOutput(); testenv.ExitCode(err) != 1 || !strings.Contains(string(out), "usage: sftp-server") {
		t.Errorf("sftp-server -x: %v %q", err, out)
	}
}
