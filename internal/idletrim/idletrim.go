// Package idletrim gives a Go server's free heap back to the kernel once
// it has gone quiet; sshd and the benchmark's bare x/crypto server
// (internal/minserver) both use it, so that their memory is measured alike.
package idletrim

import (
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
// idle connection, docs/performance.md). One forced collection after a
// quiet second costs milliseconds on a small system's heap and runs at most
// once per burst: a server busy with logins never goes quiet and never
// pays for it.
type Trimmer struct {
	mu    sync.Mutex
	timer *time.Timer
	// Quiet and Trim are QuietBeforeTrim and debug.FreeOSMemory when
	// zero; tests set them.
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
		trim = debug.FreeOSMemory
	}
	t.timer = time.AfterFunc(t.quietPeriod(), trim)
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
