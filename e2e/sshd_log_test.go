package e2e

import (
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestSshdLogMatchesOpenSSH runs the same logins (keys, certificates,
// passwords), refusals and disconnections against OpenSSH's sshd and
// sshbox's, both at LogLevel VERBOSE and INFO, and requires the same log
// lines, scenario by scenario:
// what administrators read and what log watchers (fail2ban's sshd filter,
// logcheck) match. Addresses, ports, pids, pty numbers and byte counts are
// normalised; the lines only OpenSSH's process layout or its build without
// PAM writes are left out (ignoredOpenSSHLine), and "Close session", whose
// place OpenSSH leaves to a race, is counted instead of placed.
func TestSshdLogMatchesOpenSSH(t *testing.T) {
	testenv.NeedRoot(t)
	t.Parallel()
	for _, cmd := range []string{"sshd", "ssh", "sshpass"} {
		testenv.NeedCmd(t, cmd)
	}
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	forced := u.AuthorizeKey(t, `command="echo forced"`)
	u.SetPassword(t, "right horse", "")
	other := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	denied := testenv.NewUser(t, "")
	denied.SetPassword(t, "right horse", "")
	locked := testenv.NewUser(t, "")
	locked.SetPassword(t, "right horse", "")
	sshdMust(t, "usermod", "-L", locked.Name)
	// Certificates: from a CA in TrustedUserCAKeys, and from one a
	// cert-authority line in the user's authorized_keys names.
	ca, cas := trustedUserCA(t, sshdKeysDir(t), "ed25519")
	lineCA := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	lineCAPub, err := os.ReadFile(lineCA + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := os.ReadFile(filepath.Join(u.Home, ".ssh", "authorized_keys"))
	u.WriteFile(t, ".ssh/authorized_keys", append(keys, `cert-authority,principals="ops" `+string(lineCAPub)...), 0o600)
	closedPort := testenv.FreePort(t) // PermitOpen allows it; nothing listens there
	configForced := testenv.NewUser(t, "")
	configForcedKey := configForced.AuthorizeKey(t, "")
	certs := map[string]string{
		"certificate":                       userCert(t, ca, u.Name),
		"certificate for another principal": userCert(t, ca, "somebody-else"),
		"certificate without principals":    userCert(t, ca, ""),
		"expired certificate":               userCert(t, ca, u.Name, "-V", "20200101:20200102"),
		"certificate not yet valid":         userCert(t, ca, u.Name, "-V", "+520w:+530w"),
		"certificate from an untrusted CA":  userCert(t, testenv.OpenSSHKey(t, t.TempDir(), "ed25519"), u.Name),
		"cert-authority line":               userCert(t, lineCA, "ops"),
		"cert-authority line, no principal": userCert(t, lineCA, "dev"),
	}

	for _, level := range []string{"VERBOSE", "INFO"} {
		t.Run(level, func(t *testing.T) {
			conf := "LogLevel " + level + "\nMaxAuthTries 3\nPasswordAuthentication yes\n" +
				"KbdInteractiveAuthentication no\nDenyUsers " + denied.Name + "\nTrustedUserCAKeys " + cas +
				fmt.Sprintf("\nAllowTcpForwarding local\nPermitOpen 127.0.0.1:%d", closedPort)
			match := "\nMatch User " + configForced.Name + "\n\tForceCommand echo by-config"
			theirs := testenv.StartOpenSSHD(t, conf+match) // with UsePAM no, StrictModes no, Subsystem sftp internal-sftp
			ours := testenv.StartSshbox(t, conf+"\nUsePAM no\nStrictModes no\nSubsystem sftp internal-sftp"+match)
			// OpenSSH's log starts with WaitPort's probe, which is no scenario.
			theirStart, ourStart := len(theirs.Proc.Stderr.String()), len(ours.Proc.Stderr.String())
			scenarios := append(logScenarios(u, key, forced, other, denied, locked, certs, closedPort),
				logScenario{name: "ForceCommand", run: func(t *testing.T, port int) {
					exec.Command("ssh", append(testenv.SSHArgs(configForcedKey, port, configForced.Name), "true")...).Run()
				}})
			for _, sc := range scenarios {
				// Both servers at once: each scenario's log is its own.
				var want loggedLines
				done := make(chan struct{})
				go func() {
					defer close(done)
					want = runLogScenario(t, theirs.Proc, theirs.Port, sc)
				}()
				got := runLogScenario(t, ours.Proc, ours.Port, sc)
				<-done
				if got.err != nil || want.err != nil {
					t.Fatalf("%s: sshbox: %v; OpenSSH: %v", sc.name, got.err, want.err)
				}
				if starts, closes := strings.Count(got.raw, "Starting session: "), strings.Count(got.raw, "Close session: "); starts != closes {
					t.Errorf("%s: %d sessions started and %d closed:\n%s", sc.name, starts, closes, got.raw)
				}
				if sc.must != "" && (!strings.Contains(got.lines, sc.must) || !strings.Contains(want.lines, sc.must)) {
					t.Errorf("%s: %q not in both logs:\n%s\nOpenSSH's:\n%s", sc.name, sc.must, got.lines, want.lines)
				}
				if sc.closedOrReset {
					got.lines = strings.ReplaceAll(got.lines, "Connection reset by", "Connection closed by")
					want.lines = strings.ReplaceAll(want.lines, "Connection reset by", "Connection closed by")
				}
				if got.lines != want.lines {
					t.Errorf("%s: sshbox logged\n%s\nOpenSSH logged\n%s", sc.name, got.lines, want.lines)
				}
			}
			t.Run("fail2ban", func(t *testing.T) {
				ourHits := fail2banHits(t, ours.Proc.Stderr.String()[ourStart:])
				if theirHits := fail2banHits(t, theirs.Proc.Stderr.String()[theirStart:]); ourHits != theirHits {
					t.Errorf("fail2ban's sshd filter found in sshbox's log\n%s\nand in OpenSSH's\n%s", ourHits, theirHits)
				}
			})
		})
	}
}

// fail2banHits runs fail2ban's own sshd filter, in its aggressive mode
// (every failure it knows, the denial-of-service ones too), over a log as
// syslog would have written it, and returns what it found: the count for
// each of the filter's expressions that matched.
func fail2banHits(t *testing.T, log string) string {
	t.Helper()
	f2b := testenv.NeedCmd(t, "fail2ban-regex")
	var b strings.Builder
	for _, l := range strings.Split(strings.ReplaceAll(log, "\r", ""), "\n") {
		if l != "" {
			b.WriteString("Nov 28 03:22:28 host sshd[1234]: " + l + "\n")
		}
	}
	file := filepath.Join(t.TempDir(), "auth.log")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(f2b, file, "sshd[mode=aggressive]").CombinedOutput()
	if err != nil {
		t.Fatalf("fail2ban-regex: %v\n%s", err, out)
	}
	s := string(out)
	i, j := strings.Index(s, "\nFailregex: "), strings.Index(s, "\nIgnoreregex: ")
	if i < 0 || j < i {
		t.Fatalf("fail2ban-regex printed no Failregex section:\n%s", out)
	}
	return s[i+1 : j]
}

// logScenario is one thing a client does to a server; run gets the port.
// Both logs must have the normalised line must, when there is one.
// closedOrReset: the client leaves with data of the server's unread, or
// not, as timing has it, and the kernel ends with a reset or a close.
type logScenario struct {
	name          string
	run           func(t *testing.T, port int)
	must          string
	closedOrReset bool
}

func logScenarios(u *testenv.User, key, forced, other string, denied, locked *testenv.User, certs map[string]string, closedPort int) []logScenario {
	ssh := func(key, user string, opts ...string) func(t *testing.T, port int) {
		return func(t *testing.T, port int) {
			// The first value of an option wins: opts before the defaults.
			args := append(append([]string{}, opts...), "-o", "PreferredAuthentications=publickey")
			args = append(args, testenv.SSHArgs(key, port, user)...)
			cmd := exec.Command("ssh", append(args, "true")...)
			cmd.Run()
		}
	}
	// password logs in as user with the password pw, asked for up to
	// tries times. The password comes from SSH_ASKPASS, forced, once per
	// prompt: sshpass gives up at the second prompt and closes ssh's
	// terminal, and whether ssh's second attempt reached the server
	// first was a race (a wrong password twice logged once or twice).
	password := func(user, pw string, tries int, opts ...string) func(t *testing.T, port int) {
		return func(t *testing.T, port int) {
			askpass := filepath.Join(t.TempDir(), "askpass")
			if err := os.WriteFile(askpass, []byte("#!/bin/sh\necho '"+pw+"'\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			args := []string{"-F", "none", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
				"-o", "LogLevel=ERROR", "-o", "PubkeyAuthentication=no", "-o", fmt.Sprintf("NumberOfPasswordPrompts=%d", tries),
				"-p", fmt.Sprint(port)}
			args = append(append(args, opts...), user+"@127.0.0.1", "true")
			cmd := exec.Command("ssh", args...)
			cmd.Env = append(os.Environ(), "SSH_ASKPASS="+askpass, "SSH_ASKPASS_REQUIRE=force", "DISPLAY=")
			cmd.Run()
		}
	}
	// raw connects, reads the server's version line and then says line
	// (if any), and closes: with an RST instead of a FIN when reset.
	raw := func(line string, reset bool) func(t *testing.T, port int) {
		return func(t *testing.T, port int) {
			c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
			if err != nil {
				t.Error(err)
				return
			}
			c.SetDeadline(time.Now().Add(10 * time.Second))
			buf := make([]byte, 256)
			c.Read(buf)
			if line != "" {
				c.Write([]byte(line))
				time.Sleep(200 * time.Millisecond) // the server reads it before the end
			}
			if reset {
				c.(*net.TCPConn).SetLinger(0)
			}
			c.Close()
		}
	}
	// forward runs ssh -L to target and opens one connection through it.
	forward := func(target int) func(t *testing.T, port int) {
		return func(t *testing.T, port int) {
			local := testenv.FreePort(t)
			// The session outlasts the forwarding attempt even when the
			// machine is loaded (scripts/test runs this beside the rest
			// of e2e): a session that ended first took the forwarding,
			// and the server's line, with it.
			cmd := exec.Command("ssh", append([]string{"-L", fmt.Sprintf("127.0.0.1:%d:127.0.0.1:%d", local, target)},
				append(testenv.SSHArgs(key, port, u.Name), "sleep 10")...)...)
			if err := cmd.Start(); err != nil {
				t.Error(err)
				return
			}
			defer cmd.Wait()
			defer cmd.Process.Kill()
			// After the session has started: its line comes first.
			time.Sleep(time.Second)
			for deadline := time.Now().Add(8 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", local)); err == nil {
					c.SetDeadline(time.Now().Add(8 * time.Second))
					c.Read(make([]byte, 1)) // until the forwarding gives up
					c.Close()
					break
				}
			}
			time.Sleep(500 * time.Millisecond) // the server's line, before ssh is killed
		}
	}
	// paramikoAuth tries each user:password pair in turn on one
	// connection, as a paramiko program does with Transport.auth_password
	// (paramiko asks for the service again before each attempt).
	paramikoAuth := func(tries ...string) func(t *testing.T, port int) {
		return func(t *testing.T, port int) {
			script := `
import sys, paramiko
t = paramiko.Transport(("127.0.0.1", int(sys.argv[1])))
t.start_client()
for up in sys.argv[2:]:
    user, pw = up.split(":", 1)
    try:
        t.auth_password(user, pw)
        print("ok", user)
        break
    except Exception as e:
        print("refused", user, type(e).__name__)
# Let paramiko's reader take what the server sends after the login
# (hostkeys-00@openssh.com): closing a socket with unread bytes sends a
# reset, which the server logs as one ("Read error ... Connection reset
# by peer"). OpenSSH's sshd sends it after forking the user's process,
# sshbox's at once, so only sshbox's log showed the race.
import time
time.sleep(0.3)
t.close()
`
			out, err := exec.Command("/usr/bin/python3", append([]string{"-c", script, fmt.Sprint(port)}, tries...)...).CombinedOutput()
			if err != nil {
				t.Errorf("paramiko: %v\n%s", err, out)
			}
		}
	}
	// noMoreSessions opens a session, sends no-more-sessions@openssh.com
	// as OpenSSH's ssh does, then opens a second session, which both
	// servers answer by ending the connection. With forwardFirst it asks
	// for a remote forwarding first (refused here), after which sshbox's
	// sshd takes global requests on another goroutine than channels.
	noMoreSessions := func(forwardFirst bool) func(t *testing.T, port int) {
		return func(t *testing.T, port int) {
			script := `
import sys, time, paramiko
t = paramiko.Transport(("127.0.0.1", int(sys.argv[1])))
t.start_client()
t.auth_password(sys.argv[2], sys.argv[3])
if sys.argv[4] == "true":
    try:
        t.request_port_forward("127.0.0.1", 0)
    except Exception:
        pass
first = t.open_session()  # kept: paramiko closes a channel it no longer holds
t.global_request("no-more-sessions@openssh.com", wait=False)
try:
    t.open_session(timeout=5)
    print("second session opened")
except Exception as e:
    pass
time.sleep(0.3)
print("active" if t.is_active() else "ended")
`
			out, err := exec.Command("/usr/bin/python3", "-c", script, fmt.Sprint(port), u.Name, "right horse", fmt.Sprint(forwardFirst)).CombinedOutput()
			if err != nil || strings.TrimSpace(string(out)) != "ended" {
				t.Errorf("paramiko: %v\n%s", err, out)
			}
		}
	}
	const leftNormally = "Received disconnect from 127.0.0.1 port P:11: disconnected by user"
	scenarios := []logScenario{
		{name: "key", run: ssh(key, u.Name), must: leftNormally},
		{name: "key not authorized", run: ssh(other, u.Name)},
		{name: "two keys, the first refused", run: ssh(key, u.Name, "-i", other)},
		{name: "forced command", run: ssh(forced, u.Name)},
		{name: "key for a user that does not exist", run: ssh(key, "sbxnosuchuser")},
		// Refused key queries count against MaxAuthTries (3), as in OpenSSH.
		{name: "keys past MaxAuthTries", run: ssh(certs["certificate from an untrusted CA"], u.Name, "-i", other, "-i", certs["certificate for another principal"]), must: "maximum authentication attempts exceeded for "},
		{name: "keys past MaxAuthTries, a user that does not exist", run: ssh(key, "sbxnosuchuser", "-i", other, "-i", forced, "-i", certs["expired certificate"]), must: "maximum authentication attempts exceeded for invalid user "},
		{name: "terminal", run: func(t *testing.T, port int) {
			exec.Command("ssh", append([]string{"-tt"}, append(testenv.SSHArgs(key, port, u.Name), "exit")...)...).Run()
		}},
		{name: "shell", run: func(t *testing.T, port int) {
			cmd := exec.Command("ssh", append([]string{"-T"}, testenv.SSHArgs(key, port, u.Name)...)...)
			cmd.Stdin = strings.NewReader("exit\n")
			cmd.Run()
		}},
		{name: "subsystem", run: func(t *testing.T, port int) {
			exec.Command("ssh", append([]string{"-s"}, append(testenv.SSHArgs(key, port, u.Name), "sftp")...)...).Run()
		}},
		{name: "client killed", run: func(t *testing.T, port int) {
			cmd := exec.Command("ssh", append(testenv.SSHArgs(key, port, u.Name), "sleep 30")...)
			cmd.Start()
			time.Sleep(time.Second)
			cmd.Process.Kill()
			cmd.Wait()
		}},
		{name: "none", run: ssh(key, u.Name, "-o", "PreferredAuthentications=none")},
		// sshbox's clients leave as OpenSSH's ssh does: with a disconnect
		// message, which the servers log as a normal end.
		{name: "sshbox's ssh", run: func(t *testing.T, port int) {
			exec.Command(testenv.Bin(t, "ssh"), append(testenv.SSHArgs(key, port, u.Name), "true")...).Run()
		}, must: leftNormally},
		{name: "sshbox's sftp", run: func(t *testing.T, port int) {
			cmd := exec.Command(testenv.Bin(t, "sftp"), "-F", "none", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
				"-o", "IdentitiesOnly=yes", "-i", key, "-P", fmt.Sprint(port), "-b", "-", u.Name+"@127.0.0.1")
			cmd.Stdin = strings.NewReader("pwd\n")
			cmd.Run()
		}, must: leftNormally},
		{name: "forwarding PermitOpen refuses", run: forward(1)},
		{name: "forwarding to a closed port", run: forward(closedPort)},
		{name: "remote forwarding, AllowTcpForwarding local", run: ssh(key, u.Name, "-R", "127.0.0.1:0:127.0.0.1:22")},
		{name: "password", run: password(u.Name, "right horse", 1)},
		{name: "paramiko: a password after a refused one", run: paramikoAuth(u.Name+":wrong", u.Name+":right horse"),
			must: "Accepted password for "},
		{name: "paramiko: another user after a refused password", run: paramikoAuth(u.Name+":wrong", "root:wrong", "sbxnosuchuser:x"),
			must: ": Change of username or service not allowed: ("},
		{name: "a session after no-more-sessions", run: noMoreSessions(false),
			must: ": Possible attack: attempt to open a session after additional sessions disabled"},
		{name: "a session after no-more-sessions, a remote forwarding before", run: noMoreSessions(true),
			must: ": Possible attack: attempt to open a session after additional sessions disabled"},
		{name: "wrong password twice", run: password(u.Name, "wrong", 2)},
		{name: "wrong passwords past MaxAuthTries", run: password(u.Name, "wrong", 5)},
		{name: "user that does not exist", run: password("sbxnosuchuser", "wrong", 1)},
		{name: "user that does not exist past MaxAuthTries", run: password("sbxnosuchuser", "wrong", 5)},
		{name: "DenyUsers", run: password(denied.Name, "right horse", 1)},
		{name: "locked account", run: password(locked.Name, "right horse", 1)},
		{name: "root's password", run: password("root", "wrong", 1)},
		{name: "host key refused", run: func(t *testing.T, port int) {
			exec.Command("ssh", "-F", "none", "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=/dev/null",
				"-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-p", fmt.Sprint(port), u.Name+"@127.0.0.1", "true").Run()
		}, closedOrReset: true},
		{name: "key exchange method", run: ssh(key, u.Name, "-o", "KexAlgorithms=diffie-hellman-group1-sha1")},
		{name: "cipher", run: ssh(key, u.Name, "-o", "Ciphers=3des-cbc")},
		{name: "MAC", run: ssh(key, u.Name, "-o", "Ciphers=aes128-ctr", "-o", "MACs=hmac-md5")},
		{name: "host key type", run: ssh(key, u.Name, "-o", "HostKeyAlgorithms=ssh-dss")},
		{name: "closed before the version line", run: raw("", false)},
		{name: "reset before the version line", run: raw("", true)},
		{name: "empty version line", run: raw("\r\n", false)},
		{name: "not SSH", run: raw("GET / HTTP/1.0\r\n\r\n", false)},
		{name: "SSH-1", run: raw("SSH-1.5-old\r\n", false)},
		{name: "reset after the version line", run: raw("SSH-2.0-probe\r\n", true)},
		{name: "closed after the version line", run: raw("SSH-2.0-probe\r\n", false)},
	}
	for _, name := range slices.Sorted(maps.Keys(certs)) {
		// ssh offers the certificate beside the key (KEY-cert.pub).
		scenarios = append(scenarios, logScenario{name: name, run: ssh(certs[name], u.Name)})
	}
	return scenarios
}

// loggedLines are the lines a server logged for one scenario: raw, and
// normalised for comparison; err when it never settled.
type loggedLines struct {
	raw, lines string
	err        error
}

// runLogScenario runs sc against the server whose log is p's standard
// error and returns what it logged, once the connection's last line is
// there and nothing more came for a moment.
func runLogScenario(t *testing.T, p *testenv.Proc, port int, sc logScenario) loggedLines {
	start := len(p.Stderr.String())
	sc.run(t, port)
	// Done once the connection's last line is there and nothing more came
	// for a moment; or after a longer silence, for the ends that log
	// nothing at this level (a client killed, at INFO).
	deadline := time.Now().Add(15 * time.Second)
	seg, quiet := "", time.Duration(0)
	for {
		const tick = 100 * time.Millisecond
		time.Sleep(tick)
		now := p.Stderr.String()[start:]
		if now != seg {
			seg, quiet = now, 0
		} else {
			quiet += tick
		}
		if quiet >= 300*time.Millisecond && lastLogLine.MatchString(seg) || quiet >= 2*time.Second {
			break
		}
		if time.Now().After(deadline) {
			return loggedLines{raw: seg, err: fmt.Errorf("the log did not settle:\n%s", seg)}
		}
	}
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(seg, "\r", ""), "\n") {
		if l == "" || ignoredOpenSSHLine.MatchString(l) {
			continue
		}
		for _, n := range logNormalise {
			l = n.re.ReplaceAllString(l, n.to)
		}
		out = append(out, l)
	}
	return loggedLines{raw: seg, lines: strings.Join(out, "\n")}
}

// lastLogLine matches the line that ends a connection's log, whatever
// ended it (after "Connection closed by A port P" of an authenticated
// connection come "Transferred" and "Closing connection").
var lastLogLine = regexp.MustCompile(`(?m)^(Disconnected from .*|Closing connection to .*|banner exchange: .*|Unable to negotiate .*|Connection (closed|reset) by .*( \[preauth\]|\d)|Read error from .*|Protocol major versions differ.*)\r?$`)

// ignoredOpenSSHLine: what only OpenSSH's process layout writes (its
// unprivileged child, the pid of the session's process), what its build
// without PAM writes for a user that does not exist (the fake account's
// shadow entry) or when utmp has no entry to close, and "Close session",
// which OpenSSH writes before or after the client's disconnect by a race
// (runLogScenario's caller counts them instead).
var ignoredOpenSSHLine = regexp.MustCompile(`^(User child is on pid \d+|Could not get shadow information for NOUSER|syslogin_perform_logout: logout\(\) returned an error|Close session: .*)$`)

var logNormalise = []struct {
	re *regexp.Regexp
	to string
}{
	{regexp.MustCompile(`port \d+`), "port P"},
	{regexp.MustCompile(`\[127\.0\.0\.1\]:\d+`), "[127.0.0.1]:P"},
	{regexp.MustCompile(`pts/\d+`), "pts/N"},
	{regexp.MustCompile(`Transferred: sent \d+, received \d+ bytes`), "Transferred: sent N, received N bytes"},
}
