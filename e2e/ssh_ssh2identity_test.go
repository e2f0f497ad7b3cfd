package e2e

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/sshcore/keys"
	"sshbox/sshcore/knownhosts"
)

// TestSSHSSH2Identification: sshbox's ssh reading an SSH2_CONFIG offers the
// keys of the user's ssh2 identification file, as SSH Communications' (and
// OpenVMS's) client does, logging into OpenSSH's sshd: an IdKey line names
// an ssh.com private key in the user's ssh2 directory (here in upper case
// while the line has it in lower, as copied from OpenVMS; the
// identification file itself in VAR records). An IdentityFile naming an
// identification file (ssh2's IdentityFile) stands for its keys too.
func TestSSHSSH2Identification(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ssh.NewPublicKey(&rk.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(e.home, "ssh2")
	os.MkdirAll(dir, 0o700)
	os.WriteFile(filepath.Join(dir, "ID_RSA_2048_A"), keys.MarshalSSHComPrivate(rk, "2048-bit rsa, me@vms"), 0o600)
	os.WriteFile(filepath.Join(dir, "ID_RSA_2048_A.PUB"), ssh.MarshalAuthorizedKey(pub), 0o644)
	e.user.Authorize(t, filepath.Join(dir, "ID_RSA_2048_A.PUB"))
	ident := filepath.Join(dir, "identification")
	os.WriteFile(ident, configfmt.Encode([]string{"# keys for ssh2", "IdKey id_rsa_2048_a"}, configfmt.VAR), 0o600)

	cfg := filepath.Join(e.home, "SSH2_CONFIG")
	os.WriteFile(cfg, []byte(fmt.Sprintf("*:\n  UserConfigDirectory %s\n  UserKnownHostsFile %s\n  GlobalKnownHostsFile /dev/null\n  BatchMode yes\n  IdentitiesOnly yes\n", dir, e.kh)), 0o600)
	dest := []string{"-p", fmt.Sprint(e.port), e.dest(), "echo", "ssh2-keys"}
	stdout, stderr, status := e.run(nil, append([]string{"-F", cfg, "-v"}, dest...)...)
	if status != 0 || stdout != "ssh2-keys\n" {
		t.Fatalf("status %d, stdout %q, stderr:\n%s", status, stdout, stderr)
	}
	if !strings.Contains(stderr, "identification file "+ident+": 1 keys") {
		t.Errorf("-v does not show the identification file:\n%s", stderr)
	}
	if !strings.Contains(stderr, "Offering public key: "+filepath.Join(dir, "ID_RSA_2048_A")+" RSA") {
		t.Errorf("-v does not show the ssh2 key accepted:\n%s", stderr)
	}

	// -i naming the identification file, no ssh2 file read.
	stdout, stderr, status = e.run(nil, append([]string{"-F", "/dev/null", "-i", ident, "-o", "UserKnownHostsFile=" + e.kh,
		"-o", "GlobalKnownHostsFile=/dev/null", "-o", "BatchMode=yes"}, dest...)...)
	if status != 0 || stdout != "ssh2-keys\n" {
		t.Errorf("-i IDENTIFICATION: status %d, stdout %q, stderr:\n%s", status, stdout, stderr)
	}

	// An identification file that names no key the server knows.
	os.WriteFile(ident, []byte("IdKey other\n"), 0o600)
	if stdout, stderr, status = e.run(nil, append([]string{"-F", cfg}, dest...)...); status != 255 {
		t.Errorf("with no usable key: status %d, stdout %q, stderr:\n%s", status, stdout, stderr)
	}
}

// TestSSHSSH2HostKeys: sshbox's ssh reading an SSH2_CONFIG knows the hosts
// of the user's ssh2 host key directory (UserConfigDirectory's hostkeys,
// key_<port>_<host>.pub in RFC 4716), OpenSSH's sshd being the host: the
// key there lets it in under StrictHostKeyChecking yes with no known_hosts
// line; UserKnownHosts no leaves the directory unread; another key there is
// a changed key, whose banner names the file and says how to remove it; a
// file whose name decodes to a pattern ("*") is ignored rather than
// trusted for every host.
func TestSSHSSH2HostKeys(t *testing.T) {
	e, d := openSSHEnv(t, "")
	dir := filepath.Join(e.home, "ssh2")
	hostkeys := filepath.Join(dir, "hostkeys")
	os.MkdirAll(hostkeys, 0o700)
	data, err := os.ReadFile(d.HostKey + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	hostPub, _, _, _, err := ssh.ParseAuthorizedKey(data)
	if err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(e.home, "known_hosts.empty")
	os.WriteFile(empty, nil, 0o600)
	cfg := filepath.Join(e.home, "SSH2_CONFIG")
	write := func(extra string) {
		os.WriteFile(cfg, []byte(fmt.Sprintf("*:\n  UserConfigDirectory %s\n  UserKnownHostsFile %s\n  GlobalKnownHostsFile /dev/null\n"+
			"  StrictHostKeyChecking yes\n  BatchMode yes\n  IdentityFile %s\n%s", dir, empty, e.key, extra)), 0o600)
	}
	dest := []string{"-F", cfg, "-p", fmt.Sprint(e.port), e.dest(), "echo", "known-by-ssh2"}

	file, err := knownhosts.WriteSSH2Key(hostkeys, "127.0.0.1", e.port, hostPub)
	if err != nil {
		t.Fatal(err)
	}
	write("")
	if stdout, stderr, status := e.run(nil, dest...); status != 0 || stdout != "known-by-ssh2\n" {
		t.Fatalf("host key in the ssh2 directory: status %d, stdout %q, stderr:\n%s", status, stdout, stderr)
	}
	write("  UserKnownHosts no\n")
	if _, stderr, status := e.run(nil, dest...); status != 255 || !strings.Contains(stderr, "Host key verification failed.") {
		t.Errorf("UserKnownHosts no: status %d, stderr:\n%s", status, stderr)
	}

	// Another key in the host's file: the changed-key banner.
	other, _, _, _, _ := ssh.ParseAuthorizedKey(readFile(t, hostKeyFile(t, "ed25519")+".pub"))
	if _, err := knownhosts.WriteSSH2Key(hostkeys, "127.0.0.1", e.port, other); err != nil {
		t.Fatal(err)
	}
	write("")
	_, stderr, status := e.run(nil, dest...)
	if status != 255 || !strings.Contains(stderr, "HOST IDENTIFICATION HAS CHANGED") ||
		!strings.Contains(stderr, "key in "+file+":1\r\n  remove with:\r\n  rm '"+file+"'\r\n") {
		t.Errorf("changed key in the ssh2 directory: status %d, stderr:\n%s", status, stderr)
	}

	// A name that decodes to "*": not a pattern for every host.
	os.Remove(file)
	if _, err := knownhosts.WriteSSH2Key(hostkeys, "*", e.port, hostPub); err != nil {
		t.Fatal(err)
	}
	if _, stderr, status := e.run(nil, dest...); status != 255 || !strings.Contains(stderr, "Host key verification failed.") {
		t.Errorf("key_%d__052.pub trusted for 127.0.0.1: status %d, stderr:\n%s", e.port, status, stderr)
	}
}
