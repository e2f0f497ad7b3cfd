package idletrim

import (
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
