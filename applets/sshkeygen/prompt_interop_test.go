package sshkeygen

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// startTTY runs sshbox's ssh-keygen with a pty as controlling terminal.
func startTTY(t *testing.T, stdin string, args ...string) *testenv.Term {
	t.Helper()
	return testenv.StartTermStdin(t, strings.NewReader(stdin), binKeygen(t), args...)
}

// Without -N, the passphrase is asked on the terminal (echo off), twice,
// again after a mismatch; -p and -y ask too.
func TestPassphraseFromTerminal(t *testing.T) {
	f := filepath.Join(t.TempDir(), "id")
	at := 0
	s := startTTY(t, "", "-t", "ed25519", "-C", "tty", "-f", f)
	at = s.Expect(at, "Enter passphrase (empty for no passphrase): ", 10*time.Second)
	s.Type("one\n")
	at = s.Expect(at, "Enter same passphrase again: ", 10*time.Second)
	s.Type("two\n")
	at = s.Expect(at, "Passphrases do not match.  Try again.", 10*time.Second)
	at = s.Expect(at, "Enter passphrase (empty for no passphrase): ", 10*time.Second)
	s.Type("tty secret\n")
	at = s.Expect(at, "Enter same passphrase again: ", 10*time.Second)
	s.Type("tty secret\n")
	s.Expect(at, "Your identification has been saved in "+f, 10*time.Second)
	if rc := s.Wait(20 * time.Second); rc != 0 {
		t.Fatalf("exit %d", rc)
	}
	if strings.Contains(s.Output(), "tty secret") {
		t.Error("passphrase echoed")
	}
	must(t, ossh(t, "-y", "-P", "tty secret", "-f", f), "OpenSSH reads the key")

	at = 0
	s = startTTY(t, "", "-p", "-f", f)
	at = s.Expect(at, "Enter old passphrase: ", 10*time.Second)
	s.Type("tty secret\n")
	at = s.Expect(at, "Key has comment 'tty'", 10*time.Second)
	at = s.Expect(at, "Enter new passphrase (empty for no passphrase): ", 10*time.Second)
	s.Type("next\n")
	at = s.Expect(at, "Enter same passphrase again: ", 10*time.Second)
	s.Type("next\n")
	s.Expect(at, "Your identification has been saved with the new passphrase.", 10*time.Second)
	if rc := s.Wait(20 * time.Second); rc != 0 {
		t.Fatalf("-p exit %d", rc)
	}
	must(t, ossh(t, "-y", "-P", "next", "-f", f), "OpenSSH reads the re-encrypted key")

	at = 0
	s = startTTY(t, "", "-y", "-f", f)
	at = s.Expect(at, "Enter passphrase: ", 10*time.Second)
	s.Type("wrong\n")
	s.Expect(at, "incorrect passphrase supplied to decrypt private key", 10*time.Second)
	if rc := s.Wait(20 * time.Second); rc != 255 {
		t.Fatalf("-y with a wrong passphrase: exit %d", rc)
	}
}
