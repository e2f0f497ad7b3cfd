package gcpace

import (
	"runtime"
	"runtime/debug"
	"slices"
	"testing"
)

// fake stands in for the runtime: the percentages set, in order, and a
// live heap the test chooses.
func fake(t *testing.T, live uint64) (calls *[]int, setLive func(uint64)) {
	t.Helper()
	t.Setenv("GOGC", "")
	var c []int
	percent := 100
	oldSet, oldLive := setPercent, liveHeap
	setPercent = func(p int) int {
		old := percent
		percent = p
		c = append(c, p)
		return old
	}
	liveHeap = func() uint64 { return live }
	t.Cleanup(func() {
		setPercent, liveHeap = oldSet, oldLive
		enabled, base, active, current = false, 0, 0, 0
	})
	return &c, func(l uint64) { live = l }
}

func TestBulkRaisesAndRestores(t *testing.T) {
	calls, _ := fake(t, 2<<20)
	Enable(0)
	*calls = nil
	end1 := Bulk()
	end2 := Bulk()
	if got := Active(); got != 2 {
		t.Fatalf("Active = %d, want 2", got)
	}
	end1()
	end1() // a second call does nothing
	if got := Active(); got != 1 {
		t.Fatalf("Active after one end = %d, want 1", got)
	}
	end2()
	// Raised once for the first copy, restored once after the last.
	if want := []int{250, 100}; !slices.Equal(*calls, want) {
		t.Fatalf("percentages set = %v, want %v", *calls, want)
	}
}

// The headroom is bytes, not a multiple of the heap: a larger live heap
// gets a smaller percentage, and a large one none at all.
func TestPercentFollowsLiveHeap(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want []int
	}{
		// Under the runtime's 4 MiB floor, the floor sets the goal:
		// 4 MiB x p/100 = live + 8 MiB.
		{0, []int{200, 100}},
		{3 << 20, []int{275, 100}},
		// Above it, live x (1 + p/100) = live + 8 MiB.
		{4 << 20, []int{200, 100}},
		{6 << 20, []int{133, 100}},
		{8 << 20, nil},
		{200 << 20, nil},
	} {
		calls, _ := fake(t, c.live)
		Enable(0)
		*calls = nil
		Bulk()()
		if !slices.Equal(*calls, c.want) {
			t.Errorf("live %d MiB: percentages set = %v, want %v", c.live>>20, *calls, c.want)
		}
	}
}

// sshd's lower percentage between bulk copies: set at Enable, the floor
// under what a copy calls for, and back when the copies end.
func TestIdlePercent(t *testing.T) {
	calls, setLive := fake(t, 2<<20)
	Enable(IdleServer)
	end := Bulk()
	setLive(40 << 20) // 8 MiB is a fifth of it: less than IdleServer
	Recheck()
	end()
	if want := []int{IdleServer, 250, IdleServer}; !slices.Equal(*calls, want) {
		t.Fatalf("percentages set = %v, want %v", *calls, want)
	}
}

// A heap that grows during a long transfer pulls the percentage back.
func TestRecheckFollowsGrowth(t *testing.T) {
	calls, setLive := fake(t, 2<<20)
	Enable(0)
	*calls = nil
	end := Bulk()
	setLive(6 << 20)
	Recheck()
	setLive(40 << 20)
	Recheck()
	end()
	if want := []int{250, 133, 100}; !slices.Equal(*calls, want) {
		t.Fatalf("percentages set = %v, want %v", *calls, want)
	}
}

// Without Enable, and with $GOGC set, the collector is left alone.
func TestLeftAlone(t *testing.T) {
	calls, _ := fake(t, 1<<20)
	Bulk()()
	Recheck()
	if len(*calls) != 0 {
		t.Fatalf("without Enable: percentages set = %v", *calls)
	}
	t.Setenv("GOGC", "100")
	Enable(IdleServer)
	Bulk()()
	if len(*calls) != 0 {
		t.Fatalf("with $GOGC: percentages set = %v", *calls)
	}
}

// Against the real runtime: the percentage is back to where it was once
// the copies end, and what the live heap calls for meanwhile (a test
// binary's heap is small: more than 100).
func TestRealRuntime(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Cleanup(func() { enabled, base, active, current = false, 0, 0, 0 })
	before := readPercent()
	Enable(0)
	runtime.GC()
	want := percentFor(readLiveHeap(), before)
	end := Bulk()
	during := readPercent()
	end()
	after := readPercent()
	t.Logf("GOGC %d, during a bulk copy %d", before, during)
	if during != want {
		t.Errorf("during a bulk copy GOGC = %d, want %d (live heap %d KiB)", during, want, readLiveHeap()>>10)
	}
	if after != before {
		t.Errorf("after the copies GOGC = %d, want %d", after, before)
	}
}

func readPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}
