package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"sshbox/internal/testenv"
)

// TestSftpServerLsetstat: OpenSSH's sftp's chmod -h, chown -h and chgrp -h
// (lsetstat@openssh.com) do to sshbox's sftp-server what they do to its
// own: the link's owner and group change, not its target's; a link's mode
// cannot change on Linux ("Failure"); a missing file is said so. Under -R
// neither server offers it, nor any other extension that writes.
func TestSftpServerLsetstat(t *testing.T) {
	t.Parallel()
	sftp := testenv.NeedCmd(t, "sftp")
	b := filepath.Join(t.TempDir(), "batch")
	os.WriteFile(b, []byte("-chmod -h 600 l\n-chown -h 54321 l\n-chgrp -h 54322 l\n-chmod -h 640 f\n-chown -h 54321 nonexist\n"), 0o644)
	run := func(server string) (string, string) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o644)
		os.Symlink("f", filepath.Join(dir, "l"))
		out, _ := exec.Command(sftp, "-D", server+" -d "+dir, "-b", b).CombinedOutput()
		var state []string
		for _, n := range []string{"l", "f"} {
			var st syscall.Stat_t
			if err := syscall.Lstat(filepath.Join(dir, n), &st); err != nil {
				t.Fatal(err)
			}
			state = append(state, fmt.Sprintf("%s %o %d %d", n, st.Mode&0o7777, st.Uid, st.Gid))
		}
		return strings.ReplaceAll(string(out), dir, "DIR"), strings.Join(state, "\n")
	}
	wantOut, want := run("/usr/lib/openssh/sftp-server")
	gotOut, got := run(testenv.Bin(t, "sftp-server"))
	if gotOut != wantOut || got != want {
		t.Errorf("sshbox's sftp-server:\n%s\n%s\nOpenSSH's:\n%s\n%s", gotOut, got, wantOut, want)
	}
	if !strings.Contains(got, "l 777 54321 54322") {
		t.Errorf("the link's owner did not change:\n%s", got)
	}
	out, _ := exec.Command(sftp, "-vvv", "-D", testenv.Bin(t, "sftp-server")+" -R", "-b", "/dev/null").CombinedOutput()
	for _, ext := range []string{"lsetstat", "fsync", "posix-rename", "hardlink", "copy-data"} {
		if strings.Contains(string(out), `extension "`+ext) {
			t.Errorf("-R offers %s:\n%s", ext, out)
		}
	}
}

// TestSftpAttrCommandsMatchOpenSSH: sshbox's sftp runs chmod, chown and
// chgrp as OpenSSH's does: -h through lsetstat@openssh.com (the link, not
// its target), a path that matches nothing tried as it is (the server
// says what is wrong), OpenSSH's messages (remote setstat, remote
// lsetstat, stat remote, a server without lsetstat), and in batch mode the
// first failure ending the command; the same output and the same files
// afterwards, against OpenSSH's sftp-server and sshbox's, read-only and
// without lsetstat.
func TestSftpAttrCommandsMatchOpenSSH(t *testing.T) {
	t.Parallel()
	b := filepath.Join(t.TempDir(), "batch")
	os.WriteFile(b, []byte("-chown 5 nonexist\n-chmod 600 nonexist\n-chown -h 5 nonexist\n-chown -h 54321 l\n"+
		"-chgrp -h 54322 l\n-chmod -h 600 l\n-chmod 640 f\n-chgrp 8 x*\nchown 7 *\n"), 0o644)
	run := func(client, server string) string {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o644)
		os.Symlink("f", filepath.Join(dir, "l"))
		out, _ := exec.Command(client, "-D", server+" -d "+dir, "-b", b).CombinedOutput()
		res := strings.ReplaceAll(strings.ReplaceAll(string(out), "\r\n", "\n"), dir, "DIR")
		for _, n := range []string{"l", "f"} {
			var st syscall.Stat_t
			if err := syscall.Lstat(filepath.Join(dir, n), &st); err != nil {
				t.Fatal(err)
			}
			res += fmt.Sprintf("%s %o %d %d\n", n, st.Mode&0o7777, st.Uid, st.Gid)
		}
		return res
	}
	ours := testenv.Bin(t, "sftp-server")
	for _, server := range []string{"/usr/lib/openssh/sftp-server", ours, "/usr/lib/openssh/sftp-server -R", ours + " -P lsetstat"} {
		want, got := run(testenv.NeedCmd(t, "sftp"), server), run(testenv.Bin(t, "sftp"), server)
		if got != want {
			t.Errorf("against %s, sshbox's sftp:\n%s\nOpenSSH's:\n%s", server, got, want)
		}
	}
}
