package idletrim

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// A trim runs once after the pokes stop, not once per poke, and not while
// they keep coming.
func TestIdleTrimWaitsForQuiet(t *testing.T) {
	var trims atomic.Int32
	done := make(chan struct{}, 10)
	tr := &Trimmer{Quiet: 200 * time.Millisecond, Trim: func() { trims.Add(1); done <- struct{}{} }}
	// Pokes every 20 ms for 600 ms: never 200 ms quiet, so no trim yet.
	for i := 0; i < 30; i++ {
		tr.Poke()
		time.Sleep(20 * time.Millisecond)
	}
	if n := trims.Load(); n != 0 {
		t.Fatalf("%d trims while connections kept coming, want 0", n)
	}
	<-done
	// A second burst after the trim arms it again.
	tr.Poke()
	tr.Poke()
	<-done
	time.Sleep(300 * time.Millisecond)
	if n := trims.Load(); n != 2 {
		t.Fatalf("%d trims after two bursts, want 2", n)
	}
	tr.Stop()
}

func TestIdleTrimStop(t *testing.T) {
	var trims atomic.Int32
	tr := &Trimmer{Quiet: 50 * time.Millisecond, Trim: func() { trims.Add(1) }}
	tr.Poke()
	tr.Stop()
	time.Sleep(150 * time.Millisecond)
	if n := trims.Load(); n != 0 {
		t.Fatalf("%d trims after stop, want 0", n)
	}
}

// FreeMemory gives back most of the stack that goroutines grew and no
// longer use, which one collection (debug.FreeOSMemory alone) halves at
// most.
func TestFreeMemoryShrinksStacks(t *testing.T) {
	stackInUse := func() uint64 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.StackInuse
	}
	FreeMemory()
	before := stackInUse()
	const n = 64
	grown := make(chan struct{})
	release := make(chan struct{})
	for i := 0; i < n; i++ {
		go func() {
			deepen(1000) // about 128 KiB of stack at its deepest
			grown <- struct{}{}
			<-release // parked, using a small part of its stack
		}()
	}
	for i := 0; i < n; i++ {
		<-grown
	}
	defer close(release)
	grew := stackInUse() - before
	FreeMemory()
	left := stackInUse() - before
	t.Logf("stacks in use: %d KiB after growing, %d KiB after FreeMemory", grew>>10, left>>10)
	if grew < n*64<<10 {
		t.Fatalf("the goroutines grew only %d KiB of stack", grew>>10)
	}
	if left > grew/8 {
		t.Fatalf("FreeMemory left %d KiB of %d KiB of grown stacks in use, want at most an eighth", left>>10, grew>>10)
	}
}

// deepen recurses through frames of about 128 bytes each.
//
//go:noinline
func deepen(n int) byte {
	var pad [96]byte
	pad[n%len(pad)] = byte(n)
	if n == 0 {
		return pad[0]
	}
	return deepen(n-1) + pad[n%len(pad)]
}
