package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// The time part of RekeyLimit (and ssh2's RekeyIntervalSeconds): keys are
// renewed that often, counted from the last exchange, on both sides
// (sshcore/rekey). Each test holds a session open for about 7 s with a 2 s
// limit: 1 exchange at the start and 3 re-keys, which the other side's
// debug log shows; a timer that never fired would show 1.

const rekeyHold = "sleep 7; echo held"

// holdWithOpenSSH runs rekeyHold through OpenSSH's ssh -vv as user on the
// sshd at port and returns ssh's log.
func holdWithOpenSSH(t *testing.T, port int, user, key string) string {
	t.Helper()
	args := []string{"-vv", "-F", "none", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "BatchMode=yes", "-i", key, "-p", fmt.Sprint(port), "-l", user, "127.0.0.1", rekeyHold}
	cmd := exec.Command(testenv.NeedCmd(t, "ssh"), args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil || out.String() != "held\n" {
		t.Fatalf("ssh: %v, %q\n%s", err, out.String(), errb.String())
	}
	return errb.String()
}

// rekeysIn counts key exchanges in an OpenSSH debug log.
func rekeysIn(log string) int { return strings.Count(log, "SSH2_MSG_KEXINIT received") }

// TestSshdRekeyLimitTime: sshbox's sshd with a RekeyLimit time part, in
// the OpenSSH dialect (globally or in a Match block) and the ssh2 dialect,
// re-keys as OpenSSH's ssh -vv sees it.
func TestSshdRekeyLimitTime(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	u.UnlockForKeys(t)
	key := u.AuthorizeKey(t, "")
	kexes := func(config string) int {
		d := testenv.StartSshbox(t, config, "-d")
		n := rekeysIn(holdWithOpenSSH(t, d.Port, u.Name, key))
		// sshd -d logs each exchange it signs: the same count.
		waitStderr(t, d.Proc, "Disconnected from user")
		if got := rekeysIn(d.Proc.Stderr.String()); got != n {
			t.Errorf("%q: sshd -d logged %d key exchanges, OpenSSH's ssh saw %d", config, got, n)
		}
		d.Proc.Kill()
		return n
	}
	for _, c := range []struct {
		config   string
		min, max int
	}{
		{"", 1, 1},
		{"RekeyLimit default 2", 3, 5},
		{"RekeyLimit 1G 2s", 3, 5},
		{"Match User " + u.Name + "\n  RekeyLimit default 2", 3, 5},
		{"Match User nobody\n  RekeyLimit default 2", 1, 1},
	} {
		if n := kexes(c.config); n < c.min || n > c.max {
			t.Errorf("%q: %d key exchanges in 7 s, want %d..%d", c.config, n, c.min, c.max)
		}
	}
}

// TestSshdRekeyIntervalSecondsSSH2: the ssh2 dialect's RekeyIntervalSeconds
// is RekeyLimit's time part.
func TestSshdRekeyIntervalSecondsSSH2(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	u.UnlockForKeys(t)
	key := u.AuthorizeKey(t, "")
	cfgPath, _, port := testenv.SshboxConfig(t, "")
	// The same server in the ssh2 dialect: the OpenSSH lines the test
	// configuration holds mean the same there, under a heading.
	text := "*:\n" + string(readFile(t, cfgPath)) + "RekeyIntervalSeconds 2\n"
	if err := os.WriteFile(cfgPath, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	p := testenv.Start(t, testenv.Bin(t, ""), "sshd", "-D", "-e", "-f", cfgPath, "-o", "PerSourcePenalties=no")
	testenv.WaitListening(t, p, 20*time.Second)
	log := holdWithOpenSSH(t, port, u.Name, key)
	if n := rekeysIn(log); n < 3 || n > 5 {
		t.Errorf("RekeyIntervalSeconds 2: %d key exchanges in 7 s\n%s", n, log)
	}
}

// TestSSHRekeyLimitTime: sshbox's ssh with a RekeyLimit time part re-keys
// as OpenSSH's sshd logs it, and ssh -v shows each one.
func TestSSHRekeyLimitTime(t *testing.T) {
	t.Parallel()
	e, d := openSSHEnv(t, "LogLevel DEBUG1")
	stdout, stderr, status := e.run(nil, append(e.base(), "-v", "-o", "RekeyLimit=default 2", "-o", "BatchMode=yes", e.dest(), rekeyHold)...)
	if status != 0 || stdout != "held\n" {
		t.Fatalf("ssh: status %d, %q, %s", status, stdout, stderr)
	}
	waitStderr(t, d.Proc, "Connection closed by")
	n := rekeysIn(d.Proc.Stderr.String())
	if n < 3 || n > 5 {
		t.Errorf("RekeyLimit=default 2: %d key exchanges in OpenSSH's sshd log in 7 s\n%s", n, d.Proc.Stderr.String())
	}
	if c := strings.Count(stderr, "debug1: Server host key: "); c != n {
		t.Errorf("ssh -v shows \"Server host key:\" %d times for the server's %d key exchanges\n%s", c, n, stderr)
	}
	// The time is printed in seconds, as OpenSSH's ssh -G prints it.
	out, _, _ := e.run(nil, "-G", "-F", "/dev/null", "-o", "RekeyLimit=1G 1h", "h")
	if !regexp.MustCompile(`(?m)^rekeylimit 1073741824 3600$`).MatchString(out) {
		t.Errorf("ssh -G: %q", out)
	}
}

// TestSSHEscapeRekeyVerbosityBreak: ~R re-keys (OpenSSH's sshd logs a
// second exchange), ~v and ~V change the LogLevel with OpenSSH's words,
// ~B sends a BREAK (the sshd logs the request), and ~? lists them in
// OpenSSH's words and order; OpenSSH's ssh in the same terminal shows the
// same texts (its ~& is the one line sshbox leaves out).
func TestSSHEscapeRekeyVerbosityBreak(t *testing.T) {
	t.Parallel()
	e, d := openSSHEnv(t, "LogLevel DEBUG1")
	helps := map[string]string{}
	for _, prog := range []string{testenv.Bin(t, "ssh"), testenv.NeedCmd(t, "ssh")} {
		tm := testenv.StartTerm(t, 40, 100, []string{"HOME=" + e.home, "TERM=xterm", "SSH_AUTH_SOCK="}, prog, append(e.base(), e.dest())...)
		tm.Type("PS1='rdy''> '\r")
		at := tm.Expect(0, "rdy> ", 15*time.Second)
		before := rekeysIn(d.Proc.Stderr.String())
		tm.Type("~R")
		for end := time.Now().Add(10 * time.Second); rekeysIn(d.Proc.Stderr.String()) == before; time.Sleep(50 * time.Millisecond) {
			if time.Now().After(end) {
				t.Fatalf("%s: ~R: no key exchange in the sshd log\n%s", prog, d.Proc.Stderr.String())
			}
		}
		tm.Type("\r~v")
		at = tm.Expect(at, "~v [LogLevel VERBOSE]\r\n", 5*time.Second)
		tm.Type("\r~v")
		at = tm.Expect(at, "~v [LogLevel DEBUG]\r\n", 5*time.Second)
		// At DEBUG1 the client shows the re-key ~R asks for.
		tm.Type("\r~R")
		at = tm.Expect(at, "debug1: Server host key: ", 10*time.Second)
		for _, want := range []string{"VERBOSE", "INFO", "ERROR", "FATAL", "SILENT", "SILENT"} {
			tm.Type("\r~V")
			at = tm.Expect(at, "~V [LogLevel "+want+"]\r\n", 5*time.Second)
		}
		tm.Type("\r~B")
		at = tm.Expect(at, "~B\r\n", 5*time.Second)
		waitStderr(t, d.Proc, "request break reply 0")
		tm.Type("\r~?")
		at = tm.Expect(at, "(Note that escapes are only recognized immediately after newline.)\r\n", 5*time.Second)
		out := tm.Output()
		help := out[strings.LastIndex(out, "Supported escape sequences:"):at]
		helps[prog] = strings.Replace(help, " ~&   - background ssh (when waiting for connections to terminate)\r\n", "", 1)
		tm.Type("exit\r")
		tm.Wait(10 * time.Second)
	}
	sshbox, openssh := helps[testenv.Bin(t, "ssh")], helps[testenv.NeedCmd(t, "ssh")]
	if sshbox != openssh || !strings.Contains(sshbox, " ~R   - request rekey\r\n") {
		t.Errorf("~? help:\nsshbox:\n%s\nOpenSSH (without ~&):\n%s", sshbox, openssh)
	}
}
