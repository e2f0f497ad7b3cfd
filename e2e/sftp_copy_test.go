package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// TestSftpCopy: sshbox's sftp "cp"/"copy" has the server copy a file
// (copy-data), over SSH to OpenSSH's sshd and sftp-server and to sshbox's
// sshd and sftp-server: the copy is byte-identical with the source's
// permission bits, and a missing or non-regular source is refused with
// OpenSSH's sftp's messages while the batch goes on ("-").
func TestSftpCopy(t *testing.T) {
	t.Parallel()
	openssh, _ := openSSHEnv(t, "")
	sshbox, _ := sshboxEnv(t, "")
	for name, e := range map[string]*sshEnv{"OpenSSH": openssh, "sshbox": sshbox} {
		data := randomBytes(200*1024 + 5)
		src := e.user.WriteFile(t, "src.bin", data, 0o640)
		home := filepath.Dir(src)
		_, stderr, rc := e.sftpBatch(t.TempDir(), "cp src.bin dst.bin\ncopy dst.bin d2.bin\n-cp nosuch x\n-cp . y\n")
		if rc != 0 {
			t.Errorf("%s: exit %d\n%s", name, rc, stderr)
		}
		for _, f := range []string{"dst.bin", "d2.bin"} {
			got, err := os.ReadFile(filepath.Join(home, f))
			st, _ := os.Stat(filepath.Join(home, f))
			if err != nil || !bytes.Equal(got, data) || st.Mode().Perm() != 0o640 {
				t.Errorf("%s: %s: %v, %d bytes, mode %v", name, f, err, len(got), st.Mode())
			}
		}
		for _, want := range []string{"stat remote: No such file or directory", "Cannot copy non-regular file: " + home} {
			if !strings.Contains(stderr, want) {
				t.Errorf("%s: stderr lacks %q:\n%s", name, want, stderr)
			}
		}
	}
}

// TestSftpCopyUnsupported: a server that does not offer copy-data (here
// sshbox's sftp-server with -P copy-data, run with sftp -D) gets no copy
// attempt, only OpenSSH's sftp's message, as with OpenSSH's sftp.
func TestSftpCopyUnsupported(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "src"), []byte("x\n"), 0o644)
	b := filepath.Join(t.TempDir(), "batch")
	os.WriteFile(b, []byte("-cp src dst\n"), 0o644)
	server := testenv.Bin(t, "sftp-server") + " -P copy-data -d " + dir
	for _, client := range []string{testenv.Bin(t, "sftp"), testenv.NeedCmd(t, "sftp")} {
		out, _ := exec.Command(client, "-D", server, "-b", b).CombinedOutput()
		if !strings.Contains(string(out), "Server does not support copy-data extension") {
			t.Errorf("%s: %s", client, out)
		}
		if _, err := os.Stat(filepath.Join(dir, "dst")); err == nil {
			t.Errorf("%s: dst created", client)
		}
	}
}
