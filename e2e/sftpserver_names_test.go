package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// TestSftpServerUserGroupNames: OpenSSH's sftp prints "ls -l" the same
// against sshbox's sftp-server as against its own, owner and group names
// included (users-groups-by-id@openssh.com): root's files, a user's, and
// ids that have no name, which it prints as numbers.
func TestSftpServerUserGroupNames(t *testing.T) {
	t.Parallel()
	ours := testenv.Bin(t, "sftp-server")
	theirs := "/usr/lib/openssh/sftp-server"
	sftp := testenv.NeedCmd(t, "sftp")
	u := testenv.NewUser(t, "")
	dir := t.TempDir()
	for name, owner := range map[string][2]int{
		"mine":    {0, 0},
		"theirs":  {u.UID, u.GID},
		"nobody?": {54321, 54322},
		"mixed":   {u.UID, 0},
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(name), 0o640); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(p, owner[0], owner[1]); err != nil {
			t.Fatal(err)
		}
	}
	b := filepath.Join(t.TempDir(), "batch")
	os.WriteFile(b, []byte("ls -l\nls -l mixed theirs\nls -ln\n"), 0o644)
	run := func(server string) string {
		out, err := exec.Command(sftp, "-D", server+" -d "+dir, "-b", b).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", server, err, out)
		}
		return string(out)
	}
	want, got := run(theirs), run(ours)
	if got != want {
		t.Errorf("OpenSSH's sftp against sshbox's sftp-server:\n%s\nagainst its own:\n%s", got, want)
	}
	if !strings.Contains(got, " "+u.Name+" ") || !strings.Contains(got, " 54321 ") {
		t.Errorf("the listing lacks the user's name or the unnamed id:\n%s", got)
	}
}
