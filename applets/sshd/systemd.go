package sshd

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
)

// systemd's socket activation (Accept=no) and readiness protocols, as
// sd_listen_fds(3) and sd_notify(3) describe them. Both are a few lines of
// environment and one datagram, so sshbox speaks them itself rather than
// linking libsystemd or a Go binding.

// listenFDsStart is SD_LISTEN_FDS_START: the first inherited socket.
const listenFDsStart = 3

// systemdListeners returns the listening sockets systemd passed
// (LISTEN_FDS, for this very process by LISTEN_PID), or nil when it passed
// none. The variables are removed so that no child process sees them.
func systemdListeners() ([]net.Listener, error) {
	pid, fds := os.Getenv("LISTEN_PID"), os.Getenv("LISTEN_FDS")
	if fds == "" {
		return nil, nil
	}
	os.Unsetenv("LISTEN_PID")
	os.Unsetenv("LISTEN_FDS")
	os.Unsetenv("LISTEN_FDNAMES")
	if pid != "" && pid != strconv.Itoa(os.Getpid()) {
		return nil, nil // meant for another process (a wrapper before us)
	}
	n, err := strconv.Atoi(fds)
	if err != nil || n < 0 || n > 1000 {
		return nil, fmt.Errorf(msgListenFDs, fds)
	}
	var ls []net.Listener
	for i := 0; i < n; i++ {
		f := os.NewFile(uintptr(listenFDsStart+i), "systemd socket")
		l, err := net.FileListener(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf(msgListenFD, listenFDsStart+i, err)
		}
		ls = append(ls, l)
	}
	return ls, nil
}

// notify sends one sd_notify message ("READY=1", "STOPPING=1", ...) to
// NOTIFY_SOCKET, if the service manager set one; failures are ignored as
// libsystemd's sd_notify lets callers ignore them.
func notify(state string) {
	addr := os.Getenv("NOTIFY_SOCKET")
	if addr == "" {
		return
	}
	if strings.HasPrefix(addr, "@") {
		addr = "\x00" + addr[1:] // an abstract socket
	}
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: addr, Net: "unixgram"})
	if err != nil {
		return
	}
	defer c.Close()
	c.Write([]byte(state))
}
