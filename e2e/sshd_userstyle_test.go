package e2e

import (
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// TestSshdUserStyle: a user name "user:style" logs in as user and "user:"
// as nobody, as with OpenSSH's sshd (which splits off a BSD authentication
// style), OpenSSH's ssh being the client.
func TestSshdUserStyle(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	u.UnlockForKeys(t)
	key := u.AuthorizeKey(t, "")
	ours := testenv.StartSshbox(t, "")
	theirs := testenv.StartOpenSSHD(t, "")
	for _, name := range []string{u.Name + ":pam", u.Name + ":", u.Name} {
		want, _, wantCode := sshdLogin(t, &testenv.Sshbox{Port: theirs.Port}, key, name, nil, nil, "id -un")
		got, errOut, code := sshdLogin(t, ours, key, name, nil, nil, "id -un")
		if code != wantCode || got != want || code == 0 && strings.TrimSpace(got) != u.Name {
			t.Errorf("user %q: status %d %q %s, OpenSSH's sshd %d %q\n%s", name, code, got, errOut, wantCode, want, ours.Proc.Stderr.String())
		}
	}
}
