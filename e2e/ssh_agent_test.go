package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"sshbox/internal/testenv"
)

// TestSSHAgent: keys come from OpenSSH's ssh-agent, and -A lets the remote
// side list them.
func TestSSHAgent(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	sock := startAgent(t, testenv.NeedCmd(t, "ssh-agent"), e.home, nil, nil)
	add := exec.Command(testenv.NeedCmd(t, "ssh-add"), e.key)
	add.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock)
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("ssh-add: %v\n%s", err, out)
	}
	// No -i: the only key is the agent's. The remote ssh-add talks to the
	// socket sshd makes for the forwarded agent.
	args := []string{"-F", "/dev/null", "-v", "-A", "-o", "UserKnownHostsFile=" + e.kh, "-o", "BatchMode=yes",
		"-p", fmt.Sprint(e.port), e.dest(), "ssh-add -l"}
	cmd := exec.Command(testenv.Bin(t, "ssh"), args...)
	cmd.Env = append(e.env(), "SSH_AUTH_SOCK="+sock)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v; stderr:\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "Offering public key: ") || !strings.Contains(stderr.String(), " agent") {
		t.Errorf("the key was not offered from the agent:\n%s", stderr.String())
	}
	if fp := fingerprint(t, e.key+".pub"); !strings.Contains(string(out), fp) {
		t.Errorf("remote ssh-add -l through -A: %q, want %s", out, fp)
	}
	// IdentityAgent names the socket without SSH_AUTH_SOCK; "none" turns
	// the agent off (and with no key file left, login fails).
	for agentOpt, want := range map[string]int{"IdentityAgent=" + sock: 0, "IdentityAgent=none": 255} {
		args := []string{"-F", "/dev/null", "-o", agentOpt, "-o", "UserKnownHostsFile=" + e.kh, "-o", "BatchMode=yes",
			"-p", fmt.Sprint(e.port), e.dest(), "true"}
		_, stderr, status := e.run(nil, args...)
		if status != want {
			t.Errorf("%s: status %d, want %d; stderr %q", agentOpt, status, want, stderr)
		}
	}
}

// TestSSHLogFileAndQuiet: -E sends the diagnostics to a file; -q hides the
// notices.
func TestSSHLogFileAndQuiet(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	logf := filepath.Join(e.home, "ssh.log")
	_, stderr, status := e.run(nil, append(e.base(), "-v", "-E", logf, "-o", "BatchMode=yes", e.dest(), "true")...)
	if status != 0 || stderr != "" {
		t.Errorf("-E: status %d, stderr %q", status, stderr)
	}
	if b := readFile(t, logf); !strings.Contains(string(b), "debug1: Connection established.") {
		t.Errorf("log file lacks the debug lines:\n%s", b)
	}
	os.WriteFile(e.kh, nil, 0o600)
	_, stderr, status = e.run(nil, append(e.base(), "-q", "-o", "StrictHostKeyChecking=accept-new", e.dest(), "true")...)
	if status != 0 || stderr != "" {
		t.Errorf("-q: status %d, stderr %q", status, stderr)
	}
}

// TestSSHUserCertificate: the server trusts a CA, not the key; the client
// offers the certificate found beside the key, or named by CertificateFile.
func TestSSHUserCertificate(t *testing.T) {
	caDir := t.TempDir()
	os.Chmod(caDir, 0o755)
	ca := testenv.OpenSSHKey(t, caDir, "ed25519")
	d := testenv.StartOpenSSHD(t, "TrustedUserCAKeys "+ca+".pub\nAuthorizedKeysFile none")
	e := newEnv(t, d.Port, d.HostKey+".pub")
	out, err := exec.Command("ssh-keygen", "-q", "-s", ca, "-I", "test", "-n", e.user.Name, e.key+".pub").CombinedOutput()
	if err != nil {
		t.Fatalf("ssh-keygen -s: %v\n%s", err, out)
	}
	stdout, stderr, status := e.run(nil, append(e.base(), "-v", "-o", "BatchMode=yes", e.dest(), "echo", "cert-ok")...)
	if status != 0 || stdout != "cert-ok\n" {
		t.Fatalf("cert beside the key: status %d, stdout %q, stderr:\n%s", status, stdout, stderr)
	}
	if !strings.Contains(stderr, "Offering public key: "+e.key+" ED25519-CERT SHA256:") {
		t.Errorf("-v does not show the certificate offered:\n%s", stderr)
	}
	moved := filepath.Join(e.home, "elsewhere-cert.pub")
	if err := os.Rename(e.key+"-cert.pub", moved); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, status = e.run(nil, append(e.base(), "-o", "CertificateFile="+moved, "-o", "BatchMode=yes", e.dest(), "echo", "cert-ok")...)
	if status != 0 || stdout != "cert-ok\n" {
		t.Errorf("CertificateFile: status %d, stdout %q, stderr:\n%s", status, stdout, stderr)
	}
}

// TestSSHPublicKeyIdentityFromAgent: -i key.pub (a public key, 0644) with
// IdentitiesOnly picks that key from the agent among others, as OpenSSH's
// ssh does, instead of refusing the file as too open; without the key in
// the agent nothing logs in.
func TestSSHPublicKeyIdentityFromAgent(t *testing.T) {
	t.Parallel()
	e, _ := openSSHEnv(t, "")
	sock := startAgent(t, testenv.NeedCmd(t, "ssh-agent"), e.home, nil, nil)
	other := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	login := func() (int, string) {
		args := []string{"-F", "/dev/null", "-i", e.key + ".pub", "-o", "IdentitiesOnly=yes", "-o", "UserKnownHostsFile=" + e.kh,
			"-o", "BatchMode=yes", "-p", fmt.Sprint(e.port), e.dest(), "true"}
		cmd := exec.Command(testenv.Bin(t, "ssh"), args...)
		cmd.Env = append(e.env(), "SSH_AUTH_SOCK="+sock)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		out, err := cmd.CombinedOutput()
		return testenv.ExitCode(err), string(out)
	}
	add := func(key string) {
		c := exec.Command(testenv.NeedCmd(t, "ssh-add"), key)
		c.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock)
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("ssh-add: %v\n%s", err, out)
		}
	}
	add(other)
	if status, out := login(); status != 255 {
		t.Errorf("key not in the agent: status %d\n%s", status, out)
	}
	add(e.key)
	if status, out := login(); status != 0 || strings.Contains(out, "UNPROTECTED") {
		t.Errorf("key in the agent: status %d\n%s", status, out)
	}
}
