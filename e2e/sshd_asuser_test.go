package e2e

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// What sshd does for a user it does as that user (design.md §5): the
// kernel's own records show whose sockets they are.

// tcpSocketUID finds a socket in the reading thread's /proc/thread-self/
// net/tcp{,6} by local port (and state, "0A" for LISTEN, "01" for
// ESTABLISHED) and returns its uid column, -1 when there is none. Not
// /proc/net: that is /proc/self/net, the namespace of the process's main
// thread, which another test (startDNS) may have moved into a namespace of
// its own; both tests that use this saw -1 in full runs that way.
func tcpSocketUID(port int, state string) int {
	for _, f := range []string{"/proc/thread-self/net/tcp", "/proc/thread-self/net/tcp6"} {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n")[1:] {
			fields := strings.Fields(line)
			if len(fields) < 8 || fields[3] != state {
				continue
			}
			_, p, _ := strings.Cut(fields[1], ":")
			if n, _ := strconv.ParseInt(p, 16, 32); int(n) == port {
				uid, _ := strconv.Atoi(fields[7])
				return uid
			}
		}
	}
	return -1
}

// TestSshdAsUserForwardedConnection: the connection sshd opens for ssh -W
// (direct-tcpip) belongs to the user's uid while it is open.
func TestSshdAsUserForwardedConnection(t *testing.T) {
	t.Parallel()
	peer := make(chan int, 1)
	release := make(chan struct{})
	l := testenv.ServeTCP(t, func(c net.Conn) {
		defer c.Close()
		peer <- c.RemoteAddr().(*net.TCPAddr).Port
		<-release
	})
	defer close(release)
	d := testenv.StartSshbox(t, "")
	login := newFwdLogin(t, d, "")
	cmd := exec.Command(testenv.NeedCmd(t, "ssh"), login.args("-W", l.Addr().String())...)
	stdin, _ := cmd.StdinPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); cmd.Process.Kill(); cmd.Wait() }()
	select {
	case port := <-peer:
		if uid := tcpSocketUID(port, "01"); uid != login.u.UID {
			t.Errorf("forwarded connection's socket belongs to uid %d, want the user's %d", uid, login.u.UID)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("no forwarded connection arrived\nsshd: %s", d.Proc.Stderr.String())
	}
}

// TestSshdAsUserRemoteListener: the listener of ssh -R belongs to the user.
func TestSshdAsUserRemoteListener(t *testing.T) {
	t.Parallel()
	echo := echoServer(t, "back:")
	d := testenv.StartSshbox(t, "")
	login := newFwdLogin(t, d, "")
	rport := testenv.FreePort(t)
	if !login.remoteForward(t, fmt.Sprintf("%d:%s", rport, echo.Addr()), tcpOpen(fmt.Sprintf("127.0.0.1:%d", rport))) {
		t.Fatalf("-R refused\nsshd: %s", d.Proc.Stderr.String())
	}
	if uid := tcpSocketUID(rport, "0A"); uid != login.u.UID {
		t.Errorf("-R listener belongs to uid %d, want the user's %d", uid, login.u.UID)
	}
}

// TestSshdAsUserAuthorizedKeysLink: authorized_keys is opened as the user,
// so a link to a key file in a directory the user cannot read is not used
// (sshd as root could read it), while the same link into a readable
// directory is.
func TestSshdAsUserAuthorizedKeysLink(t *testing.T) {
	t.Parallel()
	d := testenv.StartSshbox(t, "")
	for _, c := range []struct {
		dirMode os.FileMode
		want    bool
	}{{0o755, true}, {0o700, false}} {
		u := testenv.NewUser(t, "")
		u.UnlockForKeys(t)
		key := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
		pub, _ := os.ReadFile(key + ".pub")
		dir := sharedDir(t, c.dirMode, 0, 0)
		keys := filepath.Join(dir, "keys")
		os.WriteFile(keys, pub, 0o644)
		u.WriteFile(t, ".ssh/placeholder", nil, 0o600)
		if err := os.Symlink(keys, filepath.Join(u.Home, ".ssh", "authorized_keys")); err != nil {
			t.Fatal(err)
		}
		out, _, code := sshdLogin(t, d, key, u.Name, nil, nil, "id -un")
		if got := code == 0 && strings.TrimSpace(out) == u.Name; got != c.want {
			t.Errorf("authorized_keys linked into a %v root directory: login %v (status %d), want %v\nsshd: %s", c.dirMode, got, code, c.want, d.Proc.Stderr.String())
		}
	}
}

// TestSshdAsUserAgentSocket: the forwarded agent's socket and directory
// belong to the user.
func TestSshdAsUserAgentSocket(t *testing.T) {
	t.Parallel()
	d := testenv.StartSshbox(t, "")
	l := newFwdLogin(t, d, "")
	script := "ssh-add -q \"$1\" && shift && exec ssh -A \"$@\""
	args := append([]string{"sh", "-c", script, "sh", l.key}, testenv.SSHArgs(l.key, d.Port, l.u.Name)...)
	args = append(args, `stat -c '%U %a' "$SSH_AUTH_SOCK" "$(dirname "$SSH_AUTH_SOCK")"; ssh-add -l >/dev/null && echo agent-ok`)
	out, err := exec.Command(testenv.NeedCmd(t, "ssh-agent"), args...).Output()
	want := l.u.Name + " "
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err != nil || len(lines) != 3 || !strings.HasPrefix(lines[0], want) || lines[1] != l.u.Name+" 700" || lines[2] != "agent-ok" {
		t.Errorf("agent socket and directory: %q, %v\nsshd: %s", out, err, d.Proc.Stderr.String())
	}
}
