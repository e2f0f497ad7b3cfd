package coalesce

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// tcpPair is a connected loopback pair: ours (wrapped) and the peer's.
func tcpPair(t *testing.T) (*Conn, net.Conn) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		s, _ := l.Accept()
		accepted <- s
	}()
	nc, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	peer := <-accepted
	if peer == nil {
		t.Fatal("accept failed")
	}
	c := New(nc)
	t.Cleanup(func() { c.Close(); peer.Close() })
	if c.raw == nil {
		t.Fatal("a TCP connection is not written raw")
	}
	return c, peer
}

// A writer far ahead of a slow reader fills the socket; the raw write
// then waits in the poller and carries on where it stopped, so every byte
// arrives, in order.
func TestRawWriteWaitsWhenFull(t *testing.T) {
	c, peer := tcpPair(t)
	got := make(chan []byte, 1)
	go func() {
		var b bytes.Buffer
		buf := make([]byte, 8192)
		for {
			n, err := peer.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				got <- b.Bytes()
				return
			}
			time.Sleep(20 * time.Microsecond)
		}
	}()
	rng := rand.New(rand.NewSource(2))
	var sent []byte
	for len(sent) < 16<<20 {
		p := make([]byte, chunk)
		if rng.Intn(2) == 0 {
			p = make([]byte, 1+rng.Intn(100000))
		}
		rng.Read(p)
		if n, err := c.Write(p); err != nil || n != len(p) {
			t.Fatalf("Write = %d, %v", n, err)
		}
		sent = append(sent, p...)
	}
	c.Close()
	if b := <-got; !bytes.Equal(b, sent) {
		t.Fatalf("received %d bytes, not the %d sent in order", len(b), len(sent))
	}
}

// A deadline ends a write to a peer that does not read, with the net
// package's timeout error.
func TestRawWriteDeadline(t *testing.T) {
	c, _ := tcpPair(t)
	c.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
	var err error
	for i := 0; i < 10000 && err == nil; i++ {
		_, err = c.Write(make([]byte, 65536))
	}
	var ne net.Error
	if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("write past the deadline: %v", err)
	}
	if !strings.HasPrefix(err.Error(), "write tcp ") {
		t.Errorf("error reads %q", err)
	}
}

// A peer that has gone makes the write fail with the system's error,
// wrapped as the net package wraps it, and the process carries on (no
// SIGPIPE death).
func TestRawWriteToClosedPeer(t *testing.T) {
	c, peer := tcpPair(t)
	peer.(*net.TCPConn).SetLinger(0) // a reset, not an orderly close
	peer.Close()
	var err error
	for i := 0; i < 1000 && err == nil; i++ {
		_, err = c.Write(make([]byte, 10000))
		time.Sleep(time.Millisecond)
	}
	if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
		t.Fatalf("write to a reset connection: %v", err)
	}
	var oe *net.OpError
	if !errors.As(err, &oe) || oe.Op != "write" || !strings.Contains(err.Error(), "writev: ") {
		t.Errorf("error reads %q", err)
	}
}

// Close ends a raw write waiting in the poller for a peer that does not
// read.
func TestCloseEndsWaitingRawWrite(t *testing.T) {
	c, _ := tcpPair(t)
	wrote := make(chan error, 1)
	go func() {
		var err error
		for err == nil {
			_, err = c.Write(make([]byte, 65536))
		}
		wrote <- err
	}()
	time.Sleep(50 * time.Millisecond) // let the socket fill
	c.Close()
	select {
	case err := <-wrote:
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("write after Close: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not end the waiting write")
	}
}

// Pipes are written through the connection's own Write: a pipe may be
// blocking, and a raw write would then hold the processor.
func TestPipesAreNotWrittenRaw(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	if New(a).raw != nil {
		t.Error("net.Pipe is written raw")
	}
	go io.Copy(io.Discard, b)
	if _, err := New(a).Write([]byte("x")); err != nil {
		t.Error(err)
	}
}

// Reads are raw too: what the peer sends arrives in order, then EOF; a
// deadline ends a read with the net package's timeout error.
func TestRawRead(t *testing.T) {
	c, peer := tcpPair(t)
	data := bytes.Repeat([]byte("0123456789"), 400000)
	go func() {
		peer.Write(data)
		peer.Close()
	}()
	got, err := io.ReadAll(c)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes (%v), not the %d sent in order", len(got), err, len(data))
	}

	c2, _ := tcpPair(t)
	c2.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	_, err = c2.Read(make([]byte, 10))
	var ne net.Error
	if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() || !strings.HasPrefix(err.Error(), "read tcp ") {
		t.Fatalf("read past the deadline: %v", err)
	}
}
