package testenv

import (
	"net"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"
)

// ServeTCP listens on a free port of 127.0.0.1 for the test and hands each
// connection to handle in a goroutine of its own. Connections still open
// when the test ends are closed with the listener, so a handler that does
// nothing holds its client silent until then.
func ServeTCP(t testing.TB, handle func(net.Conn)) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	closed := false
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		closed = true
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			if closed {
				mu.Unlock()
				c.Close()
				return
			}
			conns = append(conns, c)
			mu.Unlock()
			go handle(c)
		}
	}()
	return l
}

// ServeSSH serves SSH on a free port of 127.0.0.1 for the test (ServeTCP):
// each connection's handshake under cfg, then serve with what it brings; a
// failed handshake closes the connection, and serve's return closes it too.
func ServeSSH(t testing.TB, cfg *ssh.ServerConfig, serve func(sc *ssh.ServerConn, chans <-chan ssh.NewChannel, reqs <-chan *ssh.Request)) net.Listener {
	t.Helper()
	return ServeTCP(t, func(nc net.Conn) {
		sc, chans, reqs, err := ssh.NewServerConn(nc, cfg)
		if err != nil {
			nc.Close()
			return
		}
		defer sc.Close()
		serve(sc, chans, reqs)
	})
}
