//go:build linux

// Package rawio reads and writes the non-blocking descriptors of the Go
// runtime's poller (TCP and Unix sockets, the pipes os.Pipe makes) with raw
// system calls, which the scheduler does not see.
//
// A read or write of a bulk transfer's size (32 KiB into a loopback
// socket, which runs the receiver's TCP input too; 256 KiB into or out of
// a pipe) takes tens of microseconds. The runtime takes the processor
// away from a goroutine that has spent 20 µs in a system call and wakes
// another thread to look for work; with the one processor sshbox runs a
// connection on (internal/procs) there is none, so that thread parks
// again, and the caller has to win its processor back when the call
// returns: futex calls and context switches for every large packet, on a
// core the peer needs. A raw call keeps the processor. That is safe only
// where the call cannot block, which is why Of hands out only descriptors
// that are non-blocking: when one is full (or empty), the caller waits in
// the poller, with its deadlines, as the net and os packages do.
package rawio

import (
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Of returns x's descriptor for Writev and Read: x a TCP or Unix socket,
// or an *os.File whose descriptor is non-blocking. Anything else (a file
// or terminal left blocking, such as a pipe inherited as standard input;
// net.Pipe; an SSH channel) is nil: a raw call on a blocking descriptor
// would hold the processor for as long as it blocks.
func Of(x any) syscall.RawConn {
	var sc syscall.Conn
	switch v := x.(type) {
	case *net.TCPConn:
		sc = v
	case *net.UnixConn:
		sc = v
	case *os.File:
		sc = v
	default:
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	nonblocking := false
	if err := rc.Control(func(fd uintptr) {
		fl, err := unix.FcntlInt(fd, unix.F_GETFL, 0)
		nonblocking = err == nil && fl&unix.O_NONBLOCK != 0
	}); err != nil || !nonblocking {
		return nil
	}
	return rc
}

// Writev writes all of bufs with writev(2), waiting in the poller while
// the descriptor is full. A failed call's error is an *os.SyscallError;
// the poller's (closed, deadline) come as the net or os package gives
// them.
func Writev(rc syscall.RawConn, bufs net.Buffers) (int64, error) {
	var n int64
	var errno error
	var iov [2]unix.Iovec // most callers write one or two buffers
	werr := rc.Write(func(fd uintptr) bool {
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
				errno = os.NewSyscallError("writev", e)
				return true
			}
		}
	})
	if errno != nil {
		return n, errno
	}
	return n, werr
}

// Read reads into p with read(2), waiting in the poller while there is
// nothing to read; io.EOF at the end. Errors as Writev's.
func Read(rc syscall.RawConn, p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var n int
	var err error
	rerr := rc.Read(func(fd uintptr) bool {
		for {
			r, _, e := unix.RawSyscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
			switch e {
			case 0:
				n = int(r)
				if n == 0 {
					err = io.EOF
				}
				return true
			case unix.EINTR:
			case unix.EAGAIN:
				return false // empty: wait in the poller
			default:
				err = os.NewSyscallError("read", e)
				return true
			}
		}
	})
	if err != nil {
		return n, err
	}
	return n, rerr
}

// advance drops the first n bytes of bufs, and the empty buffers then
// at its head.
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

// Inherited makes a pipe or socket the process inherited (ssh's standard
// input, say) something Of accepts: it sets O_NONBLOCK on fd and returns
// an *os.File, registered with the poller, on a duplicate of it, and a
// function that closes the duplicate and puts fd's flags back. OpenSSH's
// ssh does the same with its standard descriptors that are not terminals,
// and restores them the same way when the session ends. O_NONBLOCK
// belongs to the open file description, so another process sharing the
// pipe sees it until restore runs, as it would with OpenSSH. For anything
// else (a terminal, a regular file, /dev/null) f is nil: the flag means
// nothing to a file and the poller cannot wait on one.
func Inherited(fd int, name string) (f *os.File, restore func()) {
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil {
		return nil, nil
	}
	if t := st.Mode & unix.S_IFMT; t != unix.S_IFIFO && t != unix.S_IFSOCK {
		return nil, nil
	}
	flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		return nil, nil
	}
	dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, nil
	}
	wasBlocking := flags&unix.O_NONBLOCK == 0
	if wasBlocking {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFL, flags|unix.O_NONBLOCK); err != nil {
			unix.Close(dup)
			return nil, nil
		}
	}
	// os.NewFile registers a non-blocking descriptor with the poller.
	f = os.NewFile(uintptr(dup), name)
	var once sync.Once
	return f, func() {
		once.Do(func() {
			f.Close()
			if wasBlocking {
				unix.FcntlInt(uintptr(fd), unix.F_SETFL, flags)
			}
		})
	}
}
