// Package syslogtest stands in for /dev/log in tests: a datagram socket
// the test reads the lines of a logger from.
package syslogtest

import (
	"net"
	"testing"
	"time"
)

// Listen makes a unixgram socket at path (closed when the test ends) and
// returns a function that reads its next datagram, failing the test when
// none comes within five seconds.
func Listen(t testing.TB, path string) (next func() string) {
	t.Helper()
	l, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return func() string {
		t.Helper()
		buf := make([]byte, 4096)
		l.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, err := l.Read(buf)
		if err != nil {
			t.Fatalf("no syslog datagram: %v", err)
		}
		return string(buf[:n])
	}
}
