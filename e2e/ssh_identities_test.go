package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// signUserKey makes pub's certificate with ssh-keygen -s, for principal,
// and returns its path (pub without .pub, plus -cert.pub).
func signUserKey(t *testing.T, ca, pub, principal string) string {
	t.Helper()
	out, err := exec.Command(testenv.NeedCmd(t, "ssh-keygen"), "-q", "-s", ca, "-I", "c14-"+principal, "-n", principal, pub).CombinedOutput()
	if err != nil {
		t.Fatalf("ssh-keygen -s: %v\n%s", err, out)
	}
	return strings.TrimSuffix(pub, ".pub") + "-cert.pub"
}

func mustRename(t *testing.T, from, to string) {
	t.Helper()
	if err := os.Rename(from, to); err != nil {
		t.Fatal(err)
	}
}

// TestSSHCertificateIdentities: OpenSSH's sshd trusts only a CA made by
// ssh-keygen (no authorized_keys), so only a certificate logs in. Each
// way OpenSSH's ssh finds a certificate and pairs it with its private key
// (a file or the agent) works with sshbox's ssh too, on the same command
// line.
func TestSSHCertificateIdentities(t *testing.T) {
	caDir := t.TempDir()
	os.Chmod(caDir, 0o755)
	ca, cas := trustedUserCA(t, caDir, "ed25519")
	d := testenv.StartOpenSSHD(t, "TrustedUserCAKeys "+cas+"\nAuthorizedKeysFile none")
	e := newEnv(t, d.Port, d.HostKey+".pub")
	sock := startAgent(t, testenv.NeedCmd(t, "ssh-agent"), t.TempDir(), nil, nil)
	addToAgent := func(key string) {
		t.Helper()
		if _, stderr, status := agentRun(t, sock, testenv.NeedCmd(t, "ssh-add"), key); status != 0 {
			t.Fatalf("ssh-add: %s", stderr)
		}
	}

	// -i names the certificate itself; the private key lies beside it.
	dirA := t.TempDir()
	keyA := testenv.OpenSSHKey(t, dirA, "ed25519")
	certA := signUserKey(t, ca, keyA+".pub", e.user.Name)

	// -i names a key whose private half only the agent holds: the .pub
	// and -cert.pub are on disk, the private file is gone.
	dirB := t.TempDir()
	keyB := testenv.OpenSSHKey(t, dirB, "ecdsa")
	addToAgent(keyB) // before the certificate exists: the agent holds the plain key
	signUserKey(t, ca, keyB+".pub", e.user.Name)
	os.Remove(keyB)

	// Several -i identities and CertificateFiles stored elsewhere, the
	// first for another principal: each certificate is paired with its
	// own key.
	dirC := t.TempDir()
	k1 := testenv.OpenSSHKey(t, dirC, "ed25519")
	k2 := testenv.OpenSSHKey(t, dirC, "ecdsa")
	certDir := t.TempDir()
	c1 := signUserKey(t, ca, k1+".pub", "somebody-else")
	c2 := signUserKey(t, ca, k2+".pub", e.user.Name)
	mustRename(t, c1, filepath.Join(certDir, "c1"))
	mustRename(t, c2, filepath.Join(certDir, "c2"))
	c1, c2 = filepath.Join(certDir, "c1"), filepath.Join(certDir, "c2")

	// A CertificateFile whose key only the agent holds, no -i at all.
	dirD := t.TempDir()
	keyD := testenv.OpenSSHKey(t, dirD, "rsa")
	addToAgent(keyD)
	certD := signUserKey(t, ca, keyD+".pub", e.user.Name)
	os.Remove(keyD)

	// The agent holds only plain keys (each added before its certificate
	// existed), and is there only where the case says, so that no other
	// way in exists. -i CERT needs its key in the agent: OpenSSH's ssh
	// does not look for the private key beside the certificate.
	addToAgent(keyA)
	cases := map[string]struct {
		args  []string
		agent bool
		want  int
	}{
		"-i CERT, key in the agent":    {[]string{"-i", certA}, true, 0},
		"-i CERT, no agent":            {[]string{"-i", certA}, false, 255},
		"IdentityFile KEY, agent key":  {[]string{"-o", "IdentityFile=" + keyB}, true, 0},
		"-i K1 -i K2, CertificateFile": {[]string{"-i", k1, "-i", k2, "-o", "CertificateFile=" + c1, "-o", "CertificateFile=" + c2}, false, 0},
		"CertificateFile, agent key":   {[]string{"-o", "IdentityFile=" + filepath.Join(dirD, "none"), "-o", "CertificateFile=" + certD}, true, 0},
		"CertificateFile, no key":      {[]string{"-o", "IdentityFile=" + filepath.Join(dirD, "none"), "-o", "CertificateFile=" + certD}, false, 255},
	}
	for name, tc := range cases {
		env := []string{"SSH_AUTH_SOCK="}
		if tc.agent {
			env = []string{"SSH_AUTH_SOCK=" + sock}
		}
		for client, prog := range bothClients(t) {
			args := append([]string{"-F", "/dev/null", "-v", "-o", "UserKnownHostsFile=" + e.kh, "-o", "GlobalKnownHostsFile=/dev/null",
				"-o", "BatchMode=yes", "-p", fmt.Sprint(e.port)}, tc.args...)
			out, stderr, status := e.runClient(prog, env, append(args, e.dest(), "echo cert-ok")...)
			if status != tc.want || tc.want == 0 && out != "cert-ok\n" {
				t.Errorf("%s, %s: status %d (want %d), out %q\n%s", name, client, status, tc.want, out, stderr)
			}
		}
	}
}
