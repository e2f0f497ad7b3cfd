package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// paramikoListen ends every paramiko server script of the tests: it
// listens on 127.0.0.1 at the port given first and hands each connection
// to the script's serve(c); an exception ends only that connection (a
// port probe that hung up).
const paramikoListen = `
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", int(sys.argv[1])))
l.listen(5)
print("listening", flush=True)
while True:
    c, _ = l.accept()
    try:
        serve(c)
    except Exception:
        pass
`

// startParamiko runs a paramiko server script (one that defines serve(c))
// on a free port, args after the port, and waits until it listens.
func startParamiko(t *testing.T, script string, args ...string) (int, *testenv.Proc) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "server.py")
	if err := os.WriteFile(p, []byte(script+paramikoListen), 0o600); err != nil {
		t.Fatal(err)
	}
	port := testenv.FreePort(t)
	py := testenv.Start(t, "/usr/bin/python3", append([]string{p, fmt.Sprint(port)}, args...)...)
	testenv.WaitPort(t, fmt.Sprintf("127.0.0.1:%d", port), 20*time.Second)
	return port, py
}

// kbdServer is a paramiko server that knows only keyboard-interactive: it
// asks for a code and runs nothing but answers an exec with "kbd-ok".
const kbdServer = `
import socket, sys, threading, paramiko
key = paramiko.RSAKey.generate(2048)
print(key.get_name() + " " + key.get_base64(), flush=True)
class S(paramiko.ServerInterface):
    def get_allowed_auths(self, username): return "keyboard-interactive"
    def check_auth_interactive(self, username, submethods):
        q = paramiko.server.InteractiveQuery("sshbox test", "Type the code.")
        q.add_prompt("Code: ", False)
        return q
    def check_auth_interactive_response(self, responses):
        return paramiko.AUTH_SUCCESSFUL if list(responses) == ["4242"] else paramiko.AUTH_FAILED
    def check_channel_request(self, kind, chanid): return paramiko.OPEN_SUCCEEDED
    def check_channel_exec_request(self, channel, command):
        def run():
            channel.sendall(b"kbd-ok\n")
            channel.send_exit_status(0)
            channel.close()
        threading.Timer(0.1, run).start()
        return True
def serve(c):
    t = paramiko.Transport(c)
    t.add_server_key(key)
    t.start_server(server=S())
`

func TestSSHKeyboardInteractive(t *testing.T) {
	dir := t.TempDir()
	port, py := startParamiko(t, kbdServer)
	hostKey := strings.TrimSpace(strings.SplitN(py.Stdout.String(), "\n", 2)[0])
	if !strings.HasPrefix(hostKey, "ssh-rsa ") {
		t.Fatalf("paramiko printed %q; stderr:\n%s", hostKey, py.Stderr.String())
	}
	e := &sshEnv{t: t, home: dir, port: port, kh: testenv.KnownHosts(t, dir, port, hostKey)}
	args := []string{"-F", "/dev/null", "-o", "UserKnownHostsFile=" + e.kh, "-p", fmt.Sprint(port), "alice@127.0.0.1", "true"}
	tm := e.term(24, 80, args...)
	at := tm.Expect(0, "Type the code.", 20*time.Second)
	at = tm.Expect(at, "Code: ", 5*time.Second)
	tm.Type("4242\r")
	tm.Expect(at, "kbd-ok", 10*time.Second)
	if status := tm.Wait(10 * time.Second); status != 0 {
		t.Errorf("status %d; terminal:\n%s", status, tm.Output())
	}
	if strings.Contains(tm.Output(), "4242") {
		t.Error("the answer was echoed")
	}
}
