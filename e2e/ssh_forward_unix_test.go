package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestSSHForwardUnixSockets: sshbox's ssh forwards Unix sockets both ways
// (-L to and from a socket path, -R from a socket path) through OpenSSH's
// sshd.
func TestSSHForwardUnixSockets(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	dir := sharedDir(t, 0o755, 0, 0)
	remote := filepath.Join(dir, "remote.sock")
	unixEcho(t, remote, "echo:", 0o777)

	// -L /local/socket:/remote/socket
	local := filepath.Join(t.TempDir(), "local.sock")
	p := testenv.Start(t, testenv.Bin(t, "ssh"), append(e.base(), "-o", "BatchMode=yes", "-N", "-L", local+":"+remote, e.dest())...)
	waitFor(t, "the local socket "+local+" (ssh: "+p.Stderr.String()+")", func() bool { _, err := os.Stat(local); return err == nil })
	if st, _ := os.Stat(local); st.Mode().Perm() != 0o600 {
		t.Errorf("local socket mode %v, want 0600", st.Mode().Perm())
	}
	if got := roundTrip("unix", local); got != "echo:hello" {
		t.Errorf("-L socket:socket: %q; ssh stderr:\n%s", got, p.Stderr.String())
	}

	// -L port:/remote/socket
	lport := testenv.FreePort(t)
	p = testenv.Start(t, testenv.Bin(t, "ssh"), append(e.base(), "-o", "BatchMode=yes", "-N", "-L", fmt.Sprintf("%d:%s", lport, remote), e.dest())...)
	testenv.WaitPort(t, fmt.Sprintf("127.0.0.1:%d", lport), 15*time.Second)
	if got := roundTrip("tcp", fmt.Sprintf("127.0.0.1:%d", lport)); got != "echo:hello" {
		t.Errorf("-L port:socket: %q; ssh stderr:\n%s", got, p.Stderr.String())
	}

	// -R /remote/socket:host:port
	echo := echoServer(t, "back:")
	rdir := sharedDir(t, 0o755, e.user.UID, e.user.GID)
	rsock := filepath.Join(rdir, "r.sock")
	p = testenv.Start(t, testenv.Bin(t, "ssh"), append(e.base(), "-o", "BatchMode=yes", "-N", "-R", rsock+":"+echo.Addr().String(), e.dest())...)
	waitFor(t, "the remote socket "+rsock+" (ssh: "+p.Stderr.String()+")", func() bool { _, err := os.Stat(rsock); return err == nil })
	var reply string
	for i := 0; i < 50 && reply == ""; i++ {
		if reply = roundTrip("unix", rsock); reply == "" {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if reply != "back:hello" {
		t.Errorf("-R socket:host:port: %q; ssh stderr:\n%s", reply, p.Stderr.String())
	}
}

// TestSSHForwardUnixSocketMaskAndUnlink: the local socket of -L takes
// StreamLocalBindMask's permissions, and a stale file at its path is
// removed first only with StreamLocalBindUnlink; OpenSSH's ssh on the same
// command line does the same.
func TestSSHForwardUnixSocketMaskAndUnlink(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	dir := sharedDir(t, 0o755, 0, 0)
	remote := filepath.Join(dir, "remote.sock")
	unixEcho(t, remote, "echo:", 0o777)
	for _, prog := range []string{testenv.Bin(t, "ssh"), testenv.NeedCmd(t, "ssh")} {
		local := filepath.Join(t.TempDir(), "local.sock")
		args := append(e.base(), "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes", "-N")
		p := testenv.Start(t, prog, append(args, "-o", "StreamLocalBindMask=0077", "-L", local+":"+remote, e.dest())...)
		waitFor(t, "the local socket "+local, func() bool { _, err := os.Stat(local); return err == nil })
		if st, _ := os.Stat(local); st.Mode().Perm() != 0o700 {
			t.Errorf("%s: local socket mode %v under StreamLocalBindMask 0077, want 0700", prog, st.Mode().Perm())
		}
		p.Kill()

		// A stale file where the socket goes.
		os.Remove(local)
		os.WriteFile(local, []byte("stale"), 0o600)
		_, stderr, status := e.runProg(prog, nil, nil, append(args, "-L", local+":"+remote, e.dest())...)
		if status != 255 {
			t.Errorf("%s: bound over a stale file without StreamLocalBindUnlink: status %d, stderr %q", prog, status, stderr)
		}
		p = testenv.Start(t, prog, append(args, "-o", "StreamLocalBindUnlink=yes", "-L", local+":"+remote, e.dest())...)
		waitFor(t, "the local socket replacing the stale file", func() bool {
			st, err := os.Stat(local)
			return err == nil && st.Mode()&os.ModeSocket != 0
		})
		if got := roundTrip("unix", local); got != "echo:hello" {
			t.Errorf("%s: through the socket that replaced the stale file: %q; stderr:\n%s", prog, got, p.Stderr.String())
		}
		p.Kill()
	}
}
