package e2e

import (
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestSshdHardenedAlgorithmLists: an sshd_config hardened as the guides
// harden OpenSSH names algorithms sshbox does not have (Streamlined NTRU
// Prime, HMAC-SHA1 with encrypt-then-MAC, Debian's GSSAPI key exchange,
// AES-192-CBC). sshd starts,
// says at which line it leaves each out, and offers the rest: OpenSSH's
// ssh logs in, and gets nothing sshbox left out when it asks only for
// that.
func TestSshdHardenedAlgorithmLists(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,gss-curve25519-sha256-\n"+
		"MACs hmac-sha2-256-etm@openssh.com,hmac-sha1-etm@openssh.com\n"+
		"Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-ctr,aes192-cbc")
	d.WaitLog(t, "KexAlgorithms: sshbox does not have sntrup761x25519-sha512@openssh.com, gss-curve25519-sha256-; not offered", 5*time.Second)
	d.WaitLog(t, "MACs: sshbox does not have hmac-sha1-etm@openssh.com; not offered", 5*time.Second)
	d.WaitLog(t, "Ciphers: sshbox does not have aes192-cbc; not offered", 5*time.Second)
	if out, errOut, code := sshdLogin(t, d, key, u.Name, nil, nil, "id -un"); code != 0 || strings.TrimSpace(out) != u.Name {
		t.Fatalf("login: status %d, %q %q\n%s", code, out, errOut, d.Proc.Stderr.String())
	}
	for opt, what := range map[string]string{
		"KexAlgorithms=sntrup761x25519-sha512@openssh.com": "no matching key exchange method found. Their offer: sntrup761x25519-sha512@openssh.com,",
		"MACs=hmac-sha1-etm@openssh.com":                   "no matching MAC found. Their offer: hmac-sha1-etm@openssh.com [preauth]",
		"Ciphers=aes192-cbc":                               "no matching cipher found. Their offer: aes192-cbc [preauth]",
	} {
		extra := []string{"-o", opt}
		if strings.HasPrefix(opt, "MACs=") {
			// A cipher with a MAC of its own would not use it.
			extra = append(extra, "-o", "Ciphers=aes128-ctr")
		}
		if _, errOut, code := sshdLogin(t, d, key, u.Name, nil, extra, "true"); code != 255 {
			t.Errorf("-o %s: status %d, %q; want 255", opt, code, errOut)
		}
		d.WaitLog(t, "Unable to negotiate with 127.0.0.1 port ", 5*time.Second)
		d.WaitLog(t, what, 5*time.Second)
	}
}
