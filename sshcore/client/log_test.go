package client

import (
	"bytes"
	"log/syslog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/syslogw"
	"sshbox/internal/syslogw/syslogtest"
	"sshbox/sshcore/loglevel"
)

// TestSyslogLogger: under -y each line goes to the system log with the
// severity and words OpenSSH's log.c gives its level, and a failure that
// ends ssh with the level OpenSSH logs it at (an error() line, then
// packet.c's logdie at INFO); a banner is one line per error() call;
// lines above the LogLevel are not sent.
func TestSyslogLogger(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "log")
	next := syslogtest.Listen(t, sock)
	w := syslogw.New("unixgram", sock, syslog.LOG_LOCAL1, "ssh")
	defer w.Close()
	log := NewSyslogLogger(w, loglevel.Debug1)
	log.Debug2("not at this level")
	log.Debug1("Connecting to h [127.0.0.1] port 22.")
	log.Info("Warning: Permanently added 'h' (ED25519) to the list of known hosts.")
	log.ErrorLines("IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\nThe fingerprint for the ED25519 key sent by the remote host is\nSHA256:x.\nPlease contact your system administrator.\n")
	log.Fail(logdief(msgBannerClosed, msgClosedBy, "h port 22"))
	log.Fail(fatalf("%s", msgHostKeyFailed))
	// LOCAL1 is 17: 136 + severity.
	want := []string{
		"<143>debug1: Connecting to h [127.0.0.1] port 22.",
		"<142>Warning: Permanently added 'h' (ED25519) to the list of known hosts.",
		"<139>error: IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!",
		`<139>error: The fingerprint for the ED25519 key sent by the remote host is\nSHA256:x.`,
		"<139>error: Please contact your system administrator.",
		"<139>error: kex_exchange_identification: Connection closed by remote host",
		"<142>Connection closed by h port 22",
		"<138>fatal: Host key verification failed.",
	}
	for _, w := range want {
		d := strings.TrimSuffix(next(), "\n")
		pri, text, _ := strings.Cut(d, ">")
		_, text, _ = strings.Cut(text, "]: ")
		if got := pri + ">" + text; got != w || !strings.Contains(d, " ssh[") {
			t.Errorf("datagram %q, want %q", d, w)
		}
	}
	if log.OnStderr() {
		t.Error("a syslog logger says it logs on stderr")
	}
}

// TestEscapeVerbosity: ~v and ~V change the LogLevel when ssh logs on
// stderr; when it logs to a file (-E) or to syslog (-y) they only say
// "[Logging to syslog]", as OpenSSH's do (log_is_on_stderr).
func TestEscapeVerbosity(t *testing.T) {
	file, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	for _, c := range []struct {
		name string
		log  *Logger
		want string
		lvl  loglevel.Level
	}{
		{"stderr", NewLogger(os.Stderr, loglevel.Info), "~v [LogLevel VERBOSE]\r\n", loglevel.Verbose},
		{"-E", NewLogger(file, loglevel.Info), "~v [Logging to syslog]\r\n", loglevel.Info},
		{"-y", NewSyslogLogger(syslogw.New("unixgram", filepath.Join(t.TempDir(), "none"), syslog.LOG_USER, "ssh"), loglevel.Info),
			"~v [Logging to syslog]\r\n", loglevel.Info},
	} {
		var out bytes.Buffer
		e := &escapeFilter{c: &Client{Log: c.log}, ch: '~', w: &out}
		e.verbosity('v')
		if out.String() != c.want || c.log.Level() != c.lvl {
			t.Errorf("%s: ~v said %q, level %v; want %q, %v", c.name, out.String(), c.log.Level(), c.want, c.lvl)
		}
	}
}
