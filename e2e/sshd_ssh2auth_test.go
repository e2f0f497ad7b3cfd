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

// TestSshdSSH2AuthorizationFile: under an SSHD2_CONFIG, sshd takes users'
// keys from their ssh2 authorization file as SSH Communications' server
// (and OpenVMS's) does, OpenSSH's ssh logging in: a Key line names a key
// file in ~/.ssh2 (RFC 4716 as OpenSSH's ssh-keygen -e writes it, here in
// VAR records under an upper-case name, as copied from OpenVMS); Command
// forces a command; allow-from a client elsewhere refuses the key; an
// option sshbox does not enforce (idle-timeout) refuses it too. At the
// defaults ~/.ssh/authorized_keys is read as well; with
// UserConfigDirectory in a directory the administrator keeps, it is not.
func TestSshdSSH2AuthorizationFile(t *testing.T) {
	t.Parallel()
	testenv.NeedRoot(t)
	u := testenv.NewUser(t, "")
	own := u.AuthorizeKey(t, "") // ~/.ssh/authorized_keys
	kdir := t.TempDir()
	key := func(name string) (priv, pub string) {
		priv = testenv.OpenSSHKey(t, kdir, "ed25519")
		p := filepath.Join(kdir, name)
		os.Rename(priv, p)
		os.Rename(priv+".pub", p+".pub")
		data, err := os.ReadFile(p + ".pub")
		if err != nil {
			t.Fatal(err)
		}
		return p, string(data)
	}
	plain, _ := key("plain")
	secsh, err := exec.Command(testenv.NeedCmd(t, "ssh-keygen"), "-e", "-f", plain+".pub").Output()
	if err != nil {
		t.Fatalf("ssh-keygen -e: %v", err)
	}
	u.WriteFile(t, ".ssh2/ID_ED25519_A.PUB", encodeVAR(strings.Split(strings.TrimSuffix(string(secsh), "\n"), "\n"), nil, -1), 0o644)
	forced, forcedPub := key("forced")
	u.WriteFile(t, ".ssh2/forced.pub", []byte(forcedPub), 0o644)
	elsewhere, elsewherePub := key("elsewhere")
	u.WriteFile(t, ".ssh2/elsewhere.pub", []byte(elsewherePub), 0o644)
	idle, idlePub := key("idle")
	u.WriteFile(t, ".ssh2/idle.pub", []byte(idlePub), 0o644)
	u.WriteFile(t, ".ssh2/authorization", []byte(`# copied from SYS$LOGIN:[.SSH2]
KEY id_ed25519_a.pub
Key forced.pub
Command "echo forced command"
Key elsewhere.pub
Options allow-from="10\.9\..*",no-pty
Key idle.pub
Options idle-timeout=60
`), 0o600)

	login := func(d *testenv.Sshbox, k string) (string, error) {
		out, err := exec.Command(testenv.NeedCmd(t, "ssh"), append(testenv.SSHArgs(k, d.Port, u.Name), "echo", "logged in")...).CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	d := startSSHD2(t, egrepMeta, "")
	for _, c := range []struct {
		name, key, want string
	}{
		{"RFC 4716 key in VAR records", plain, "logged in"},
		{"Command", forced, "forced command"},
		{"~/.ssh/authorized_keys", own, "logged in"},
	} {
		if out, err := login(d, c.key); err != nil || out != c.want {
			t.Errorf("%s: %v, %q; want %q\nlog:\n%s", c.name, err, out, c.want, d.Proc.Stderr.String())
		}
	}
	for _, k := range []string{elsewhere, idle} {
		if out, err := login(d, k); err == nil {
			t.Errorf("%s logged in: %q", filepath.Base(k), out)
		}
	}
	d.WaitLog(t, fmt.Sprintf("Authentication tried for %s with correct key but not from a permitted host", u.Name), 10*time.Second)
	d.WaitLog(t, ".ssh2/authorization:7: option idle-timeout is not supported by sshbox: key not used", 10*time.Second)
	// Key lines past the 64th are not read (each is a helper process
	// per key offered).
	u.WriteFile(t, ".ssh2/authorization", []byte(strings.Repeat("Key missing.pub\n", 64)+"Key forced.pub\n"), 0o600)
	if out, err := login(d, forced); err == nil {
		t.Errorf("the 65th key logged in: %q", out)
	}
	d.WaitLog(t, ".ssh2/authorization:65: more than 64 keys: the rest are not read", 10*time.Second)

	// Keys in a directory the administrator keeps: the user's own
	// authorized_keys no longer counts. (StrictModes no: the test's
	// directory sits under /tmp, which anyone may write to.)
	top := t.TempDir()
	os.Chmod(filepath.Dir(top), 0o755) // the test's own, which the user must pass through
	os.Chmod(top, 0o755)
	admin := filepath.Join(top, "users")
	if err := os.MkdirAll(filepath.Join(admin, u.Name), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(admin, u.Name, "forced.pub"), []byte(forcedPub), 0o644)
	os.WriteFile(filepath.Join(admin, u.Name, "keys"), []byte("Key forced.pub\n"), 0o644)
	d2 := startSSHD2(t, egrepMeta, fmt.Sprintf("  UserConfigDirectory %s/%%U\n  AuthorizationFile keys\n  StrictModes no\n", admin))
	if out, err := login(d2, forced); err != nil || out != "logged in" {
		t.Errorf("key from the administrator's directory: %v, %q\nlog:\n%s", err, out, d2.Proc.Stderr.String())
	}
	for _, k := range []string{own, plain} {
		if out, err := login(d2, k); err == nil {
			t.Errorf("%s logged in past the administrator's directory: %q", filepath.Base(k), out)
		}
	}
	if out := sshdT(t, d2.ConfigPath); !strings.Contains(out, "userconfigdirectory "+admin+"/%U\nauthorizationfile keys\n") ||
		!strings.Contains(out, "\nauthorizedkeysfile none\n") {
		t.Errorf("sshd -T does not show where the keys are:\n%s", out)
	}
}
