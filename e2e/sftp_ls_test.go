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

// TestSftpLsMatchesOpenSSH: sshbox's sftp prints ls and ls -l exactly as
// OpenSSH's sftp does against the same server: owners and groups by the
// server's names (users-groups-by-id@openssh.com), or the server's own
// long names where it does not offer that, never the client's names for
// the server's ids; "?" links; a glob's directories marked with a slash
// and its links shown by what they lead to. And OpenSSH's sftp lists
// sshbox's sftp-server exactly as its own, names included (ids without
// one as numbers), "." and ".." and the long names too.
func TestSftpLsMatchesOpenSSH(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	dir := t.TempDir()
	for name, owner := range map[string][2]int{
		"mine": {0, 0}, "theirs": {u.UID, u.GID}, "nobody": {54321, 54322},
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(name), 0o640)
		os.Chown(p, owner[0], owner[1])
	}
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	os.Symlink("sub", filepath.Join(dir, "todir"))
	os.Symlink("mine", filepath.Join(dir, "tofile"))
	os.Symlink("nowhere", filepath.Join(dir, "dangling"))
	// Sizes at the edges of fmt_scaled(3)'s units, roundings and
	// decimals, for ls -lh (sparse files).
	os.Mkdir(filepath.Join(dir, "sizes"), 0o755)
	for i, n := range []int64{0, 1, 1023, 1024, 1075, 1536, 10188, 10239, 12800, 101376, 102349,
		1048063, 1048575, 1048576, 10<<20 + 5000, 99<<20 + 1000000, 150 << 20, 5<<30 + 1<<29, 1 << 40} {
		f := filepath.Join(dir, "sizes", fmt.Sprintf("s%02d", i))
		os.WriteFile(f, nil, 0o644)
		os.Truncate(f, n)
	}
	b := filepath.Join(t.TempDir(), "batch")
	os.WriteFile(b, []byte("ls\nls -l\nls -ln\nls -lh\nls -la\nls *\nls -l *\nls -ln t*\nls -l theirs\nls -l dangling\nls tofile\nls -1 s*\nls -lhn sizes\n"), 0o644)
	ossh := testenv.NeedCmd(t, "sftp")
	for _, server := range []string{
		"/usr/lib/openssh/sftp-server",
		testenv.Bin(t, "sftp-server"),
		testenv.Bin(t, "sftp-server") + " -P users-groups-by-id",
	} {
		run := func(client string) string {
			cmd := exec.Command(client, "-D", server+" -d "+dir, "-b", b)
			cmd.Env = append(os.Environ(), "TZ=UTC")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s against %s: %v\n%s", client, server, err, out)
			}
			return string(out)
		}
		want, got := run(ossh), run(testenv.Bin(t, "sftp"))
		if got != want {
			t.Errorf("against %s, sshbox's sftp:\n%s\nOpenSSH's:\n%s", server, got, want)
		}
	}
	// OpenSSH's sftp against both servers, "." and ".." included (ls -a,
	// and an empty directory's listing, which they shape), and with the
	// servers' own long names.
	os.WriteFile(b, []byte("ls\nls -l\nls -ln\nls -lh\nls -la\nls -la sub\nls -1 su*\nls *\nls -l *\nls -l theirs\nls -l dangling\n"), 0o644)
	list := func(server string) string {
		out, err := exec.Command(ossh, "-D", server+" -d "+dir, "-b", b).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", server, err, out)
		}
		return string(out)
	}
	want, got := list("/usr/lib/openssh/sftp-server"), list(testenv.Bin(t, "sftp-server"))
	if got != want {
		t.Errorf("OpenSSH's sftp against sshbox's sftp-server:\n%s\nagainst its own:\n%s", got, want)
	}
	if w, g := list("/usr/lib/openssh/sftp-server -P users-groups-by-id"), list(testenv.Bin(t, "sftp-server")+" -P users-groups-by-id"); g != w {
		t.Errorf("the servers' long names: OpenSSH's sftp against sshbox's sftp-server:\n%s\nagainst its own:\n%s", g, w)
	}
	if !strings.Contains(got, " "+u.Name+" ") || !strings.Contains(got, " 54321 ") {
		t.Errorf("the listing lacks the user's name or the unnamed id:\n%s", got)
	}
}
