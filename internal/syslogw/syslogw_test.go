package syslogw

import (
	"log/syslog"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/syslogw/syslogtest"
	"sshbox/sshcore/loglevel"
)

// TestSeverityAndFacility: each LogLevel goes with the severity OpenSSH's
// log.c gives it, and the facility names are log.c's, in any case, with
// the caller's default for none.
func TestSeverityAndFacility(t *testing.T) {
	for level, want := range map[loglevel.Level]syslog.Priority{
		loglevel.Fatal: syslog.LOG_CRIT, loglevel.Error: syslog.LOG_ERR,
		loglevel.Info: syslog.LOG_INFO, loglevel.Verbose: syslog.LOG_INFO,
		loglevel.Debug1: syslog.LOG_DEBUG, loglevel.Debug2: syslog.LOG_DEBUG, loglevel.Debug3: syslog.LOG_DEBUG,
	} {
		if got := Severity(level); got != want {
			t.Errorf("Severity(%v) = %d, want %d", level, got, want)
		}
	}
	for name, want := range map[string]syslog.Priority{
		"": syslog.LOG_USER, "daemon": 3 << 3, "USER": 1 << 3, "Auth": 4 << 3, "AUTHPRIV": 10 << 3,
		"LOCAL0": 16 << 3, "local5": 21 << 3, "LOCAL7": 23 << 3,
	} {
		if got, err := Facility(name, syslog.LOG_USER); err != nil || got != want {
			t.Errorf("Facility(%q) = %d, %v; want %d", name, got, err, want)
		}
	}
	for _, bad := range []string{"LOCAL8", "LOCAL", "LOCAL03", "KERN", "SYSLOG", "local1x"} {
		if _, err := Facility(bad, syslog.LOG_USER); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("Facility(%q): %v", bad, err)
		}
	}
}

// TestLine: the words before the message and the escaping are log.c's
// for syslog (VIS_CSTYLE|VIS_NL|VIS_TAB|VIS_OCTAL), and a line stops at
// 500 bytes.
func TestLine(t *testing.T) {
	for _, c := range []struct {
		level   loglevel.Level
		in, out string
	}{
		{loglevel.Fatal, "root@h: Permission denied (publickey).", "fatal: root@h: Permission denied (publickey)."},
		{loglevel.Error, "ssh: connect to host h port 1: Connection refused", "error: ssh: connect to host h port 1: Connection refused"},
		{loglevel.Info, "Warning: Permanently added 'h' (ED25519) to the list of known hosts.", "Warning: Permanently added 'h' (ED25519) to the list of known hosts."},
		{loglevel.Verbose, "Authenticated to h", "Authenticated to h"},
		{loglevel.Debug1, "Reading configuration data x", "debug1: Reading configuration data x"},
		{loglevel.Debug3, "x", "debug3: x"},
		{loglevel.Error, "The fingerprint is\nSHA256:x.", `error: The fingerprint is\nSHA256:x.`},
		{loglevel.Info, "a\tb\rc\\d\x1b[2J\xff\x00e\x001", `a\tb\rc\\d\033[2J\377\0e\0001`},
	} {
		if got := Line(c.level, c.in); got != c.out {
			t.Errorf("Line(%v, %q) = %q, want %q", c.level, c.in, got, c.out)
		}
	}
	if got := Line(loglevel.Info, strings.Repeat("x", 600)); len(got) != 500 {
		t.Errorf("a long line is %d bytes", len(got))
	}
}

// TestWriterReconnects: a writer with no log yet says so and keeps
// nothing; once a log is there it sends, each line with its priority
// and "tag[pid]: ".
func TestWriterReconnects(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "log")
	w := New("unixgram", sock, syslog.LOG_LOCAL2, "ssh")
	defer w.Close()
	if err := w.Send(loglevel.Info, "lost"); err == nil {
		t.Fatal("sent with no log to send to")
	}
	next := syslogtest.Listen(t, sock)
	if err := w.Send(loglevel.Fatal, Line(loglevel.Fatal, "gone")); err != nil {
		t.Fatal(err)
	}
	// LOCAL2 is 18: crit is 18*8+2.
	if got := next(); !strings.HasPrefix(got, "<146>") || !strings.Contains(got, " ssh[") ||
		!strings.HasSuffix(strings.TrimSpace(got), "]: fatal: gone") {
		t.Errorf("datagram %q", got)
	}
}
