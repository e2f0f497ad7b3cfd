package coalesce

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"net"
	"sync"
	"testing"
	"time"
)

// recorder is the connection under a Conn: it records each system call's
// bytes (a writev as one call) and whether it was closed.
type recorder struct {
	net.Conn
	mu     sync.Mutex
	calls  [][]byte
	closed bool
	fail   error
}

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return 0, r.fail
	}
	r.calls = append(r.calls, append([]byte(nil), p...))
	return len(p), nil
}

func (r *recorder) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	return nil
}

func (r *recorder) SetWriteDeadline(time.Time) error { return nil }

func (r *recorder) sizes() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []int
	for _, c := range r.calls {
		out = append(out, len(c))
	}
	return out
}

// newRecorded is a Conn over a recorder whose held chunk waits for the
// next write (or Close) however long the test takes to make it.
func newRecorded() (*Conn, *recorder) {
	r := &recorder{}
	c := New(r)
	c.hold = time.Hour
	c.writev = func(bufs net.Buffers) error {
		var all []byte
		for _, b := range bufs {
			all = append(all, b...)
		}
		_, err := r.Write(all)
		return err
	}
	return c, r
}

func fill(n int, b byte) []byte { return bytes.Repeat([]byte{b}, n) }

// The 4096 bytes bufio flushes and the rest of the packet go out in one
// call; other writes go out as they come.
func TestChunkJoinsNextWrite(t *testing.T) {
	c, r := newRecorded()
	c.Write(fill(100, 'a'))
	chunkBuf := fill(chunk, 'b')
	c.Write(chunkBuf)
	// bufio reuses its buffer at once: what was held must be a copy.
	copy(chunkBuf, fill(chunk, 'x'))
	if got := r.sizes(); len(got) != 1 {
		t.Fatalf("after the chunk: calls %v, want only the first write", got)
	}
	c.Write(fill(30000, 'c'))
	if got := r.sizes(); len(got) != 2 || got[1] != chunk+30000 {
		t.Fatalf("calls %v, want [100 %d]", got, chunk+30000)
	}
	want := append(fill(chunk, 'b'), fill(30000, 'c')...)
	if !bytes.Equal(r.calls[1], want) {
		t.Error("joined write does not hold the chunk as written, then the next write")
	}
}

// A chunk no write follows (a packet that filled bufio exactly) still goes
// out, after Hold.
func TestLoneChunkIsSent(t *testing.T) {
	c, r := newRecorded()
	c.hold = Hold
	c.Write(fill(chunk, 'z'))
	deadline := time.Now().Add(5 * time.Second)
	for len(r.sizes()) == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got := r.sizes(); len(got) != 1 || got[0] != chunk {
		t.Fatalf("calls %v, want [%d]", got, chunk)
	}
	// And the next write is on its own.
	c.Write(fill(10, 'y'))
	if got := r.sizes(); len(got) != 2 || got[1] != 10 {
		t.Fatalf("calls %v", got)
	}
}

func TestCloseSendsHeldChunk(t *testing.T) {
	c, r := newRecorded()
	c.Write(fill(chunk, 'q'))
	c.Close()
	if got := r.sizes(); len(got) != 1 || got[0] != chunk || !r.closed {
		t.Fatalf("calls %v closed %v, want the chunk sent, then closed", got, r.closed)
	}
}

// A failed write is the error of every later Write.
func TestWriteErrorSticks(t *testing.T) {
	c, r := newRecorded()
	c.Write(fill(chunk, 'e'))
	boom := errors.New("broken pipe")
	r.mu.Lock()
	r.fail = boom
	r.mu.Unlock()
	if _, err := c.Write(fill(5000, 'f')); !errors.Is(err, boom) {
		t.Fatalf("Write = %v, want %v", err, boom)
	}
	if _, err := c.Write(fill(10, 'g')); !errors.Is(err, boom) {
		t.Fatalf("later Write = %v, want %v", err, boom)
	}
}

// Over real TCP, with x/crypto's write pattern and a concurrent reader,
// every byte arrives in order.
func TestStreamOverTCP(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got := make(chan []byte, 1)
	go func() {
		s, err := l.Accept()
		if err != nil {
			got <- nil
			return
		}
		b, _ := io.ReadAll(s)
		got <- b
	}()
	nc, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c := New(nc)
	rng := rand.New(rand.NewSource(1))
	var sent []byte
	for i := 0; i < 2000; i++ {
		var p []byte
		switch rng.Intn(4) {
		case 0:
			p = make([]byte, chunk) // a bufio flush...
		case 1:
			p = make([]byte, 1+rng.Intn(40000)) // ...the rest of a packet
		case 2:
			p = make([]byte, 1+rng.Intn(200)) // a small packet
		default:
			if rng.Intn(50) == 0 {
				time.Sleep(200 * time.Microsecond) // past Hold
			}
			continue
		}
		rng.Read(p)
		if _, err := c.Write(p); err != nil {
			t.Fatal(err)
		}
		sent = append(sent, p...)
	}
	c.Close()
	if b := <-got; !bytes.Equal(b, sent) {
		t.Fatalf("received %d bytes, not the %d sent in order", len(b), len(sent))
	}
}

// Close does not wait behind a write blocked on a peer that does not read:
// closing is what ends that write.
func TestCloseDuringBlockedWrite(t *testing.T) {
	a, b := net.Pipe() // synchronous: a write waits for a reader
	defer b.Close()
	c := New(a)
	wrote := make(chan error, 1)
	go func() {
		c.Write(fill(chunk, 'h'))
		_, err := c.Write(fill(10000, 'i')) // blocks: nobody reads b
		wrote <- err
	}()
	time.Sleep(20 * time.Millisecond) // let the write block
	closed := make(chan struct{})
	go func() { c.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close waited for the blocked write")
	}
	if err := <-wrote; err == nil {
		t.Error("the blocked write succeeded after Close")
	}
}
