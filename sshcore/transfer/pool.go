package transfer

import (
	"errors"
	"sync"

	"github.com/pkg/sftp"
)

// Settings are what the command line says about moving bytes.
type Settings struct {
	Requests int // -R: requests in flight per session (0 = 64)
	BufSize  int // -B: bytes per request (0 = 32768)
	Limit    *Limiter
	Progress bool // draw the meter (a terminal, not -q)
	Preserve bool // -p: modes and times
	Resume   bool // -a, reget, reput
	Fsync    bool // -f: fsync@openssh.com after each file
	// Cancel, when closed, stops a transfer between chunks (sftp's ^C):
	// what is done stays, a correct prefix, for a resume.
	Cancel <-chan struct{}
}

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

	mu    sync.Mutex
	extra []*sftp.Client
	tried bool
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
	if size < bigFile || p.conn.Sessions() < 2 {
		return []*sftp.Client{p.Main}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.tried {
		// A server that allows fewer sessions (MaxSessions) just refuses
		// the extra ones: use what it gave.
		p.tried = true
		for i := 1; i < p.conn.Sessions(); i++ {
			cl, err := p.conn.SFTP(p.Set.ClientOptions()...)
			if err != nil {
				break
			}
			p.extra = append(p.extra, cl)
		}
	}
	return append([]*sftp.Client{p.Main}, p.extra...)
}

// Close ends every session.
func (p *Pool) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.extra {
		c.Close()
	}
	p.Main.Close()
}
