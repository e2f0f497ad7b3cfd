package server

import (
	"os"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// wantPipeSize is what the child's stdin, stdout and stderr pipes are
// grown to: Linux's 64 KiB default makes a bulk transfer cost one wake-up
// of the child and one of the server per 64 KiB, and caps the server's
// reads at that size. Growing is best effort; the kernel allocates the
// pages only as data is queued, so an idle session costs nothing more.
const wantPipeSize = 1 << 20

var pipeSize = sync.OnceValue(func() int {
	// Root may exceed fs.pipe-max-size, but the administrator's limit is
	// the one to respect.
	b, err := os.ReadFile("/proc/sys/fs/pipe-max-size")
	if err != nil {
		return 0
	}
	max, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || max <= 0 {
		return 0
	}
	return min(max, wantPipeSize)
})

// growPipe asks the kernel for a larger buffer on the pipe f; a failure
// (another OS, a limit reached) leaves the default size.
func growPipe(f *os.File) {
	n := pipeSize()
	if n <= 0 {
		return
	}
	// SyscallConn, not Fd: Fd would switch the pipe to blocking mode and
	// take it out of the runtime's poller.
	if rc, err := f.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) { unix.FcntlInt(fd, unix.F_SETPIPE_SZ, n) })
	}
}
