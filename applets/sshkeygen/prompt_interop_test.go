package sshkeygen

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// ttySession runs sshbox's ssh-keygen with a pty as controlling terminal.
type ttySession struct {
	t    *testing.T
	ptmx *os.File
	mu   sync.Mutex
	buf  bytes.Buffer
	cmd  *exec.Cmd
	done chan error
}

func startTTY(t *testing.T, stdin string, args ...string) *ttySession {
	t.Helper()
	cmd := exec.Command(binKeygen(t), args...)
	cmd.Stdin = strings.NewReader(stdin)
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 1}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	s := &ttySession{t: t, ptmx: ptmx, cmd: cmd, done: make(chan error, 1)}
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := ptmx.Read(b)
			s.mu.Lock()
			s.buf.Write(b[:n])
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() { s.done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill(); ptmx.Close() })
	return s
}

// expect waits for text to appear after what was consumed, consuming it.
func (s *ttySession) expect(text string) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		out := s.buf.String()
		if i := strings.Index(out, text); i >= 0 {
			s.buf.Next(i + len(text))
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.t.Fatalf("no %q on the terminal; got %q", text, s.buf.String())
}

func (s *ttySession) send(text string) { io.WriteString(s.ptmx, text) }

func (s *ttySession) wait() int {
	s.t.Helper()
	select {
	case err := <-s.done:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		return 0
	case <-time.After(20 * time.Second):
		s.t.Fatal("ssh-keygen did not exit")
	}
	return -1
}

// Without -N, the passphrase is asked on the terminal (echo off), twice,
// again after a mismatch; -p and -y ask too.
func TestPassphraseFromTerminal(t *testing.T) {
	f := filepath.Join(t.TempDir(), "id")
	s := startTTY(t, "", "-t", "ed25519", "-C", "tty", "-f", f)
	s.expect("Enter passphrase (empty for no passphrase): ")
	s.send("one\n")
	s.expect("Enter same passphrase again: ")
	s.send("two\n")
	s.expect("Passphrases do not match.  Try again.")
	s.expect("Enter passphrase (empty for no passphrase): ")
	s.send("tty secret\n")
	s.expect("Enter same passphrase again: ")
	s.send("tty secret\n")
	s.expect("Your identification has been saved in " + f)
	if rc := s.wait(); rc != 0 {
		t.Fatalf("exit %d", rc)
	}
	s.mu.Lock()
	if strings.Contains(s.buf.String(), "tty secret") {
		t.Error("passphrase echoed")
	}
	s.mu.Unlock()
	must(t, ossh(t, "-y", "-P", "tty secret", "-f", f), "OpenSSH reads the key")

	s = startTTY(t, "", "-p", "-f", f)
	s.expect("Enter old passphrase: ")
	s.send("tty secret\n")
	s.expect("Key has comment 'tty'")
	s.expect("Enter new passphrase (empty for no passphrase): ")
	s.send("next\n")
	s.expect("Enter same passphrase again: ")
	s.send("next\n")
	s.expect("Your identification has been saved with the new passphrase.")
	if rc := s.wait(); rc != 0 {
		t.Fatalf("-p exit %d", rc)
	}
	must(t, ossh(t, "-y", "-P", "next", "-f", f), "OpenSSH reads the re-encrypted key")

	s = startTTY(t, "", "-y", "-f", f)
	s.expect("Enter passphrase: ")
	s.send("wrong\n")
	s.expect("incorrect passphrase supplied to decrypt private key")
	if rc := s.wait(); rc != 255 {
		t.Fatalf("-y with a wrong passphrase: exit %d", rc)
	}
}
