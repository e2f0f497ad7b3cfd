package e2e

import (
	"fmt"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestSshdPubkeyAcceptedAlgorithmsPatterns: for PubkeyAcceptedAlgorithms
// lists with wildcards and "+ - ^", a plain key and a certificate each log
// in to sshbox's sshd exactly when they log in to OpenSSH's sshd with the
// same configuration, OpenSSH's ssh being the client. A certificate-only
// pattern must not let a plain key in.
func TestSshdPubkeyAcceptedAlgorithmsPatterns(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	u.UnlockForKeys(t)
	plain := u.AuthorizeKey(t, "")
	dir := sshdKeysDir(t)
	ca, cas := trustedUserCA(t, dir, "ed25519")
	cert := userCert(t, ca, u.Name)

	for _, list := range []string{
		"*-cert-v01@openssh.com",
		"ssh-ed25519-cert-v01@openssh.com",
		"ssh-ed25519",
		"-ssh-ed25519",
		"-*-cert-v01@openssh.com",
		"+ssh-rsa",
		"^ssh-ed25519-cert-v01@openssh.com",
		"ssh-ed25519*",
		"rsa-sha2-*,ecdsa-*",
	} {
		extra := fmt.Sprintf("TrustedUserCAKeys %s\nPubkeyAcceptedAlgorithms %s\n", cas, list)
		ours := testenv.StartSshbox(t, extra)
		theirs := testenv.StartOpenSSHD(t, extra)
		for _, key := range []struct{ name, path string }{{"plain key", plain}, {"certificate", cert}} {
			_, _, want := sshdLogin(t, &testenv.Sshbox{Port: theirs.Port}, key.path, u.Name, nil, nil, "true")
			_, _, got := sshdLogin(t, ours, key.path, u.Name, nil, nil, "true")
			if got != want {
				t.Errorf("PubkeyAcceptedAlgorithms %s, %s: status %d, OpenSSH's sshd %d\n%s", list, key.name, got, want, ours.Proc.Stderr.String())
			}
		}
		ours.Proc.Kill()
		theirs.Proc.Kill()
	}
}

// TestSshdRefuseConnection: OpenSSH 10's RefuseConnection in a Match block
// ends the connections it matches, by address before authentication and
// by user at it; other users log in.
func TestSshdRefuseConnection(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	u.UnlockForKeys(t)
	key := u.AuthorizeKey(t, "")
	other := testenv.NewUser(t, "")
	other.UnlockForKeys(t)
	otherKey := other.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "Match User "+u.Name+"\n\tRefuseConnection yes\n")
	if _, _, code := sshdLogin(t, d, key, u.Name, nil, nil, "true"); code != 255 {
		t.Errorf("refused user: status %d", code)
	}
	d.WaitLog(t, "administratively prohibited connection for "+u.Name+" from 127.0.0.1 port ", 5*time.Second)
	if out, _, code := sshdLogin(t, d, otherKey, other.Name, nil, nil, "echo in"); code != 0 || out != "in\n" {
		t.Errorf("other user: status %d %q", code, out)
	}
	all := testenv.StartSshbox(t, "Match Address 127.0.0.0/8\n\tRefuseConnection yes\n")
	if _, _, code := sshdLogin(t, all, otherKey, other.Name, nil, nil, "true"); code != 255 {
		t.Errorf("refused address: status %d", code)
	}
	all.WaitLog(t, "administratively prohibited connection from 127.0.0.1 port ", 5*time.Second)
}
