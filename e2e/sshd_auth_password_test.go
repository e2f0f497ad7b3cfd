package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// sshpassLogin runs OpenSSH's ssh through sshpass with password and only
// the given authentication method, and returns stdout, stderr and status.
func sshpassLogin(t *testing.T, port int, user, password, method string, extra []string, command ...string) (string, string, int) {
	t.Helper()
	args := []string{"-p", password}
	if method == "keyboard-interactive" {
		// OpenSSH shows our prompt as "(user@host) Password: ".
		args = append(args, "-P", "Password:")
	}
	// extra first: for ssh the first value of an option wins.
	args = append(args, testenv.NeedCmd(t, "ssh"))
	args = append(args, extra...)
	args = append(args, "-F", "none", "-o", "StrictHostKeyChecking=no",
		"-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
		"-o", "PreferredAuthentications="+method, "-o", "NumberOfPasswordPrompts=1",
		"-p", fmt.Sprint(port), "-l", user)
	if !strings.Contains(method, "publickey") {
		args = append(args, "-o", "PubkeyAuthentication=no")
	}
	args = append(args, "127.0.0.1")
	args = append(args, command...)
	cmd := exec.Command(testenv.NeedCmd(t, "sshpass"), args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := testenv.ExitCode(err)
	if code < 0 {
		t.Fatalf("sshpass ssh: %v", err)
	}
	return out.String(), errb.String(), code
}

func TestSshdAuthPasswordSchemes(t *testing.T) {
	t.Parallel()
	d := testenv.StartSshbox(t, "PasswordAuthentication yes")
	for _, scheme := range []string{"YESCRYPT", "SHA512", "SHA256", "MD5"} {
		u := testenv.NewUser(t, "")
		pw := "pw-" + strings.ToLower(scheme) + " x!"
		u.SetPassword(t, pw, scheme)
		out, errOut, code := sshpassLogin(t, d.Port, u.Name, pw, "password", nil, "id -un")
		if code != 0 || strings.TrimSpace(out) != u.Name {
			t.Fatalf("%s: status %d, stdout %q, stderr %q\nlog:\n%s", scheme, code, out, errOut, d.Proc.Stderr.String())
		}
		d.WaitLog(t, "Accepted password for "+u.Name+" from 127.0.0.1 port ", 5*time.Second)

		out, _, code = sshpassLogin(t, d.Port, u.Name, pw+"x", "password", nil, "id -un")
		if code == 0 || out != "" {
			t.Fatalf("%s: a wrong password logged in: status %d, %q", scheme, code, out)
		}
		d.WaitLog(t, "Failed password for "+u.Name+" from 127.0.0.1 port ", 5*time.Second)
	}
	_, _, code := sshpassLogin(t, d.Port, "sbx-nobody-here", "whatever", "password", nil, "true")
	if code == 0 {
		t.Fatal("an unknown user logged in")
	}
	d.WaitLog(t, "Failed password for invalid user sbx-nobody-here from 127.0.0.1 port ", 5*time.Second)
}

func TestSshdAuthPasswordRefusals(t *testing.T) {
	t.Parallel()
	d := testenv.StartSshbox(t, "PasswordAuthentication yes")
	locked := testenv.NewUser(t, "")
	locked.SetPassword(t, "lockedpw", "SHA512")
	if out, err := exec.Command("usermod", "-L", locked.Name).CombinedOutput(); err != nil {
		t.Fatalf("usermod -L: %v\n%s", err, out)
	}
	if _, _, code := sshpassLogin(t, d.Port, locked.Name, "lockedpw", "password", nil, "true"); code == 0 {
		t.Fatal("a locked account logged in with its password")
	}
	d.WaitLog(t, "User "+locked.Name+" not allowed because account is locked", 5*time.Second)

	// An empty password only with PermitEmptyPasswords yes.
	empty := testenv.NewUser(t, "")
	if out, err := exec.Command("passwd", "-d", empty.Name).CombinedOutput(); err != nil {
		t.Fatalf("passwd -d: %v\n%s", err, out)
	}
	if _, _, code := sshpassLogin(t, d.Port, empty.Name, "", "password", nil, "true"); code == 0 {
		t.Fatal("an empty password logged in without PermitEmptyPasswords")
	}
	d2 := testenv.StartSshbox(t, "PasswordAuthentication yes\nPermitEmptyPasswords yes")
	out, errOut, code := sshpassLogin(t, d2.Port, empty.Name, "", "password", nil, "id -un")
	if code != 0 || strings.TrimSpace(out) != empty.Name {
		t.Fatalf("PermitEmptyPasswords yes: status %d, %q %q\n%s", code, out, errOut, d2.Proc.Stderr.String())
	}
	// And without being asked for it, at the "none" request, as OpenSSH's
	// sshd and Dropbear's (-B) let such an account in: BatchMode, which
	// answers no prompt, logs in. Not without PermitEmptyPasswords, nor
	// with PasswordAuthentication no.
	batch := func(d *testenv.Sshbox) (string, int) {
		cmd := exec.Command(testenv.NeedCmd(t, "ssh"), "-F", "none", "-o", "StrictHostKeyChecking=no",
			"-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "BatchMode=yes",
			"-p", fmt.Sprint(d.Port), "-l", empty.Name, "127.0.0.1", "id", "-un")
		out, err := cmd.Output()
		return strings.TrimSpace(string(out)), testenv.ExitCode(err)
	}
	if out, code := batch(d2); code != 0 || out != empty.Name {
		t.Fatalf("PermitEmptyPasswords yes, BatchMode: status %d, %q\n%s", code, out, d2.Proc.Stderr.String())
	}
	d2.WaitLog(t, "Accepted none for "+empty.Name+" from 127.0.0.1 port ", 5*time.Second)
	if _, code := batch(d); code != 255 {
		t.Fatalf("without PermitEmptyPasswords, BatchMode: status %d", code)
	}
	d4 := testenv.StartSshbox(t, "PasswordAuthentication no\nPermitEmptyPasswords yes")
	if _, code := batch(d4); code != 255 {
		t.Fatalf("PasswordAuthentication no, BatchMode: status %d", code)
	}
	// "AuthenticationMethods none", OpenSSH's: such accounts and no one
	// else, whatever their password.
	d5 := testenv.StartSshbox(t, "PasswordAuthentication yes\nPermitEmptyPasswords yes\nAuthenticationMethods none")
	if out, code := batch(d5); code != 0 || out != empty.Name {
		t.Fatalf("AuthenticationMethods none, BatchMode: status %d, %q\n%s", code, out, d5.Proc.Stderr.String())
	}
	d5.WaitLog(t, "Accepted none for "+empty.Name+" from 127.0.0.1 port ", 5*time.Second)
	withPw := testenv.NewUser(t, "")
	withPw.SetPassword(t, "pw-none-list", "SHA512")
	if _, _, code := sshpassLogin(t, d5.Port, withPw.Name, "pw-none-list", "password", nil, "true"); code == 0 {
		t.Fatal("AuthenticationMethods none: a password logged in")
	}
	d6 := testenv.StartSshbox(t, "PasswordAuthentication yes\nPermitEmptyPasswords yes\nAuthenticationMethods publickey,password")
	if _, code := batch(d6); code != 255 {
		t.Fatalf("AuthenticationMethods publickey,password: an empty password logged in at none: status %d", code)
	}

	// PasswordAuthentication no: the method is not offered at all.
	u := testenv.NewUser(t, "")
	u.SetPassword(t, "secret1", "SHA256")
	d3 := testenv.StartSshbox(t, "PasswordAuthentication no\nKbdInteractiveAuthentication no")
	_, errOut, code = sshpassLogin(t, d3.Port, u.Name, "secret1", "password", nil, "true")
	if code == 0 || !strings.Contains(errOut, "Permission denied (publickey)") {
		t.Fatalf("PasswordAuthentication no: status %d, stderr %q", code, errOut)
	}
}

func TestSshdAuthKbdInteractiveOpenSSH(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	u.SetPassword(t, "kbd-pass", "SHA512")
	d := testenv.StartSshbox(t, "PasswordAuthentication no\nKbdInteractiveAuthentication yes")
	out, errOut, code := sshpassLogin(t, d.Port, u.Name, "kbd-pass", "keyboard-interactive", nil, "id -un")
	if code != 0 || strings.TrimSpace(out) != u.Name {
		t.Fatalf("status %d, stdout %q, stderr %q\nlog:\n%s", code, out, errOut, d.Proc.Stderr.String())
	}
	d.WaitLog(t, "Accepted keyboard-interactive for "+u.Name+" from 127.0.0.1 port ", 5*time.Second)
	if _, _, code := sshpassLogin(t, d.Port, u.Name, "wrong", "keyboard-interactive", nil, "true"); code == 0 {
		t.Fatal("a wrong password logged in through keyboard-interactive")
	}
	d.WaitLog(t, "Failed keyboard-interactive for "+u.Name+" from 127.0.0.1 port ", 5*time.Second)
}

func TestSshdAuthKbdInteractivePlink(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	u.SetPassword(t, "plink-pass", "YESCRYPT")
	// No password method: what plink -pw does here is keyboard-interactive.
	d := testenv.StartSshbox(t, "PasswordAuthentication no\nKbdInteractiveAuthentication yes")
	fp, err := exec.Command(testenv.NeedCmd(t, "ssh-keygen"), "-l", "-E", "sha256", "-f", d.HostKey+".pub").Output()
	if err != nil {
		t.Fatal(err)
	}
	hostFP := strings.Fields(string(fp))[1]
	run := func(pw string) (string, string, error) {
		cmd := exec.Command(testenv.NeedCmd(t, "plink"), "-ssh", "-batch", "-hostkey", hostFP, "-pw", pw,
			"-P", fmt.Sprint(d.Port), "-l", u.Name, "127.0.0.1", "id -un; exit 44")
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		return out.String(), errb.String(), err
	}
	out, errOut, err := run("plink-pass")
	if testenv.ExitCode(err) != 44 || strings.TrimSpace(out) != u.Name {
		t.Fatalf("plink: %v, stdout %q, stderr %q\nlog:\n%s", err, out, errOut, d.Proc.Stderr.String())
	}
	d.WaitLog(t, "Accepted keyboard-interactive for "+u.Name+" from 127.0.0.1 port ", 5*time.Second)
	if out, _, err := run("not-it"); err == nil || strings.Contains(out, u.Name) {
		t.Fatalf("plink with a wrong password: %v, %q", err, out)
	}
}

func TestSshdAuthMethodsTwoSteps(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	u.SetPassword(t, "second-step", "SHA256")
	d := testenv.StartSshbox(t, "PasswordAuthentication yes\nAuthenticationMethods publickey,password")
	// The key alone is not enough.
	if out, _, code := sshdLogin(t, d, key, u.Name, nil, nil, "id -un"); code == 0 {
		t.Fatalf("the key alone logged in: %q", out)
	}
	d.WaitLog(t, "Partial publickey for "+u.Name+" from 127.0.0.1 port ", 5*time.Second)
	// The password alone is not offered.
	if _, _, code := sshpassLogin(t, d.Port, u.Name, "second-step", "password", nil, "true"); code == 0 {
		t.Fatal("the password alone logged in")
	}
	// Both, in order.
	out, errOut, code := sshpassLogin(t, d.Port, u.Name, "second-step", "publickey,password",
		[]string{"-o", "IdentitiesOnly=yes", "-i", key}, "id -un")
	if code != 0 || strings.TrimSpace(out) != u.Name {
		t.Fatalf("key then password: status %d, %q %q\n%s", code, out, errOut, d.Proc.Stderr.String())
	}
	d.WaitLog(t, "Accepted password for "+u.Name+" from 127.0.0.1 port ", 5*time.Second)
}
