package client

import (
	"bytes"
	"sync"
	"testing"
	"time"
)

// recorder is the session's stdin as the pacer sees it: what arrives and
// when, and the chaff sent.
type recorder struct {
	mu     sync.Mutex
	events []string // "k:DATA" or "chaff"
	closed bool
}

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, "k:"+string(p))
	return len(p), nil
}

func (r *recorder) Close() error { r.mu.Lock(); r.closed = true; r.mu.Unlock(); return nil }

func (r *recorder) chaff() error {
	r.mu.Lock()
	r.events = append(r.events, "chaff")
	r.mu.Unlock()
	return nil
}

func (r *recorder) snapshot() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.events...)
}

// TestKeystrokePacer: keystrokes leave on the beat, in order, with chaff
// on the beats between them and after them; a paste goes at once; Close
// sends what is queued.
func TestKeystrokePacer(t *testing.T) {
	r := &recorder{}
	k := newKeystrokePacer(r, 50*time.Millisecond, r.chaff)
	k.Write([]byte("a"))
	if len(r.snapshot()) != 0 {
		t.Fatal("a keystroke left before the beat")
	}
	time.Sleep(120 * time.Millisecond)
	k.Write([]byte("bc"))
	deadline := time.Now().Add(5 * time.Second)
	for {
		ev := r.snapshot()
		var keys []string
		chaff := 0
		for _, e := range ev {
			if e == "chaff" {
				chaff++
			} else {
				keys = append(keys, e)
			}
		}
		if len(keys) == 2 && chaff >= 3 {
			if keys[0] != "k:a" || keys[1] != "k:bc" {
				t.Fatalf("keystrokes %q, want a then bc", keys)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("events %q", ev)
		}
		time.Sleep(5 * time.Millisecond)
	}
	paste := bytes.Repeat([]byte("p"), 100)
	before := len(r.snapshot())
	k.Write(paste)
	if ev := r.snapshot(); len(ev) <= before || !containsEvent(ev[before:], "k:"+string(paste)) {
		t.Fatalf("a paste waited for the beat: %q", ev[before:])
	}
	k.Write([]byte("z"))
	k.Close()
	ev := r.snapshot()
	if ev[len(ev)-1] != "k:z" || !r.closed {
		t.Fatalf("Close: last event %q, closed %v", ev[len(ev)-1], r.closed)
	}
}

func containsEvent(ev []string, want string) bool {
	for _, e := range ev {
		if e == want {
			return true
		}
	}
	return false
}

// TestKeystrokePacerStops: the chaff ends some seconds after the last
// keystroke, and the beat with it.
func TestKeystrokePacerStops(t *testing.T) {
	r := &recorder{}
	k := newKeystrokePacer(r, time.Millisecond, r.chaff)
	k.Write([]byte("x"))
	waitUntil := time.Now().Add(chaffMin + chaffRange + 5*time.Second)
	for {
		k.mu.Lock()
		running := k.running
		k.mu.Unlock()
		if !running {
			break
		}
		if time.Now().After(waitUntil) {
			t.Fatal("the chaff did not stop")
		}
		time.Sleep(50 * time.Millisecond)
	}
	n := len(r.snapshot())
	time.Sleep(20 * time.Millisecond)
	if len(r.snapshot()) != n {
		t.Fatal("chaff after the beat stopped")
	}
}
