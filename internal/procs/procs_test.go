package procs

import (
	"slices"
	"testing"
)

// fake replaces runtime.GOMAXPROCS for the test: the test process's own
// scheduler is left alone.
func fake(t *testing.T, start int) *[]int {
	t.Helper()
	var calls []int
	oldSet := set
	set = func(n int) int {
		if n > 0 {
			calls = append(calls, n)
			return start
		}
		return start
	}
	t.Cleanup(func() { set, enabled, open, most, current = oldSet, false, 0, 0, 0 })
	return &calls
}

func TestOnePerConnection(t *testing.T) {
	t.Setenv("GOMAXPROCS", "")
	calls := fake(t, 4)
	end0 := Begin() // before Enable: counted, nothing set
	if len(*calls) != 0 {
		t.Fatalf("set before Enable: %v", *calls)
	}
	Enable()
	end1 := Begin()
	end2 := Begin()
	end3 := Begin()
	end4 := Begin() // five open: capped at the start value, 4
	end4()
	end4() // a second call is not a second end
	end3()
	end2()
	end1()
	end0()
	// one connection open at Enable: 1; then 2, 3, 4; down to 3, 2, 1.
	if want := []int{1, 2, 3, 4, 3, 2, 1}; !slices.Equal(*calls, want) {
		t.Errorf("GOMAXPROCS calls %v, want %v", *calls, want)
	}
	if open != 0 {
		t.Errorf("open = %d after every end", open)
	}
}

func TestUserChoiceKept(t *testing.T) {
	t.Setenv("GOMAXPROCS", "3")
	calls := fake(t, 3)
	Enable()
	Begin()()
	if len(*calls) != 0 {
		t.Errorf("GOMAXPROCS set although $GOMAXPROCS is: %v", *calls)
	}
}
