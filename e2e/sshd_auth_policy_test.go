package e2e

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

func TestSshdAuthAllowDenyUsers(t *testing.T) {
	t.Parallel()
	a := testenv.NewUser(t, "")
	b := testenv.NewUser(t, "")
	c := testenv.NewUser(t, "")
	keyA, keyB, keyC := a.AuthorizeKey(t, ""), b.AuthorizeKey(t, ""), c.AuthorizeKey(t, "")
	// b is denied by name; c is allowed only from an address it is not
	// coming from; a from a CIDR block that holds 127.0.0.1.
	d := testenv.StartSshbox(t, fmt.Sprintf("DenyUsers %s\nAllowUsers %s@127.0.0.0/8 %s %s@10.1.2.3", b.Name, a.Name, b.Name, c.Name))
	if out, _, code := sshdLogin(t, d, keyA, a.Name, nil, nil, "id -un"); code != 0 || strings.TrimSpace(out) != a.Name {
		t.Fatalf("allowed user: status %d, %q\n%s", code, out, d.Proc.Stderr.String())
	}
	if _, _, code := sshdLogin(t, d, keyB, b.Name, nil, nil, "true"); code != 255 {
		t.Fatalf("DenyUsers: status %d", code)
	}
	d.WaitLog(t, "User "+b.Name+" from 127.0.0.1 not allowed because listed in DenyUsers", 5*time.Second)
	if _, _, code := sshdLogin(t, d, keyC, c.Name, nil, nil, "true"); code != 255 {
		t.Fatalf("AllowUsers user@host: status %d", code)
	}
	d.WaitLog(t, "User "+c.Name+" from 127.0.0.1 not allowed because not listed in AllowUsers", 5*time.Second)
}

func TestSshdAuthAllowDenyGroups(t *testing.T) {
	t.Parallel()
	a := testenv.NewUser(t, "")
	b := testenv.NewUser(t, "")
	keyA, keyB := a.AuthorizeKey(t, ""), b.AuthorizeKey(t, "")
	// useradd gives each user a group of its own name.
	d := testenv.StartSshbox(t, "AllowGroups sbx*\nDenyGroups "+b.Name)
	if out, _, code := sshdLogin(t, d, keyA, a.Name, nil, nil, "id -un"); code != 0 || strings.TrimSpace(out) != a.Name {
		t.Fatalf("allowed group: status %d, %q\n%s", code, out, d.Proc.Stderr.String())
	}
	if _, _, code := sshdLogin(t, d, keyB, b.Name, nil, nil, "true"); code != 255 {
		t.Fatalf("DenyGroups: status %d", code)
	}
	d.WaitLog(t, "User "+b.Name+" from 127.0.0.1 not allowed because a group is listed in DenyGroups", 5*time.Second)
	d2 := testenv.StartSshbox(t, "AllowGroups nosuchgroup-sbx")
	if _, _, code := sshdLogin(t, d2, keyA, a.Name, nil, nil, "true"); code != 255 {
		t.Fatalf("AllowGroups: status %d", code)
	}
	d2.WaitLog(t, "User "+a.Name+" from 127.0.0.1 not allowed because none of user's groups are listed in AllowGroups", 5*time.Second)
}

// rootAlias makes a throwaway account with uid 0 (useradd -o), so that
// root logins can be tried without touching root's own password or keys.
// Its key is in an absolute AuthorizedKeysFile directory; it returns the
// account name, the key and the AuthorizedKeysFile line.
func rootAlias(t *testing.T, password string, keyOptions string) (name, key, akf string) {
	t.Helper()
	testenv.NeedRoot(t)
	b := make([]byte, 4)
	rand.Read(b)
	name = "sbr" + hex.EncodeToString(b)
	if out, err := exec.Command("useradd", "-o", "-u", "0", "-g", "0", "-M", "-d", "/root", "-s", "/bin/sh", name).CombinedOutput(); err != nil {
		t.Fatalf("useradd -o -u 0: %v\n%s", err, out)
	}
	// Not testenv.NewUser's cleanup: "pkill -u" of a uid-0 name would
	// kill everything.
	t.Cleanup(func() { exec.Command("userdel", "-f", name).Run() })
	cmd := exec.Command("chpasswd", "-c", "SHA256")
	cmd.Stdin = strings.NewReader(name + ":" + password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chpasswd: %v\n%s", err, out)
	}
	dir := sshdKeysDir(t)
	key = testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	pub, _ := os.ReadFile(key + ".pub")
	line := string(pub)
	if keyOptions != "" {
		line = keyOptions + " " + line
	}
	os.WriteFile(filepath.Join(dir, name), []byte(line), 0o644)
	return name, key, "AuthorizedKeysFile " + dir + "/%u"
}

func TestSshdAuthPermitRootLogin(t *testing.T) {
	t.Parallel()
	name, key, akf := rootAlias(t, "root-pw-1", "")
	forcedName, forcedKey, forcedAKF := rootAlias(t, "root-pw-2", `command="echo forced-only"`)

	// prohibit-password (the default): the key works, the right password does not.
	d := testenv.StartSshbox(t, akf+"\nPasswordAuthentication yes")
	if out, _, code := sshdLogin(t, d, key, name, nil, nil, "id -u"); code != 0 || strings.TrimSpace(out) != "0" {
		t.Fatalf("prohibit-password with a key: status %d, %q\n%s", code, out, d.Proc.Stderr.String())
	}
	if _, _, code := sshpassLogin(t, d.Port, name, "root-pw-1", "password", nil, "true"); code == 0 {
		t.Fatal("prohibit-password let root in with a password")
	}
	d.WaitLog(t, "ROOT LOGIN REFUSED FROM 127.0.0.1 port ", 5*time.Second)

	// yes: the password works too.
	d = testenv.StartSshbox(t, akf+"\nPasswordAuthentication yes\nPermitRootLogin yes")
	if out, _, code := sshpassLogin(t, d.Port, name, "root-pw-1", "password", nil, "id -u"); code != 0 || strings.TrimSpace(out) != "0" {
		t.Fatalf("PermitRootLogin yes with a password: status %d, %q\n%s", code, out, d.Proc.Stderr.String())
	}

	// no: not even the key.
	d = testenv.StartSshbox(t, akf+"\nPermitRootLogin no")
	if _, _, code := sshdLogin(t, d, key, name, nil, nil, "true"); code != 255 {
		t.Fatalf("PermitRootLogin no: status %d", code)
	}
	d.WaitLog(t, "ROOT LOGIN REFUSED FROM 127.0.0.1 port ", 5*time.Second)

	// forced-commands-only: a key with command= only.
	d = testenv.StartSshbox(t, akf+"\nPermitRootLogin forced-commands-only")
	if _, _, code := sshdLogin(t, d, key, name, nil, nil, "true"); code != 255 {
		t.Fatalf("forced-commands-only, key without command=: status %d", code)
	}
	d = testenv.StartSshbox(t, forcedAKF+"\nPermitRootLogin forced-commands-only")
	if out, _, code := sshdLogin(t, d, forcedKey, forcedName, nil, nil, "id"); code != 0 || strings.TrimSpace(out) != "forced-only" {
		t.Fatalf("forced-commands-only, key with command=: status %d, %q\n%s", code, out, d.Proc.Stderr.String())
	}
}

func TestSshdAuthMaxAuthTries(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	u.SetPassword(t, "the-right-one", "SHA512")
	d := testenv.StartSshbox(t, "PasswordAuthentication yes\nMaxAuthTries 3")
	// OpenSSH's ssh asks its askpass program for every attempt: this one
	// always answers wrong, and ssh would try 10 times.
	askpass := filepath.Join(t.TempDir(), "askpass")
	os.WriteFile(askpass, []byte("#!/bin/sh\necho wrong-again\n"), 0o755)
	cmd := exec.Command(testenv.NeedCmd(t, "ssh"), "-F", "none", "-o", "StrictHostKeyChecking=no",
		"-o", "UserKnownHostsFile=/dev/null", "-o", "PubkeyAuthentication=no",
		"-o", "PreferredAuthentications=password", "-o", "NumberOfPasswordPrompts=10",
		"-p", fmt.Sprint(d.Port), "-l", u.Name, "127.0.0.1", "true")
	cmd.Env = append(os.Environ(), "SSH_ASKPASS="+askpass, "SSH_ASKPASS_REQUIRE=force", "DISPLAY=:0")
	cmd.Stdin = nil
	out, err := cmd.CombinedOutput()
	// OpenSSH's words in the disconnect, as its ssh prints them.
	if testenv.ExitCode(err) != 255 || !strings.Contains(string(out), ": Too many authentication failures\r\n") {
		t.Fatalf("status %v, output %q\n%s", err, out, d.Proc.Stderr.String())
	}
	log := d.WaitLog(t, "Disconnecting authenticating user "+u.Name+" 127.0.0.1 port ", 5*time.Second)
	d.WaitLog(t, ": Too many authentication failures [preauth]", 5*time.Second)
	d.WaitLog(t, "maximum authentication attempts exceeded for "+u.Name+" from 127.0.0.1 port ", 5*time.Second)
	if n := strings.Count(log, "Failed password for "+u.Name); n != 3 {
		t.Fatalf("%d failed passwords logged, want 3:\n%s", n, log)
	}
}

func TestSshdAuthLoginGraceTime(t *testing.T) {
	t.Parallel()
	d := testenv.StartSshbox(t, "LoginGraceTime 2")
	start := time.Now()
	nc, err := net.Dial("tcp", d.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	// A client that reads the version line and then says nothing.
	r := bufio.NewReader(nc)
	if line, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(line, "SSH-2.0-") {
		t.Fatalf("version line %q, %v", line, err)
	}
	nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		if _, err := r.ReadByte(); err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatal("the silent connection is still open after 10s")
			}
			break
		}
	}
	if el := time.Since(start); el < 1500*time.Millisecond || el > 6*time.Second {
		t.Fatalf("dropped after %v, want about 2s", el)
	}
	d.WaitLog(t, "Timeout before authentication for 127.0.0.1 port ", 5*time.Second)
}

func TestSshdAuthBanner(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	banner := filepath.Join(t.TempDir(), "banner")
	os.WriteFile(banner, []byte("Authorised use only, sbx banner.\n"), 0o644)
	d := testenv.StartSshbox(t, "Banner "+banner)
	out, errOut, code := sshdLogin(t, d, key, u.Name, nil, []string{"-o", "LogLevel=INFO"}, "id -un")
	if code != 0 || strings.TrimSpace(out) != u.Name || !strings.Contains(errOut, "Authorised use only, sbx banner.") {
		t.Fatalf("status %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestSshdAuthClientAlive(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "ClientAliveInterval 1\nClientAliveCountMax 2")
	// A client that answers keeps its connection well past 3 intervals.
	out, _, code := sshdLogin(t, d, key, u.Name, nil, nil, "sleep 4; echo still-here")
	if code != 0 || strings.TrimSpace(out) != "still-here" {
		t.Fatalf("answering client: status %d, %q\n%s", code, out, d.Proc.Stderr.String())
	}
	// A stopped client answers nothing.
	p := testenv.Start(t, testenv.NeedCmd(t, "ssh"), append(testenv.SSHArgs(key, d.Port, u.Name), "-N")...)
	d.WaitLog(t, "Accepted publickey for "+u.Name, 10*time.Second)
	time.Sleep(300 * time.Millisecond)
	syscall.Kill(p.Cmd.Process.Pid, syscall.SIGSTOP)
	defer syscall.Kill(p.Cmd.Process.Pid, syscall.SIGCONT)
	d.WaitLog(t, "Timeout, client not responding from user "+u.Name+" 127.0.0.1 port ", 10*time.Second)
}

func TestSshdAuthPrintMotd(t *testing.T) {
	t.Parallel()
	motd, err := os.ReadFile("/etc/motd")
	if err != nil || strings.TrimSpace(string(motd)) == "" {
		t.Fatalf("this test needs a non-empty /etc/motd: %v", err)
	}
	var first string
	for _, l := range strings.Split(string(motd), "\n") {
		if strings.TrimSpace(l) != "" {
			first = strings.TrimSpace(l)
			break
		}
	}
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "")
	// An interactive shell (with a terminal) shows it...
	out, _, code := sshdLogin(t, d, key, u.Name, []byte("exit 3\n"), []string{"-tt"})
	if code != 3 || !strings.Contains(out, first) {
		t.Fatalf("shell with a terminal: status %d, output %q", code, out)
	}
	// ...a command does not, even with a terminal...
	if out, _, _ := sshdLogin(t, d, key, u.Name, nil, []string{"-tt"}, "echo cmd"); strings.Contains(out, first) {
		t.Fatalf("a command showed the motd: %q", out)
	}
	// ...and PrintMotd no shows nothing.
	d2 := testenv.StartSshbox(t, "PrintMotd no")
	if out, _, code := sshdLogin(t, d2, key, u.Name, []byte("exit 3\n"), []string{"-tt"}); code != 3 || strings.Contains(out, first) {
		t.Fatalf("PrintMotd no: status %d, output %q", code, out)
	}
}

func TestSshdAuthMatchUser(t *testing.T) {
	t.Parallel()
	a := testenv.NewUser(t, "")
	b := testenv.NewUser(t, "")
	a.SetPassword(t, "pw-for-a", "SHA256")
	b.SetPassword(t, "pw-for-b", "SHA256")
	keyB := b.AuthorizeKey(t, "")
	b.SetPassword(t, "pw-for-b", "SHA256")
	d := testenv.StartSshbox(t, "PasswordAuthentication yes\nMatch User "+b.Name+"\n\tPasswordAuthentication no\n\tForceCommand echo matched-"+b.Name)
	if out, _, code := sshpassLogin(t, d.Port, a.Name, "pw-for-a", "password", nil, "id -un"); code != 0 || strings.TrimSpace(out) != a.Name {
		t.Fatalf("user outside the Match block: status %d, %q\n%s", code, out, d.Proc.Stderr.String())
	}
	if _, _, code := sshpassLogin(t, d.Port, b.Name, "pw-for-b", "password", nil, "id -un"); code == 0 {
		t.Fatal("Match User PasswordAuthentication no: the password still works")
	}
	if out, _, code := sshdLogin(t, d, keyB, b.Name, nil, nil, "id -un"); code != 0 || strings.TrimSpace(out) != "matched-"+b.Name {
		t.Fatalf("Match User ForceCommand: status %d, %q", code, out)
	}
}

// TestSshdAuthSSH2Dialect: an OpenVMS/Tectia-style sshd2_config turns the
// same methods and policies on: AllowedAuthentications, PasswordGuesses,
// DenyUsers, BannerMessageFile.
func TestSshdAuthSSH2Dialect(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	u.SetPassword(t, "vms-style", "SHA512")
	denied := testenv.NewUser(t, "")
	denied.SetPassword(t, "vms-denied", "SHA512")
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	hostKey := testenv.OpenSSHKey(t, dir, "ed25519")
	banner := filepath.Join(dir, "banner")
	os.WriteFile(banner, []byte("ssh2 dialect banner\n"), 0o644)
	port := testenv.FreePort(t)
	cfg := fmt.Sprintf("## sshd2_config\n*:\n  Port %d\n  ListenAddress 127.0.0.1\n  HostKeyFile %s\n  PidFile none\n"+
		"  AllowedAuthentications keyboard-interactive,password\n  PasswordGuesses 2\n  DenyUsers %s\n  BannerMessageFile %s\n",
		port, hostKey, denied.Name, banner)
	cfgPath := filepath.Join(dir, "sshd2_config")
	os.WriteFile(cfgPath, []byte(cfg), 0o644)
	p := testenv.Start(t, testenv.Bin(t, ""), "sshd", "-D", "-e", "-f", cfgPath)
	d := &testenv.Sshbox{Port: port, Addr: fmt.Sprintf("127.0.0.1:%d", port), HostKey: hostKey, ConfigPath: cfgPath, Proc: p}
	d.WaitLog(t, "Server listening on", 20*time.Second)

	out, errOut, code := sshpassLogin(t, port, u.Name, "vms-style", "keyboard-interactive", []string{"-o", "LogLevel=INFO"}, "id -un")
	if code != 0 || strings.TrimSpace(out) != u.Name || !strings.Contains(errOut, "ssh2 dialect banner") {
		t.Fatalf("kbd-int through an ssh2 config: status %d, %q %q\n%s", code, out, errOut, p.Stderr.String())
	}
	if _, _, code := sshpassLogin(t, port, denied.Name, "vms-denied", "password", nil, "true"); code == 0 {
		t.Fatal("DenyUsers of an ssh2 config let the user in")
	}
	d.WaitLog(t, "User "+denied.Name+" from 127.0.0.1 not allowed because listed in DenyUsers", 5*time.Second)
}

// TestSshdAuthMatchUserEnables: a Match User block may switch on a method
// that is off for everybody else, and only that user is offered it.
func TestSshdAuthMatchUserEnables(t *testing.T) {
	t.Parallel()
	a := testenv.NewUser(t, "")
	b := testenv.NewUser(t, "")
	a.SetPassword(t, "pw-a-2", "SHA256")
	b.SetPassword(t, "pw-b-2", "SHA256")
	d := testenv.StartSshbox(t, "PasswordAuthentication no\nKbdInteractiveAuthentication no\nMatch User "+a.Name+"\n\tPasswordAuthentication yes")
	if out, errOut, code := sshpassLogin(t, d.Port, a.Name, "pw-a-2", "password", nil, "id -un"); code != 0 || strings.TrimSpace(out) != a.Name {
		t.Fatalf("Match User PasswordAuthentication yes: status %d, %q %q\n%s", code, out, errOut, d.Proc.Stderr.String())
	}
	_, errOut, code := sshpassLogin(t, d.Port, b.Name, "pw-b-2", "password", nil, "true")
	if code == 0 || !strings.Contains(errOut, "Permission denied (publickey)") {
		t.Fatalf("another user: status %d, %q", code, errOut)
	}
}

// TestSshdMatchInvalidUser: OpenSSH 10's Match invalid-user applies to
// user names with no account, here refusing them (RefuseConnection, which
// PerSourcePenalties then charges to the source); the attribute=value form
// (Match user=NAME) works as Match User NAME; sshd -T -C knows the names
// that have no account.
func TestSshdMatchInvalidUser(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "PerSourcePenalties refuseconnection:30s\nMatch invalid-user\n\tRefuseConnection yes\n\tMaxAuthTries 1\nMatch user="+u.Name+"\n\tForceCommand echo matched-by-equals")
	if out, _, code := sshdLogin(t, d, key, u.Name, nil, nil, "id"); code != 0 || strings.TrimSpace(out) != "matched-by-equals" {
		t.Fatalf("Match user=NAME: status %d, %q\n%s", code, out, d.Proc.Stderr.String())
	}
	if strings.Contains(d.Proc.Stderr.String(), "administratively prohibited") {
		t.Fatalf("a valid user matched invalid-user:\n%s", d.Proc.Stderr.String())
	}
	if code := func() int { _, _, c := sshdLogin(t, d, key, "sbx-no-such-user", nil, nil, "id"); return c }(); code != 255 {
		t.Fatalf("an invalid user: status %d", code)
	}
	d.WaitLog(t, "administratively prohibited connection for sbx-no-such-user from 127.0.0.1 port ", 5*time.Second)
	d.WaitLog(t, "active penalty of 30.000 seconds for penalty: connection prohibited by RefuseConnection", 5*time.Second)
	if _, _, code := sshdLogin(t, d, key, u.Name, nil, nil, "id"); code != 255 {
		t.Fatalf("the source was not penalised: status %d", code)
	}

	for spec, want := range map[string]string{"user=sbx-no-such-user,addr=127.0.0.1": "maxauthtries 1", "user=" + u.Name + ",addr=127.0.0.1": "maxauthtries 6"} {
		out, err := exec.Command(testenv.Bin(t, ""), "sshd", "-T", "-f", d.ConfigPath, "-C", spec).Output()
		if err != nil || !strings.Contains(string(out), "\n"+want+"\n") {
			t.Errorf("sshd -T -C %s: %v, want %q in\n%s", spec, err, want, out)
		}
	}
}
