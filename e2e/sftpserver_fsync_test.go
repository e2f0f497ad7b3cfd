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

// TestSftpClientFsync: sshbox's sftp -f says what OpenSSH's says when a
// sync fails, and a put -f syncs the file on the server (strace).
func TestSftpClientFsync(t *testing.T) {
	t.Parallel()
	theirs := "/usr/lib/openssh/sftp-server"
	strace := testenv.NeedCmd(t, "strace")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "src"), []byte("to be synced"), 0o644)
	b := filepath.Join(t.TempDir(), "batch")
	// /dev/null takes the download but not fsync(2): EINVAL.
	os.WriteFile(b, []byte("get -f src /dev/null\nput -f src copy\n"), 0o644)
	run := func(client string) (string, string) {
		trace := filepath.Join(t.TempDir(), "trace")
		cmd := exec.Command(strace, "-f", "-e", "trace=fsync", "-o", trace,
			client, "-D", theirs+" -d "+dir, "-b", b)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", client, err, out)
		}
		tr, _ := os.ReadFile(trace)
		return string(out), string(tr)
	}
	want, _ := run(testenv.NeedCmd(t, "sftp"))
	got, tr := run(testenv.Bin(t, "sftp"))
	// OpenSSH's error() ends its line with "\r\n" on standard error.
	want = strings.ReplaceAll(want, "\r\n", "\n")
	if got != want {
		t.Errorf("sshbox's sftp said:\n%s\nOpenSSH's:\n%s", got, want)
	}
	if !strings.Contains(got, `local sync "/dev/null": Invalid argument`) {
		t.Errorf("no word of the failed local sync:\n%s", got)
	}
	if strings.Count(tr, "fsync(") < 2 {
		t.Errorf("want the local and the server's fsync calls:\n%s", tr)
	}
}
