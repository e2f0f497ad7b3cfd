package coalesce

import (
	"net"
	"os"
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A write to a loopback or LAN socket is long for a system call: on
// loopback it runs the receiver's TCP input too, tens of microseconds for
// a 32 KiB packet. The Go runtime takes the processor away from a
// goroutine that has been in a system call for 20 µs and wakes another
// thread to look for work; with the one processor sshbox runs a
// connection on (internal/procs) there is none, so that thread parks
// again, and the writer must win the processor back when its call
// returns. Every large packet paid for that, on the core the peer needs.
// A raw system call is not seen by the scheduler: the goroutine keeps its
// processor through the write. That is safe only where the write cannot
// block, which is why it is done on the sockets of the runtime's poller
// alone (non-blocking; a full socket is waited for in the poller) and
// not on a pipe (sshd -i, a ProxyCommand), which may be blocking.
//
// Measured on 2 cores, 256 MiB sshbox<->sshbox, alternated runs, medians
// (docs/performance.md, "Raw writes"): aes128-gcm down 685 -> 754 and
// 799 -> 861 MB/s, up 597 -> 588 and 615 -> 745; chacha20-poly1305 down
// 318 -> 356, up 306 -> 326. The sending client's voluntary context
// switches fell from 1650-1900 to 590-720 per 256 MiB. On one core,
// where no other thread could run meanwhile anyway, no difference.

// rawSocket is c's descriptor for rawWrite, or nil.
func rawSocket(c net.Conn) syscall.RawConn {
	switch c.(type) {
	case *net.TCPConn, *net.UnixConn:
	default:
		return nil
	}
	rc, err := c.(syscall.Conn).SyscallConn()
	if err != nil {
		return nil
	}
	return rc
}

// rawWrite writes all of bufs with writev(2) as raw system calls, waiting
// in the poller while the socket is full, as net.Buffers.WriteTo would. Its
// errors read as the net package's.
func (c *Conn) rawWrite(bufs net.Buffers) (int64, error) {
	var n int64
	var errno error
	var iov [2]unix.Iovec // x/crypto's pattern: a held chunk and a write
	werr := c.raw.Write(func(fd uintptr) bool {
		for {
			vec := iov[:0]
			for _, b := range bufs {
				if len(b) > 0 {
					v := unix.Iovec{Base: &b[0]}
					v.SetLen(len(b))
					vec = append(vec, v)
				}
			}
			if len(vec) == 0 {
				return true
			}
			r, _, e := unix.RawSyscall(unix.SYS_WRITEV, fd, uintptr(unsafe.Pointer(&vec[0])), uintptr(len(vec)))
			runtime.KeepAlive(bufs)
			switch e {
			case 0:
				n += int64(r)
				bufs = advance(bufs, int(r))
			case unix.EINTR:
			case unix.EAGAIN:
				return false // full: wait in the poller
			default:
				errno = e
				return true
			}
		}
	})
	if errno != nil {
		return n, &net.OpError{Op: "write", Net: c.LocalAddr().Network(), Source: c.LocalAddr(),
			Addr: c.RemoteAddr(), Err: os.NewSyscallError("writev", errno)}
	}
	if oe, ok := werr.(*net.OpError); ok {
		oe.Op = "write" // not the net package's "raw-write"
	}
	return n, werr
}

// advance drops the first n bytes of bufs.
func advance(bufs net.Buffers, n int) net.Buffers {
	for n > 0 && len(bufs) > 0 {
		if len(bufs[0]) > n {
			bufs[0] = bufs[0][n:]
			return bufs
		}
		n -= len(bufs[0])
		bufs = bufs[1:]
	}
	for len(bufs) > 0 && len(bufs[0]) == 0 {
		bufs = bufs[1:]
	}
	return bufs
}
