// Package procs sizes the Go scheduler to the SSH connections a process
// holds: one P (GOMAXPROCS) per connection, up to what the runtime chose at
// start.
//
// One SSH connection is one serial stream of work. x/crypto decrypts every
// packet on the connection's reader goroutine, hands it to the channel
// multiplexer's goroutine and from there to the channel's reader, and
// encrypts under one lock: a bulk transfer cannot use a second core for
// its own cipher. With a second P idle, every one of those hand-offs wakes
// it (futex), it spins looking for work and sleeps again, on the core the
// peer and the child process need. With one P the hand-off is a switch on
// the same thread. Measured on a 2-core machine, 256 MiB sshbox<->sshbox,
// median of five alternated runs (docs/performance.md, "One core per
// connection"): 29-44 % more throughput with aes128-gcm and
// chacha20-poly1305, 18-28 % less CPU per GiB. OpenSSH and Dropbear get the
// same shape from a process per connection.
//
// A server with several connections gets a P for each, up to the start
// value, so that their key exchanges and transfers still run in parallel;
// sshd also counts each session of a connection past its first (sftp's
// parallel sessions), whose children's I/O can use another core.
// $GOMAXPROCS, when set, is the user's choice and is left alone; so is the
// scheduler of a process that never calls Enable (tests).
//
// The cost: once GOMAXPROCS has been lowered, the runtime holds 0.2-0.45
// MiB more memory than a process started with one P, once per process.
package procs

import (
	"os"
	"runtime"
	"sync"

	"sshbox/internal/hold"
)

var (
	mu      sync.Mutex
	enabled bool
	most    int // the runtime's own choice at Enable
	open    int // connections counted by Begin
	current int
	set     = runtime.GOMAXPROCS
)

// Enable starts sizing the scheduler: from now on GOMAXPROCS follows the
// number of connections Begin counts. ssh and sshd call it first thing;
// sftp-server too, which serves one stream and never calls Begin, so it
// runs on one P. scp and sftp do not: they move a file over several sessions at once and
// write it as it comes, system calls that hold a P, and their downloads
// measured slower on one (155-209 against 204-297 MiB/s, three rounds).
func Enable() {
	if os.Getenv("GOMAXPROCS") != "" {
		return
	}
	mu.Lock()
	defer mu.Unlock()
	if enabled {
		return
	}
	enabled = true
	most = set(0)
	current = most
	resize()
}

// Begin counts one connection until the returned function is called.
func Begin() (end func()) {
	return hold.Count(&mu, func(d int) {
		open += d
		resize()
	})
}

// resize sets GOMAXPROCS to one per open connection, at least one and at
// most the runtime's own choice. A change stops the world for a moment, so
// it is made only when the figure moves. mu is held.
func resize() {
	if !enabled {
		return
	}
	n := min(max(open, 1), most)
	if n != current {
		set(n)
		current = n
	}
}
