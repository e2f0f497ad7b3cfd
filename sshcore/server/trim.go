package server

import (
	"runtime/debug"
	"sync"
	"time"
)

// quietBeforeTrim is how long no connection may begin, log in or end
// before the server gives its free memory back to the kernel.
const quietBeforeTrim = time.Second

// idleTrim returns the heap's free pages to the kernel once the server has
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
type idleTrim struct {
	mu    sync.Mutex
	timer *time.Timer
	// quiet and trim are quietBeforeTrim and debug.FreeOSMemory, but for
	// tests.
	quiet time.Duration
	trim  func()
}

// poke says a connection began, logged in or ended: the trim waits for
// the next quiet period.
func (t *idleTrim) poke() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.timer != nil {
		t.timer.Reset(t.quietPeriod())
		return
	}
	trim := t.trim
	if trim == nil {
		trim = debug.FreeOSMemory
	}
	t.timer = time.AfterFunc(t.quietPeriod(), trim)
}

func (t *idleTrim) quietPeriod() time.Duration {
	if t.quiet > 0 {
		return t.quiet
	}
	return quietBeforeTrim
}

// stop cancels a pending trim (the server is closing).
func (t *idleTrim) stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.timer != nil {
		t.timer.Stop()
	}
}
