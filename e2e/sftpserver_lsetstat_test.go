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
