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

// TestSshdSSH2Subconfig: an SSHD2_CONFIG's HostSpecificConfig and
// UserSpecificConfig files apply to the clients and users their patterns
// pick, OpenSSH's ssh logging in: the user's file allows passwords only,
// so that user's key is refused while another user's key logs in; the
// host's file (for 127.0.0.1) forces a command on every session.
func TestSshdSSH2Subconfig(t *testing.T) {
	t.Parallel()
	testenv.NeedRoot(t)
	limited, other := testenv.NewUser(t, ""), testenv.NewUser(t, "")
	limitedKey, otherKey := limited.AuthorizeKey(t, ""), other.AuthorizeKey(t, "")
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	userSub := filepath.Join(dir, "user_conf")
	hostSub := filepath.Join(dir, "host_conf")
	os.WriteFile(userSub, []byte("AllowedAuthentications password\n"), 0o644)
	os.WriteFile(hostSub, []byte("ForceCommand echo from-the-host-subconfig\n"), 0o644)
	d := startSSHD2(t, egrepMeta, fmt.Sprintf("  UserSpecificConfig %s %s\n  HostSpecificConfig \\i127\\.0\\.0\\.1 %s\n", limited.Name, userSub, hostSub))
	login := func(u *testenv.User, k string) (string, error) {
		out, err := exec.Command(testenv.NeedCmd(t, "ssh"), append(testenv.SSHArgs(k, d.Port, u.Name), "echo", "plain")...).CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	if out, err := login(other, otherKey); err != nil || out != "from-the-host-subconfig" {
		t.Errorf("%s: %v, %q; want the host subconfig's command\nlog:\n%s", other.Name, err, out, d.Proc.Stderr.String())
	}
	if out, err := login(limited, limitedKey); err == nil {
		t.Errorf("%s logged in with a key its subconfig does not allow: %q", limited.Name, out)
	}
	if out := sshdT(t, d.ConfigPath); strings.Contains(out, "from-the-host-subconfig") {
		t.Errorf("sshd -T without a connection shows the host subconfig:\n%s", out)
	}
	out, err := exec.Command(testenv.Bin(t, ""), "sshd", "-T", "-f", d.ConfigPath, "-C", "user="+limited.Name+",addr=127.0.0.1,host=localhost").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "forcecommand echo from-the-host-subconfig\n") || strings.Contains(string(out), "\npubkeyauthentication yes\n") {
		t.Errorf("sshd -T -C: %v\n%s", err, out)
	}
	// A pattern for a name: the client's is looked up (127.0.0.1 is
	// localhost in /etc/hosts) although ResolveClientHostName is no.
	byName := startSSHD2(t, egrepMeta, fmt.Sprintf("  ResolveClientHostName no\n  HostSpecificConfig localhost %s\n", hostSub))
	out2, err := exec.Command(testenv.NeedCmd(t, "ssh"), append(testenv.SSHArgs(otherKey, byName.Port, other.Name), "echo", "plain")...).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out2)) != "from-the-host-subconfig" {
		t.Errorf("by name: %v, %q\nlog:\n%s", err, out2, byName.Proc.Stderr.String())
	}
}
