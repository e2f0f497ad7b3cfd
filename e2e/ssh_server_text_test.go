package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// hostileServer is a paramiko server whose banner and disconnect reason
// carry terminal control sequences (a window title, a clipboard write, a
// screen clear, a bell), a right-to-left override and UTF-8: it shows the
// banner, then answers the first public key offered by disconnecting, or
// with "session", lets the key in and disconnects once a command starts.
const hostileServer = `
import socket, sys, threading, paramiko
from paramiko.message import Message
from paramiko.common import cMSG_DISCONNECT
key = paramiko.Ed25519Key.from_private_key_file(sys.argv[2])
banner = b"Welcome\x1b[31m red\x1b[0m caf\xc3\xa9 \xe2\x80\xae evil\x1b]52;c;ZXZpbA==\x07\nsecond\tline \\ end\n\x9b2J\xff\n"
reason = b"by\x1b]0;pwned\x07 caf\xc3\xa9 \x1b[2J\\ end\r\nline2\x00x"
session = sys.argv[3] == "session"
def disconnect(t):
    m = Message()
    m.add_byte(cMSG_DISCONNECT)
    m.add_int(11)
    m.add_string(reason)
    m.add_string(b"en")
    t._send_message(m)
class S(paramiko.ServerInterface):
    def __init__(self, t): self.t = t
    def get_allowed_auths(self, username): return "publickey"
    def get_banner(self): return (banner.decode("latin-1"), "en")
    def check_auth_publickey(self, username, key):
        if session:
            return paramiko.AUTH_SUCCESSFUL
        disconnect(self.t)
        return paramiko.AUTH_FAILED
    def check_channel_request(self, kind, chanid): return paramiko.OPEN_SUCCEEDED
    def check_channel_exec_request(self, channel, command):
        threading.Timer(0.2, disconnect, [self.t]).start()
        return True
def serve(c):
    t = paramiko.Transport(c)
    t.add_server_key(key)
    t.start_server(server=S(t))
`

// TestSSHServerTextEscaped: what a server says reaches the terminal as
// OpenSSH's ssh shows it: the banner through fmprintf's rules (printable
// UTF-8 under a UTF-8 locale, nothing but ASCII otherwise, every other
// byte as \ooo), the disconnect reason through log.c's strnvis(VIS_SAFE|
// VIS_OCTAL); no escape character from the server reaches the terminal.
// OpenSSH's ssh runs beside sshbox's against the same server, under each
// locale, to stderr and with -E to a file.
func TestSSHServerTextEscaped(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	hostKey := testenv.OpenSSHKey(t, dir, "ed25519")
	userKey := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	for _, mode := range []string{"auth", "session"} {
		port, py := startParamiko(t, hostileServer, hostKey, mode)
		hostileClients(t, mode, port, userKey)
		if t.Failed() {
			t.Logf("server: %s", py.Stderr.String())
		}
	}
}

// hostileClients runs both clients against the hostile server, each
// locale, to stderr and to -E's file, and compares what they show.
func hostileClients(t *testing.T, mode string, port int, userKey string) {
	run := func(prog string, env []string, extra ...string) (stderr, logFile string, status int) {
		t.Helper()
		logPath := filepath.Join(t.TempDir(), "log")
		args := append([]string{"-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
			"-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-i", userKey, "-p", fmt.Sprint(port)}, extra...)
		if len(extra) > 0 && extra[0] == "-E" {
			args[len(args)-len(extra)+1] = logPath
		}
		cmd := exec.Command(prog, append(args, "alice@127.0.0.1", "true")...)
		cmd.Env = append(os.Environ(), env...)
		var errb strings.Builder
		cmd.Stderr = &errb
		err := cmd.Run()
		b, _ := os.ReadFile(logPath)
		return strings.ReplaceAll(errb.String(), "\r", ""), strings.ReplaceAll(string(b), "\r", ""), testenv.ExitCode(err)
	}
	for _, env := range [][]string{{"LC_ALL=", "LC_CTYPE=", "LANG=C.UTF-8"}, {"LC_ALL=C"}} {
		for _, extra := range [][]string{nil, {"-E", "LOG"}} {
			what := fmt.Sprintf("%s: %s %v", mode, env[len(env)-1], extra)
			oursErr, oursLog, oursStatus := run(testenv.Bin(t, "ssh"), env, extra...)
			theirsErr, theirsLog, theirsStatus := run(testenv.NeedCmd(t, "ssh"), env, extra...)
			if oursErr != theirsErr || oursLog != theirsLog || oursStatus != theirsStatus {
				t.Errorf("%s: sshbox (status %d)\nstderr %q\nlog %q\nOpenSSH (status %d)\nstderr %q\nlog %q",
					what, oursStatus, oursErr, oursLog, theirsStatus, theirsErr, theirsLog)
			}
			// A bell passes, as VIS_SAFE lets it; nothing that starts a
			// control sequence does.
			if strings.ContainsAny(oursErr+oursLog, "\x1b\x9b\x00") || strings.Contains(oursErr+oursLog, "\u009b") {
				t.Errorf("%s: a control character of the server's reached the terminal: %q %q", what, oursErr, oursLog)
			}
			if !strings.Contains(oursErr+oursLog, `\033]0;pwned`) || !strings.Contains(oursErr, "second\tline") {
				t.Errorf("%s: the server's text is not shown escaped: %q %q", what, oursErr, oursLog)
			}
		}
	}
}
