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
