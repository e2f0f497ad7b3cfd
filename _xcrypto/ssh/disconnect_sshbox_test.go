// This file is not part of x/crypto: sshbox adds it to its copy when it
// builds (sshbox's _xcrypto/README.md).

package ssh

import (
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// lateReader delivers what the peer sent late once delay is set: a key
// exchange the client starts then stays under way for a while.
type lateReader struct {
	net.Conn
	delay atomic.Bool
}

func (l *lateReader) Read(p []byte) (int, error) {
	if l.delay.Load() {
		time.Sleep(100 * time.Millisecond)
	}
	return l.Conn.Read(p)
}

// TestDisconnectDuringKeyExchange: a disconnect written while the client's
// key exchange is under way waits in the transport's queue; Disconnect
// sends it once the exchange ends instead of closing it away, and the
// server reads it.
func TestDisconnectDuringKeyExchange(t *testing.T) {
	c1, c2, err := netPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	defer c2.Close()
	server := serveNoAuth(t, c2, "ecdsa")
	ended := make(chan error, 1)
	go func() {
		if s := <-server; s != nil {
			ended <- s.Wait()
		}
	}()
	late := &lateReader{Conn: c1}
	client := dialNoAuth(t, late, nil)
	cc := client.(*connection)
	tr := cc.transport.(*handshakeTransport)
	late.delay.Store(true)
	tr.requestKeyExchange()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		tr.mu.Lock()
		underWay := tr.sentInitMsg != nil
		tr.mu.Unlock()
		if underWay {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the key exchange did not start")
		}
	}
	if err := cc.Disconnect(11, "disconnected by user"); err != nil {
		t.Fatalf("Disconnect: %v", err)
	}
	select {
	case err := <-ended:
		if !strings.Contains(fmt.Sprint(err), "disconnect, reason 11") {
			t.Fatalf("the server's connection ended with %v, not the client's disconnect", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server's connection did not end")
	}
}

// serveNoAuth runs a server on c that lets anyone in with the host key
// of testSigners named key, discards global requests and refuses
// channels; the connection comes on the channel once the login is done
// (nil, with the test failed, when it is not).
func serveNoAuth(t *testing.T, c net.Conn, key string) <-chan *ServerConn {
	conf := &ServerConfig{NoClientAuth: true}
	conf.AddHostKey(testSigners[key])
	server := make(chan *ServerConn, 1)
	go func() {
		conn, chans, reqs, err := NewServerConn(c, conf)
		if err != nil {
			t.Error(err)
			server <- nil
			return
		}
		go DiscardRequests(reqs)
		go func() {
			for nc := range chans {
				nc.Reject(Prohibited, "")
			}
		}()
		server <- conn
	}()
	return server
}

// dialNoAuth logs in on c as user "u", taking any host key, with conf's
// other settings (nil: none); the connection's global requests are
// discarded and the server's channels refused.
func dialNoAuth(t *testing.T, c net.Conn, conf *ClientConfig) Conn {
	t.Helper()
	if conf == nil {
		conf = &ClientConfig{}
	}
	conf.User, conf.HostKeyCallback = "u", InsecureIgnoreHostKey()
	client, chans, reqs, err := NewClientConn(c, "", conf)
	if err != nil {
		t.Fatal(err)
	}
	go DiscardRequests(reqs)
	go func() {
		for nc := range chans {
			nc.Reject(Prohibited, "")
		}
	}()
	return client
}
