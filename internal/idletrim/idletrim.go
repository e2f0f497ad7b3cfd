// Package idletrim gives a Go server's free heap back to the kernel once
// it has gone quiet; sshd and the benchmark's bare x/crypto server
// (internal/minserver) both use it, so that their memory is measured alike.
package idletrim

import (
	"runtime"
	"runtime/debug"
	"sync"
	"time"
)

// QuietBeforeTrim is how long no connection may begin, log in or end
// before the server gives its free memory back to the kernel.
const QuietBeforeTrim = time.Second

// Trimmer returns the heap's free pages to the kernel once the server has
// gone quiet. A login allocates far more than an idle connection keeps (key
// exchange, signature checks, the account lookup); the collector frees it,
// but the runtime only hands freed pages back to the kernel gradually, and
// an idle daemon runs almost no collections to prompt it. So the pages a
// burst of logins used would stay resident, charged to the idle
// connections they left behind (about a third of sshd's resident size per
// idle connection, docs/performance.md), and so would the stacks the
// logins grew (FreeMemory). The forced collections after a quiet second
// cost milliseconds on a small system's heap and run at most once per
// burst: a server busy with logins never goes quiet and never pays for
// them.
type Trimmer struct {
	mu    sync.Mutex
	timer *time.Timer
	// Quiet and Trim are QuietBeforeTrim and FreeMemory when zero; tests
	// set them.
	Quiet time.Duration
	Trim  func()
}

// Poke says a connection began, logged in or ended: the trim waits for
// the next quiet period.
func (t *Trimmer) Poke() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.timer != nil {
		t.timer.Reset(t.quietPeriod())
		return
	}
	trim := t.Trim
	if trim == nil {
		trim = FreeMemory
	}
	t.timer = time.AfterFunc(t.quietPeriod(), trim)
}

// shrinkCollections is how many collections FreeMemory runs before the one
// that returns the free pages.
const shrinkCollections = 3

// FreeMemory shrinks the goroutine stacks a burst of logins grew and gives
// the heap's free pages back to the kernel. A login's key exchange and
// authentication grow each of its connection's goroutines' stacks, and an
// idle connection's goroutines, parked in a read or a channel receive, use
// a small part of them; but the runtime shrinks a stack only during a
// collection, and only by half. debug.FreeOSMemory alone is one collection:
// with three before it, sshd held 56-57 KiB per idle connection in
// scripts/bench where it held 63, and x/crypto's bare server 43 where it
// held 51 (BENCH_ONLY=memory, alternated; with stack shrinking off,
// GODEBUG=gcshrinkstackoff=1, the same build held 64-66 and 61-62: the
// stacks are what the collections give back). A collection costs about
// 1 ms of CPU per MiB of live heap, so some 80 ms for a daemon holding
// 1000 idle connections, once per quiet period.
func FreeMemory() {
	for i := 0; i < shrinkCollections; i++ {
		runtime.GC()
	}
	debug.FreeOSMemory()
}

func (t *Trimmer) quietPeriod() time.Duration {
	if t.Quiet > 0 {
		return t.Quiet
	}
	return QuietBeforeTrim
}

// Stop cancels a pending trim (the server is closing).
func (t *Trimmer) Stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.timer != nil {
		t.timer.Stop()
	}
}
