package server

import (
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/syslogw/syslogtest"
	"sshbox/internal/vis"
	"sshbox/sshcore/loglevel"
)

// TestSyslogLogger: without -e or -E, sshd logs to syslog as OpenSSH does,
// under the tag "sshd" and the configured SyslogFacility, with the severity
// of each line. A real datagram socket stands in for /dev/log.
func TestSyslogLogger(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "log")
	read := syslogtest.Listen(t, sock)
	syslogNetwork, syslogAddr = "unixgram", sock
	defer func() { syslogNetwork, syslogAddr = "", "" }()

	lg, err := NewSyslogLogger("LOCAL3", loglevel.Info)
	if err != nil {
		t.Fatal(err)
	}
	lg.Debugf("not at this level")
	lg.Infof("Accepted publickey for alice from 127.0.0.1 port 4242 ssh2: ED25519 SHA256:x")
	lg.Errorf("Bind to port 22 on 0.0.0.0 failed: Address already in use.")
	lg.Infof("Invalid user %s from 127.0.0.1 port 1", forged)

	// LOCAL3 is facility 19: info is 19*8+6, err 19*8+3.
	info, errLine := read(), read()
	if !strings.HasPrefix(info, "<158>") || !strings.Contains(info, " sshd[") ||
		!strings.HasSuffix(strings.TrimSpace(info), "Accepted publickey for alice from 127.0.0.1 port 4242 ssh2: ED25519 SHA256:x") {
		t.Errorf("info line: %q", info)
	}
	if !strings.HasPrefix(errLine, "<155>") || !strings.HasSuffix(strings.TrimSpace(errLine), "sshd["+pidOf(errLine)+"]: error: Bind to port 22 on 0.0.0.0 failed: Address already in use.") {
		t.Errorf("error line: %q", errLine)
	}
	// In syslog, log.c's VIS_CSTYLE escapes: \n, \r, \\, \033...
	if escaped := read(); !strings.HasSuffix(strings.TrimSpace(escaped), "Invalid user "+vis.CStyle(forged)+" from 127.0.0.1 port 1") {
		t.Errorf("client string not escaped in syslog: %q", escaped)
	}
	if strings.Contains(info+errLine, "not at this level") {
		t.Error("a debug line was sent at LogLevel INFO")
	}

	if _, err := NewSyslogLogger("LOCAL9", loglevel.Info); err == nil || !strings.Contains(err.Error(), "LOCAL9") {
		t.Errorf("an unknown facility is not an error naming it: %v", err)
	}
	for _, fac := range []string{"", "AUTH", "authpriv", "DAEMON", "USER", "LOCAL0", "LOCAL7"} {
		if lg, err := NewSyslogLogger(fac, loglevel.Info); err != nil {
			t.Errorf("facility %q: %v", fac, err)
		} else {
			lg.syslog.Close()
		}
	}
}

// pidOf is the pid in a syslog line's "sshd[PID]: " tag.
func pidOf(line string) string {
	_, rest, _ := strings.Cut(line, "sshd[")
	pid, _, _ := strings.Cut(rest, "]")
	return pid
}

// A user name carrying a newline and a whole fake log line.
const (
	forged    = "x\nAccepted password for root from 10.0.0.1 port 22 ssh2\r\\\x1b[2J\xff"
	forgedVis = `x\012Accepted password for root from 10.0.0.1 port 22 ssh2\015\\\033[2J\377`
)

// TestLogEscapesClientStrings: whatever a client sends, one log call is
// one line, its non-printable bytes written as \ooo (OpenSSH's strnvis
// VIS_SAFE|VIS_OCTAL, with newline and CR escaped too: internal/vis.Line); the syslog sink is checked in TestSyslogLogger.
func TestLogEscapesClientStrings(t *testing.T) {
	var b strings.Builder
	lg := NewLogger(&b, loglevel.Debug3)
	lg.Infof("Invalid user %s from %s port %d", forged, "127.0.0.1", 4242)
	lg.Debugf("Ignoring env %s", "A\nB")
	// Each line ended in CR LF, as OpenSSH's log.c ends it.
	want := "Invalid user " + forgedVis + " from 127.0.0.1 port 4242\r\ndebug1: Ignoring env A\\012B\r\n"
	if b.String() != want {
		t.Errorf("log:\n%q\nwant\n%q", b.String(), want)
	}
}
