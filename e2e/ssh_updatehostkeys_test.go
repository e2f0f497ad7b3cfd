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

// UpdateHostKeys (OpenSSH PROTOCOL §2.5) end to end, each side against
// the other's real program.

// hostKeyFile makes a host key of keyType with OpenSSH's ssh-keygen.
func hostKeyFile(t *testing.T, keyType string) string {
	t.Helper()
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	p := filepath.Join(dir, "ssh_host_"+keyType+"_key")
	args := []string{"-q", "-t", keyType, "-N", "", "-f", p}
	if keyType == "rsa" {
		args = append(args, "-b", "2048")
	}
	if out, err := exec.Command(testenv.NeedCmd(t, "ssh-keygen"), args...).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	return p
}

// pubLine is the "type base64" part of a .pub file.
func pubLine(t *testing.T, pub string) string {
	t.Helper()
	f := strings.Fields(string(readFile(t, pub)))
	return f[0] + " " + f[1]
}

// TestUpdateHostKeysLearnsOpenSSHDAddedKey: OpenSSH's sshd has an ed25519
// and an ECDSA host key; known_hosts lists the ed25519 one and a key the
// server no longer has. sshbox's ssh learns the ECDSA key (after the
// server proved it), drops the stale one, and leaves every other line as
// it was; OpenSSH's ssh-keygen -F then finds both current keys.
func TestUpdateHostKeysLearnsOpenSSHDAddedKey(t *testing.T) {
	ecdsa := hostKeyFile(t, "ecdsa")
	e, d := openSSHEnv(t, "HostKey "+ecdsa)
	name := fmt.Sprintf("[127.0.0.1]:%d", e.port)
	stale := hostKeyFile(t, "ed25519")
	other := hostKeyFile(t, "ed25519")
	kept := []string{
		"# managed by hand",
		name + " " + pubLine(t, d.HostKey+".pub"),
		"other.example " + pubLine(t, other+".pub"),
	}
	content := strings.Join([]string{kept[0], kept[1], name + " " + pubLine(t, stale+".pub"), kept[2]}, "\n") + "\n"
	if err := os.WriteFile(e.kh, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}

	_, stderr, status := e.run(nil, append(e.base(), "-v", "-o", "UpdateHostKeys=yes", "-o", "BatchMode=yes", e.dest(), "true")...)
	if status != 0 {
		t.Fatalf("status %d\n%s", status, stderr)
	}
	for _, want := range []string{
		"Learned new hostkey: ECDSA " + fingerprint(t, ecdsa+".pub"),
		"Deprecating obsolete hostkey: ED25519 " + fingerprint(t, stale+".pub"),
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	want := strings.Join(append(kept, name+" "+pubLine(t, ecdsa+".pub")), "\n") + "\n"
	if got := string(readFile(t, e.kh)); got != want {
		t.Errorf("known_hosts:\n%s\nwant:\n%s", got, want)
	}
	if old := string(readFile(t, e.kh+".old")); old != content {
		t.Errorf("known_hosts.old is not the previous file:\n%s", old)
	}
	out, err := exec.Command(testenv.NeedCmd(t, "ssh-keygen"), "-F", name, "-f", e.kh).Output()
	if err != nil || !strings.Contains(string(out), pubLine(t, ecdsa+".pub")) || !strings.Contains(string(out), pubLine(t, d.HostKey+".pub")) {
		t.Errorf("ssh-keygen -F %s: %v\n%s", name, err, out)
	}

	// Nothing left to learn: the file is not rewritten.
	before, _ := os.Stat(e.kh)
	if _, stderr, status := e.run(nil, append(e.base(), "-o", "UpdateHostKeys=yes", "-o", "BatchMode=yes", e.dest(), "true")...); status != 0 {
		t.Fatalf("second login: status %d\n%s", status, stderr)
	}
	after, _ := os.Stat(e.kh)
	if !os.SameFile(before, after) {
		t.Error("known_hosts rewritten although nothing changed")
	}
}

// TestUpdateHostKeysNoUpdateWhenOff: with UpdateHostKeys no (and by
// default with a UserKnownHostsFile of one's own) known_hosts stays
// byte-identical.
func TestUpdateHostKeysNoUpdateWhenOff(t *testing.T) {
	ecdsa := hostKeyFile(t, "ecdsa")
	e, _ := openSSHEnv(t, "HostKey "+ecdsa)
	before := readFile(t, e.kh)
	for _, opt := range [][]string{{"-o", "UpdateHostKeys=no"}, nil} {
		args := append(append(e.base(), opt...), "-o", "BatchMode=yes", e.dest(), "true")
		if _, stderr, status := e.run(nil, args...); status != 0 {
			t.Fatalf("%q: status %d\n%s", opt, status, stderr)
		}
		if after := readFile(t, e.kh); !bytes.Equal(after, before) {
			t.Errorf("%q: known_hosts changed:\n%s", opt, after)
		}
	}
}

// TestUpdateHostKeysOpenSSHClientLearnsSshbox: OpenSSH's ssh, told to
// UpdateHostKeys, learns sshbox sshd's second (RSA) host key and drops a
// key sshd does not have: our announcement parses, is complete, and our
// RSA proof verifies in OpenSSH's own client.
func TestUpdateHostKeysOpenSSHClientLearnsSshbox(t *testing.T) {
	rsa := hostKeyFile(t, "rsa")
	d := testenv.StartSshbox(t, "HostKey "+rsa)
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	kh := testenv.KnownHosts(t, t.TempDir(), d.Port, d.HostKey+".pub")
	before := string(readFile(t, kh))
	// A key the server no longer has: OpenSSH's client retires it.
	stale := hostKeyFile(t, "ecdsa")
	if err := os.WriteFile(kh, []byte(before+fmt.Sprintf("[127.0.0.1]:%d %s\n", d.Port, pubLine(t, stale+".pub"))), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(testenv.NeedCmd(t, "ssh"), "-F", "none", "-v", "-o", "UserKnownHostsFile="+kh,
		"-o", "GlobalKnownHostsFile=/dev/null", "-o", "UpdateHostKeys=yes", "-o", "BatchMode=yes",
		"-o", "IdentitiesOnly=yes", "-o", "HostKeyAlgorithms=ssh-ed25519,rsa-sha2-512,rsa-sha2-256",
		"-i", key, "-p", fmt.Sprint(d.Port), "-l", u.Name, "127.0.0.1", "true")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("ssh: %v\n%s\nsshd log:\n%s", err, errb.String(), d.Proc.Stderr.String())
	}
	for _, want := range []string{"Learned new hostkey: RSA " + fingerprint(t, rsa+".pub"),
		"Deprecating obsolete hostkey: ECDSA " + fingerprint(t, stale+".pub")} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("OpenSSH's ssh did not say %q:\n%s", want, errb.String())
		}
	}
	want := before + fmt.Sprintf("[127.0.0.1]:%d %s\n", d.Port, pubLine(t, rsa+".pub"))
	if got := string(readFile(t, kh)); got != want {
		t.Errorf("known_hosts:\n%s\nwant:\n%s", got, want)
	}
}

// TestUpdateHostKeysAsk: with UpdateHostKeys ask, sshbox's ssh shows what
// changes and asks on the terminal before the shell starts; "no" leaves
// known_hosts byte-identical, "yes" writes the new key.
func TestUpdateHostKeysAsk(t *testing.T) {
	ecdsa := hostKeyFile(t, "ecdsa")
	e, _ := openSSHEnv(t, "HostKey "+ecdsa)
	before := string(readFile(t, e.kh))
	for _, answer := range []string{"no", "yes"} {
		args := append(e.base(), "-o", "UpdateHostKeys=ask", e.dest())
		tm := e.term(24, 80, args...)
		// log.c's lines end in CR LF, which the terminal (not yet raw)
		// shows as CR CR LF, as with OpenSSH's ssh.
		at := tm.Expect(0, "The server has updated its host keys.\r\r\n"+
			"These changes were verified by the server's existing trusted key.\r\r\n"+
			"Learned new hostkey: ECDSA "+fingerprint(t, ecdsa+".pub")+"\r\r\n"+
			// read_passphrase's CR before its prompt, as OpenSSH's.
			"\rAccept updated hostkeys? (yes/no): ", 15*time.Second)
		tm.Type("maybe\r")
		at = tm.Expect(at, "Please enter \"yes\" or \"no\"\r\r\n\rAccept updated hostkeys? (yes/no): ", 5*time.Second)
		tm.Type(answer + "\r")
		tm.Type("echo shell-$((6*7))\r")
		tm.Expect(at, "shell-42", 10*time.Second)
		tm.Type("exit\r")
		if status := tm.Wait(10 * time.Second); status != 0 {
			t.Errorf("%s: status %d\n%s", answer, status, tm.Output())
		}
		got := string(readFile(t, e.kh))
		want := before
		if answer == "yes" {
			want += fmt.Sprintf("[127.0.0.1]:%d %s\n", e.port, pubLine(t, ecdsa+".pub"))
		}
		if got != want {
			t.Errorf("after %s, known_hosts:\n%s\nwant:\n%s", answer, got, want)
		}
	}
}
