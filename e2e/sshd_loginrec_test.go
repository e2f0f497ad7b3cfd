package e2e

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestSshdLoginRecords: a terminal login through OpenSSH's client is
// recorded where OpenSSH's sshd records it: `last` shows it in
// /var/log/wtmp with its terminal and address, `lastlog` shows it, and the
// second login prints "Last login: ... from 127.0.0.1" before the shell.
// (These are the system's files, as for every test that runs OpenSSH's
// sshd: entries for throwaway users are harmless.)
func TestSshdLoginRecords(t *testing.T) {
	for _, f := range []string{"/var/log/wtmp", "/var/log/lastlog"} {
		if _, err := os.Stat(f); err != nil {
			t.Skipf("this system has no %s", f)
		}
	}
	u := testenv.NewUser(t, "/bin/sh")
	key := u.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "PrintMotd no")
	login := func() string {
		t.Helper()
		return terminalLogin(t, d, key, u.Name)
	}
	first := login()
	if strings.Contains(first, "Last login:") {
		t.Errorf("first login of a new user shows a last login:\n%s", first)
	}
	second := login()
	if !regexp.MustCompile(`(?m)^Last login: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} from 127\.0\.0\.1\r$`).MatchString(second) {
		t.Errorf("second login:\n%q", second)
	}
	// PrintLastLog no: the record is kept, the line is not shown.
	quiet := testenv.StartSshbox(t, "PrintMotd no\nPrintLastLog no")
	if out := terminalLogin(t, quiet, key, u.Name); strings.Contains(out, "Last login:") {
		t.Errorf("PrintLastLog no shows a last login:\n%s", out)
	}
	// last prints "still running" for a logout in the very second it
	// runs (util-linux compares the logout time with its start time).
	time.Sleep(1100 * time.Millisecond)
	out, err := exec.Command(testenv.NeedCmd(t, "last"), "-w", "-f", "/var/log/wtmp", u.Name).CombinedOutput()
	if err != nil {
		t.Fatalf("last: %v\n%s", err, out)
	}
	// Three logins, each paired with its logout (a duration, not "still
	// logged in").
	logins := regexp.MustCompile(`(?m)^`+u.Name+` +pts/\d+ +127\.0\.0\.1 .* - \d\d:\d\d +\(\d\d:\d\d\)$`).FindAllString(string(out), -1)
	if len(logins) != 3 {
		t.Errorf("last shows %d finished logins of %s, want 3:\n%s", len(logins), u.Name, out)
	}
	out, err = exec.Command(testenv.NeedCmd(t, "lastlog"), "-u", u.Name).CombinedOutput()
	if err != nil || !regexp.MustCompile(u.Name+` +pts/\d+ +127\.0\.0\.1 `).Match(out) {
		t.Errorf("lastlog -u %s: %v\n%s", u.Name, err, out)
	}
}

// terminalLogin logs in with OpenSSH's ssh -tt, runs one command in the
// shell and returns what the terminal showed.
func terminalLogin(t *testing.T, d *testenv.Sshbox, key, user string) string {
	t.Helper()
	args := append([]string{"-tt"}, testenv.SSHArgs(key, d.Port, user)...)
	cmd := exec.Command(testenv.NeedCmd(t, "ssh"), args...)
	cmd.Stdin = strings.NewReader("echo logged-in-$((6*7)); exit\n")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "logged-in-42") {
		t.Fatalf("ssh -tt: %v\n%s\n%s", err, out, d.Proc.Stderr.String())
	}
	return string(out)
}

// TestSshdLoginRecordsFailed: a wrong password is recorded in btmp, as
// lastb shows it.
func TestSshdLoginRecordsFailed(t *testing.T) {
	// sshd writes btmp only where it exists (an embedded image may have
	// none); on a system without one the test makes it, as login's
	// package does (root, 0600), and removes only what it made.
	if _, err := os.Stat("/var/log/btmp"); os.IsNotExist(err) {
		testenv.NeedRoot(t)
		if err := os.WriteFile("/var/log/btmp", nil, 0o600); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Remove("/var/log/btmp") })
	}
	u := testenv.NewUser(t, "/bin/sh")
	u.SetPassword(t, "right-password", "")
	d := testenv.StartSshbox(t, "PasswordAuthentication yes")
	if _, _, code := sshpassLogin(t, d.Port, u.Name, "wrong-password", "password", nil, "true"); code == 0 {
		t.Fatal("wrong password accepted")
	}
	out, err := exec.Command(testenv.NeedCmd(t, "lastb"), "-w", "-f", "/var/log/btmp", u.Name).CombinedOutput()
	if err != nil || !regexp.MustCompile(`(?m)^`+u.Name+` +ssh:notty +127\.0\.0\.1 `).Match(out) {
		t.Errorf("lastb %s: %v\n%s", u.Name, err, out)
	}
}
