package idle

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// closingChannel is a fakeChannel that records its close.
type closingChannel struct {
	fakeChannel
	closed atomic.Bool
}

func (c *closingChannel) Close() error { c.closed.Store(true); return nil }

// expiredLog records what Timeouts says it closed.
type expiredLog struct {
	mu  sync.Mutex
	ids map[int]time.Duration
}

func (l *expiredLog) note(tc *TimedChannel, d time.Duration) {
	l.mu.Lock()
	l.ids[tc.ID()] = d
	l.mu.Unlock()
}

func (l *expiredLog) get(id int) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	d, ok := l.ids[id]
	return d, ok
}

func limits(m map[string]time.Duration) func(string) time.Duration {
	return func(typ string) time.Duration { return m[typ] }
}

// TestTimeoutsPerType: an idle channel of a type with a limit is closed
// and reported under its number; one kept busy with data, or of a type
// with no limit, stays open; a forgotten one is no longer watched;
// requests are not data.
func TestTimeoutsPerType(t *testing.T) {
	log := &expiredLog{ids: map[int]time.Duration{}}
	ts := NewTimeouts(limits(map[string]time.Duration{
		"session": 60 * time.Millisecond, "direct-tcpip": 60 * time.Millisecond, "agent-connection": 60 * time.Millisecond,
	}), log.note, nil)
	defer ts.Stop()
	idleSess, busy, other, gone, agent := &closingChannel{}, &closingChannel{}, &closingChannel{}, &closingChannel{}, &closingChannel{}
	s0 := ts.Track(idleSess, "session", nil)
	var touched atomic.Int32
	s1 := ts.Track(busy, "direct-tcpip", func(bool) { touched.Add(1) })
	ts.Track(other, "forwarded-tcpip", nil)
	s3 := ts.Track(gone, "direct-tcpip", nil)
	ts.Track(agent, "auth-agent@openssh.com", nil)
	if s0.ID() != 0 || s1.ID() != 1 || s3.ID() != 3 {
		t.Errorf("ids %d %d %d", s0.ID(), s1.ID(), s3.ID())
	}
	if !s3.Forget() || s3.Forget() {
		t.Error("Forget reports the first call only")
	}
	for range 10 {
		time.Sleep(20 * time.Millisecond)
		s1.Write([]byte("x"))
		s0.SendRequest("window-change", false, nil)
	}
	if !idleSess.closed.Load() || !agent.closed.Load() {
		t.Error("the idle session and agent channels are open")
	}
	if busy.closed.Load() || other.closed.Load() || gone.closed.Load() {
		t.Errorf("closed: busy %v, unlimited %v, forgotten %v", busy.closed.Load(), other.closed.Load(), gone.closed.Load())
	}
	if d, ok := log.get(0); !ok || d != 60*time.Millisecond {
		t.Errorf("channel 0 reported %v %v", d, ok)
	}
	if _, ok := log.get(1); ok {
		t.Error("the busy channel was reported")
	}
	if touched.Load() == 0 {
		t.Error("touch not called")
	}
	if n := ts.Open(); n != 2 {
		t.Errorf("Open() = %d, want 2", n)
	}
}

// TestTimeoutsGlobal: "global" is not matched by a type's limit; data on
// any channel keeps all of them open; once none has data for the
// interval, every open channel is closed.
func TestTimeoutsGlobal(t *testing.T) {
	log := &expiredLog{ids: map[int]time.Duration{}}
	var emptied atomic.Int32
	ts := NewTimeouts(limits(map[string]time.Duration{"global": 80 * time.Millisecond}), log.note, func() { emptied.Add(1) })
	defer ts.Stop()
	a, b := &closingChannel{}, &closingChannel{}
	ta := ts.Track(a, "session", nil)
	ts.Track(b, "x11", nil)
	for range 8 {
		time.Sleep(20 * time.Millisecond)
		ta.Write([]byte("x"))
	}
	if a.closed.Load() || b.closed.Load() {
		t.Fatal("closed while one channel had data")
	}
	time.Sleep(200 * time.Millisecond)
	if !a.closed.Load() || !b.closed.Load() {
		t.Errorf("after the global interval: closed %v %v", a.closed.Load(), b.closed.Load())
	}
	if _, ok := log.get(1); !ok || ts.Open() != 0 || emptied.Load() != 1 {
		t.Errorf("channel 1 not reported, or %d open, or emptied told %d times", ts.Open(), emptied.Load())
	}
}

func TestTimeoutType(t *testing.T) {
	for in, want := range map[string]string{"x11": "x11-connection", "auth-agent@openssh.com": "agent-connection",
		"tun@openssh.com": "tun-connection", "session": "session", "direct-streamlocal@openssh.com": "direct-streamlocal@openssh.com"} {
		if got := TimeoutType(in); got != want {
			t.Errorf("TimeoutType(%q) = %q, want %q", in, got, want)
		}
	}
}
