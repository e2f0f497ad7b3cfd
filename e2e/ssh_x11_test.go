package e2e

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// x11Client runs ssh (sshbox's or OpenSSH's) with env added and the
// flags before the destination; it returns stdout and stderr.
func x11Client(t *testing.T, ssh string, env []string, port int, key string, u *testenv.User, flags []string, command string) (string, string) {
	t.Helper()
	args := append(append([]string{}, flags...), testenv.SSHArgs(key, port, u.Name)...)
	cmd := exec.Command(ssh, append(args, command)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DISPLAY=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Errorf("%s %v %s: %v\n%s", ssh, flags, command, err, stderr.String())
	}
	return string(out), stderr.String()
}

// TestSSHX11Forwarding: sshbox's ssh forwards the display an X client on
// the server uses, to OpenSSH's sshd and to sshbox's, as OpenSSH's ssh
// does beside it: -X and -Y reach the real X server (Xvfb), whose own
// cookie never leaves the client (the server holds a fake one of the same
// length); ForwardX11Trusted no uses an untrusted cookie xauth makes; -x
// after -Y and a missing DISPLAY forward nothing; an X client on the
// server with any other cookie is turned away with OpenSSH's message; and
// with ForwardX11Timeout a connection after the timeout is refused.
func TestSSHX11Forwarding(t *testing.T) {
	t.Parallel()
	d := startXvfb(t)
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	box := testenv.StartSshbox(t, "X11Forwarding yes")
	ossh := testenv.StartOpenSSHD(t, "X11Forwarding yes")
	probe := x11Probe + `; xauth list "unix:$n" 2>/dev/null | awk '{print "cookie=" $3}'`
	forwarded := regexp.MustCompile(`^display=localhost:\d+\.0\nxauth=MIT-MAGIC-COOKIE-1\nx11=ok\ncookie=([0-9a-f]{32})\n$`)

	// An X client on the server with a cookie of its own making.
	badProbe := `n=${DISPLAY#*:}; xauth -q -f bad.auth add "unix:$n" . 0123456789abcdef0123456789abcdef && ` +
		`XAUTHORITY=bad.auth xdpyinfo >/dev/null 2>&1 && echo x11=ok || echo x11=failed; rm -f bad.auth`

	eachClientServer(t, box.Port, ossh.Port, func(client, server, ssh string, port int) {
		what := client + " ssh to " + server + " sshd"
		run := func(env, flags []string, command string) (string, string) {
			return x11Client(t, ssh, env, port, key, u, flags, command)
		}
		for _, flags := range [][]string{{"-X"}, {"-Y"}, {"-X", "-o", "ForwardX11Trusted=no"}} {
			out, stderr := run(d.Env(), flags, probe)
			if m := forwarded.FindStringSubmatch(out); m == nil {
				t.Errorf("%s %v: %q, want an X11 session\n%s", what, flags, out, stderr)
			} else if m[1] == d.Cookie {
				t.Errorf("%s %v: the server has the display's own cookie", what, flags)
			}
		}
		if out, _ := run(d.Env(), []string{"-Y", "-x"}, x11Probe); out != x11Absent {
			t.Errorf("%s -Y -x: %q, want %q", what, out, x11Absent)
		}
		if out, _ := run(nil, []string{"-X"}, x11Probe); out != x11Absent {
			t.Errorf("%s -X without DISPLAY: %q, want %q", what, out, x11Absent)
		}
		out, stderr := run(d.Env(), []string{"-X", "-o", "LogLevel=INFO"}, badProbe)
		if out != "x11=failed\n" || !strings.Contains(stderr, "X11 connection rejected because of wrong authentication.") {
			t.Errorf("%s, a wrong cookie: %q, stderr %q", what, out, stderr)
		}
		out, stderr = run(d.Env(), []string{"-X", "-o", "ForwardX11Trusted=no", "-o", "ForwardX11Timeout=1", "-o", "LogLevel=VERBOSE"},
			"sleep 2; "+x11Probe)
		if !strings.HasSuffix(out, "x11=failed\n") || !strings.Contains(stderr, "Rejected X11 connection after ForwardX11Timeout expired") {
			t.Errorf("%s, after ForwardX11Timeout: %q, stderr %q", what, out, stderr)
		}
	})
}

// TestSSHX11SharedConnection: a passenger of sshbox's connection-sharing
// master that asks for X11 (-X) gets it through the master, with the
// master's display, as with OpenSSH's master; one that does not ask gets
// no DISPLAY. The passengers are OpenSSH's ssh and sshbox's.
func TestSSHX11SharedConnection(t *testing.T) {
	t.Parallel()
	d := startXvfb(t)
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	box := testenv.StartSshbox(t, "X11Forwarding yes")
	dir, err := os.MkdirTemp("", "mux") // short: sun_path holds 108 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	shared := []string{"-o", "ControlMaster=auto", "-o", "ControlPersist=60s", "-o", "ControlPath=" + dir + "/cm"}
	sshbox := testenv.Bin(t, "ssh")
	t.Cleanup(func() {
		exec.Command(sshbox, append(append([]string{}, shared...), "-O", "exit", "-p", "1", "127.0.0.1")...).Run()
	})
	if out, _ := x11Client(t, sshbox, d.Env(), box.Port, key, u, append([]string{"-X"}, shared...), "echo master"); out != "master\n" {
		t.Fatalf("master: %q", out)
	}
	for _, cl := range []string{sshbox, testenv.NeedCmd(t, "ssh")} {
		flags := []string{"-o", "ControlMaster=no", "-o", "ControlPath=" + dir + "/cm"}
		out, stderr := x11Client(t, cl, nil, box.Port, key, u, append([]string{"-X"}, flags...), x11Probe)
		if !forwardedDisplay.MatchString(out) {
			t.Errorf("%s -X through the master: %q, want an X11 session\n%s", cl, out, stderr)
		}
		if out, _ := x11Client(t, cl, nil, box.Port, key, u, flags, x11Probe); out != x11Absent {
			t.Errorf("%s through the master: %q, want %q", cl, out, x11Absent)
		}
	}
	if n := strings.Count(box.Proc.Stderr.String(), "Accepted publickey"); n != 1 {
		t.Errorf("%d logins, want the master's only", n)
	}
}
