package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"sshbox/internal/testenv"
)

// TestKRLInterop: a KRL written by sshbox's ssh-keygen -k is honoured by
// OpenSSH's sshd, and one written by OpenSSH's by sshbox's sshd: a revoked
// key, a certificate revoked by serial range and one by key ID are
// refused, the others log in, each daemon compared with the other.
func TestKRLInterop(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	u.UnlockForKeys(t)
	revokedKey := u.AuthorizeKey(t, "")
	goodKey := u.AuthorizeKey(t, "")
	dir := sshdKeysDir(t)
	ca, cas := trustedUserCA(t, dir, "ed25519")
	serial42 := userCert(t, ca, u.Name)                        // serial 42, ID sbx-test-id
	other := userCert(t, ca, u.Name, "-z", "7", "-I", "other") // neither
	byID := userCert(t, ca, u.Name, "-z", "99", "-I", "banned")
	spec := filepath.Join(t.TempDir(), "spec")
	os.WriteFile(spec, []byte("# revoked\nserial: 40-45\nid: banned\n"), 0o644)

	want := map[string]int{"revoked key": 255, "good key": 0, "serial 42": 255, "other": 0, "by ID": 255}
	logins := map[string]string{"revoked key": revokedKey, "good key": goodKey, "serial 42": serial42, "other": other, "by ID": byID}
	for i, writer := range []string{testenv.Bin(t, "ssh-keygen"), testenv.NeedCmd(t, "ssh-keygen")} {
		krl := filepath.Join(dir, fmt.Sprintf("%d.krl", i))
		if out, err := exec.Command(writer, "-k", "-f", krl, "-s", ca+".pub", revokedKey+".pub", spec).CombinedOutput(); err != nil {
			t.Fatalf("%s -k: %v\n%s", writer, err, out)
		}
		os.Chmod(krl, 0o644)
		config := "TrustedUserCAKeys " + cas + "\nRevokedKeys " + krl
		theirs := testenv.StartOpenSSHD(t, config)
		ours := testenv.StartSshbox(t, config)
		for name, key := range logins {
			_, _, gotTheirs := sshdLogin(t, &testenv.Sshbox{Port: theirs.Port}, key, u.Name, nil, nil, "true")
			_, _, gotOurs := sshdLogin(t, ours, key, u.Name, nil, nil, "true")
			if gotTheirs != want[name] || gotOurs != want[name] {
				t.Errorf("KRL by %s, %s: OpenSSH's sshd %d, sshbox's %d, want %d\n%s", writer, name, gotTheirs, gotOurs, want[name], ours.Proc.Stderr.String())
			}
		}
		// ssh-keygen -Q of both agree on every key.
		for name, key := range logins {
			pub := key + ".pub"
			if _, err := os.Stat(key + "-cert.pub"); err == nil {
				pub = key + "-cert.pub"
			}
			a := exec.Command(testenv.Bin(t, "ssh-keygen"), "-Q", "-f", krl, pub).Run()
			b := exec.Command(testenv.NeedCmd(t, "ssh-keygen"), "-Q", "-f", krl, pub).Run()
			if testenv.ExitCode(a) != testenv.ExitCode(b) {
				t.Errorf("ssh-keygen -Q %s for %s: sshbox %v, OpenSSH %v", krl, name, a, b)
			}
		}
		theirs.Proc.Kill()
		ours.Proc.Kill()
	}
}
