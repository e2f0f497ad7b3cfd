package transfer

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

func TestWorkersPerSession(t *testing.T) {
	for _, c := range []struct {
		rtt  time.Duration
		want int
	}{
		{0, maxWorkersPerSession}, // not known yet: as many as on a long path
		{100 * time.Microsecond, minWorkersPerSession},
		{3900 * time.Microsecond, 3},
		{7700 * time.Microsecond, 3},
		{8 * time.Millisecond, 4},
		{10 * time.Millisecond, 4},
		{20 * time.Millisecond, 7},
		{24 * time.Millisecond, 8},
		{50 * time.Millisecond, 8},
		{time.Hour, 8},
	} {
		if got := workersPerSession(c.rtt); got != c.want {
			t.Errorf("workersPerSession(%v) = %d, want %d", c.rtt, got, c.want)
		}
	}
}

// Sessions follow the round trip: one while a session's window per round
// trip carries what eight are sized for, more on longer paths.
func TestSessionsFor(t *testing.T) {
	for _, c := range []struct {
		rtt  time.Duration
		want int
	}{
		{0, maxSessions}, // not known: as on a long path
		{100 * time.Microsecond, 1},
		{time.Millisecond, 1},
		{3900 * time.Microsecond, 1},
		{4 * time.Millisecond, 2},
		{10 * time.Millisecond, 3},
		{20 * time.Millisecond, 6},
		{27 * time.Millisecond, 7},
		{28 * time.Millisecond, 8},
		{50 * time.Millisecond, 8},
		{time.Hour, maxSessions},
	} {
		if got := sessionsFor(c.rtt); got != c.want {
			t.Errorf("sessionsFor(%v) = %d, want %d", c.rtt, got, c.want)
		}
	}
}

// Fewer sessions share the workers eight would have, up to sixteen each.
func TestWorkersFor(t *testing.T) {
	for _, c := range []struct {
		rtt  time.Duration
		n    int
		want int
	}{
		{100 * time.Microsecond, 1, 16}, // 8 x 3 = 24, at most 16
		{100 * time.Microsecond, 2, 12},
		{100 * time.Microsecond, 8, 3},
		{10 * time.Millisecond, 3, 11}, // 8 x 4 = 32 over 3
		{20 * time.Millisecond, 6, 10}, // 8 x 7 = 56 over 6
		{50 * time.Millisecond, 8, 8},
		{0, 8, maxWorkersPerSession},
		{0, 1, maxWorkersFewSessions},
	} {
		if got := workersFor(c.rtt, c.n); got != c.want {
			t.Errorf("workersFor(%v, %d) = %d, want %d", c.rtt, c.n, got, c.want)
		}
	}
}

// A file too small to split keeps one session's own workers; a large one
// on a single session gets the share of several.
func TestPerSessionBySize(t *testing.T) {
	p := &Pool{}
	p.timed(func() error { return nil }) // a LAN
	if got := p.perSession(bigFile-1, 1); got != minWorkersPerSession {
		t.Errorf("a small file: %d workers, want %d", got, minWorkersPerSession)
	}
	if got := p.perSession(bigFile, 1); got != maxWorkersFewSessions {
		t.Errorf("a large file on one session: %d workers, want %d", got, maxWorkersFewSessions)
	}
}

// The pool keeps the shortest round trip: one slow answer does not make
// a LAN look like a long path.
func TestPoolKeepsShortestRoundTrip(t *testing.T) {
	p := &Pool{}
	if got := p.perSession(bigFile, maxSessions); got != maxWorkersPerSession {
		t.Fatalf("before any round trip: %d workers, want %d", got, maxWorkersPerSession)
	}
	p.timed(func() error { return nil })
	if got := p.perSession(bigFile, maxSessions); got != minWorkersPerSession {
		t.Fatalf("after a fast round trip: %d workers, want %d", got, minWorkersPerSession)
	}
	want := errors.New("no such file")
	if err := p.timed(func() error { time.Sleep(60 * time.Millisecond); return want }); err != want {
		t.Fatalf("timed returned %v, want the request's error", err)
	}
	if got := p.perSession(bigFile, maxSessions); got != minWorkersPerSession {
		t.Fatalf("after a slow round trip: %d workers, want still %d", got, minWorkersPerSession)
	}
}

// -R sets the requests in flight per session: workers of chunkSize / -B
// requests each (the last shorter), at least one.
func TestRequestsFlagSetsWorkers(t *testing.T) {
	for _, c := range []struct{ requests, bufSize, want int }{
		{64, 0, 8},
		{16, 0, 2},
		{1, 0, 1},
		{128, 0, 16},
		{64, 64 << 10, 16},
		{4, 1 << 20, 4}, // requests larger than a chunk: one each
	} {
		p := &Pool{Set: Settings{Requests: c.requests, BufSize: c.bufSize}}
		p.timed(func() error { return nil }) // a LAN: without -R, the fewest
		if got := p.perSession(bigFile, maxSessions); got != c.want {
			t.Errorf("-R %d -B %d: %d workers per session, want %d", c.requests, c.bufSize, got, c.want)
		}
	}
}

// memFile is a WriterAt into memory.
type memFile struct {
	mu  sync.Mutex
	buf []byte
}

func (m *memFile) WriteAt(p []byte, off int64) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if need := int(off) + len(p); need > len(m.buf) {
		m.buf = append(m.buf, make([]byte, need-len(m.buf))...)
	}
	return copy(m.buf[off:], p), nil
}

// slowReader answers some chunks late, so that they arrive out of order.
type slowReader struct{ r io.ReaderAt }

func (s slowReader) ReadAt(p []byte, off int64) (int, error) {
	if (off/chunkSize)%3 == 0 {
		time.Sleep(time.Millisecond)
	}
	return s.r.ReadAt(p, off)
}

// Every worker count moves the same bytes, in order, through several
// readers, from a start offset, with chunks answered out of order.
func TestCopyRangesWorkerCounts(t *testing.T) {
	src := make([]byte, 5*chunkSize+12345)
	for i := range src {
		src[i] = byte(rand.IntN(256))
	}
	for _, per := range []int{1, minWorkersPerSession, maxWorkersPerSession} { // 1: -R 8
		for _, start := range []int64{0, chunkSize + 7} {
			readers := []io.ReaderAt{slowReader{bytes.NewReader(src)}, bytes.NewReader(src), slowReader{bytes.NewReader(src)}}
			dst := &memFile{buf: append([]byte(nil), src[:start]...)}
			done, err := copyRanges(readers, dst, start, int64(len(src)), per, Settings{}, nil)
			if err != nil || done != int64(len(src)) {
				t.Fatalf("%d per session from %d: done %d, %v", per, start, done, err)
			}
			if !bytes.Equal(dst.buf, src) {
				t.Fatalf("%d per session from %d: the copy differs", per, start)
			}
			// Two sessions' handles on one remote file.
			remote := &memFile{buf: append([]byte(nil), src[:start]...)}
			done, err = copyRangesOut(bytes.NewReader(src), []io.WriterAt{remote, remote}, start, int64(len(src)), per, Settings{}, nil)
			if err != nil || done != int64(len(src)) {
				t.Fatalf("out, %d per session from %d: done %d, %v", per, start, done, err)
			}
			if !bytes.Equal(remote.buf, src) {
				t.Fatalf("out, %d per session from %d: the copy differs", per, start)
			}
		}
	}
}
