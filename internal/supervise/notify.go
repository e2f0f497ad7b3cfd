package supervise

import (
	"net"
	"os"
	"strings"
)

// Notify sends one sd_notify(3) message ("READY=1", "STOPPING=1", ...) to
// NOTIFY_SOCKET, if the service manager set one. It is a few lines of
// environment and one datagram, so sshbox speaks it itself rather than
// linking libsystemd or a Go binding; failures are ignored as libsystemd's
// sd_notify lets callers ignore them.
func Notify(state string) {
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

// hasLine reports whether an sd_notify message holds the assignment line.
func hasLine(msg, line string) bool {
	for _, l := range strings.Split(msg, "\n") {
		if l == line {
			return true
		}
	}
	return false
}
