package client

import (
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"sshbox/internal/rawio"
)

// stdinForCopy is ssh's standard input for a copy into a channel. A pipe
// or socket is read without blocking, through the runtime's poller
// (rawio.Inherited), as OpenSSH's ssh reads a standard input that is not a
// terminal: a blocking read of a pipe holds the one processor a
// connection runs on (internal/procs) until the runtime hands it to
// another thread, at every read. Measured on one core, 512 MiB
// aes128-gcm up, five alternated runs, medians: 383 -> 460 MB/s, the
// client's CPU 1.14 -> 0.76 s/GiB (docs/performance.md, "Standard input
// without blocking"). done puts the descriptor's flags back and may be
// called more than once: when the copy ends, and before ssh exits.
//
// A standard input that is also the standard output or error (one socket
// for both, as inetd gives a program) is left blocking: O_NONBLOCK would
// reach the writes to it too, which go through the os package's blocking
// calls and would fail with EAGAIN.
func stdinForCopy() (in io.Reader, done func()) {
	if !sameFile(syscall.Stdin, syscall.Stdout) && !sameFile(syscall.Stdin, syscall.Stderr) {
		// Descriptor 0, not os.Stdin.Fd(): Fd would make os.Stdin blocking.
		if f, restore := rawio.Inherited(syscall.Stdin, os.Stdin.Name()); f != nil {
			return f, restore
		}
	}
	return os.Stdin, func() {}
}

// sameFile reports whether descriptors a and b are the same file (device
// and inode), or either cannot be looked at.
func sameFile(a, b int) bool {
	var sa, sb unix.Stat_t
	if unix.Fstat(a, &sa) != nil || unix.Fstat(b, &sb) != nil {
		return true
	}
	return sa.Dev == sb.Dev && sa.Ino == sb.Ino
}

// stdinUntilExit is stdinForCopy for -s and -W, which have no signal
// handling of their own (runSession restores the descriptor with the
// terminal): where the descriptor was made non-blocking, a SIGINT, SIGTERM
// or SIGHUP puts its flags back before ssh exits, with 255 as OpenSSH's
// does. done restores the flags and stops the signal handling; it may be
// called more than once. Where nothing was changed, signals keep their
// default effect.
func (c *Client) stdinUntilExit() (in io.Reader, done func()) {
	in, restore := stdinForCopy()
	if in == io.Reader(os.Stdin) {
		return in, restore
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	stopped := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			restore()
			c.Log.Verbose(msgKilledBySignal, sig.(syscall.Signal))
			os.Exit(255)
		case <-stopped:
		}
	}()
	var once sync.Once
	return in, func() {
		once.Do(func() {
			signal.Stop(sigs)
			close(stopped)
			restore()
		})
	}
}
