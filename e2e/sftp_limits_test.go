package e2e

import (
	"bytes"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// TestSftpServerLimits: sshbox's sftp-server answers limits@openssh.com as
// OpenSSH's does, so that OpenSSH's sftp sizes its requests the same way
// against either (255 KiB reads and writes), and does not offer it under
// -P limits; the files arrive whole.
func TestSftpServerLimits(t *testing.T) {
	t.Parallel()
	ours := testenv.Bin(t, "sftp-server")
	theirs := "/usr/lib/openssh/sftp-server"
	sftp := testenv.NeedCmd(t, "sftp")
	data := make([]byte, 1<<20+4321)
	rand.Read(data)
	sizes := regexp.MustCompile(`server upload/download buffer sizes [^\n]*|server handle limit [^\n]*`)
	run := func(server, flags string) (string, string) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "src"), data, 0o644)
		b := filepath.Join(t.TempDir(), "batch")
		os.WriteFile(b, []byte("get src got\nput got back\n"), 0o644)
		cmd := exec.Command(sftp, "-vvv", "-D", server+" -d "+dir+" "+flags, "-b", b)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", server, flags, err, out)
		}
		for _, f := range []string{"got", "back"} {
			if b, err := os.ReadFile(filepath.Join(dir, f)); err != nil || !bytes.Equal(b, data) {
				t.Errorf("%s %s: %s is not the file (%d bytes, %v)", server, flags, f, len(b), err)
			}
		}
		return strings.Join(sizes.FindAllString(string(out), -1), "\n"), string(out)
	}
	for _, flags := range []string{"", "-P limits"} {
		want, _ := run(theirs, flags)
		got, out := run(ours, flags)
		if got != want {
			t.Errorf("%q: OpenSSH's sftp said\n%s\nwith sshbox's sftp-server, and\n%s\nwith OpenSSH's; all of it:\n%s", flags, got, want, out)
		}
		if flags == "" && !strings.Contains(got, "using 261120 / 261120") {
			t.Errorf("OpenSSH's sftp does not use 255 KiB requests:\n%s", got)
		}
	}
}

// TestSftpClientLimits: sshbox's sftp asks OpenSSH's sftp-server its limits
// and reads and writes 255 KiB at a time, as OpenSSH's sftp does; -B still
// decides when given.
func TestSftpClientLimits(t *testing.T) {
	t.Parallel()
	theirs := "/usr/lib/openssh/sftp-server"
	if _, err := os.Stat(theirs); err != nil {
		t.Fatalf("OpenSSH's sftp-server is not installed: %v", err)
	}
	data := make([]byte, 2<<20+999)
	rand.Read(data)
	lens := regexp.MustCompile(`: (read|write) "[^"]*" \(handle \d+\) off \d+ len (\d+)`)
	run := func(extra ...string) map[string]bool {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "src"), data, 0o644)
		b := filepath.Join(t.TempDir(), "batch")
		os.WriteFile(b, []byte("get src got\nput got back\n"), 0o644)
		args := append(extra, "-D", theirs+" -e -l DEBUG1 -d "+dir, "-b", b)
		cmd := exec.Command(testenv.Bin(t, "sftp"), args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("sftp %v: %v\n%s", extra, err, out)
		}
		for _, f := range []string{"got", "back"} {
			if b, err := os.ReadFile(filepath.Join(dir, f)); err != nil || !bytes.Equal(b, data) {
				t.Errorf("%v: %s is not the file (%d bytes, %v)", extra, f, len(b), err)
			}
		}
		seen := map[string]bool{}
		for _, m := range lens.FindAllStringSubmatch(string(out), -1) {
			seen[m[1]+" "+m[2]] = true
		}
		return seen
	}
	if seen := run(); !seen["read 261120"] || !seen["write 261120"] || seen["read 32768"] {
		t.Errorf("without -B: requests %v, want reads and writes of 261120", seen)
	}
	if seen := run("-B", "32768"); !seen["read 32768"] || !seen["write 32768"] || seen["read 261120"] {
		t.Errorf("-B 32768: requests %v, want 32768", seen)
	}
}
