package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/testenv"
)

// TestSshdFailClosedPrincipalsOptions: the AuthorizedPrincipalsFile line
// whose principal the certificate carries decides, with its own options:
// its from= and expiry-time= are enforced, its command= is the one that
// runs (not the first line's), and a line with an option sshbox does not
// know is not used at all.
func TestSshdFailClosedPrincipalsOptions(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	u.UnlockForKeys(t)
	dir := sshdKeysDir(t)
	ca, cas := trustedUserCA(t, dir, "ed25519")
	os.WriteFile(filepath.Join(dir, "principals-"+u.Name), []byte(strings.Join([]string{
		`command="echo first-line",from="10.0.0.0/8" admins`,
		`command="echo second-line" ops`,
		`expiry-time="20000101" retired`,
		`frobnicate="yes" unknownopt`,
		`no-pty,from="127.0.0.1" local`,
		`command="echo spaced" from="10.0.0.0/8" spaced`,
		"",
	}, "\n")), 0o644)
	d := testenv.StartSshbox(t, "TrustedUserCAKeys "+cas+"\nAuthorizedPrincipalsFile "+dir+"/principals-%u")
	login := func(principals string) (string, int) {
		out, _, code := sshdLogin(t, d, userCert(t, ca, principals), u.Name, nil, nil, "echo asked")
		return out, code
	}
	if out, code := login("ops"); code != 0 || out != "second-line\n" {
		t.Errorf("ops: status %d, %q (want the ops line's command)\n%s", code, out, d.Proc.Stderr.String())
	}
	if out, code := login("local"); code != 0 || out != "asked\n" {
		t.Errorf("local (from= allows 127.0.0.1): status %d, %q", code, out)
	}
	for _, refused := range []string{"admins", "retired", "unknownopt", "admins,ops", "spaced"} {
		if out, code := login(refused); code != 255 {
			t.Errorf("%s: status %d, %q; want refused", refused, code, out)
		}
	}
	d.WaitLog(t, "principals line for admins: not from a permitted host", 5*time.Second)
	d.WaitLog(t, "principals line for retired: expired at 2000-01-01", 5*time.Second)
}

// TestSshdFailClosedRepeatedPublickey: AuthenticationMethods
// publickey,publickey needs two different keys. OpenSSH's ssh never offers
// a key twice, so the x/crypto client, which offers the same key again
// after a partial success, plays the client that tries; OpenSSH's ssh with
// two keys gets in.
func TestSshdFailClosedRepeatedPublickey(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key1, key2 := u.AuthorizeKey(t, ""), u.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "AuthenticationMethods publickey,publickey")
	addr := fmt.Sprintf("127.0.0.1:%d", d.Port)
	if c, err := ssh.Dial("tcp", addr, keyClient(t, u.Name, key1)); err == nil {
		c.Close()
		t.Fatalf("one key passed both publickey steps")
	}
	d.WaitLog(t, "refusing previously-used ED25519 key", 5*time.Second)
	// One publickey method holding both keys: x/crypto offers key2 after
	// key1 was refused.
	var signers []ssh.Signer
	for _, k := range []string{key1, key2} {
		data, _ := os.ReadFile(k)
		s, err := ssh.ParsePrivateKey(data)
		if err != nil {
			t.Fatal(err)
		}
		signers = append(signers, s)
	}
	both := keyClient(t, u.Name, key1)
	both.Auth = []ssh.AuthMethod{ssh.PublicKeys(signers...)}
	c, err := ssh.Dial("tcp", addr, both)
	if err != nil {
		t.Fatalf("two keys: %v\n%s", err, d.Proc.Stderr.String())
	}
	c.Close()
	if out, errOut, code := sshdLogin(t, d, key1, u.Name, nil, []string{"-i", key2}, "echo two-keys"); code != 0 || out != "two-keys\n" {
		t.Errorf("ssh with two keys: status %d, %q, %q", code, out, errOut)
	}
}

// TestSshdFailClosedCASignatureSHA1: as OpenSSH's default
// CASignatureAlgorithms, a certificate its RSA CA signed with SHA-1
// (ssh-rsa) is refused; the same CA's rsa-sha2-512 signature is accepted.
func TestSshdFailClosedCASignatureSHA1(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	u.UnlockForKeys(t)
	dir := sshdKeysDir(t)
	ca, cas := trustedUserCA(t, dir, "rsa")
	d := testenv.StartSshbox(t, "TrustedUserCAKeys "+cas)
	if out, _, code := sshdLogin(t, d, userCert(t, ca, u.Name, "-t", "rsa-sha2-512"), u.Name, nil, nil, "echo in"); code != 0 || out != "in\n" {
		t.Fatalf("rsa-sha2-512 CA signature: status %d, %q\n%s", code, out, d.Proc.Stderr.String())
	}
	if out, _, code := sshdLogin(t, d, userCert(t, ca, u.Name, "-t", "ssh-rsa"), u.Name, nil, nil, "echo in"); code != 255 {
		t.Fatalf("ssh-rsa (SHA-1) CA signature: status %d, %q", code, out)
	}
	d.WaitLog(t, "signature algorithm ssh-rsa not in CASignatureAlgorithms", 5*time.Second)

	// A narrower CASignatureAlgorithms refuses what the default allows.
	d2 := testenv.StartSshbox(t, "TrustedUserCAKeys "+cas+"\nCASignatureAlgorithms ssh-ed25519")
	if out, _, code := sshdLogin(t, d2, userCert(t, ca, u.Name, "-t", "rsa-sha2-512"), u.Name, nil, nil, "echo in"); code != 255 {
		t.Fatalf("rsa-sha2-512 CA signature under CASignatureAlgorithms ssh-ed25519: status %d, %q", code, out)
	}
	d2.WaitLog(t, "signature algorithm rsa-sha2-512 not in CASignatureAlgorithms", 5*time.Second)
}
