package transfer

import (
	"errors"
	"sync"
	"time"

	"github.com/pkg/sftp"
)

// Settings are what the command line says about moving bytes.
type Settings struct {
	Requests int // -R: requests in flight per session (0: by round trip, 24-64)
	BufSize  int // -B: bytes per request (0: defaultRequestSize)
	Limit    *Limiter
	Progress bool // draw the meter (a terminal, not -q)
	Preserve bool // -p: modes and times
	Resume   bool // -a, reget, reput
	Fsync    bool // -f: fsync@openssh.com after each file
	// Dirs, when set, hears of each directory GetTree and PutTree enter
	// (its source path), for sftp's "Retrieving" and "Entering" lines.
	Dirs func(dir string)
	// Cancel, when closed, stops a transfer between chunks (sftp's ^C):
	// what is done stays, a correct prefix, for a resume.
	Cancel <-chan struct{}
}

// defaultRequestSize is pkg/sftp's read and write request size.
const defaultRequestSize = 32 << 10

// ErrInterrupted is a transfer stopped through Settings.Cancel.
var ErrInterrupted = errors.New("Interrupted")

func (s Settings) cancelled() bool {
	select {
	case <-s.Cancel:
		return true
	default:
		return false
	}
}

// bigFile is the size from which a file is split over several sessions:
// below it the extra channels' setup costs more than it saves.
const bigFile = 32 << 20

// Pool is the sftp sessions of one connection: Main for everything, and
// extra sessions opened on demand for the ranges of large files.
type Pool struct {
	Main *sftp.Client
	Set  Settings
	conn Conn

	mu      sync.Mutex
	extra   []*sftp.Client
	tried   bool
	rawSess rawConn       // requests pkg/sftp cannot send (rawreq.go)
	rtt     time.Duration // the shortest request round trip seen, 0 before one
}

// timed runs one request that is a single round trip (a stat) and keeps
// its time if it is the shortest yet: a server busy with something else
// only makes a round trip look longer.
func (p *Pool) timed(req func() error) error {
	t0 := time.Now()
	err := req()
	d := max(time.Since(t0), 1) // 0 stands for "none seen yet"
	p.mu.Lock()
	if p.rtt == 0 || d < p.rtt {
		p.rtt = d
	}
	p.mu.Unlock()
	return err
}

// perSession is how many chunk workers each of the n sessions a file of
// size bytes moves over gets: what -R asks for (requests in flight, each
// worker's chunk being chunkSize / -B of them), else what the round trip
// seen so far needs. Fewer sessions than maxSessions share what
// maxSessions would have had only for a file large enough to be split: a
// smaller one keeps one session's own share, so that its in-order writes
// (the progress meter, the prefix a ^C leaves) advance a few chunks at a
// time rather than all at the end, as under -l.
func (p *Pool) perSession(size int64, n int) int {
	if size < bigFile {
		n = maxSessions
	}
	if p.Set.Requests > 0 {
		size := p.Set.BufSize
		if size <= 0 {
			size = defaultRequestSize
		}
		return max(p.Set.Requests/((chunkSize+size-1)/size), 1)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return workersFor(p.rtt, n)
}

// ClientOptions are pkg/sftp's options for the settings.
func (s Settings) ClientOptions() []sftp.ClientOption {
	req := s.Requests
	if req <= 0 {
		req = 64
	}
	opts := []sftp.ClientOption{sftp.MaxConcurrentRequestsPerFile(req),
		sftp.UseConcurrentReads(true), sftp.UseConcurrentWrites(true)}
	if s.BufSize > 0 {
		opts = append(opts, sftp.MaxPacketUnchecked(s.BufSize))
	}
	return opts
}

// NewPool opens the main sftp session on conn.
func NewPool(conn Conn, set Settings) (*Pool, error) {
	cl, err := conn.SFTP(set.ClientOptions()...)
	if err != nil {
		return nil, err
	}
	return &Pool{Main: cl, Set: set, conn: conn}, nil
}

// sessions returns the sessions to spread a file of size bytes over.
func (p *Pool) sessions(size int64) []*sftp.Client {
	if size < bigFile {
		return []*sftp.Client{p.Main}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.tried {
		// All at once: each session costs three round trips (channel,
		// subsystem, version), which one after another would add a
		// second to every large file on a 50 ms link. A server that
		// allows fewer sessions (MaxSessions) just refuses the extra
		// ones: use what it gave. The first large file decides, from
		// the round trips of the requests before it.
		p.tried = true
		p.extra = parallel(p.conn.Sessions(p.rtt)-1, func(int) (*sftp.Client, error) {
			return p.conn.SFTP(p.Set.ClientOptions()...)
		})
	}
	return append([]*sftp.Client{p.Main}, p.extra...)
}

// Close ends every session.
func (p *Pool) Close() {
	p.closeRaw()
	p.mu.Lock()
	defer p.mu.Unlock()
	all := append([]*sftp.Client{p.Main}, p.extra...)
	parallel(len(all), func(i int) (struct{}, error) { return struct{}{}, all[i].Close() })
}

// parallel runs open n times at once and returns what succeeded, in
// the order of i.
func parallel[T any](n int, open func(i int) (T, error)) []T {
	type res struct {
		v  T
		ok bool
	}
	out := make([]res, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := open(i)
			out[i] = res{v, err == nil}
		}()
	}
	wg.Wait()
	var got []T
	for _, r := range out {
		if r.ok {
			got = append(got, r.v)
		}
	}
	return got
}

// closeAll closes files at once: each close waits a round trip for the
// server's status.
func closeAll(files []*sftp.File) {
	parallel(len(files), func(i int) (struct{}, error) { return struct{}{}, files[i].Close() })
}
