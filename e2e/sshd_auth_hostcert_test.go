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

// TestSshdAuthHostCertificate: with HostCertificate, OpenSSH's ssh trusts
// sshd through a @cert-authority line alone, knowing no host key.
func TestSshdAuthHostCertificate(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	ca := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	caPub, _ := os.ReadFile(ca + ".pub")

	cfgPath, hostKey, port := testenv.SshboxConfig(t, "")
	if out, err := exec.Command(testenv.NeedCmd(t, "ssh-keygen"), "-q", "-s", ca, "-h", "-I", "sbx-host",
		"-n", "127.0.0.1", hostKey+".pub").CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -s -h: %v\n%s", err, out)
	}
	cfg, _ := os.ReadFile(cfgPath)
	os.WriteFile(cfgPath, append(cfg, "HostCertificate "+hostKey+"-cert.pub\n"...), 0o644)
	p := testenv.Start(t, testenv.Bin(t, ""), "sshd", "-D", "-e", "-f", cfgPath)
	d := &testenv.Sshbox{Port: port, Addr: fmt.Sprintf("127.0.0.1:%d", port), HostKey: hostKey, ConfigPath: cfgPath, Proc: p}
	testenv.WaitPort(t, d.Addr, 20e9)

	kh := filepath.Join(t.TempDir(), "known_hosts")
	os.WriteFile(kh, []byte(fmt.Sprintf("@cert-authority [127.0.0.1]:%d ", port)+string(caPub)), 0o644)
	args := []string{"-F", "none", "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + kh,
		"-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-i", key, "-p", fmt.Sprint(port), "-l", u.Name, "127.0.0.1", "id -un"}
	out, err := exec.Command(testenv.NeedCmd(t, "ssh"), args...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), u.Name) {
		t.Fatalf("ssh with @cert-authority: %v, %q\n%s", err, out, p.Stderr.String())
	}
	// Another CA in known_hosts: the host is not trusted.
	other := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	otherPub, _ := os.ReadFile(other + ".pub")
	os.WriteFile(kh, []byte(fmt.Sprintf("@cert-authority [127.0.0.1]:%d ", port)+string(otherPub)), 0o644)
	if out, err := exec.Command(testenv.NeedCmd(t, "ssh"), args...).CombinedOutput(); err == nil {
		t.Fatalf("ssh trusted a host certificate from another CA: %q", out)
	}
}
