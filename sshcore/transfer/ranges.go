package transfer

import (
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// chunkSize is one worker's unit: a ReadAt/WriteAt, one request where the
// server's limits allow 255 KiB (limits.go), else split by pkg/sftp into
// requests in flight (eight of 32 KiB, the last shorter).
const chunkSize = maxRequest

// A session's workers each have one chunk in flight, and nothing between
// the last reply of a chunk and the next request: so a session moves at
// most workers x chunkSize per round trip, less the gaps. On a long path
// that is the limit: with two workers of 1 MiB a session moved about
// 25 MiB/s at 50 ms RTT, less than its 2 MiB window per round trip; eight
// of 255 KiB fill the window. On a LAN or loopback a few keep the session
// busy, and every chunk in flight is memory: a download through eight
// sessions with eight workers each peaked at 80-103 MiB of resident
// memory, with three at 42-47 MiB and 7 % slower on loopback, with two at
// 32-36 MiB and 10-15 % slower (256 MiB; docs/performance.md, "The file
// transfer clients' memory").
const (
	minWorkersPerSession = 3
	maxWorkersPerSession = 8 // a 2 MiB window's worth
	// sessionRate is what one session's workers are sized to carry over
	// the path's round trip: eight sessions make 512 MiB/s.
	sessionRate = 64 << 20
	// maxSessions is the most sessions a file is spread over: eight of
	// OpenSSH's default MaxSessions 10.
	maxSessions = 8
	// sessionWindow is what a session carries per round trip at most:
	// its SSH channel window (x/crypto's and OpenSSH's, 2 MiB).
	sessionWindow = 2 << 20
	// maxWorkersFewSessions bounds the workers of a session that carries
	// the share of several: on loopback one session with sixteen moved
	// 256 MiB as fast as with twenty-four (client 36 against 50 MiB
	// resident) and faster than with eight.
	maxWorkersFewSessions = 16
)

// workersPerSession is how many workers a session gets on a path whose
// round trip is rtt (0: not known, the most), when the file is spread over
// maxSessions: the chunks sessionRate keeps in flight, one more for the
// gaps, within the bounds above: three up to 7.7 ms, four at 10 ms, eight
// from 24 ms.
func workersPerSession(rtt time.Duration) int {
	if rtt <= 0 || rtt > time.Second {
		return maxWorkersPerSession
	}
	inFlight := int64(rtt) * sessionRate / int64(time.Second)
	n := int((inFlight+chunkSize-1)/chunkSize) + 1
	return min(max(n, minWorkersPerSession), maxWorkersPerSession)
}

// sessionsFor is how many sessions a path whose round trip is rtt needs to
// carry what maxSessions are sized for (maxSessions x sessionRate), each
// session one window per round trip: one up to 3.9 ms, two up to 7.8 ms,
// and so on to maxSessions from 27.4 ms; maxSessions when rtt is not
// known.
func sessionsFor(rtt time.Duration) int {
	if rtt <= 0 || rtt > time.Second {
		return maxSessions
	}
	need := int64(rtt) * maxSessions * sessionRate / int64(time.Second)
	n := int((need + sessionWindow - 1) / sessionWindow)
	return min(max(n, 1), maxSessions)
}

// workersFor is how many workers each of n sessions gets on a path whose
// round trip is rtt: the workers maxSessions sessions would have in all,
// shared among n, at most maxWorkersFewSessions each when n is fewer.
func workersFor(rtt time.Duration, n int) int {
	w := workersPerSession(rtt)
	if n <= 0 || n >= maxSessions {
		return w
	}
	return min((w*maxSessions+n-1)/n, maxWorkersFewSessions)
}

// chunk is one range of the file and what happened to it.
type chunk struct {
	idx  int64
	data []byte
	eof  bool
	err  error
}

// copyRanges moves the bytes [start, end) from src to dst: workers fetch
// chunks in parallel (each through its own reader, one per session), and
// one writer commits them strictly in order, so that whatever is on the
// destination at any moment, even after a kill, is a correct prefix that a
// resume can continue. Each reader gets perSession workers. It returns the
// offset up to which the destination is complete.
func copyRanges(readers []io.ReaderAt, dst io.WriterAt, start, end int64, perSession int, set Settings, prog *Progress) (int64, error) {
	workers := len(readers) * perSession
	// A token is a chunk being fetched or fetched and waiting for its turn
	// to be written; half as many again as there are workers lets the
	// others go on while one chunk is late, and bounds the memory at
	// 1.5 x workers x chunkSize (24 MiB with eight sessions of eight
	// workers, 9 MiB with three workers each).
	tokens := make(chan struct{}, workers+workers/2)
	// Chunk buffers go back to the workers once written: a 256 MiB file
	// would otherwise be 256 MiB of garbage for the collector, which on
	// loopback costs more CPU than the copying.
	free := make(chan []byte, cap(tokens))
	results := make(chan chunk, 2*workers)
	var next atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	chunks := (end - start + chunkSize - 1) / chunkSize
	for w := 0; w < workers; w++ {
		r := readers[w%len(readers)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				tokens <- struct{}{}
				i := next.Add(1) - 1
				if i >= chunks || stop.Load() {
					<-tokens
					return
				}
				if set.cancelled() {
					results <- chunk{idx: i, err: ErrInterrupted}
					return
				}
				off := start + i*chunkSize
				n := min(int64(chunkSize), end-off)
				var buf []byte
				select {
				case buf = <-free:
				default:
					buf = make([]byte, chunkSize)
				}
				buf = buf[:n]
				got, err := r.ReadAt(buf, off)
				c := chunk{idx: i, data: buf[:got]}
				if errors.Is(err, io.EOF) {
					c.eof = true
				} else if err != nil {
					c.err = err
				}
				set.Limit.Wait(got)
				results <- c
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	done := start
	pending := map[int64]chunk{}
	var want int64
	var firstErr error
	finished := false
	for c := range results {
		if finished {
			<-tokens
			continue
		}
		pending[c.idx] = c
		for {
			c, ok := pending[want]
			if !ok {
				break
			}
			delete(pending, want)
			want++
			<-tokens
			if c.err == nil && set.cancelled() {
				c.err = ErrInterrupted
			}
			if c.err != nil {
				firstErr, finished = c.err, true
				break
			}
			if len(c.data) > 0 {
				if _, err := dst.WriteAt(c.data, done); err != nil {
					firstErr, finished = &writeError{err}, true
					break
				}
				done += int64(len(c.data))
				prog.Add(int64(len(c.data)))
				select {
				case free <- c.data[:cap(c.data)]:
				default:
				}
			}
			if c.eof || want >= chunks {
				finished = true
				break
			}
		}
		if finished {
			stop.Store(true)
			for _, c := range pending {
				_ = c
				<-tokens
			}
			pending = nil
		}
	}
	return done, firstErr
}

// writeError marks a failure of the destination, so that callers can name
// the right file.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }
