// Package hold counts something held open under a lock: a connection
// (internal/procs), a bulk copy (internal/gcpace).
package hold

import "sync"

// Count runs change(+1) under mu and returns the function that runs
// change(-1) under mu; calling that function again does nothing.
func Count(mu *sync.Mutex, change func(delta int)) (release func()) {
	mu.Lock()
	defer mu.Unlock()
	change(1)
	var once sync.Once
	return func() {
		once.Do(func() {
			mu.Lock()
			defer mu.Unlock()
			change(-1)
		})
	}
}
