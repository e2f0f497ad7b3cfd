package mux

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
)

// ErrExists means another master already holds the control path.
var ErrExists = errors.New("control socket exists")

// maxSunPath is the room for a path in sockaddr_un (108 bytes on Linux,
// including the terminating NUL).
const maxSunPath = 107

// Listen creates the control socket at path as OpenSSH does: bound under a
// random temporary name, made 0600, then hard-linked into place, so a
// second master never replaces the first one's socket (ErrExists) and no
// client ever sees a half-made socket.
func Listen(path string) (*net.UnixListener, error) {
	var rnd [8]byte
	rand.Read(rnd[:])
	tmp := path + "." + hex.EncodeToString(rnd[:])
	if len(tmp) > maxSunPath {
		return nil, fmt.Errorf("ControlPath \"%s\" too long for Unix domain socket", path)
	}
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: tmp, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("unix_listener: cannot bind to path %s: %s", tmp, errnoText(err))
	}
	l.SetUnlinkOnClose(false)
	defer os.Remove(tmp)
	if err := os.Chmod(tmp, 0o600); err != nil {
		l.Close()
		return nil, err
	}
	if err := os.Link(tmp, path); err != nil {
		l.Close()
		if errors.Is(err, syscall.EEXIST) {
			return nil, ErrExists
		}
		return nil, fmt.Errorf("link mux listener %s => %s: %s", tmp, path, errnoText(err))
	}
	return l, nil
}

// errnoText is strerror's wording for a system call's error.
func errnoText(err error) string {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return err.Error()
	}
	msg := errno.Error()
	if msg != "" && msg[0] >= 'a' && msg[0] <= 'z' {
		msg = string(msg[0]-'a'+'A') + msg[1:]
	}
	return msg
}
