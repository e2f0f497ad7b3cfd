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

func TestSshdRefusesUnauthorizedKey(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	u.AuthorizeKey(t, "")
	other := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	// At VERBOSE: a key refused is logged at INFO only once half of
	// MaxAuthTries have failed, as OpenSSH logs it.
	d := testenv.StartSshbox(t, "LogLevel VERBOSE")
	out, _, code := sshdLogin(t, d, other, u.Name, nil, nil, "id")
	if code != 255 || out != "" {
		t.Fatalf("a key not authorised logged in: status %d, stdout %q", code, out)
	}
	d.WaitLog(t, "Failed publickey for "+u.Name+" from 127.0.0.1 port ", 5*time.Second)
	d.WaitLog(t, " ssh2: ED25519 SHA256:", 5*time.Second)
	d.WaitLog(t, "Connection closed by authenticating user "+u.Name+" 127.0.0.1 port ", 5*time.Second)
}

// sshdKeysDir makes a root-owned directory outside /tmp (whose mode 1777 fails
// StrictModes, as in OpenSSH) for an absolute AuthorizedKeysFile.
func sshdKeysDir(t *testing.T) string {
	dir, err := os.MkdirTemp("/run", "sbx-keys-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func TestSshdRefusesMissingHome(t *testing.T) {
	t.Parallel()
	dir := sshdKeysDir(t)
	gone := testenv.NewUser(t, "")
	gone.UnlockForKeys(t)
	ok := testenv.NewUser(t, "")
	ok.UnlockForKeys(t)
	key := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	pub, _ := os.ReadFile(key + ".pub")
	for _, u := range []*testenv.User{gone, ok} {
		os.WriteFile(filepath.Join(dir, u.Name), pub, 0o644)
	}
	if err := os.RemoveAll(gone.Home); err != nil {
		t.Fatal(err)
	}
	d := testenv.StartSshbox(t, "AuthorizedKeysFile "+dir+"/%u")

	// The same absolute file lets a user with a home in.
	if out, _, code := sshdLogin(t, d, key, ok.Name, nil, nil, "id -un"); code != 0 || strings.TrimSpace(out) != ok.Name {
		t.Fatalf("absolute AuthorizedKeysFile: status %d, %q\n%s", code, out, d.Proc.Stderr.String())
	}
	if out, _, code := sshdLogin(t, d, key, gone.Name, nil, nil, "id -un"); code != 255 || out != "" {
		t.Fatalf("user without home logged in: status %d, %q", code, out)
	}
	d.WaitLog(t, "User "+gone.Name+" not allowed because home directory "+gone.Home+" does not exist", 5*time.Second)
}

func TestSshdRefusesAccounts(t *testing.T) {
	t.Parallel()
	d := testenv.StartSshbox(t, "")
	notExec := filepath.Join(sshdKeysDir(t), "not-a-shell")
	os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o644)
	cases := []struct {
		name  string
		setup func(u *testenv.User)
		why   string
	}{
		{"no shell", func(u *testenv.User) { sshdMust(t, "usermod", "-s", "/nonexistent/shell", u.Name) }, "because shell /nonexistent/shell does not exist"},
		{"shell not executable", func(u *testenv.User) { sshdMust(t, "usermod", "-s", notExec, u.Name) }, "because shell " + notExec + " is not executable"},
		{"locked", func(u *testenv.User) { sshdMust(t, "usermod", "-L", u.Name) }, "because account is locked"},
		{"expired", func(u *testenv.User) { sshdMust(t, "usermod", "-e", "1970-01-02", u.Name) }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := testenv.NewUser(t, "")
			key := u.AuthorizeKey(t, "")
			c.setup(u)
			if out, _, code := sshdLogin(t, d, key, u.Name, nil, nil, "id"); code != 255 || out != "" {
				t.Fatalf("logged in: status %d, %q", code, out)
			}
			if c.why == "" { // OpenSSH's words for an expired account
				d.WaitLog(t, "Account "+u.Name+" has expired", 5*time.Second)
			} else {
				d.WaitLog(t, "User "+u.Name+" not allowed "+c.why, 5*time.Second)
			}
			d.WaitLog(t, "Connection closed by invalid user "+u.Name+" 127.0.0.1 port ", 5*time.Second)
		})
	}
	t.Run("unknown user", func(t *testing.T) {
		key := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
		if _, _, code := sshdLogin(t, d, key, "sbxnosuchuser", nil, nil, "id"); code != 255 {
			t.Fatalf("status %d", code)
		}
		d.WaitLog(t, "Invalid user sbxnosuchuser from 127.0.0.1 port ", 5*time.Second)
		d.WaitLog(t, "Connection closed by invalid user sbxnosuchuser 127.0.0.1 port ", 5*time.Second)
	})
}

func sshdMust(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

func TestSshdAuthorizedKeysOptions(t *testing.T) {
	t.Parallel()
	d := testenv.StartSshbox(t, "PermitUserEnvironment yes")
	login := func(options string, extra []string, command ...string) (string, string, int) {
		u := testenv.NewUser(t, "")
		key := u.AuthorizeKey(t, options)
		return sshdLogin(t, d, key, u.Name, nil, extra, command...)
	}
	if out, _, code := login(`command="echo forced:$SSH_ORIGINAL_COMMAND"`, nil, "ls", "/"); code != 0 || out != "forced:ls /\n" {
		t.Errorf("command=: status %d, %q", code, out)
	}
	if out, _, code := login(`from="10.0.0.0/8,!127.0.0.1"`, nil, "true"); code != 255 {
		t.Errorf("from= outside the list: status %d, %q", code, out)
	}
	if out, _, code := login(`from="10.*,127.0.0.0/8"`, nil, "echo in"); code != 0 || out != "in\n" {
		t.Errorf("from= inside the list: status %d, %q", code, out)
	}
	if out, _, code := login(`expiry-time="20000101"`, nil, "true"); code != 255 {
		t.Errorf("expired key: status %d, %q", code, out)
	}
	if out, _, code := login(`environment="SBX_KEYENV=from key"`, nil, "echo $SBX_KEYENV"); code != 0 || out != "from key\n" {
		t.Errorf("environment=: status %d, %q", code, out)
	}
	// OpenSSH's client gives up on the session when a forced terminal is
	// refused.
	if out, errOut, code := login(`no-pty`, []string{"-tt"}, "tty"); strings.HasPrefix(out, "/dev/pts/") || !strings.Contains(errOut, "PTY allocation request failed") {
		t.Errorf("no-pty: status %d, stdout %q, stderr %q", code, out, errOut)
	}
	if out, errOut, code := login(`restrict,pty`, []string{"-tt"}, "tty"); code != 0 || !strings.HasPrefix(out, "/dev/pts/") {
		t.Errorf("restrict,pty: status %d, stdout %q, stderr %q", code, out, errOut)
	}
	d.WaitLog(t, "not from a permitted host", time.Second)
	d.WaitLog(t, "key expired at 2000-01-01", time.Second)
}

func TestSshdForceCommand(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, `command="echo key"`)
	d := testenv.StartSshbox(t, "ForceCommand echo config:$SSH_ORIGINAL_COMMAND")
	if out, _, code := sshdLogin(t, d, key, u.Name, nil, nil, "uname"); code != 0 || out != "config:uname\n" {
		t.Fatalf("ForceCommand: status %d, %q", code, out)
	}
}

// TestSshdStrictModesAndSecondFile: a group-writable authorized_keys is
// not trusted (StrictModes), while the default second file,
// authorized_keys2, is read like the first.
func TestSshdStrictModesAndSecondFile(t *testing.T) {
	t.Parallel()
	d := testenv.StartSshbox(t, "")
	loose := testenv.NewUser(t, "")
	key := loose.AuthorizeKey(t, "")
	os.Chmod(filepath.Join(loose.Home, ".ssh/authorized_keys"), 0o664)
	if _, _, code := sshdLogin(t, d, key, loose.Name, nil, nil, "true"); code != 255 {
		t.Fatalf("group-writable authorized_keys was trusted")
	}
	d.WaitLog(t, "Authentication refused: bad ownership or modes file "+filepath.Join(loose.Home, ".ssh/authorized_keys"), 5*time.Second)

	second := testenv.NewUser(t, "")
	key = second.AuthorizeKey(t, "")
	if err := os.Rename(filepath.Join(second.Home, ".ssh/authorized_keys"), filepath.Join(second.Home, ".ssh/authorized_keys2")); err != nil {
		t.Fatal(err)
	}
	if out, _, code := sshdLogin(t, d, key, second.Name, nil, nil, "id -un"); code != 0 || strings.TrimSpace(out) != second.Name {
		t.Fatalf("authorized_keys2: status %d, %q", code, out)
	}
}
