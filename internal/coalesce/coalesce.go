// Package coalesce joins the two writes x/crypto/ssh makes for one large
// packet into one system call.
//
// x/crypto writes its packets through a bufio.Writer of 4096 bytes around
// the connection. A packet longer than what is left in that buffer (every
// packet of a bulk transfer: up to 32 KiB of channel data) leaves bufio
// with a full buffer to flush, 4096 bytes (the 4-byte length and the start
// of the packet), and then the rest of the packet to write directly: two
// write(2) calls, two TCP segments, and on loopback two wake-ups of the
// reader, which takes the first 4 KiB and blocks again for the rest. Conn
// holds a write of exactly 4096 bytes back and sends it with the next one
// in a single writev(2). When no next write comes (a packet whose bytes
// happened to fill the buffer exactly, the only other way bufio writes
// 4096 bytes), a timer sends it after Hold.
//
// Measured on 2 cores, 256 MiB aes128-gcm sshbox<->sshbox, median of four
// alternated runs each: pinned to one core, up 347 -> 358 and down 444 ->
// 479 MB/s with 4-7 % less CPU per GiB; on two cores up 580 -> 689 MB/s,
// down unchanged; aes128-ctr unchanged (docs/performance.md, "Joined packet
// writes"). ChaCha20-Poly1305 packets are written whole, in one write.
//
// On a TCP or Unix socket every write and read is a raw system call, which
// the Go scheduler does not see (internal/rawio). Measured on 2 cores, 256 MiB
// sshbox<->sshbox, alternated runs, medians: aes128-gcm down 685 -> 754
// MB/s, chacha20-poly1305 down 318 -> 356 and up 306 -> 326; the sending
// client's voluntary context switches fell from 1650-1900 to 590-720 per
// 256 MiB; on one core no difference (docs/performance.md, "Raw reads and writes").
package coalesce

import (
	"errors"
	"io"
	"net"
	"sync"
	"syscall"
	"time"

	"sshbox/internal/rawio"
)

// chunk is bufio's default size, which x/crypto's transport uses.
const chunk = 4096

// Hold is how long a held write waits for the next. The next write of the
// same packet follows within microseconds (the packet is sealed before
// bufio sees it), so this is only ever waited out at the end of a packet
// that exactly filled bufio's buffer.
const Hold = 50 * time.Microsecond

// Conn is a net.Conn whose 4096-byte writes are joined to the next write.
type Conn struct {
	net.Conn
	mu    sync.Mutex
	held  []byte // a write held back, in buf; nil when none
	buf   []byte
	timer *time.Timer
	err   error // a failed write of a held chunk, reported by the next Write
	// hold is Hold; tests that check what is joined lengthen it, so that
	// a test goroutine descheduled between two writes does not see the
	// timer send the chunk alone.
	hold time.Duration
	// writev sends bufs in one system call where the connection can
	// (net.Buffers uses writev(2) on TCP); tests replace it.
	writev func(bufs net.Buffers) error
	// raw is the socket under Conn for rawio; nil where Conn is not a
	// socket of the runtime's poller (a pipe under sshd -i or a
	// ProxyCommand).
	raw syscall.RawConn
}

// New wraps c.
func New(c net.Conn) *Conn {
	cc := &Conn{Conn: c, raw: rawio.Of(c), hold: Hold}
	cc.writev = func(bufs net.Buffers) error {
		_, err := cc.send(bufs)
		return err
	}
	return cc
}

// send writes bufs to the connection, in one writev(2) where it can.
func (c *Conn) send(bufs net.Buffers) (int64, error) {
	if c.raw == nil {
		return bufs.WriteTo(c.Conn)
	}
	n, err := rawio.Writev(c.raw, bufs)
	return n, c.netError("write", err)
}

// netError words a raw call's error as the net package's own call would:
// the poller's error (closed, deadline) under op, not "raw-write" or
// "raw-read", and a system call's in an *net.OpError.
func (c *Conn) netError(op string, err error) error {
	var oe *net.OpError
	switch {
	case err == nil || err == io.EOF:
	case errors.As(err, &oe):
		oe.Op = op
	default:
		err = &net.OpError{Op: op, Net: c.LocalAddr().Network(), Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
	}
	return err
}

// Write sends p, with a held chunk before it; a 4096-byte p is held.
func (c *Conn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return 0, c.err
	}
	if c.held != nil {
		c.timer.Stop()
		held := c.held
		c.held = nil
		if err := c.writev(net.Buffers{held, p}); err != nil {
			c.err = err
			return 0, err
		}
		return len(p), nil
	}
	if len(p) != chunk {
		n, err := c.send(net.Buffers{p})
		return int(n), err
	}
	// The caller (bufio) reuses p as soon as Write returns: keep a copy.
	// The buffer is allocated at the first large packet, not for an idle
	// connection.
	if c.buf == nil {
		c.buf = make([]byte, chunk)
	}
	c.held = c.buf[:copy(c.buf, p)]
	if c.timer == nil {
		c.timer = time.AfterFunc(c.hold, c.flush)
	} else {
		c.timer.Reset(c.hold)
	}
	return len(p), nil
}

// flush sends a chunk no write has followed.
func (c *Conn) flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.flushLocked()
}

func (c *Conn) flushLocked() {
	if c.held == nil {
		return
	}
	held := c.held
	c.held = nil
	if _, err := c.send(net.Buffers{held}); err != nil && c.err == nil {
		c.err = err
	}
}

// Close sends a held chunk, if no write is in progress and the
// connection takes a deadline (closeWait), and closes the connection. It
// never waits for the lock: a write blocked on a peer that does not read
// holds it, and closing the connection is what ends that write. Nor does
// it write where it could block without end (a pipe under sshd -i).
func (c *Conn) Close() error {
	if c.mu.TryLock() {
		if c.held != nil {
			c.timer.Stop()
			if c.Conn.SetWriteDeadline(time.Now().Add(closeWait)) == nil {
				c.flushLocked()
			}
			c.held = nil
		}
		c.mu.Unlock()
	}
	return c.Conn.Close()
}

// closeWait bounds the last write at Close when the peer does not read.
const closeWait = 100 * time.Millisecond

// Read reads from the connection, with a raw system call where writes are
// raw: a 32 KiB read is long enough a call, on a busy machine, for the
// scheduler to hand the processor away. Two cores, 256 MiB up, eight
// alternated runs, medians: aes128-gcm 578 -> 648 MB/s, chacha20-poly1305
// 254 -> 270; down alike (docs/performance.md, "Raw reads and writes").
func (c *Conn) Read(p []byte) (int, error) {
	if c.raw == nil {
		return c.Conn.Read(p)
	}
	n, err := rawio.Read(c.raw, p)
	return n, c.netError("read", err)
}
