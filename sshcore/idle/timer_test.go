package idle

import (
	"testing"
	"time"
)

// expired waits up to limit for the timer's function (a bound on a hang,
// not a measurement).
func expired(ch <-chan struct{}, limit time.Duration) bool {
	select {
	case <-ch:
		return true
	case <-time.After(limit):
		return false
	}
}

// TestTimer: a timer nobody touches expires once; touches keep it from
// expiring while they come; Stop ends it; Restart starts it again.
func TestTimer(t *testing.T) {
	t.Parallel()
	const d = 500 * time.Millisecond
	fired := make(chan struct{}, 4)
	tm := New(d, func() { fired <- struct{}{} })
	if tm.Duration() != d {
		t.Errorf("Duration %v, want %v", tm.Duration(), d)
	}
	if !expired(fired, 20*time.Second) {
		t.Fatal("an untouched timer did not expire")
	}

	// Touched ten times per interval for three intervals: no expiry.
	tm.Restart()
	for end := time.Now().Add(3 * d); time.Now().Before(end); time.Sleep(d / 10) {
		tm.Touch()
		select {
		case <-fired:
			t.Fatal("expired while being touched")
		default:
		}
	}
	if !expired(fired, 20*time.Second) {
		t.Fatal("did not expire once the touches stopped")
	}

	tm.Restart()
	tm.Stop()
	if expired(fired, 3*d) {
		t.Error("expired after Stop")
	}
}

// TestNilTimer: an unset limit is a nil *Timer, which may be touched and
// stopped.
func TestNilTimer(t *testing.T) {
	var tm *Timer
	tm.Touch()
	tm.Stop()
}
