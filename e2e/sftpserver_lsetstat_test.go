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

// TestSftpAttrCommandsMatchOpenSSH: chmod, chown and chgrp, -h included
// (lsetstat@openssh.com: the link, not its target; a link's mode cannot
// change on Linux, "Failure"), a path that matches nothing (tried as it
// is: the server says what is wrong), OpenSSH's messages (remote setstat,
// remote lsetstat, stat remote, a server without lsetstat), and in batch
// mode the first failure ending the command. sshbox's sftp gives the same
// output and leaves the same files as OpenSSH's, against OpenSSH's
// sftp-server and sshbox's, read-only and without lsetstat; and OpenSSH's
// sftp does to sshbox's sftp-server what it does to its own. Under -R
// sshbox's server offers no extension that writes, as OpenSSH's.
func TestSftpAttrCommandsMatchOpenSSH(t *testing.T) {
	t.Parallel()
	b := filepath.Join(t.TempDir(), "batch")
	os.WriteFile(b, []byte("-chown 5 nonexist\n-chmod 600 nonexist\n-chown -h 5 nonexist\n-chown -h 54321 l\n"+
		"-chgrp -h 54322 l\n-chmod -h 600 l\n-chmod 640 f\n-chgrp 8 x*\nchown 7 *\n"), 0o644)
	// run is what client said against server, then each file's mode and
	// ids afterwards.
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
	ossh, theirs, ours := testenv.NeedCmd(t, "sftp"), "/usr/lib/openssh/sftp-server", testenv.Bin(t, "sftp-server")
	byServer := map[string]string{}
	for _, server := range []string{theirs, ours, theirs + " -R", ours + " -P lsetstat"} {
		want, got := run(ossh, server), run(testenv.Bin(t, "sftp"), server)
		if got != want {
			t.Errorf("against %s, sshbox's sftp:\n%s\nOpenSSH's:\n%s", server, got, want)
		}
		byServer[server] = want
	}
	if byServer[ours] != byServer[theirs] {
		t.Errorf("OpenSSH's sftp against sshbox's sftp-server:\n%s\nagainst its own:\n%s", byServer[ours], byServer[theirs])
	}
	if !strings.Contains(byServer[ours], "l 777 54321 54322") {
		t.Errorf("the link's owner did not change:\n%s", byServer[ours])
	}
	out, _ := exec.Command(ossh, "-vvv", "-D", ours+" -R", "-b", "/dev/null").CombinedOutput()
	for _, ext := range []string{"lsetstat", "fsync", "posix-rename", "hardlink", "copy-data"} {
		if strings.Contains(string(out), `extension "`+ext) {
			t.Errorf("-R offers %s:\n%s", ext, out)
		}
	}
}
