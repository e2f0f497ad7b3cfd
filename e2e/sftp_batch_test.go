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

// sftp runs sshbox's sftp with the test's options, the batch given as a
// file, and dir as the local working directory.
func (e *sshEnv) sftpBatch(dir, batch string, extra ...string) (string, string, int) {
	e.t.Helper()
	b := filepath.Join(e.t.TempDir(), "batch")
	os.WriteFile(b, []byte(batch), 0o644)
	args := append(append(e.xferArgs(), extra...), "-b", b, e.dest())
	cmd := exec.Command(testenv.Bin(e.t, "sftp"), args...)
	cmd.Env = e.env()
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	r := testenv.Run(e.t, cmd, "")
	return r.Out, r.Err, r.RC
}

// TestSftpBatchEveryCommand runs a batch of every interactive command
// against OpenSSH's sftp-server and checks each one's effect.
func TestSftpBatchEveryCommand(t *testing.T) {
	t.Parallel()
	e, _ := openSSHEnv(t, "")
	sftpEveryCommand(t, e)
}

// TestSftpBatchSshboxServer runs the same batch against sshbox's own sshd
// and sftp-server.
func TestSftpBatchSshboxServer(t *testing.T) {
	t.Parallel()
	e, _ := sshboxEnv(t, "")
	sftpEveryCommand(t, e)
}

func sftpEveryCommand(t *testing.T, e *sshEnv) {
	local := t.TempDir()
	os.Chmod(local, 0o755)
	os.WriteFile(filepath.Join(local, "up.txt"), []byte("upload me\n"), 0o644)
	big := randomBytes(1 << 20)
	os.WriteFile(filepath.Join(local, "half.bin"), big, 0o644)
	tree := filepath.Join(local, "tree")
	makeTree(t, tree)
	e.user.WriteFile(t, "remote.txt", []byte("remote file\n"), 0o644)
	e.user.WriteFile(t, "big.bin", big, 0o644)
	e.user.WriteFile(t, "partial.bin", big[:1000], 0o644)
	os.WriteFile(filepath.Join(local, "got-partial.bin"), big[:300000], 0o644)
	batch := fmt.Sprintf(`version
help
pwd
lpwd
mkdir work
cd work
pwd
put up.txt
put -p up.txt kept.txt
put -r tree
reput half.bin ../partial.bin
cd ..
get remote.txt
get -p work/kept.txt kept-local.txt
get -r work/tree tree-back
reget big.bin got-partial.bin
get -a big.bin got-partial.bin
ls
ls -l work
ls -la
ls -lh work
ls -ln work
ls -lt work
ls -lrS work
ls work/*.txt
lls
lls -l tree
lcd tree
lpwd
lcd ..
rename remote.txt renamed.txt
ln -s renamed.txt soft.txt
symlink renamed.txt soft2.txt
ln renamed.txt hard.txt
chmod 600 renamed.txt
chown %d renamed.txt
chgrp %d renamed.txt
df
df -h
df -i
!echo bang-ran > bang.txt
rm work/up.txt
mkdir empty
rmdir empty
progress
quit
`, e.user.UID, e.user.GID)
	out, errOut, rc := e.sftpBatch(local, batch)
	if rc != 0 {
		t.Fatalf("batch failed: %d\nstdout:\n%s\nstderr:\n%s", rc, out, errOut)
	}
	home := e.user.Home
	for _, want := range []string{"sftp> version", "SFTP protocol version 3", "Available commands:",
		"Remote working directory: " + home, "Remote working directory: " + home + "/work",
		"Local working directory: " + local, "Local working directory: " + filepath.Join(local, "tree"),
		"Size", "Inodes", "%Capacity", "work/kept.txt", "Progress meter"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(out, "-rw-r--r--") || !strings.Contains(out, e.user.Name) {
		t.Errorf("ls -l lacks mode or owner:\n%s", out)
	}
	if !strings.Contains(out, fmt.Sprintf(" %d ", e.user.UID)) {
		t.Errorf("ls -ln lacks the numeric uid:\n%s", out)
	}
	sameFile(t, filepath.Join(local, "up.txt"), filepath.Join(home, "work/kept.txt"))
	sameTree(t, tree, filepath.Join(home, "work/tree"), false)
	sameTree(t, tree, filepath.Join(local, "tree-back"), false)
	sameFile(t, filepath.Join(local, "half.bin"), filepath.Join(home, "partial.bin"))
	sameFile(t, filepath.Join(home, "big.bin"), filepath.Join(local, "got-partial.bin"))
	sameFile(t, filepath.Join(home, "renamed.txt"), filepath.Join(local, "remote.txt"))
	if st, err := os.Stat(filepath.Join(local, "kept-local.txt")); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("get -p: %v %v", st, err)
	}
	// The link text is sent as typed; sshbox's sftp-server (pkg/sftp with
	// a working directory) stores it made absolute, OpenSSH's as it came.
	if l, err := os.Readlink(filepath.Join(home, "soft.txt")); err != nil || (l != "renamed.txt" && l != filepath.Join(home, "renamed.txt")) {
		t.Errorf("ln -s: %q %v", l, err)
	}
	if _, err := os.Readlink(filepath.Join(home, "soft2.txt")); err != nil {
		t.Errorf("symlink: %v", err)
	}
	if st, err := os.Stat(filepath.Join(home, "renamed.txt")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("chmod: %v %v", st, err)
	}
	if _, err := os.Stat(filepath.Join(home, "hard.txt")); err != nil {
		t.Errorf("ln: %v", err)
	}
	for _, gone := range []string{"work/up.txt", "empty", "remote.txt"} {
		if _, err := os.Stat(filepath.Join(home, gone)); err == nil {
			t.Errorf("%s still there", gone)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(local, "bang.txt")); string(b) != "bang-ran\n" {
		t.Errorf("!command: %q", b)
	}
	if !strings.Contains(out, "up.txt") || !strings.Contains(out, "a.txt") {
		t.Errorf("lls output missing:\n%s", out)
	}

	// A failing command stops the batch; "-" lets it go on.
	out, errOut, rc = e.sftpBatch(local, "get nosuch.txt\nmkdir after-fail\n")
	if rc != 1 || !strings.Contains(errOut, `File "`+home+`/nosuch.txt" not found.`) {
		t.Errorf("failing command: %d %q", rc, errOut)
	}
	if _, err := os.Stat(filepath.Join(home, "after-fail")); err == nil {
		t.Error("the batch went on after a failure")
	}
	out, errOut, rc = e.sftpBatch(local, "-get nosuch.txt\nmkdir after-dash\n")
	if rc != 0 {
		t.Errorf("'-' command: %d %q", rc, errOut)
	}
	if _, err := os.Stat(filepath.Join(home, "after-dash")); err != nil {
		t.Error("the batch stopped after a '-' command")
	}
	_ = out
}

// TestSftpDestinations: "host:file" fetches the file and exits, an
// sftp:// URI with a directory starts there, and a bad command line is
// OpenSSH's usage error.
func TestSftpDestinations(t *testing.T) {
	t.Parallel()
	e, _ := openSSHEnv(t, "")
	remote := e.user.WriteFile(t, "dir/fetch.txt", []byte("fetched\n"), 0o644)
	local := t.TempDir()
	cmd := exec.Command(testenv.Bin(t, "sftp"), append(e.xferArgs(), e.dest()+":dir/fetch.txt")...)
	cmd.Env, cmd.Dir = e.env(), local
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if r := testenv.Run(t, cmd, ""); r.RC != 0 || !strings.Contains(r.Out, "Fetching "+remote+" to fetch.txt") {
		t.Fatalf("sftp host:file: %d %q %q", r.RC, r.Out, r.Err)
	}
	sameFile(t, remote, filepath.Join(local, "fetch.txt"))

	b := filepath.Join(t.TempDir(), "batch")
	os.WriteFile(b, []byte("pwd\n"), 0o644)
	uri := fmt.Sprintf("sftp://%s@127.0.0.1:%d/dir", e.user.Name, e.port)
	args := []string{"-F", "/dev/null", "-i", e.key, "-o", "UserKnownHostsFile=" + e.kh, "-b", b, uri}
	r := e.tool("sftp", "", args...)
	if r.RC != 0 || !strings.Contains(r.Out, "Remote working directory: "+filepath.Join(e.user.Home, "dir")) {
		t.Errorf("sftp://: %d %q %q", r.RC, r.Out, r.Err)
	}
	r = e.tool("sftp", "", "-Z", "host")
	if r.RC != 1 || !strings.HasPrefix(r.Err, "unknown option -- Z\nusage: sftp [-46AaCfNpqrv]") {
		t.Errorf("sftp -Z: %d %q", r.RC, r.Err)
	}
}
