package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// trustedUserCA makes a CA key of keyType with OpenSSH's ssh-keygen and
// writes its public half to dir/user_ca.pub, for TrustedUserCAKeys; it
// returns the CA's private key and that file.
func trustedUserCA(t *testing.T, dir, keyType string) (ca, cas string) {
	t.Helper()
	ca = testenv.OpenSSHKey(t, t.TempDir(), keyType)
	caPub, err := os.ReadFile(ca + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	cas = filepath.Join(dir, "user_ca.pub")
	if err := os.WriteFile(cas, caPub, 0o644); err != nil {
		t.Fatal(err)
	}
	return ca, cas
}

// userCert makes a key pair and has OpenSSH's ssh-keygen sign it with ca for
// principals ("" for none: no -n), with extra ssh-keygen flags (-V, -O ...).
// ssh finds the certificate next to the key (key-cert.pub).
func userCert(t *testing.T, ca, principals string, extra ...string) string {
	t.Helper()
	key := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	args := []string{"-q", "-s", ca, "-I", "sbx-test-id", "-z", "42"}
	if principals != "" {
		args = append(args, "-n", principals)
	}
	args = append(args, extra...)
	args = append(args, key+".pub")
	if out, err := exec.Command(testenv.NeedCmd(t, "ssh-keygen"), args...).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -s: %v\n%s", err, out)
	}
	return key
}

func TestSshdAuthCertificates(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	u.UnlockForKeys(t)
	dir := sshdKeysDir(t)
	ca, cas := trustedUserCA(t, dir, "ed25519")
	d := testenv.StartSshbox(t, "TrustedUserCAKeys "+cas)

	key := userCert(t, ca, u.Name)
	if out, errOut, code := sshdLogin(t, d, key, u.Name, nil, nil, "id -un"); code != 0 || strings.TrimSpace(out) != u.Name {
		t.Fatalf("certificate for the user: status %d, %q %q\n%s", code, out, errOut, d.Proc.Stderr.String())
	}
	d.WaitLog(t, "Accepted publickey for "+u.Name+" from 127.0.0.1 port ", 5*time.Second)
	d.WaitLog(t, "ssh2: ED25519-CERT SHA256:", 5*time.Second)
	d.WaitLog(t, "ID sbx-test-id (serial 42) CA ED25519 SHA256:", 5*time.Second)

	other := userCert(t, ca, "somebody-else")
	if out, _, code := sshdLogin(t, d, other, u.Name, nil, nil, "id -un"); code != 255 || out != "" {
		t.Fatalf("certificate for another principal: status %d, %q", code, out)
	}
	d.WaitLog(t, "Certificate invalid: name is not a listed principal", 5*time.Second)

	// As OpenSSH with TrustedUserCAKeys: a certificate that lists no
	// principals is refused, not taken as valid for every account.
	if out, _, code := sshdLogin(t, d, userCert(t, ca, ""), u.Name, nil, nil, "id -un"); code != 255 || out != "" {
		t.Fatalf("certificate without principals: status %d, %q", code, out)
	}

	expired := userCert(t, ca, u.Name, "-V", "20200101:20200102")
	if _, _, code := sshdLogin(t, d, expired, u.Name, nil, nil, "true"); code != 255 {
		t.Fatalf("expired certificate: status %d", code)
	}

	forced := userCert(t, ca, u.Name, "-O", "force-command=echo forced-by-cert")
	if out, _, code := sshdLogin(t, d, forced, u.Name, nil, nil, "id -un"); code != 0 || strings.TrimSpace(out) != "forced-by-cert" {
		t.Fatalf("force-command: status %d, %q\n%s", code, out, d.Proc.Stderr.String())
	}

	elsewhere := userCert(t, ca, u.Name, "-O", "source-address=10.9.8.0/24")
	if _, _, code := sshdLogin(t, d, elsewhere, u.Name, nil, nil, "true"); code != 255 {
		t.Fatalf("source-address elsewhere: status %d", code)
	}
	d.WaitLog(t, "source-address 10.9.8.0/24 does not allow 127.0.0.1", 5*time.Second)
	here := userCert(t, ca, u.Name, "-O", "source-address=127.0.0.0/8,::1")
	if out, _, code := sshdLogin(t, d, here, u.Name, nil, nil, "id -un"); code != 0 || strings.TrimSpace(out) != u.Name {
		t.Fatalf("source-address here: status %d, %q", code, out)
	}

	// A certificate signed by another CA is nobody's.
	ca2 := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	if _, _, code := sshdLogin(t, d, userCert(t, ca2, u.Name), u.Name, nil, nil, "true"); code != 255 {
		t.Fatalf("untrusted CA: status %d", code)
	}
}

func TestSshdAuthCertPrincipalsAndRevocation(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	u.UnlockForKeys(t)
	dir := sshdKeysDir(t)
	ca, cas := trustedUserCA(t, dir, "ed25519")
	os.WriteFile(filepath.Join(dir, "principals-"+u.Name), []byte("# who may be "+u.Name+"\nadmins\n"), 0o644)
	revoked := filepath.Join(dir, "revoked")
	os.WriteFile(revoked, nil, 0o644)
	d := testenv.StartSshbox(t, "TrustedUserCAKeys "+cas+"\nAuthorizedPrincipalsFile "+dir+"/principals-%u\nRevokedKeys "+revoked)

	admins := userCert(t, ca, "admins,ops")
	if out, _, code := sshdLogin(t, d, admins, u.Name, nil, nil, "id -un"); code != 0 || strings.TrimSpace(out) != u.Name {
		t.Fatalf("principal from the file: status %d, %q\n%s", code, out, d.Proc.Stderr.String())
	}
	// With a principals file the user name itself is not enough.
	if _, _, code := sshdLogin(t, d, userCert(t, ca, u.Name), u.Name, nil, nil, "true"); code != 255 {
		t.Fatalf("user name not in the principals file: status %d", code)
	}

	// Revoking the user's key refuses its certificate.
	pub, _ := os.ReadFile(admins + ".pub")
	os.WriteFile(revoked, pub, 0o644)
	if _, _, code := sshdLogin(t, d, admins, u.Name, nil, nil, "true"); code != 255 {
		t.Fatalf("revoked key: status %d", code)
	}
	d.WaitLog(t, "revoked by file "+revoked, 5*time.Second)
	// Revoking the CA refuses every certificate it signed.
	caPub, _ := os.ReadFile(cas)
	os.WriteFile(revoked, caPub, 0o644)
	if _, _, code := sshdLogin(t, d, userCert(t, ca, "admins"), u.Name, nil, nil, "true"); code != 255 {
		t.Fatalf("revoked CA: status %d", code)
	}
	// A binary KRL (OpenSSH's ssh-keygen -k) is read: revoking another
	// key leaves this certificate alone (sshd_krl_test.go tests more).
	krl := filepath.Join(dir, "revoked.krl")
	if out, err := exec.Command(testenv.NeedCmd(t, "ssh-keygen"), "-k", "-f", krl, ca2pub(t)).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -k: %v\n%s", err, out)
	}
	d2 := testenv.StartSshbox(t, "TrustedUserCAKeys "+cas+"\nRevokedKeys "+krl)
	if _, _, code := sshdLogin(t, d2, userCert(t, ca, u.Name), u.Name, nil, nil, "true"); code != 0 {
		t.Fatalf("KRL revoking another key: status %d\n%s", code, d2.Proc.Stderr.String())
	}
}

func ca2pub(t *testing.T) string {
	k := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	return k + ".pub"
}

func TestSshdAuthCertAuthorityLine(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	u.UnlockForKeys(t)
	ca := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	caPub, _ := os.ReadFile(ca + ".pub")
	u.WriteFile(t, ".ssh/authorized_keys", []byte(`cert-authority,principals="deploy,ops" `+string(caPub)), 0o600)
	d := testenv.StartSshbox(t, "")
	if out, _, code := sshdLogin(t, d, userCert(t, ca, "deploy"), u.Name, nil, nil, "id -un"); code != 0 || strings.TrimSpace(out) != u.Name {
		t.Fatalf("cert-authority line: status %d, %q\n%s", code, out, d.Proc.Stderr.String())
	}
	if _, _, code := sshdLogin(t, d, userCert(t, ca, u.Name), u.Name, nil, nil, "true"); code != 255 {
		t.Fatalf("principal not in principals=: status %d", code)
	}
	// PubkeyAcceptedAlgorithms without certificate algorithms refuses them.
	d2 := testenv.StartSshbox(t, "PubkeyAcceptedAlgorithms ssh-ed25519")
	if _, _, code := sshdLogin(t, d2, userCert(t, ca, "deploy"), u.Name, nil, nil, "true"); code != 255 {
		t.Fatalf("certificate with PubkeyAcceptedAlgorithms ssh-ed25519: status %d", code)
	}
	d2.WaitLog(t, "refused: certificate type not in PubkeyAcceptedAlgorithms", 5*time.Second)
}
