package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

func TestSSHUnknownHostBatchMode(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	os.WriteFile(e.kh, nil, 0o600)
	_, stderr, status := e.runCmd(nil, "true")
	if status != 255 || !strings.Contains(stderr, "Host key verification failed.") {
		t.Errorf("status %d, stderr %q; want 255 and Host key verification failed.", status, stderr)
	}
	if b := readFile(t, e.kh); len(b) != 0 {
		t.Errorf("known_hosts was written: %q", b)
	}
}

// TestSSHUnknownHostStdinIsNotAsked: an answer piped into stdin must not be
// taken for the user's; with no terminal the connection fails.
func TestSSHUnknownHostStdinIsNotAsked(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	os.WriteFile(e.kh, nil, 0o600)
	_, stderr, status := e.run(strings.NewReader("yes\n"), append(e.base(), e.dest(), "true")...)
	if status != 255 || !strings.Contains(stderr, "Host key verification failed.") {
		t.Errorf("status %d, stderr %q", status, stderr)
	}
}

func TestSSHFirstConnectionDialogue(t *testing.T) {
	e, d := openSSHEnv(t, "")
	kh := filepath.Join(e.home, "new", "known_hosts") // directory and file do not exist yet
	os.MkdirAll(filepath.Dir(kh), 0o700)
	args := []string{"-F", "/dev/null", "-i", e.key, "-o", "UserKnownHostsFile=" + kh,
		"-o", "GlobalKnownHostsFile=/dev/null", "-p", fmt.Sprint(e.port), e.dest(), "echo", "connected"}
	tm := e.term(24, 80, args...)
	fp := fingerprint(t, d.HostKey+".pub")
	want := "Host key not found from the list of known hosts.\r\n" +
		"ED25519 key fingerprint is " + fp + ".\r\n" +
		"Are you sure you want to continue connecting (yes/no)? "
	at := tm.Expect(0, want, 15*time.Second)
	tm.Type("YES\r")
	at = tm.Expect(at, "Please type 'yes' or 'no': ", 5*time.Second)
	tm.Type("y\r")
	at = tm.Expect(at, "Please type 'yes' or 'no': ", 5*time.Second)
	if _, err := os.Stat(kh); err == nil {
		t.Fatal("known_hosts written before the answer yes")
	}
	tm.Type("yes\r")
	at = tm.Expect(at, fmt.Sprintf("Warning: Permanently added '[127.0.0.1]:%d' (ED25519) to the list of known hosts.", e.port), 10*time.Second)
	tm.Expect(at, "connected", 10*time.Second)
	if status := tm.Wait(10 * time.Second); status != 0 {
		t.Fatalf("status %d; terminal:\n%s", status, tm.Output())
	}
	st, err := os.Stat(kh)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("known_hosts: %v, mode %v; want 0600", err, st)
	}
	out, err := exec.Command("ssh-keygen", "-F", fmt.Sprintf("[127.0.0.1]:%d", e.port), "-f", kh).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ssh-ed25519") {
		t.Fatalf("ssh-keygen -F does not find the stored key: %v\n%s", err, out)
	}
	// The next connection is silent.
	stdout, stderr, status := e.run(nil, append(args[:len(args)-3:len(args)-3], "-o", "BatchMode=yes", e.dest(), "echo", "again")...)
	if status != 0 || stdout != "again\n" {
		t.Errorf("second connection: status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
}

func TestSSHFirstConnectionNo(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	os.WriteFile(e.kh, nil, 0o600)
	tm := e.term(24, 80, append(e.base(), e.dest(), "true")...)
	tm.Expect(0, "(yes/no)? ", 15*time.Second)
	tm.Type("no\r")
	tm.Expect(0, "Host key verification failed.", 5*time.Second)
	if status := tm.Wait(10 * time.Second); status != 255 {
		t.Errorf("status %d, want 255", status)
	}
	if b := readFile(t, e.kh); len(b) != 0 {
		t.Errorf("known_hosts was written: %q", b)
	}
}

func TestSSHHashKnownHostsAcceptNew(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	os.WriteFile(e.kh, nil, 0o600)
	args := append(e.base(), "-o", "StrictHostKeyChecking=accept-new", "-o", "HashKnownHosts=yes", "-o", "BatchMode=yes", e.dest(), "true")
	if _, stderr, status := e.run(nil, args...); status != 0 {
		t.Fatalf("status %d, stderr %q", status, stderr)
	}
	b := readFile(t, e.kh)
	if !bytes.HasPrefix(b, []byte("|1|")) {
		t.Errorf("known_hosts entry is not hashed: %q", b)
	}
	out, err := exec.Command("ssh-keygen", "-F", fmt.Sprintf("[127.0.0.1]:%d", e.port), "-f", e.kh).CombinedOutput()
	if err != nil {
		t.Errorf("ssh-keygen -F does not find the hashed entry: %v\n%s", err, out)
	}
}

func TestSSHStrictHostKeyCheckingYes(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	os.WriteFile(e.kh, nil, 0o600)
	_, stderr, status := e.run(nil, append(e.base(), "-o", "StrictHostKeyChecking=yes", e.dest(), "true")...)
	want := fmt.Sprintf("No ED25519 host key is known for [127.0.0.1]:%d and you have requested strict checking.", e.port)
	if status != 255 || !strings.Contains(stderr, want) || !strings.Contains(stderr, "Host key verification failed.") {
		t.Errorf("status %d, stderr %q", status, stderr)
	}
}

func TestSSHChangedHostKey(t *testing.T) {
	e, d := openSSHEnv(t, "")
	other := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	otherPub := strings.Fields(string(readFile(t, other+".pub")))
	content := fmt.Sprintf("# a comment\n[127.0.0.1]:%d %s %s\n", e.port, otherPub[0], otherPub[1])
	os.WriteFile(e.kh, []byte(content), 0o600)
	_, stderr, status := e.runCmd(nil, "true")
	if status != 255 {
		t.Errorf("status %d, want 255", status)
	}
	if !strings.HasPrefix(stderr, "WARNING: HOST IDENTIFICATION HAS CHANGED!\r\n") {
		t.Errorf("the banner does not start with the seed's sentence:\n%s", stderr)
	}
	for _, want := range []string{
		"man-in-the-middle",
		"host key has just been changed",
		fingerprint(t, d.HostKey+".pub"),
		fmt.Sprintf("Offending ED25519 key in %s:2", e.kh),
		fmt.Sprintf("ssh-keygen -f '%s' -R '[127.0.0.1]:%d'", e.kh, e.port),
		"Host key verification failed.",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if got := string(readFile(t, e.kh)); got != content {
		t.Errorf("known_hosts changed:\n%q\nwant\n%q", got, content)
	}
	// The command shown does what it says, with sshbox's ssh-keygen.
	var removal string
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "ssh-keygen ") {
			removal = strings.TrimSpace(line)
		}
	}
	rm := exec.Command("sh", "-c", removal)
	rm.Env = append(os.Environ(), "PATH="+testenv.BinDir(t)+":"+os.Getenv("PATH"))
	if out, err := rm.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", removal, err, out)
	}
	if got := string(readFile(t, e.kh)); strings.Contains(got, otherPub[1]) || !strings.Contains(got, "# a comment") {
		t.Errorf("after %s, known_hosts is %q", removal, got)
	}
}

func TestSSHRevokedHostKey(t *testing.T) {
	e, d := openSSHEnv(t, "")
	pub := strings.Fields(string(readFile(t, d.HostKey+".pub")))
	os.WriteFile(e.kh, []byte(fmt.Sprintf("@revoked * %s %s\n[127.0.0.1]:%d %s %s\n", pub[0], pub[1], e.port, pub[0], pub[1])), 0o600)
	_, stderr, status := e.runCmd(nil, "true")
	if status != 255 || !strings.Contains(stderr, "revoked") {
		t.Errorf("status %d, stderr %q", status, stderr)
	}
}

// TestSSHHostCertificate: a host certificate from a CA that known_hosts
// trusts is accepted when it names the host or, as OpenSSH's client takes
// it, names no host at all; not when it names another host or has expired.
func TestSSHHostCertificate(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string // ssh-keygen -s's
		ok   bool
	}{
		{"named", []string{"-n", "127.0.0.1"}, true},
		{"no principals", nil, true},
		{"another host", []string{"-n", "elsewhere.example"}, false},
		{"no principals, expired", []string{"-V", "-2d:-1d"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			ca := testenv.OpenSSHKey(t, dir, "ed25519")
			hostKey := testenv.OpenSSHKey(t, dir, "ecdsa")
			os.Chmod(dir, 0o755)
			args := append([]string{"-q", "-s", ca, "-I", "host", "-h"}, tc.args...)
			out, err := exec.Command("ssh-keygen", append(args, hostKey+".pub")...).CombinedOutput()
			if err != nil {
				t.Fatalf("ssh-keygen -s: %v\n%s", err, out)
			}
			d := testenv.StartOpenSSHD(t, fmt.Sprintf("HostKey %s\nHostCertificate %s-cert.pub\n", hostKey, hostKey))
			e := newEnv(t, d.Port, d.HostKey+".pub")
			caPub := strings.Fields(string(readFile(t, ca+".pub")))
			os.WriteFile(e.kh, []byte(fmt.Sprintf("@cert-authority [127.0.0.1]:%d %s %s\n", d.Port, caPub[0], caPub[1])), 0o600)
			stdout, stderr, status := e.run(nil, append(e.base(), "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
				"-o", "HostKeyAlgorithms=ecdsa-sha2-nistp256-cert-v01@openssh.com", e.dest(), "echo", "cert")...)
			if tc.ok && (status != 0 || stdout != "cert\n") {
				t.Errorf("status %d, stdout %q, stderr %q", status, stdout, stderr)
			}
			if !tc.ok && (status != 255 || !strings.Contains(stderr, "Host key verification failed.")) {
				t.Errorf("accepted: status %d, stdout %q, stderr %q", status, stdout, stderr)
			}
		})
	}
}

// TestSSHKnownHostsDevNull: the common "-o UserKnownHostsFile=/dev/null -o
// StrictHostKeyChecking=no" must connect and leave /dev/null a device.
func TestSSHKnownHostsDevNull(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	args := []string{"-F", "/dev/null", "-i", e.key, "-o", "UserKnownHostsFile=/dev/null",
		"-o", "StrictHostKeyChecking=no", "-o", "BatchMode=yes", "-p", fmt.Sprint(e.port), e.dest(), "echo", "ok"}
	stdout, stderr, status := e.run(nil, args...)
	if status != 0 || stdout != "ok\n" {
		t.Errorf("status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	st, err := os.Stat("/dev/null")
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("/dev/null is no longer a device: %v %v", st.Mode(), err)
	}
}

// TestSSHChangedHostKeyStrictNo: with StrictHostKeyChecking=no a changed
// key is reported but the connection proceeds, without passwords.
func TestSSHChangedHostKeyStrictNo(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	other := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	otherPub := strings.Fields(string(readFile(t, other+".pub")))
	content := fmt.Sprintf("[127.0.0.1]:%d %s %s\n", e.port, otherPub[0], otherPub[1])
	os.WriteFile(e.kh, []byte(content), 0o600)
	stdout, stderr, status := e.run(nil, append(e.base(), "-o", "StrictHostKeyChecking=no", "-o", "BatchMode=yes", e.dest(), "echo", "went-on")...)
	if status != 0 || stdout != "went-on\n" {
		t.Errorf("status %d, stdout %q, stderr:\n%s", status, stdout, stderr)
	}
	for _, want := range []string{"WARNING: HOST IDENTIFICATION HAS CHANGED!", "Password authentication is disabled"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if got := string(readFile(t, e.kh)); got != content {
		t.Errorf("known_hosts changed: %q", got)
	}
}
