package transfer

import (
	"sync"
	"time"
)

// Limiter is -l: at most so many bits a second over everything it
// counts, shared by all the sessions of one transfer.
type Limiter struct {
	mu      sync.Mutex
	bytesPS float64
	start   time.Time
	total   float64
}

// NewLimiter limits to kbits Kbit/s; 0 means no limit (a nil Limiter).
func NewLimiter(kbits int64) *Limiter {
	if kbits <= 0 {
		return nil
	}
	return &Limiter{bytesPS: float64(kbits) * 1024 / 8, start: time.Now()}
}

// Wait accounts for n bytes and sleeps until they fit the rate.
func (l *Limiter) Wait(n int) {
	if l == nil {
		return
	}
	l.mu.Lock()
	l.total += float64(n)
	due := l.start.Add(time.Duration(l.total / l.bytesPS * float64(time.Second)))
	l.mu.Unlock()
	if d := time.Until(due); d > 0 {
		time.Sleep(d)
	}
}
