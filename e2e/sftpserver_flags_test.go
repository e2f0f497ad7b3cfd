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

// TestSftpServerRequestLists: -P (denied) and -p (allowed) request lists,
// with values attached and separate, refuse exactly what OpenSSH's own
// sftp-server refuses for the same lists, driven by OpenSSH's sftp -D.
func TestSftpServerRequestLists(t *testing.T) {
	t.Parallel()
	ours := testenv.Bin(t, "sftp-server")
	theirs := "/usr/lib/openssh/sftp-server"
	if _, err := os.Stat(theirs); err != nil {
		t.Skip("OpenSSH's sftp-server not installed")
	}
	sftp := testenv.NeedCmd(t, "sftp")
	// One scenario: the batch continues past errors ("-" prefix) and
	// prints what it could do; the directory shows what happened.
	run := func(server, flags string) (string, string) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "a"), []byte("a\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "b"), []byte("b\n"), 0o644)
		b := filepath.Join(t.TempDir(), "batch")
		os.WriteFile(b, []byte("-rm a\n-mkdir d\n-rename b c\n-ls -1\n"), 0o644)
		out, _ := exec.Command(sftp, "-D", server+" -d "+dir+" "+flags, "-b", b).CombinedOutput()
		var names []string
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return strings.Join(names, " "), string(out)
	}
	for _, flags := range []string{"-P remove", "-Premove,mkdir", "-p open,close,read,opendir,readdir,realpath,stat,lstat,rename",
		"-popen,close,read,opendir,readdir,realpath,stat,lstat,mkdir", "-P rename -p rename,mkdir,realpath,stat,lstat"} {
		want, wantOut := run(theirs, flags)
		got, gotOut := run(ours, flags)
		if got != want {
			t.Errorf("sftp-server %s: directory %q, OpenSSH's %q\nours:\n%s\ntheirs:\n%s", flags, got, want, gotOut, wantOut)
		}
	}
	out, err := exec.Command(ours, "-Q", "requests").Output()
	if err != nil || !strings.Contains(string(out), "\nposix-rename\n") || strings.Contains(string(out), "copy-data") {
		t.Errorf("-Q requests: %v %q", err, out)
	}
	if out, err := exec.Command(ours, "-Q", "nonsense").CombinedOutput(); testenv.ExitCode(err) != 1 || string(out) != "Invalid query type\n" {
		t.Errorf("-Q nonsense: %v %q", err, out)
	}
}

// TestSftpServerScpD: scp -D runs the server as "sftp-server -- host sftp";
// the operands are ignored as OpenSSH's sftp-server ignores them.
func TestSftpServerScpD(t *testing.T) {
	t.Parallel()
	scp := testenv.NeedCmd(t, "scp")
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.WriteFile(src, []byte("copied\n"), 0o644)
	dst := filepath.Join(dir, "dst")
	out, err := exec.Command(scp, "-D", testenv.Bin(t, "sftp-server"), src, fmt.Sprintf("localhost:%s", dst)).CombinedOutput()
	if err != nil {
		t.Fatalf("scp -D: %v\n%s", err, out)
	}
	if data, _ := os.ReadFile(dst); string(data) != "copied\n" {
		t.Errorf("copied %q", data)
	}
}
