package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/configfmt"
	"sshbox/internal/testenv"
)

// TestSshdCheckAndDumpConfig: -t accepts a good file and refuses a bad
// one with its file:line; -T -C applies Match blocks for the connection
// described; -o comes before the file.
func TestSshdCheckAndDumpConfig(t *testing.T) {
	t.Parallel()
	cfg, _, _ := testenv.SshboxConfig(t, "Match User alice\n\tForceCommand /bin/alice-only\n")
	sshd := testenv.Bin(t, "sshd")
	if out, err := exec.Command(sshd, "-t", "-f", cfg).CombinedOutput(); err != nil {
		t.Fatalf("-t on a good file: %v\n%s", err, out)
	}
	bad := filepath.Join(t.TempDir(), "bad_config")
	os.WriteFile(bad, []byte("Port 22\nFrobnicate yes\n"), 0o644)
	out, err := exec.Command(sshd, "-t", "-f", bad).CombinedOutput()
	if testenv.ExitCode(err) != 255 || !strings.Contains(string(out), bad+":2") {
		t.Fatalf("-t on a bad file: %v\n%s", err, out)
	}
	out, err = exec.Command(sshd, "-T", "-f", cfg, "-C", "user=alice,host=h,addr=127.0.0.1", "-o", "LoginGraceTime=7").Output()
	if err != nil || !strings.Contains(string(out), "forcecommand /bin/alice-only\n") || !strings.Contains(string(out), "logingracetime 7\n") {
		t.Fatalf("-T -C user=alice: %v\n%s", err, out)
	}
	out, err = exec.Command(sshd, "-T", "-f", cfg, "-C", "user=bob,host=h,addr=127.0.0.1").Output()
	if err != nil || strings.Contains(string(out), "alice-only") {
		t.Fatalf("-T -C user=bob: %v\n%s", err, out)
	}
}

// TestSshdListenAddressLookedUp: sshd -t looks up a ListenAddress that is
// a name, as OpenSSH's sshd does when it reads the line: one that is no
// address (999.1.1.1) fails it, as it fails OpenSSH's; localhost passes.
func TestSshdListenAddressLookedUp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	key := testenv.OpenSSHKey(t, dir, "ed25519")
	for addr, ok := range map[string]bool{"999.1.1.1": false, "localhost": true, "127.0.0.1:2222": true} {
		cfg := filepath.Join(dir, "sshd_config")
		os.WriteFile(cfg, []byte("HostKey "+key+"\nListenAddress "+addr+"\n"), 0o644)
		out, err := exec.Command(testenv.Bin(t, "sshd"), "-t", "-f", cfg).CombinedOutput()
		theirs := exec.Command(testenv.NeedCmd(t, "/usr/sbin/sshd"), "-t", "-f", cfg).Run()
		if (err == nil) != ok || (theirs == nil) != ok {
			t.Errorf("ListenAddress %s: sshd -t %v %s, OpenSSH's %v; want success %v", addr, err, out, theirs, ok)
		}
		if !ok && !strings.Contains(string(out), "ListenAddress "+addr+": bad addr or host") {
			t.Errorf("ListenAddress %s: %s", addr, out)
		}
	}
}

// TestSshdMatchUserAndVARKeys: Match User blocks apply per login, and an
// authorized_keys file in OpenVMS VAR record format works like a text one.
func TestSshdMatchUserAndVARKeys(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	text, err := os.ReadFile(filepath.Join(u.Home, ".ssh/authorized_keys"))
	if err != nil {
		t.Fatal(err)
	}
	recs := strings.Split(strings.TrimSpace(string(text)), "\n")
	recs = append([]string{"# copied from OpenVMS"}, recs...)
	u.WriteFile(t, ".ssh/authorized_keys", configfmt.Encode(recs, configfmt.VAR), 0o600)
	other := testenv.NewUser(t, "")
	otherKey := other.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "Match User "+u.Name+"\n\tForceCommand echo matched\n")
	if out, _, code := sshdLogin(t, d, key, u.Name, nil, nil, "echo plain"); code != 0 || out != "matched\n" {
		t.Fatalf("matched user with VAR authorized_keys: status %d, %q\n%s", code, out, d.Proc.Stderr.String())
	}
	if out, _, code := sshdLogin(t, d, otherKey, other.Name, nil, nil, "echo plain"); code != 0 || out != "plain\n" {
		t.Fatalf("other user: status %d, %q", code, out)
	}
}

// TestSshdCommandLine: -V, an unknown flag, a bad port, an extra argument.
func TestSshdCommandLine(t *testing.T) {
	t.Parallel()
	sshd := testenv.Bin(t, "sshd")
	out, err := exec.Command(sshd, "-V").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "sshbox_") {
		t.Errorf("-V: %v %q", err, out)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-x"}, "usage: sshd"},
		{[]string{"-p", "0", "-t"}, "Bad port number."},
		{[]string{"-p", "http", "-t"}, "Bad port number."},
		{[]string{"-t", "extra"}, "Extra argument extra."},
		{[]string{"-t", "-f", "/nonexistent/sshd_config"}, "/nonexistent/sshd_config"},
	} {
		out, err := exec.Command(sshd, c.args...).CombinedOutput()
		if testenv.ExitCode(err) == 0 || !strings.Contains(string(out), c.want) {
			t.Errorf("sshd %v: %v %q, want %q", c.args, err, out, c.want)
		}
	}
}

// TestSshdHostKeyFlag: -h puts a host key before the configured ones, and
// a host key file others can read is refused.
func TestSshdHostKeyFlag(t *testing.T) {
	t.Parallel()
	cfg, hostKey, _ := testenv.SshboxConfig(t, "")
	extra := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	sshd := testenv.Bin(t, "sshd")
	out, err := exec.Command(sshd, "-T", "-f", cfg, "-h", extra).Output()
	if err != nil || !strings.Contains(string(out), "hostkey "+extra+"\nhostkey "+hostKey+"\n") {
		t.Fatalf("-T -h: %v\n%s", err, out)
	}
	os.Chmod(extra, 0o644)
	out, _ = exec.Command(sshd, "-t", "-e", "-f", cfg, "-h", extra).CombinedOutput()
	if !strings.Contains(string(out), "Unable to load host key: "+extra+": permissions 0644") {
		t.Fatalf("-t with an unprotected host key: %s", out)
	}
}
