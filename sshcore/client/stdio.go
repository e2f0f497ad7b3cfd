package client

import (
	"io"
	"os"
	"syscall"

	"sshbox/internal/rawio"
)

// stdinForCopy is ssh's standard input for a copy into a channel. A pipe
// or socket is read without blocking, through the runtime's poller
// (rawio.Inherited), as OpenSSH's ssh reads a standard input that is not a
// terminal: a blocking read of a pipe holds the one processor a
// connection runs on (internal/procs) until the runtime hands it to
// another thread, at every read. Measured on one core, 512 MiB
// aes128-gcm up, five alternated runs, medians: 397 -> 476 MB/s, the
// client's CPU 1.08 -> 0.72 s/GiB (docs/performance.md, "Standard input
// without blocking"). done puts the descriptor's flags back and may be
// called more than once: when the copy ends, and before ssh exits.
func stdinForCopy() (in io.Reader, done func()) {
	// Descriptor 0, not os.Stdin.Fd(): Fd would make os.Stdin blocking.
	if f, restore := rawio.Inherited(syscall.Stdin, os.Stdin.Name()); f != nil {
		return f, restore
	}
	return os.Stdin, func() {}
}
