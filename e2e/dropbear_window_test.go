package e2e

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestDropbearRecvWindow: Dropbear's -W, both ends. sshbox's dropbear
// applet with -W 24576 offers OpenSSH's ssh channels of that window (ssh
// -vv: "open confirm rwindow 24576"), and 8 MiB go through one each way
// whole; sshbox's dbclient with -W 24576 offers OpenSSH's sshd the same
// (its log: "win 24576"), and the data goes through as well.
func TestDropbearRecvWindow(t *testing.T) {
	t.Parallel()
	testenv.NeedRoot(t)
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	data := bytes.Repeat([]byte("0123456789abcdef"), 8<<20/16)
	sum := fmt.Sprintf("%x", sha256.Sum256(data))

	// The data goes up through the channel into cat and comes back down:
	// the window of each direction carries all of it.
	roundTrip := func(t *testing.T, name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, append(args, "cat")...)
		cmd.Stdin = bytes.NewReader(data)
		var out, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &stderr
		done := make(chan error, 1)
		go func() { done <- cmd.Run() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("%s: %v\n%s", name, err, stderr.String())
			}
		case <-time.After(2 * time.Minute):
			cmd.Process.Kill()
			t.Fatalf("%s: still moving data after two minutes (a window never credited?)\n%s", name, stderr.String())
		}
		if got := fmt.Sprintf("%x", sha256.Sum256(out.Bytes())); got != sum {
			t.Errorf("%s: %d bytes came back, not the %d sent", name, out.Len(), len(data))
		}
		return strings.ReplaceAll(stderr.String(), "\r\n", "\n")
	}

	t.Run("dropbear -W", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		hostKey, _ := dropbearKey(t, dir, "ed25519")
		port := testenv.FreePort(t)
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		testenv.Start(t, testenv.Bin(t, "dropbear"), "-F", "-E", "-p", addr, "-P", filepath.Join(dir, "pid"),
			"-r", hostKey, "-W", "24576")
		testenv.WaitPort(t, addr, 10*time.Second)
		args := append([]string{"-vv"}, testenv.SSHArgs(key, port, u.Name)...)
		args = append(args[:len(args)-1], "-o", "LogLevel=DEBUG2", args[len(args)-1])
		log := roundTrip(t, testenv.NeedCmd(t, "ssh"), args...)
		if !strings.Contains(log, "open confirm rwindow 24576 rmax 32768") {
			t.Errorf("ssh -vv shows no window of 24576:\n%s", grepLines(log, "rwindow"))
		}
	})
	t.Run("dbclient -W", func(t *testing.T) {
		t.Parallel()
		d := testenv.StartOpenSSHD(t, "LogLevel DEBUG1")
		roundTrip(t, testenv.Bin(t, "dbclient"), "-y", "-y", "-i", key, "-W", "24576",
			fmt.Sprintf("%s@127.0.0.1/%d", u.Name, d.Port))
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(d.Proc.Stderr.String(), "ctype session rchan 0 win 24576 max 32768") {
			if time.Now().After(deadline) {
				t.Fatalf("OpenSSH's sshd saw no window of 24576:\n%s", grepLines(d.Proc.Stderr.String(), "ctype session"))
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}
