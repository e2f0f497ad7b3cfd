package asuser

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"sshbox/sshcore/tun"
)

// The operations themselves, done by whichever process runs them: the
// helper as the user, or sshd when it already is the user.

// dialTimeout bounds a forwarded connection's connect, as sshd's own
// connect would be bounded by the kernel's SYN retries.
const dialTimeout = 10 * time.Second

func dial(network, addr string) (net.Conn, error) {
	if network != "tcp" && network != "unix" {
		return nil, fmt.Errorf("asuser: network %q", network)
	}
	return net.DialTimeout(network, addr, dialTimeout)
}

// listen binds directly. A Unix socket needs its own umask, which is
// process-wide; in the daemon it would race with every other goroutine, so
// that case always goes through a helper (without a change of identity
// when none is needed).
func listen(network, addr string, umask uint32, unlink bool) (net.Listener, error) {
	if network == "unix" {
		f, _, err := (&Cred{}).runAs(false, "listen", network, addr, strconv.FormatUint(uint64(umask), 8), strconv.FormatBool(unlink))
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return net.FileListener(f)
	}
	if network != "tcp" {
		return nil, fmt.Errorf("asuser: network %q", network)
	}
	return net.Listen(network, addr)
}

// listenHere is the helper's listen: this process is single-purpose, so
// setting its umask is harmless.
func listenHere(network, addr string, umask uint32, unlink bool) (net.Listener, error) {
	if network != "unix" {
		return listen(network, addr, umask, unlink)
	}
	if unlink {
		if err := os.Remove(addr); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	syscall.Umask(int(umask))
	l, err := net.Listen("unix", addr)
	if err != nil {
		return nil, err
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	return l, nil
}

func open(path string) (*os.File, string, error) {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, "", err
	}
	f, err := os.OpenFile(real, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, "", err
	}
	return f, real, nil
}

func agentListen(dir, name string) (net.Listener, string, error) {
	if filepath.Base(name) != name || name == "." || name == ".." {
		return nil, "", fmt.Errorf("asuser: bad socket name %q", name)
	}
	d, err := os.MkdirTemp(dir, "ssh-")
	if err != nil {
		return nil, "", err
	}
	sock := filepath.Join(d, name)
	l, err := net.Listen("unix", sock)
	if err != nil {
		os.Remove(d)
		return nil, "", err
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	return l, sock, nil
}

func tempFile(dir, pattern string) (*os.File, string, error) {
	if filepath.Base(pattern) != pattern || strings.Contains(pattern, "*") {
		return nil, "", fmt.Errorf("asuser: bad file name pattern %q", pattern)
	}
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, "", err
	}
	return f, f.Name(), nil
}

func removeAgent(sock string) error {
	err := os.Remove(sock)
	if derr := os.Remove(filepath.Dir(sock)); err == nil {
		err = derr
	}
	return err
}

// HelperMain is the helper process: it performs the one operation named
// in args on behalf of the daemon that started it and replies on fd 3.
// Its exit status only says whether the reply could be sent.
func HelperMain(args []string) int {
	s := os.NewFile(3, "asuser")
	if s == nil || len(args) == 0 {
		fmt.Fprintln(os.Stderr, "sshbox: "+HelperFlag+" is internal to sshd")
		return 2
	}
	f, text, err := perform(args[0], args[1:])
	if err := reply(s, f, text, err); err != nil {
		return 1
	}
	return 0
}

func perform(op string, a []string) (*os.File, string, error) {
	need := func(n int) error {
		if len(a) != n {
			return fmt.Errorf("asuser: %s takes %d arguments", op, n)
		}
		return nil
	}
	switch op {
	case "dial":
		if err := need(2); err != nil {
			return nil, "", err
		}
		c, err := dial(a[0], a[1])
		if err != nil {
			return nil, "", err
		}
		return fileOf(c)
	case "listen":
		if err := need(4); err != nil {
			return nil, "", err
		}
		mask, err := strconv.ParseUint(a[2], 8, 32)
		if err != nil {
			return nil, "", err
		}
		l, err := listenHere(a[0], a[1], uint32(mask), a[3] == "true")
		if err != nil {
			return nil, "", err
		}
		return fileOf(l)
	case "open":
		if err := need(1); err != nil {
			return nil, "", err
		}
		return open(a[0])
	case "agent":
		if err := need(2); err != nil {
			return nil, "", err
		}
		l, sock, err := agentListen(a[0], a[1])
		if err != nil {
			return nil, "", err
		}
		f, _, err := fileOf(l)
		return f, sock, err
	case "tempfile":
		if err := need(2); err != nil {
			return nil, "", err
		}
		return tempFile(a[0], a[1])
	case "remove":
		if err := need(1); err != nil {
			return nil, "", err
		}
		return nil, "", os.Remove(a[0])
	case "tun":
		if err := need(2); err != nil {
			return nil, "", err
		}
		unit, err := strconv.ParseUint(a[0], 10, 32)
		if err != nil {
			return nil, "", err
		}
		mode, err := strconv.ParseUint(a[1], 10, 32)
		if err != nil {
			return nil, "", err
		}
		return tun.Open(uint32(unit), tun.Mode(mode))
	case "rmagent":
		if err := need(1); err != nil {
			return nil, "", err
		}
		return nil, "", removeAgent(a[0])
	}
	return nil, "", fmt.Errorf("asuser: unknown operation %q", op)
}

// fileOf gives the descriptor of a connection or listener to send.
func fileOf(x interface{ Close() error }) (*os.File, string, error) {
	defer x.Close()
	type filer interface{ File() (*os.File, error) }
	fx, ok := x.(filer)
	if !ok {
		return nil, "", fmt.Errorf("asuser: %T has no descriptor", x)
	}
	f, err := fx.File()
	return f, "", err
}

func reply(s, f *os.File, text string, err error) error {
	if err != nil {
		var errno syscall.Errno
		errors.As(err, &errno)
		_, e := s.Write([]byte("err\x00" + strconv.Itoa(int(errno)) + "\x00" + err.Error()))
		return e
	}
	var oob []byte
	if f != nil {
		defer f.Close()
		oob = unix.UnixRights(int(f.Fd()))
	}
	return unix.Sendmsg(int(s.Fd()), []byte("ok\x00"+text), oob, nil, 0)
}
