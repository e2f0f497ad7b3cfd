package e2e

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// Unix-socket forwarding (ssh -L and -R with socket paths) against
// OpenSSH's ssh: OpenSSH's direct-streamlocal and streamlocal-forward
// extensions, their sshd_config switches, and the socket made by and
// connected to as the user.

// sharedDir is a directory under /run (t.TempDir's parent is private to
// root) with the given mode and owner.
func sharedDir(t *testing.T, mode os.FileMode, uid, gid int) string {
	t.Helper()
	dir, err := os.MkdirTemp("/run", "sbx-fwd-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, mode)
	os.Chown(dir, uid, gid)
	return dir
}

// unixEcho answers each connection's first read with prefix and what it
// read, like echoServer, on a Unix socket with the given mode.
func unixEcho(t *testing.T, path, prefix string, mode os.FileMode) {
	t.Helper()
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, mode)
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 64)
				n, _ := c.Read(buf)
				c.Write([]byte(prefix + string(buf[:n])))
			}()
		}
	}()
}

// roundTrip sends "hello" on a new connection to addr and returns the
// reply, "" when there is none.
func roundTrip(network, addr string) string {
	c, err := net.Dial(network, addr)
	if err != nil {
		return ""
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	c.Write([]byte("hello"))
	buf := make([]byte, 64)
	n, _ := c.Read(buf)
	return string(buf[:n])
}

// localUnixForward runs ssh -N -L local:remote and returns what a round
// trip through it gave; "" when refused.
func (l *fwdLogin) localUnixForward(t *testing.T, local, remote string) string {
	t.Helper()
	p := testenv.Start(t, testenv.NeedCmd(t, "ssh"), l.args("-N", "-L", local+":"+remote)...)
	defer p.Kill()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if _, err := os.Stat(local); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("-L %s: no local socket; ssh: %s", local, p.Stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return roundTrip("unix", local)
}

func TestSshdForwardUnixLocal(t *testing.T) {
	t.Parallel()
	dir := sharedDir(t, 0o755, 0, 0)
	open := filepath.Join(dir, "open.sock")
	unixEcho(t, open, "echo:", 0o777)
	// Only root may connect to this one: the user may not, so neither may
	// sshd on the user's behalf.
	private := filepath.Join(dir, "private.sock")
	unixEcho(t, private, "echo:", 0o700)
	for i, c := range []struct {
		config, keyOptions, remote string
		want                       bool
	}{
		{"", "", open, true},
		{"AllowStreamLocalForwarding local", "", open, true},
		{"AllowStreamLocalForwarding remote", "", open, false},
		{"AllowStreamLocalForwarding no", "", open, false},
		{"DisableForwarding yes", "", open, false},
		{"", "no-port-forwarding", open, false},
		{"", "restrict", open, false},
		{"", "", private, false},
	} {
		d := testenv.StartSshbox(t, c.config)
		l := newFwdLogin(t, d, c.keyOptions)
		local := filepath.Join(t.TempDir(), fmt.Sprintf("l%d.sock", i))
		if got := l.localUnixForward(t, local, c.remote) == "echo:hello"; got != c.want {
			t.Errorf("%q, key %q: -L to %s forwarded %v, want %v\nsshd: %s", c.config, c.keyOptions, c.remote, got, c.want, d.Proc.Stderr.String())
		}
	}
	// A TCP port on the client to a socket here works the same way.
	d := testenv.StartSshbox(t, "")
	l := newFwdLogin(t, d, "")
	lport := testenv.FreePort(t)
	testenv.Start(t, testenv.NeedCmd(t, "ssh"), l.args("-N", "-L", fmt.Sprintf("%d:%s", lport, open))...)
	testenv.WaitPort(t, fmt.Sprintf("127.0.0.1:%d", lport), 10*time.Second)
	if got := roundTrip("tcp", fmt.Sprintf("127.0.0.1:%d", lport)); got != "echo:hello" {
		t.Errorf("-L port:/socket: %q", got)
	}
}

func TestSshdForwardUnixRemote(t *testing.T) {
	t.Parallel()
	echo := echoServer(t, "back:")
	for _, c := range []struct {
		config, keyOptions string
		rootDir, stale     bool
		want               bool
	}{
		{"", "", false, false, true},
		{"AllowStreamLocalForwarding remote", "", false, false, true},
		{"AllowStreamLocalForwarding local", "", false, false, false},
		{"DisableForwarding yes", "", false, false, false},
		{"", "no-port-forwarding", false, false, false},
		// The user cannot create files in a root-owned directory.
		{"", "", true, false, false},
		// A stale socket is in the way unless StreamLocalBindUnlink.
		{"", "", false, true, false},
		{"StreamLocalBindUnlink yes", "", false, true, true},
		{"StreamLocalBindMask 0111", "", false, false, true},
	} {
		d := testenv.StartSshbox(t, c.config)
		l := newFwdLogin(t, d, c.keyOptions)
		dir := sharedDir(t, 0o755, l.u.UID, l.u.GID)
		if c.rootDir {
			dir = sharedDir(t, 0o755, 0, 0)
		}
		sock := filepath.Join(dir, "r.sock")
		if c.stale {
			os.WriteFile(sock, nil, 0o644)
			os.Chown(sock, l.u.UID, l.u.GID)
		}
		up := func() bool {
			st, err := os.Stat(sock)
			return err == nil && st.Mode()&os.ModeSocket != 0
		}
		got := l.remoteForward(t, sock+":"+echo.Addr().String(), up)
		if got != c.want {
			t.Errorf("%q, key %q: -R %s set up %v, want %v\nsshd: %s", c.config, c.keyOptions, sock, got, c.want, d.Proc.Stderr.String())
			continue
		}
		if !got {
			continue
		}
		st, _ := os.Stat(sock)
		wantMode := os.FileMode(0o600)
		if c.config == "StreamLocalBindMask 0111" {
			wantMode = 0o666
		}
		if uid := st.Sys().(*syscall.Stat_t).Uid; int(uid) != l.u.UID || st.Mode().Perm() != wantMode {
			t.Errorf("%q: socket owned by %d mode %v, want %d %v", c.config, uid, st.Mode().Perm(), l.u.UID, wantMode)
		}
		// x/crypto-style race: the first connection may come before the
		// client registered the forwarding; later ones must get through.
		var reply string
		for i := 0; i < 50 && reply == ""; i++ {
			if reply = roundTrip("unix", sock); reply == "" {
				time.Sleep(100 * time.Millisecond)
			}
		}
		if reply != "back:hello" {
			t.Errorf("%q: through -R %s: %q", c.config, sock, reply)
		}
	}
}
