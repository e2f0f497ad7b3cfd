package agent

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/sys/unix"
)

// SocketDir makes the private directory OpenSSH's ssh-agent puts its socket
// in: $TMPDIR (or /tmp)/ssh-XXXXXXXXXXXX, mode 0700, so that nobody else
// can even reach the socket.
func SocketDir() (string, error) {
	base := os.Getenv("TMPDIR")
	if base == "" {
		base = "/tmp"
	}
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	for try := 0; try < 100; try++ {
		var b [12]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		for i := range b {
			b[i] = letters[int(b[i])%len(letters)]
		}
		dir := filepath.Join(base, "ssh-"+string(b[:]))
		err := os.Mkdir(dir, 0o700)
		if err == nil {
			return dir, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("mkdtemp: %s/ssh-XXXXXXXXXXXX: too many collisions", base)
}

// Listen binds the agent socket with mode 0600 (umask 0177 around the
// bind, as OpenSSH: a chmod afterwards would leave a window).
func Listen(path string) (*net.UnixListener, error) {
	old := syscall.Umask(0o177)
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	syscall.Umask(old)
	if err != nil {
		return nil, err
	}
	l.SetUnlinkOnClose(false)
	return l, nil
}

// PeerAllowed applies OpenSSH's rule: a client may use the agent when its
// effective uid is the agent's real uid, or root.
func PeerAllowed(c *net.UnixConn) (uid uint32, ok bool, err error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return 0, false, err
	}
	var cred *unix.Ucred
	var credErr error
	if err := raw.Control(func(fd uintptr) {
		cred, credErr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil {
		return 0, false, err
	}
	if credErr != nil {
		return 0, false, credErr
	}
	return cred.Uid, cred.Uid == 0 || int(cred.Uid) == os.Getuid(), nil
}

// Logf receives the agent's debug and error lines.
type Logf func(format string, args ...any)

// Serve accepts clients until l is closed. Each allowed client is served
// on its own goroutine; others are dropped at once.
func Serve(l *net.UnixListener, a agent.Agent, logf Logf) error {
	for {
		c, err := l.AcceptUnix()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		uid, ok, err := PeerAllowed(c)
		if err != nil {
			logf("getpeereid: %v", err)
			c.Close()
			continue
		}
		if !ok {
			logf("uid mismatch: peer euid %d != uid %d", uid, os.Getuid())
			c.Close()
			continue
		}
		go func() {
			defer c.Close()
			agent.ServeAgent(a, c)
		}()
	}
}
