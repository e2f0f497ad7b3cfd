// Package idle watches SSH connections and channels for inactivity, for
// ChannelTimeout (both sides), the server's UnusedConnectionTimeout and
// Dropbear's -I idle timeout (both sides): a Timer calls its function once
// nothing has touched it for its interval, Channel reports what moves on
// an ssh.Channel, Timeouts closes a connection's idle channels, and Counts
// says which requests are traffic.
package idle

import (
	"sync"
	"time"
)

// Timer calls expire once nothing has touched it for d. Touching only
// stores the time; the timer looks at it when it fires, so busy channels
// cost no timer resets. A nil *Timer may be touched and stopped: it is a
// limit that is not set.
type Timer struct {
	d      time.Duration
	expire func()

	mu      sync.Mutex
	last    time.Time
	timer   *time.Timer
	stopped bool
}

// New starts a timer of d that calls expire, on a goroutine of its own,
// when d has passed without a Touch.
func New(d time.Duration, expire func()) *Timer {
	t := &Timer{d: d, expire: expire, last: time.Now()}
	t.timer = time.AfterFunc(d, t.fire)
	return t
}

// Duration is the interval the timer was made with.
func (t *Timer) Duration() time.Duration { return t.d }

// Touch notes activity: the interval starts again from now.
func (t *Timer) Touch() {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.last = time.Now()
	t.mu.Unlock()
}

func (t *Timer) fire() {
	t.mu.Lock()
	if t.stopped {
		t.mu.Unlock()
		return
	}
	if idle := time.Since(t.last); idle < t.d {
		t.timer.Reset(t.d - idle)
		t.mu.Unlock()
		return
	}
	t.mu.Unlock()
	t.expire()
}

// Restart starts a new interval, also after the timer expired or was
// stopped (ChannelTimeout's global limit after it closed everything, or a
// connection that has become unused again).
func (t *Timer) Restart() {
	t.mu.Lock()
	t.last, t.stopped = time.Now(), false
	t.timer.Reset(t.d)
	t.mu.Unlock()
}

// Stop ends the timer: expire is not called (again) unless Restart.
func (t *Timer) Stop() {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.stopped = true
	t.timer.Stop()
	t.mu.Unlock()
}
