package hold

import (
	"sync"
	"testing"
)

func TestCountReleasesOnce(t *testing.T) {
	var mu sync.Mutex
	n := 0
	change := func(d int) {
		if mu.TryLock() {
			t.Error("change ran without the lock held")
			mu.Unlock()
		}
		n += d
	}
	r1 := Count(&mu, change)
	r2 := Count(&mu, change)
	if n != 2 {
		t.Fatalf("after two holds n = %d", n)
	}
	r1()
	r1()
	if n != 1 {
		t.Fatalf("after releasing one twice n = %d, want 1", n)
	}
	r2()
	if n != 0 {
		t.Fatalf("after both released n = %d", n)
	}
}
