package sshd

import (
	"fmt"
	"net"
	"os"
	"strconv"
)

// systemd's socket activation (Accept=no), as sd_listen_fds(3) describes
// it: a few lines of environment, so sshbox speaks it itself rather than
// linking libsystemd or a Go binding. Readiness (sd_notify) is in
// internal/supervise, with the anchor that relays it.

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
