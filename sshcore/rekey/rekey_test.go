package rekey

import (
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// withHook: sshbox's builds (GOFLAGS naming scripts/xcrypto's go.mod, as
// scripts/test sets it) have RequestKeyChange; a plain `go test` does not,
// and there Request and Start must say so.
var withHook = strings.Contains(os.Getenv("GOFLAGS"), "/x-crypto-")

// pair connects an x/crypto client and server in this process; kexes
// (over loopback) counts the key exchanges the client sees (its HostKeyCallback runs at
// every one), after calls each time.
func pair(t *testing.T, after func()) (client ssh.Conn, server ssh.Conn, kexes *atomic.Int32) {
	t.Helper()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	scfg := &ssh.ServerConfig{NoClientAuth: true}
	scfg.AddHostKey(signer)
	kexes = new(atomic.Int32)
	ccfg := &ssh.ClientConfig{User: "u", HostKeyCallback: func(string, net.Addr, ssh.PublicKey) error {
		kexes.Add(1)
		if after != nil {
			after()
		}
		return nil
	}}
	// Over TCP, not net.Pipe: both sides write their version first.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	a, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		sc, chans, reqs, err := ssh.NewServerConn(b, scfg)
		if err == nil {
			server = sc
			go ssh.DiscardRequests(reqs)
			go func() {
				for c := range chans {
					c.Reject(ssh.Prohibited, "")
				}
			}()
		}
		done <- err
	}()
	cc, chans, reqs, err := ssh.NewClientConn(a, "pipe", ccfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	go ssh.DiscardRequests(reqs)
	go func() {
		for c := range chans {
			c.Reject(ssh.Prohibited, "")
		}
	}()
	t.Cleanup(func() { cc.Close(); server.Close() })
	return cc, server, kexes
}

// waitFor waits until n key exchanges have been seen.
func waitFor(t *testing.T, kexes *atomic.Int32, n int32) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); kexes.Load() < n; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("%d key exchanges, want %d", kexes.Load(), n)
		}
	}
}

// request asks conn for a key exchange until one more has happened: x/crypto
// drops a request made while an exchange is still finishing (which renews
// the keys anyway), and the client's count moves before the server is done.
func request(t *testing.T, conn ssh.Conn, kexes *atomic.Int32) {
	t.Helper()
	n := kexes.Load()
	for end := time.Now().Add(10 * time.Second); kexes.Load() == n; time.Sleep(20 * time.Millisecond) {
		if !Request(conn) {
			t.Fatal("Request refused")
		}
		if time.Now().After(end) {
			t.Fatal("no key exchange")
		}
	}
}

// TestRequest: either side can ask, and each request is one more
// exchange, which the connection survives.
func TestRequest(t *testing.T) {
	client, server, kexes := pair(t, nil)
	if !withHook {
		if Request(client) || Request(server) {
			t.Fatal("Request succeeded without _xcrypto/ssh")
		}
		return
	}
	request(t, client, kexes)
	request(t, server, kexes)
	request(t, client, kexes)
	if ok, _, err := client.SendRequest("ping", true, nil); ok || err != nil {
		t.Fatalf("connection after re-keys: %v %v", ok, err)
	}
}

// TestTimer: the keys are renewed every Interval, counted from the last
// exchange; an exchange the other side starts puts the next one off; Stop
// ends it.
func TestTimer(t *testing.T) {
	var tm *Timer
	client, server, kexes := pair(t, func() { tm.Exchanged() })
	tm = New(300 * time.Millisecond)
	err := tm.Start(client)
	if !withHook {
		if err != ErrUnsupported {
			t.Fatalf("Start without _xcrypto/ssh: %v", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	waitFor(t, kexes, 3)
	if d := time.Since(start); d < 550*time.Millisecond {
		t.Errorf("two re-keys after %v, interval 300ms", d)
	}
	// The server re-keys every 100ms for a while: the timer keeps being
	// put off, so every exchange now is the server's.
	n0 := kexes.Load()
	for range 8 {
		request(t, server, kexes)
		time.Sleep(100 * time.Millisecond)
	}
	if got := kexes.Load() - n0; got != 8 {
		t.Errorf("%d key exchanges for the server's 8 (the timer was not put off)", got)
	}
	tm.Stop()
	n := kexes.Load()
	time.Sleep(700 * time.Millisecond)
	if got := kexes.Load(); got != n {
		t.Errorf("%d key exchanges after Stop", got-n)
	}
	if New(0) != nil {
		t.Error("New(0) is a timer")
	}
	var none *Timer
	none.Exchanged()
	none.Stop()
	if err := none.Start(client); err != nil {
		t.Error(err)
	}
}
