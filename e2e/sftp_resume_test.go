package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestSftpRegetAfterKill: a download killed part-way leaves a prefix of
// the file, and reget completes it byte-identical.
func TestSftpRegetAfterKill(t *testing.T) {
	t.Parallel()
	e, _ := openSSHEnv(t, "")
	remote := e.user.WriteFile(t, "big.bin", randomBytes(6<<20), 0o644)
	local := t.TempDir()
	b := filepath.Join(t.TempDir(), "batch")
	os.WriteFile(b, []byte("get big.bin\n"), 0o644)
	args := append(e.xferArgs(), "-l", "8000", "-b", b, e.dest())
	cmd := exec.Command(testenv.Bin(t, "sftp"), args...)
	cmd.Env, cmd.Dir = e.env(), local
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	got := filepath.Join(local, "big.bin")
	deadline := time.Now().Add(60 * time.Second)
	for {
		if st, err := os.Stat(got); err == nil && st.Size() >= 1<<20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the download never got going")
		}
		time.Sleep(20 * time.Millisecond)
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	<-done
	st, _ := os.Stat(got)
	if st.Size() >= 6<<20 {
		t.Fatalf("the download finished before the kill (%d bytes)", st.Size())
	}
	want, _ := os.ReadFile(remote)
	part, _ := os.ReadFile(got)
	if string(want[:len(part)]) != string(part) {
		t.Fatalf("the partial file is not a prefix of the remote file (%d bytes)", len(part))
	}
	out, errOut, rc := e.sftpBatch(local, "reget big.bin\n")
	if rc != 0 {
		t.Fatalf("reget: %d\n%s\n%s", rc, out, errOut)
	}
	sameFile(t, remote, got)
}

// TestXferBadInput: a missing local file, a missing remote file, a
// permission-denied target and a full disk each give one line naming the
// file and a non-zero status; the part left by the full disk is completed
// by reget and by scp's sftp resume once there is room.
func TestXferBadInput(t *testing.T) {
	t.Parallel()
	e, _ := openSSHEnv(t, "")
	local := t.TempDir()
	os.WriteFile(filepath.Join(local, "f.txt"), []byte("x\n"), 0o644)

	// Fatal in SFTP mode, as OpenSSH's scp: status 255.
	r := e.scp(filepath.Join(local, "absent"), e.remote(""))
	if r.RC != 255 || strings.Count(strings.TrimSpace(r.Err), "\n") != 0 || !strings.Contains(r.Err, `absent": No such file or directory`) {
		t.Errorf("missing local file: %d %q", r.RC, r.Err)
	}
	r = e.scp(e.remote("absent"), local)
	if r.RC != 1 || !strings.Contains(r.Err, "absent: No such file or directory") {
		t.Errorf("missing remote file: %d %q", r.RC, r.Err)
	}
	r = e.scp(filepath.Join(local, "f.txt"), e.remote("/root/denied.txt"))
	if r.RC != 1 || !strings.Contains(r.Err, `dest open "/root/denied.txt": Permission denied`) {
		t.Errorf("permission denied: %d %q", r.RC, r.Err)
	}
	// Nothing listening: ssh's line, then scp's, status 255 as OpenSSH.
	r = e.tool("scp", "", "-F", "/dev/null", "-o", "BatchMode=yes", "-P", fmt.Sprint(testenv.FreePort(t)),
		filepath.Join(local, "f.txt"), e.remote(""))
	if r.RC != 255 || !strings.Contains(r.Err, "Connection refused\nscp: Connection closed\n") {
		t.Errorf("no server: %d %q", r.RC, r.Err)
	}
	_, errOut, rc := e.sftpBatch(local, "put absent\n")
	if rc != 1 || !strings.Contains(errOut, `absent`) {
		t.Errorf("sftp put of a missing file: %d %q", rc, errOut)
	}

	// A full disk: a 1 MiB tmpfs with a filler leaving ~300 KB.
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("mount tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", mnt).Run() })
	filler := filepath.Join(mnt, "filler")
	os.WriteFile(filler, make([]byte, 700<<10), 0o644)
	remote := e.user.WriteFile(t, "mid.bin", randomBytes(600<<10), 0o644)
	for _, tool := range []string{"scp", "sftp"} {
		got := filepath.Join(mnt, "mid-"+tool+".bin")
		var errOut string
		var rc int
		if tool == "scp" {
			r := e.scp(e.remote("mid.bin"), got)
			errOut, rc = r.Err, r.RC
		} else {
			_, errOut, rc = e.sftpBatch(local, "get mid.bin "+got+"\n")
		}
		if rc == 0 || !strings.Contains(errOut, got+": No space left on device") {
			t.Errorf("%s into a full disk: %d %q", tool, rc, errOut)
		}
		part, _ := os.ReadFile(got)
		want, _ := os.ReadFile(remote)
		if len(part) >= len(want) || string(want[:len(part)]) != string(part) {
			t.Errorf("%s: the part left (%d bytes) is not a prefix", tool, len(part))
		}
		os.Remove(filler)
		if tool == "scp" {
			// OpenSSH's scp has no resume: sftp -a on the command line.
			_, errOut, rc = e.sftpBatch(local, "reget mid.bin "+got+"\n")
		} else {
			_, errOut, rc = e.sftpBatch(local, "get -a mid.bin "+got+"\n")
		}
		if rc != 0 {
			t.Fatalf("%s: resume after a full disk: %d %q", tool, rc, errOut)
		}
		sameFile(t, remote, got)
		os.Remove(got)
		os.WriteFile(filler, make([]byte, 700<<10), 0o644)
	}
}

// TestSftpRequestsFlag: -R sets the requests in flight per session, from
// one worker asking one request at a time to sixteen workers per session;
// a file large enough to be split over several sessions arrives whole
// each way through OpenSSH's sshd.
func TestSftpRequestsFlag(t *testing.T) {
	t.Parallel()
	e, _ := openSSHEnv(t, "")
	data := randomBytes(40 << 20) // over bigFile: several sessions
	remote := e.user.WriteFile(t, "big.bin", data, 0o644)
	local := t.TempDir()
	os.WriteFile(filepath.Join(local, "up.bin"), data, 0o644)
	for _, flags := range [][]string{{"-R", "1"}, {"-R", "128", "-B", "65536"}} {
		out, errOut, rc := e.sftpBatch(local, "get big.bin got.bin\nput up.bin put.bin\n", flags...)
		if rc != 0 {
			t.Fatalf("sftp %v: %d\n%s\n%s", flags, rc, out, errOut)
		}
		sameFile(t, remote, filepath.Join(local, "got.bin"))
		sameFile(t, filepath.Join(local, "up.bin"), filepath.Join(e.user.Home, "put.bin"))
		os.Remove(filepath.Join(local, "got.bin"))
	}
}
