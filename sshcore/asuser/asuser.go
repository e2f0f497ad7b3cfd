// Package asuser is the one place where sshd does something for an
// authenticated (or authenticating) user with that user's rights instead
// of its own: connecting forwarded TCP and Unix-socket connections,
// binding remote-forward listeners, creating the agent socket, opening the
// user's authorized_keys and principals files, opening a tunnel device
// (tun@openssh.com: OpenSSH opens it in the session's unprivileged process,
// so the device's permissions must allow the user).
//
// When sshd runs as root and the user is someone else, each operation is
// done by a short-lived helper: this same binary re-executed with the
// user's groups, gid and uid (SysProcAttr.Credential, applied by the
// kernel before exec), which performs the one operation and hands the
// resulting descriptor back over a Unix socketpair with SCM_RIGHTS, then
// exits. The daemon only ever receives descriptors the user could have
// obtained; the kernel made every permission decision as that user. One
// process per operation keeps nothing alive for idle connections and has
// no state to get wrong; the price is one fork-exec per forwarded
// connection or file read. When the user is the daemon's own uid (sshd
// not root, or root logging in) the operation is done directly.
package asuser

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"sshbox/sshcore/tun"
)

// HelperFlag is the argv[1] under which the binary runs as the helper;
// main dispatches it to HelperMain. It is not an applet: nobody types it.
const HelperFlag = "--asuser-helper"

// Executable is what the helper is started from: this binary, even if the
// file was replaced since it started.
var Executable = "/proc/self/exe"

// Cred is the identity operations are done as.
type Cred struct {
	UID, GID uint32
	Groups   []uint32 // supplementary groups; the primary group when empty
}

// direct reports whether the operation can be done by this process itself:
// it already is the user, or it could not become anyone else anyway.
func (c *Cred) direct() bool {
	euid := os.Geteuid()
	return c == nil || euid != 0 || uint32(euid) == c.UID
}

// Error is an operation's failure as the helper saw it; errors.Is works on
// the underlying errno (os.ErrNotExist, os.ErrPermission).
type Error struct {
	Msg   string
	Errno syscall.Errno
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error {
	if e.Errno == 0 {
		return nil
	}
	return e.Errno
}

// Dial connects to addr ("tcp" host:port or "unix" path) as the user.
func Dial(c *Cred, network, addr string) (net.Conn, error) {
	if c.direct() {
		return dial(network, addr)
	}
	f, _, err := c.run("dial", network, addr)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return net.FileConn(f)
}

// Listen binds a listener as the user. For a Unix socket, umask applies to
// the socket file, and unlink removes an existing file at the path first
// (StreamLocalBindMask, StreamLocalBindUnlink). As in OpenSSH, the file is
// left in place when the listener closes.
func Listen(c *Cred, network, addr string, umask uint32, unlink bool) (net.Listener, error) {
	if c.direct() {
		return listen(network, addr, umask, unlink)
	}
	f, _, err := c.run("listen", network, addr, strconv.FormatUint(uint64(umask), 8), strconv.FormatBool(unlink))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return net.FileListener(f)
}

// Open opens path read-only as the user, following symbolic links as the
// user can (a link into a directory the user cannot search fails), and
// returns the file and its resolved path. The final component is opened
// without following a link, so the file cannot be swapped after resolving.
func Open(c *Cred, path string) (*os.File, string, error) {
	if c.direct() {
		return open(path)
	}
	return c.run("open", path)
}

// AgentListener creates a private directory under dir and listens on a
// socket named name in it, as the user; it returns the listener and the
// socket's path.
func AgentListener(c *Cred, dir, name string) (net.Listener, string, error) {
	if c.direct() {
		return agentListen(dir, name)
	}
	f, sock, err := c.run("agent", dir, name)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	l, err := net.FileListener(f)
	return l, sock, err
}

// RemoveAgent removes what AgentListener made, as the user: the socket and
// its directory, nothing else.
func RemoveAgent(c *Cred, sock string) error {
	if c.direct() {
		return removeAgent(sock)
	}
	_, _, err := c.run("rmagent", sock)
	return err
}

// TempFile creates a new file, mode 0600, named pattern plus a random
// suffix in dir, as the user (so it is theirs), and returns it open for
// writing with its path.
func TempFile(c *Cred, dir, pattern string) (*os.File, string, error) {
	if c.direct() {
		return tempFile(dir, pattern)
	}
	return c.run("tempfile", dir, pattern)
}

// OpenTun opens a tun or tap device as the user (tun.Open) and returns it,
// non-blocking, with the interface's name.
func OpenTun(c *Cred, unit uint32, mode tun.Mode) (*os.File, string, error) {
	if c.direct() {
		return tun.Open(unit, mode)
	}
	f, name, err := c.run("tun", strconv.FormatUint(uint64(unit), 10), strconv.FormatUint(uint64(mode), 10))
	if err != nil {
		return nil, "", err
	}
	if f == nil {
		return nil, "", errors.New("asuser: helper sent no descriptor")
	}
	f, err = tun.Pollable(f)
	return f, name, err
}

// Remove removes a file as the user.
func Remove(c *Cred, path string) error {
	if c.direct() {
		return os.Remove(path)
	}
	_, _, err := c.run("remove", path)
	return err
}

// run starts the helper as the user for one operation and returns the
// descriptor it sent (nil for operations that send none) and its text.
func (c *Cred) run(op string, args ...string) (*os.File, string, error) {
	return c.runAs(true, op, args...)
}

// runAs runs the helper, as the user when become is set, else as this
// process's own identity.
func (c *Cred) runAs(become bool, op string, args ...string) (*os.File, string, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, "", fmt.Errorf("asuser: socketpair: %v", err)
	}
	// Our end is non-blocking, so that waiting for the reply (the
	// helper's exec and start-up, a millisecond or more) parks the
	// goroutine in the runtime's poller. A blocking read would hold an OS
	// thread for that time, and the runtime starts another thread for
	// each one held: a burst of logins, each opening authorized_keys
	// through a helper, would leave sshd with that many threads for good
	// (Go never ends a thread it started), about 10 KiB of resident memory
	// per idle connection in the bench's 50-login burst.
	if err := unix.SetNonblock(fds[0], true); err != nil {
		unix.Close(fds[0])
		unix.Close(fds[1])
		return nil, "", fmt.Errorf("asuser: socketpair: %v", err)
	}
	ours := os.NewFile(uintptr(fds[0]), "asuser")
	theirs := os.NewFile(uintptr(fds[1]), "asuser-helper")
	defer ours.Close()
	groups := c.Groups
	if len(groups) == 0 {
		groups = []uint32{c.GID}
	}
	null, err := devNull()
	if err != nil {
		theirs.Close()
		return nil, "", fmt.Errorf("asuser: start helper: %v", err)
	}
	attr := &os.ProcAttr{
		Dir:   "/",
		Env:   []string{},
		Files: []*os.File{null, null, null, theirs}, // the socket is fd 3
		Sys:   &syscall.SysProcAttr{},
	}
	if become {
		attr.Sys.Credential = &syscall.Credential{Uid: c.UID, Gid: c.GID, Groups: groups}
	}
	// os.StartProcess, not os/exec: exec.Cmd would open /dev/null three
	// times for every helper, and sshd starts one at every public-key
	// login; what a login allocates stays behind, partly, in the heap
	// (docs/performance.md, "Under 64 KiB per connection").
	proc, err := os.StartProcess(Executable, append([]string{"sshbox", HelperFlag, op}, args...), attr)
	theirs.Close()
	if err != nil {
		return nil, "", fmt.Errorf("asuser: start helper: %v", err)
	}
	f, text, rerr := receive(ours)
	state, werr := proc.Wait()
	if werr == nil && !state.Success() {
		werr = errors.New(state.String())
	}
	if rerr == nil && werr != nil {
		if f != nil {
			f.Close()
		}
		return nil, "", fmt.Errorf("asuser: helper: %v", werr)
	}
	return f, text, rerr
}

// devNull is the helper's standard input, output and error, opened once
// for the life of the process.
var devNull = sync.OnceValues(func() (*os.File, error) {
	return os.OpenFile(os.DevNull, os.O_RDWR, 0)
})

// receive reads the helper's one reply: "ok\x00text" with at most one
// descriptor, or "err\x00errno\x00message".
func receive(s *os.File) (*os.File, string, error) {
	buf := make([]byte, 8192)
	oob := make([]byte, unix.CmsgSpace(4*4))
	var n, oobn int
	rc, err := s.SyscallConn()
	if err == nil {
		rerr := rc.Read(func(fd uintptr) bool {
			n, oobn, _, _, err = unix.Recvmsg(int(fd), buf, oob, unix.MSG_CMSG_CLOEXEC)
			return err != unix.EAGAIN
		})
		if err == nil {
			err = rerr
		}
	}
	if err != nil {
		return nil, "", fmt.Errorf("asuser: reading the helper's reply: %v", err)
	}
	var files []*os.File
	if oobn > 0 {
		msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
		if err == nil {
			for _, m := range msgs {
				fds, err := unix.ParseUnixRights(&m)
				if err != nil {
					continue
				}
				for _, fd := range fds {
					files = append(files, os.NewFile(uintptr(fd), "asuser-fd"))
				}
			}
		}
	}
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	text, err := parseReply(buf[:n])
	if err != nil || len(files) == 0 {
		closeAll()
		return nil, text, err
	}
	if len(files) > 1 {
		closeAll()
		return nil, "", errors.New("asuser: helper sent more than one descriptor")
	}
	return files[0], text, nil
}

// parseReply reads the helper's reply text: "ok\x00text", or
// "err\x00errno\x00message" as an *Error.
func parseReply(b []byte) (string, error) {
	status, rest, _ := cutNul(string(b))
	switch status {
	case "ok":
		return rest, nil
	case "err":
		num, msg, _ := cutNul(rest)
		e, err := strconv.Atoi(num)
		if err != nil || e < 0 || e > 4095 {
			e = 0
		}
		if msg == "" {
			msg = "asuser: helper failed"
		}
		return "", &Error{Msg: msg, Errno: syscall.Errno(e)}
	}
	if len(b) == 0 {
		return "", errors.New("asuser: helper ended without a reply")
	}
	return "", errors.New("asuser: malformed reply from helper")
}

func cutNul(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}
