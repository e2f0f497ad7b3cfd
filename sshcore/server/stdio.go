package server

import (
	"net"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// StdioConn is the connection of sshd -i. When stdin is a socket (inetd,
// systemd with Accept=yes) it is that socket, with its real addresses;
// otherwise (a pipe from an ssh ProxyCommand) it joins stdin and stdout,
// and the peer is "UNKNOWN".
func StdioConn(in, out *os.File) net.Conn {
	if c, err := net.FileConn(in); err == nil {
		return c
	}
	return &stdioConn{in: pollable(in), out: pollable(out)}
}

// pollable returns a non-blocking duplicate of f that Go's poller serves,
// so that reads do not fail with EAGAIN when the other side made the pipe
// non-blocking, and deadlines (LoginGraceTime) work.
func pollable(f *os.File) *os.File {
	fd, err := unix.Dup(int(f.Fd()))
	if err != nil {
		return f
	}
	unix.CloseOnExec(fd)
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return f
	}
	return os.NewFile(uintptr(fd), f.Name())
}

type stdioConn struct {
	in, out *os.File
}

func (c *stdioConn) Read(p []byte) (int, error)  { return c.in.Read(p) }
func (c *stdioConn) Write(p []byte) (int, error) { return c.out.Write(p) }
func (c *stdioConn) Close() error {
	c.in.Close()
	return c.out.Close()
}
func (c *stdioConn) LocalAddr() net.Addr  { return pipeAddr{} }
func (c *stdioConn) RemoteAddr() net.Addr { return pipeAddr{} }

// Deadlines work where the descriptors support them (pipes do).
func (c *stdioConn) SetDeadline(t time.Time) error {
	c.in.SetDeadline(t)
	c.out.SetDeadline(t)
	return nil
}
func (c *stdioConn) SetReadDeadline(t time.Time) error  { return c.in.SetReadDeadline(t) }
func (c *stdioConn) SetWriteDeadline(t time.Time) error { return c.out.SetWriteDeadline(t) }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "UNKNOWN:65535" }
