package server

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/sshcore/loglevel"
)

// TestSyslogLogger: without -e or -E, sshd logs to syslog as OpenSSH does,
// under the tag "sshd" and the configured SyslogFacility, with the severity
// of each line. A real datagram socket stands in for /dev/log.
func TestSyslogLogger(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "log")
	l, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	syslogNetwork, syslogAddr = "unixgram", sock
	defer func() { syslogNetwork, syslogAddr = "", "" }()

	lg, err := NewSyslogLogger("LOCAL3", loglevel.Info)
	if err != nil {
		t.Fatal(err)
	}
	lg.Debugf("not at this level")
	lg.Infof("Accepted publickey for alice from 127.0.0.1 port 4242 ssh2: ED25519 SHA256:x")
	lg.Errorf("error: Bind to port 22 on 0.0.0.0 failed: Address already in use.")

	read := func() string {
		buf := make([]byte, 2048)
		l.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, err := l.Read(buf)
		if err != nil {
			t.Fatalf("no syslog datagram: %v", err)
		}
		return string(buf[:n])
	}
	// LOCAL3 is facility 19: info is 19*8+6, err 19*8+3.
	info, errLine := read(), read()
	if !strings.HasPrefix(info, "<158>") || !strings.Contains(info, " sshd[") ||
		!strings.HasSuffix(strings.TrimSpace(info), "Accepted publickey for alice from 127.0.0.1 port 4242 ssh2: ED25519 SHA256:x") {
		t.Errorf("info line: %q", info)
	}
	if !strings.HasPrefix(errLine, "<155>") || !strings.Contains(errLine, "Address already in use.") {
		t.Errorf("error line: %q", errLine)
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
