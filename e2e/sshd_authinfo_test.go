package e2e

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestSshdExposeAuthInfo: with ExposeAuthInfo yes the session finds in
// $SSH_USER_AUTH the methods that let it in, byte for byte what OpenSSH's
// sshd writes for the same key and password (AuthenticationMethods
// publickey,password), in a file only the user can read, which is gone
// once the session has ended. Without it there is no SSH_USER_AUTH.
func TestSshdExposeAuthInfo(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	u.SetPassword(t, "authinfo-pw", "")
	config := "ExposeAuthInfo yes\nAuthenticationMethods publickey,password\nPasswordAuthentication yes\nPubkeyAuthentication yes"
	show := `printf '%s\n' "$SSH_USER_AUTH"; stat -c '%U %a' "$SSH_USER_AUTH"; cat "$SSH_USER_AUTH"`
	login := func(port int) (path, rest string) {
		t.Helper()
		out, errs, status := sshpassLogin(t, port, u.Name, "authinfo-pw", "publickey,password",
			[]string{"-i", key, "-o", "IdentitiesOnly=yes"}, show)
		if status != 0 {
			t.Fatalf("ssh: status %d\n%s%s", status, out, errs)
		}
		path, rest, _ = strings.Cut(out, "\n")
		return path, rest
	}
	openssh := testenv.StartOpenSSHD(t, config)
	_, want := login(openssh.Port)
	d := testenv.StartSshbox(t, config)
	path, got := login(d.Port)
	if !strings.HasPrefix(path, "/tmp/sshauth.") {
		t.Errorf("SSH_USER_AUTH=%q", path)
	}
	if !strings.HasPrefix(want, u.Name+" 600\npublickey ssh-ed25519 AAAA") || got != want {
		t.Errorf("sshbox's session saw\n%s\nOpenSSH's\n%s", got, want)
	}
	// The file goes with the session; sshd removes it just after the
	// client has seen the exit status.
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("%s still there after the session", path)
		}
	}

	plain := testenv.StartSshbox(t, "AuthenticationMethods publickey,password\nPasswordAuthentication yes")
	out, errs, status := sshpassLogin(t, plain.Port, u.Name, "authinfo-pw", "publickey,password",
		[]string{"-i", key, "-o", "IdentitiesOnly=yes"}, `echo "[${SSH_USER_AUTH-unset}]"`)
	if status != 0 || out != "[unset]\n" {
		t.Errorf("without ExposeAuthInfo: status %d, %q %s", status, out, errs)
	}
}
