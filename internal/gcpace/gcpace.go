// Package gcpace lets the garbage collector run less often while bulk data
// flows through a process whose heap is small.
//
// x/crypto copies every packet it receives into a fresh buffer, 32 KiB for
// a bulk transfer's channel data, so a receiving ssh or sshd makes garbage
// as fast as data arrives. The collector starts a cycle whenever the heap
// has grown by its live size since the last one (GOGC=100), and at least
// every 4 MiB: for ssh or sshd, whose live heap is 1-3 MiB, a collection
// every 2 MiB received, each paying for marking, for sweeping the large
// buffers, and for the kernel faulting in again the pages the scavenger
// handed back meanwhile.
//
// While at least one bulk copy runs (Bulk, called by internal/bulkio once a
// read fills its buffer), the GC percentage is raised so that the heap may
// grow by about Headroom past its live size before a collection; when the last one ends it goes back to what it was. Where
// the live heap is already large (a server holding thousands of
// connections), collections are rare anyway and the percentage stays where
// it was: the headroom is a fixed number of bytes, not a multiple of the
// heap. It is worked out again every RecheckEvery bytes a copy moves, so a
// heap that grows during a long transfer pulls the percentage back down.
// Idle and interactive sessions never count as bulk and keep the
// percentage Enable set: Go's 100 for ssh, 50 for sshd (see IdleServer).
//
// $GOGC, when set, is the user's choice and is left alone; so is the
// collector of a process that never calls Enable (tests, the applets that
// do not serve or hold a connection).
//
// Measured on a 2-core machine, 512 MiB aes128-gcm downloaded by sshbox's
// ssh from sshbox's sshd, both pinned to one core: the client's
// collections 274-277 -> 80-81, its minor page faults 18300-20300 ->
// 5900-6400, its peak resident size 14.5 -> 21 MiB; the throughput of
// both directions in docs/performance.md, "Fewer collections during a
// transfer".
package gcpace

import (
	"os"
	"runtime"
	"runtime/debug"
	"sync"

	"sshbox/internal/hold"
)

const (
	// Headroom is the garbage a bulk transfer may leave behind between two
	// collections, on top of the live heap: what the process's memory may
	// grow by while it receives.
	Headroom = 8 << 20
	// RecheckEvery is how many bytes a bulk copy moves between two looks
	// at the live heap.
	RecheckEvery = 64 << 20

	// IdleServer is sshd's percentage outside bulk copies. A server
	// holding many idle connections is mostly their long-lived state, and
	// each login's garbage is allocated among it: the collector does not
	// move objects, so at GOGC=100 the spans a burst of logins filled stay
	// half empty after it. Collecting twice as often during logins leaves
	// fewer of them: 57-59 KiB per idle connection against 65-67 (50
	// connections, docs/performance.md, "Collecting sooner between
	// logins"); 25 saved nothing more. Bulk copies are paced by Bulk
	// whatever this is.
	IdleServer = 50

	// minHeap is the runtime's floor under the heap goal at GOGC=100.
	minHeap = 4 << 20
)

var (
	mu      sync.Mutex
	enabled bool
	base    int // the percentage outside bulk copies
	active  int // bulk copies running
	current int

	// setPercent and liveHeap are the runtime's; tests replace them.
	setPercent = debug.SetGCPercent
	liveHeap   = readLiveHeap
)

// Enable lets Bulk raise the GC percentage, and sets it to idle outside bulk
// copies (0 keeps the runtime's, GOGC=100). ssh and sshd call it at start.
func Enable(idle int) {
	if os.Getenv("GOGC") != "" {
		return
	}
	mu.Lock()
	defer mu.Unlock()
	if enabled {
		return
	}
	enabled = true
	if idle > 0 {
		setPercent(idle)
		base = idle
	} else {
		base = setPercent(100)
		setPercent(base)
	}
	current = base
}

// Bulk says a bulk copy has started; the function it returns says it has
// ended (calling it again does nothing). Recheck, called as the copy
// goes on, keeps the percentage in step with the live heap.
func Bulk() (end func()) {
	return hold.Count(&mu, func(d int) {
		active += d
		repace()
	})
}

// Active is the number of bulk copies running.
func Active() int {
	mu.Lock()
	defer mu.Unlock()
	return active
}

// Recheck works the percentage out again from the live heap. A bulk copy
// calls it every RecheckEvery bytes.
func Recheck() {
	mu.Lock()
	defer mu.Unlock()
	repace()
}

// repace sets the percentage for the copies now running.
func repace() {
	if !enabled {
		return
	}
	want := base
	if active > 0 && base > 0 {
		want = percentFor(liveHeap(), base)
	}
	if want != current {
		setPercent(want)
		current = want
	}
}

// percentFor is the percentage that lets a heap of live bytes grow by
// Headroom before the next collection, and never less than base. The
// runtime's goal is live x (1 + p/100), but never under minHeap x p/100,
// which is what decides it for a heap under minHeap.
func percentFor(live uint64, base int) int {
	var p uint64
	if live < minHeap {
		p = (live + Headroom) * 100 / minHeap
	} else {
		p = Headroom * 100 / live
	}
	return max(int(p), base)
}

// readLiveHeap is the heap the last collection found live, worked back
// from the goal the runtime set for the next one (live x (1 + GOGC/100)).
// Where that goal is the runtime's 4 MiB floor it overstates a small heap,
// which only keeps the percentage lower. runtime/metrics reads the live
// heap directly but adds 20 KiB more to the binary than ReadMemStats.
func readLiveHeap() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.NextGC * 100 / uint64(100+current)
}
