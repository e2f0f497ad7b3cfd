package e2e

import (
	"bytes"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// TestSftpServerFsync: OpenSSH's "put -f" against sshbox's sftp-server
// syncs each file, as against its own: the server advertises
// fsync@openssh.com, answers it with success, and fsync(2) runs (strace
// counts it), for a relative and an absolute path; under -R it is refused.
func TestSftpServerFsync(t *testing.T) {
	t.Parallel()
	ours := testenv.Bin(t, "sftp-server")
	sftp := testenv.NeedCmd(t, "sftp")
	strace := testenv.NeedCmd(t, "strace")
	data := make([]byte, 300*1024)
	rand.Read(data)
	dir := t.TempDir()
	src := filepath.Join(t.TempDir(), "src")
	os.WriteFile(src, data, 0o644)
	b := filepath.Join(t.TempDir(), "batch")
	os.WriteFile(b, []byte("put -f "+src+" rel\nput -f "+src+" "+filepath.Join(dir, "abs")+"\n"), 0o644)
	trace := filepath.Join(t.TempDir(), "trace")
	out, err := exec.Command(strace, "-f", "-e", "trace=fsync", "-o", trace,
		sftp, "-vvv", "-D", ours+" -d "+dir, "-b", b).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if n := strings.Count(string(out), "Sent message fsync@openssh.com"); n != 2 || strings.Contains(string(out), "Couldn't sync") {
		t.Errorf("%d fsync requests sent, or one failed:\n%s", n, out)
	}
	tr, _ := os.ReadFile(trace)
	if n := strings.Count(string(tr), "fsync(") - strings.Count(string(tr), "= -1"); n != 2 {
		t.Errorf("%d successful fsync calls, want 2:\n%s", n, tr)
	}
	for _, f := range []string{"rel", "abs"} {
		if got, err := os.ReadFile(filepath.Join(dir, f)); err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: %d bytes, %v", f, len(got), err)
		}
	}
	// Read-only: the upload itself is refused, and no fsync either.
	out, _ = exec.Command(sftp, "-D", ours+" -R -d "+dir, "-b", b).CombinedOutput()
	if !strings.Contains(string(out), "Permission denied") {
		t.Errorf("-R:\n%s", out)
	}
}
