package e2e

import (
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// runX11 runs OpenSSH's ssh -Y on display d against port, as u with key,
// and returns its standard output and error.
func runX11(t *testing.T, d *xDisplay, port int, key string, u *testenv.User, command string, extra ...string) (string, string) {
	t.Helper()
	args := append([]string{"-Y"}, extra...)
	args = append(args, testenv.SSHArgs(key, port, u.Name)...)
	cmd := exec.Command(testenv.NeedCmd(t, "ssh"), append(args, command)...)
	cmd.Env = append(os.Environ(), d.Env()...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Errorf("ssh -Y %s: %v\n%s", command, err, stderr.String())
	}
	return string(out), stderr.String()
}

var forwardedDisplay = regexp.MustCompile(`^display=localhost:(\d+)\.0\nxauth=MIT-MAGIC-COOKIE-1\nx11=ok\n$`)

// TestSshdX11Forwarding: with X11Forwarding yes an X client in the session
// reaches the client's display: DISPLAY is localhost:N.0 for the first free
// N from X11DisplayOffset, the cookie is in the user's ~/.Xauthority (put
// there with XAuthLocation's xauth), and xdpyinfo talks to the real X
// server (Xvfb) through the connection. Everything that forbids it
// (X11Forwarding no, DisableForwarding, no-x11-forwarding and restrict in
// authorized_keys, an XAuthLocation that is not there) leaves the session
// without a DISPLAY and the client says the request failed. OpenSSH 9.2's
// sshd under the same configurations gives the same.
func TestSshdX11Forwarding(t *testing.T) {
	t.Parallel()
	d := startXvfb(t)
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	noX11 := u.AuthorizeKey(t, "no-x11-forwarding")
	restricted := u.AuthorizeKey(t, "restrict,pty")
	const failed = "X11 forwarding request failed on channel 0"
	for _, c := range []struct {
		what, config, key string
		offset            int // the least display number, 0 when denied
	}{
		{"X11Forwarding yes", "X11Forwarding yes", key, 10},
		{"X11DisplayOffset 40", "X11Forwarding yes\nX11DisplayOffset 40", key, 40},
		{"default (no)", "", key, 0},
		{"DisableForwarding", "X11Forwarding yes\nDisableForwarding yes", key, 0},
		{"no-x11-forwarding", "X11Forwarding yes", noX11, 0},
		{"restrict", "X11Forwarding yes", restricted, 0},
		{"no xauth", "X11Forwarding yes\nXAuthLocation /nonexistent/xauth", key, 0},
		{"Match", "Match User " + u.Name + "\n  X11Forwarding yes", key, 10},
	} {
		box := testenv.StartSshbox(t, c.config)
		ossh := testenv.StartOpenSSHD(t, c.config)
		remote := map[string]string{} // what each server told ssh -v (SSH_MSG_DEBUG)
		for _, srv := range []struct {
			name string
			port int
		}{{"sshbox", box.Port}, {"OpenSSH", ossh.Port}} {
			out, stderr := runX11(t, d, srv.port, c.key, u, x11Probe, "-o", "LogLevel=DEBUG1")
			remote[srv.name] = grepLines(strings.ReplaceAll(stderr, "\r\n", "\n"), "debug1: Remote: ")
			if c.offset == 0 {
				if out != x11Absent || !strings.Contains(stderr, failed) {
					t.Errorf("%s, %s: %q, stderr %q; want %q and %q", srv.name, c.what, out, stderr, x11Absent, failed)
				}
				continue
			}
			m := forwardedDisplay.FindStringSubmatch(out)
			if m == nil {
				t.Errorf("%s, %s: %q (stderr %q), want an X11 session", srv.name, c.what, out, stderr)
				continue
			}
			if n, _ := strconv.Atoi(m[1]); n < c.offset || n >= c.offset+1000 {
				t.Errorf("%s, %s: display %d, want one from %d", srv.name, c.what, n, c.offset)
			}
		}
		if remote["sshbox"] != remote["OpenSSH"] {
			t.Errorf("%s: sshbox's sshd told ssh -v\n%s\nOpenSSH's\n%s", c.what, remote["sshbox"], remote["OpenSSH"])
		}
		if t.Failed() {
			t.Logf("sshbox's log:\n%s", box.Proc.Stderr.String())
			return
		}
	}
}

// TestSshdX11RC: with X11 forwarding and a ~/.ssh/rc, sshd runs no xauth
// itself; the rc file reads "PROTO COOKIE" on its standard input, as
// OpenSSH's sshd gives it, and has to add the cookie (here it only
// records what it read).
func TestSshdX11RC(t *testing.T) {
	t.Parallel()
	d := startXvfb(t)
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	u.WriteFile(t, ".ssh/rc", []byte("read proto cookie\necho \"rc=$proto ${#cookie}\"\n"), 0o644)
	want := regexp.MustCompile(`^rc=MIT-MAGIC-COOKIE-1 32\ndisplay=localhost:\d+\.0\nx11=failed\n$`)
	box := testenv.StartSshbox(t, "X11Forwarding yes")
	ossh := testenv.StartOpenSSHD(t, "X11Forwarding yes")
	for _, srv := range []struct {
		name string
		port int
	}{{"sshbox", box.Port}, {"OpenSSH", ossh.Port}} {
		out, _ := runX11(t, d, srv.port, key, u, x11Probe)
		if !want.MatchString(out) {
			t.Errorf("%s: %q, want %s", srv.name, out, want)
		}
	}
}

// TestSshdX11DisplayClosed: the display sshd listens on goes away with
// the session; while the session lasts it listens on the loopback
// address only (X11UseLocalhost yes, the default).
func TestSshdX11DisplayClosed(t *testing.T) {
	t.Parallel()
	d := startXvfb(t)
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	box := testenv.StartSshbox(t, "X11Forwarding yes")
	out, _ := runX11(t, d, box.Port, key, u, `echo "${DISPLAY#localhost:}"; ss -Hltn`)
	lines := strings.SplitN(out, "\n", 2)
	n, err := strconv.Atoi(strings.TrimSuffix(lines[0], ".0"))
	if err != nil || len(lines) < 2 {
		t.Fatalf("display %q", out)
	}
	port := strconv.Itoa(6000 + n)
	for _, l := range strings.Split(lines[1], "\n") {
		if f := strings.Fields(l); len(f) >= 4 && strings.HasSuffix(f[3], ":"+port) {
			if f[3] != "127.0.0.1:"+port && f[3] != "[::1]:"+port {
				t.Errorf("display listens on %s, want the loopback address", f[3])
			}
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", "127.0.0.1:"+port)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatalf("display %d still listening after the session ended", n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestSshdX11UseLocalhostNo: with X11UseLocalhost no the display listens
// on every address (IPv4 and IPv6 wildcards) and DISPLAY names the host,
// as with OpenSSH 9.2's sshd. Both run in a network namespace the test
// makes, so that nothing outside can reach what they open.
func TestSshdX11UseLocalhostNo(t *testing.T) {
	t.Parallel()
	unshare := testenv.NeedCmd(t, "unshare")
	testenv.NeedCmd(t, "ip")
	d := startXvfb(t)
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	const config = "X11Forwarding yes\nX11UseLocalhost no"
	probe := `echo "display=$DISPLAY"; ss -Hltn | awk '{print $4}' | grep -E ':60[0-9][0-9]$' | sed 's/:60[0-9][0-9]$/:PORT/' | sort`
	host, _ := os.Hostname()
	want := regexp.MustCompile(`^display=` + regexp.QuoteMeta(host) + `:\d+\.0\n(0\.0\.0\.0:PORT\n\*:PORT|\*:PORT\n0\.0\.0\.0:PORT|0\.0\.0\.0:PORT\n\[::\]:PORT)\n$`)
	box, _, boxPort := testenv.SshboxConfig(t, config)
	ossh := testenv.StartOpenSSHD(t, config) // for its configuration file
	ossh.Proc.Kill()
	for _, srv := range []struct {
		name string
		argv []string
		port int
	}{
		{"sshbox", []string{testenv.Bin(t, ""), "sshd", "-D", "-e", "-f", box, "-o", "PerSourcePenalties=no"}, boxPort},
		{"OpenSSH", []string{testenv.NeedCmd(t, "sshd"), "-D", "-e", "-f", ossh.ConfigPath}, ossh.Port},
	} {
		client := append([]string{testenv.NeedCmd(t, "ssh"), "-Y"}, testenv.SSHArgs(key, srv.port, u.Name)...)
		// The server is the script's child, and the script ends it.
		script := `ip link set lo up || exit 1; "$@" >/dev/null 2>&1 & server=$!; ` +
			`for i in $(seq 100); do ss -Hltn | grep -q ":` + strconv.Itoa(srv.port) + ` " && break; sleep 0.1; done; ` +
			shellJoin(client) + ` "$PROBE"; kill $server; wait`
		cmd := exec.Command(unshare, append([]string{"--net", "--kill-child", "sh", "-c", script, "sh"}, srv.argv...)...)
		cmd.Env = append(append(os.Environ(), d.Env()...), "PROBE="+probe)
		out, err := cmd.Output()
		if err != nil || !want.Match(out) {
			t.Errorf("%s: %v, %q; want %s", srv.name, err, out, want)
		}
	}
}

// shellJoin quotes words for sh.
func shellJoin(words []string) string {
	var q []string
	for _, w := range words {
		q = append(q, "'"+strings.ReplaceAll(w, "'", `'\''`)+"'")
	}
	return strings.Join(q, " ")
}
