package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestSshdHostKeyAgent: with HostKeyAgent the host's private keys stay in
// OpenSSH's ssh-agent and HostKey names only public keys: OpenSSH's ssh,
// checking strictly against those public keys, logs in, with an ed25519
// key and with an RSA key (rsa-sha2-512 signatures asked of the agent),
// whether the socket is named or given as SSH_AUTH_SOCK.
func TestSshdHostKeyAgent(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	dir := t.TempDir()
	sock := filepath.Join(dir, "agent.sock")
	agentProc := testenv.Start(t, testenv.NeedCmd(t, "ssh-agent"), "-D", "-a", sock)
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("ssh-agent did not start: %s", agentProc.Stderr.String())
		}
	}
	var pubs []string
	for _, typ := range []string{"ed25519", "rsa"} {
		priv := testenv.OpenSSHKey(t, dir, typ)
		add := exec.Command(testenv.NeedCmd(t, "ssh-add"), priv)
		add.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock)
		if out, err := add.CombinedOutput(); err != nil {
			t.Fatalf("ssh-add: %v\n%s", err, out)
		}
		// Only the public half stays on disk.
		os.Remove(priv)
		pubs = append(pubs, priv+".pub")
	}
	login := func(port int, hostKeyAlg, pub string) {
		t.Helper()
		kh := testenv.KnownHosts(t, t.TempDir(), port, pub)
		out, err := exec.Command(testenv.NeedCmd(t, "ssh"), "-F", "none", "-o", "StrictHostKeyChecking=yes",
			"-o", "UserKnownHostsFile="+kh, "-o", "GlobalKnownHostsFile=/dev/null", "-o", "HostKeyAlgorithms="+hostKeyAlg,
			"-o", "BatchMode=yes", "-i", key, "-p", fmt.Sprint(port), "-l", u.Name, "127.0.0.1", "echo in").CombinedOutput()
		if err != nil || !strings.HasSuffix(string(out), "in\n") {
			t.Errorf("%s: %v\n%s", hostKeyAlg, err, out)
		}
	}
	hostKeys := "HostKey " + pubs[0] + "\nHostKey " + strings.TrimSuffix(pubs[1], ".pub") + "\n"

	cfg, _, port := testenv.SshboxConfig(t, "HostKeyAgent "+sock)
	// SshboxConfig's own HostKey line comes first; its private key is
	// removed so that only the agent's keys are served.
	writeHostKeys(t, cfg, hostKeys)
	p := testenv.Start(t, testenv.Bin(t, ""), "sshd", "-D", "-e", "-f", cfg)
	testenv.WaitListening(t, p, 20*time.Second)
	login(port, "ssh-ed25519", pubs[0])
	login(port, "rsa-sha2-512", pubs[1])
	login(port, "rsa-sha2-256", pubs[1])

	cfg, _, port = testenv.SshboxConfig(t, "HostKeyAgent SSH_AUTH_SOCK")
	writeHostKeys(t, cfg, hostKeys)
	p = testenv.StartEnv(t, []string{"SSH_AUTH_SOCK=" + sock}, testenv.Bin(t, ""), "sshd", "-D", "-e", "-f", cfg)
	testenv.WaitListening(t, p, 20*time.Second)
	login(port, "ssh-ed25519", pubs[0])

	// Without the agent the public keys alone serve nothing.
	cfg, _, _ = testenv.SshboxConfig(t, "")
	writeHostKeys(t, cfg, hostKeys)
	out, err := exec.Command(testenv.Bin(t, ""), "sshd", "-t", "-f", cfg).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "Unable to load host key: "+pubs[0]) {
		t.Errorf("sshd -t without HostKeyAgent: %v\n%s", err, out)
	}
}

// writeHostKeys replaces a test configuration's HostKey line.
func writeHostKeys(t *testing.T, cfg, hostKeys string) {
	t.Helper()
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var keep []string
	for _, l := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(l, "HostKey ") {
			keep = append(keep, l)
		}
	}
	if err := os.WriteFile(cfg, []byte(hostKeys+strings.Join(keep, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
}
