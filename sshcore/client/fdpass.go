package client

import (
	"errors"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// ProxyUseFdpass: instead of relaying the connection, the ProxyCommand
// connects and hands the socket back, as OpenSSH's
// ssh_proxy_fdpass_connect expects: its standard input and output are one
// end of a socket pair, on which it sends the connected descriptor
// (SCM_RIGHTS, with one byte of data, as OpenBSD's nc -F does) and then
// exits. ssh waits for it and speaks SSH on the socket itself.
func (c *Client) dialProxyFdpass() (net.Conn, error) {
	line := c.Opts.ProxyCommand
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fatalf(msgProxyCmdFailed, line, err)
	}
	ours, theirs := os.NewFile(uintptr(fds[0]), "fdpass"), os.NewFile(uintptr(fds[1]), "fdpass")
	defer ours.Close()
	cmd := c.proxyCommand(line)
	cmd.Stdin, cmd.Stdout = theirs, theirs
	err = cmd.Start()
	theirs.Close()
	if err != nil {
		return nil, fatalf(msgProxyCmdFailed, line, err)
	}
	fd, rerr := receiveFD(fds[0])
	// As OpenSSH, the command is waited for before the socket is used.
	cmd.Wait()
	if rerr != nil {
		c.Log.Debug1("proxy dialer: %v", rerr)
		return nil, fatalf(msgProxyNoFD)
	}
	f := os.NewFile(uintptr(fd), "proxy")
	defer f.Close()
	conn, err := net.FileConn(f)
	if err != nil {
		return nil, fatalf(msgProxyCmdFailed, line, err)
	}
	return conn, nil
}

// receiveFD reads one descriptor passed on the Unix socket sock.
func receiveFD(sock int) (int, error) {
	buf := make([]byte, 1)
	oob := make([]byte, unix.CmsgSpace(4))
	for {
		n, oobn, _, _, err := unix.Recvmsg(sock, buf, oob, unix.MSG_CMSG_CLOEXEC)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return -1, err
		}
		if n == 0 && oobn == 0 {
			return -1, errors.New("no descriptor before the end")
		}
		msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
		if err != nil || len(msgs) != 1 {
			return -1, errors.New("no descriptor in the message")
		}
		fds, err := unix.ParseUnixRights(&msgs[0])
		if err != nil || len(fds) != 1 {
			for _, fd := range fds {
				unix.Close(fd)
			}
			return -1, errors.New("not one descriptor in the message")
		}
		return fds[0], nil
	}
}
