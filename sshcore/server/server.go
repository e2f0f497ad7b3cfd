// Package server is sshbox's SSH server: a Server (plain fields and
// callbacks, as net/http's) serves connections from listeners with Serve or
// one connection with ServeConn (sshd -i), authenticates users against the
// system's accounts and runs their sessions, subsystems and forwardings in
// child processes that run as the user, never in the privileged process.
package server

import (
	"errors"
	"net"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/internal/idletrim"
	"sshbox/sshcore/loginrec"
	"sshbox/sshcore/passwd"
	"sshbox/sshcore/srclimit"
)

// ConfigFunc returns the options for one connection with Match blocks
// applied. It is called once when a connection arrives (User empty) and
// again when the client names its user.
type ConfigFunc func(m configfmt.MatchConn) (*configfmt.ServerOptions, error)

// Server is an SSH server. Set its fields before calling Serve or
// ServeConn; Reload swaps the configuration for connections that arrive
// afterwards.
type Server struct {
	// Config gives the options per connection. Required.
	Config ConfigFunc
	// HostKeys sign the key exchange. Required.
	HostKeys []ssh.Signer
	// Log receives the log lines; nil discards them.
	Log *Logger
	// SftpServer is the program run for the sftp subsystem when no
	// Subsystem line names another one (and for internal-sftp): argv with
	// argv[0] being the path. Empty means this very binary as sftp-server.
	SftpServer []string
	// ShadowFile is where password hashes, locked and expired accounts
	// are looked up (through sshcore/passwd); empty means /etc/shadow.
	ShadowFile string
	// LoginRecords are the utmp, wtmp and lastlog files written for
	// sessions with a terminal (loginrec.System for sshd); the zero value
	// writes none.
	LoginRecords loginrec.Files
	// IdleTimeout closes an authenticated connection on which no traffic
	// has moved for this long (0: never): Dropbear's -I, which no OpenSSH
	// keyword sets (an SSHD2_CONFIG's IdleTimeout sets the per-connection
	// ServerOptions.IdleTimeout; the shorter wins). What counts as
	// traffic is sshcore/idle's rule; keepalives do not.
	IdleTimeout time.Duration
	// ChannelWindow is the receive window each channel offers the client
	// (Dropbear's -W), in bytes; 0: sshcore.DefaultChannelWindow.
	ChannelWindow uint32
	// RootAuthorizedKeysFile, when set and the file exists, is where the
	// public keys of accounts with uid 0 come from, in place of their
	// AuthorizedKeysFile: OpenWrt's patch to Dropbear, which keeps root's
	// keys in /etc/dropbear/authorized_keys. It is read as every
	// authorized_keys file is, StrictModes included. No sshd_config
	// keyword sets it; the dropbear applet does.
	RootAuthorizedKeysFile string
	// InheritEnv is the environment sessions' processes start from
	// (Dropbear's -e passes the server's own), beneath everything sshd
	// sets for a session; of it, the variables sshd sets for sessions
	// (sessionVars) are left out, so that each describes the session or
	// is absent. Nil: sessions start from nothing, as in OpenSSH.
	InheritEnv []string
	// DropbearEnv gives sessions the two variables Dropbear sets and
	// OpenSSH does not: LANG, when sshd itself has one, and, after a
	// public-key login, SSH_PUBKEYINFO (keyOptions.Info). No sshd_config
	// keyword sets it; the dropbear applet does.
	DropbearEnv bool

	mu        sync.Mutex
	config    ConfigFunc // replaced by Reload
	listeners map[net.Listener]struct{}
	conns     map[*conn]struct{}
	closing   bool
	wg        sync.WaitGroup
	nconns    atomic.Int64
	preauth   int // connections not yet authenticated (MaxStartups)
	open      int // connections from listeners being served (MaxConnections)
	dropped   int // connections refused past MaxStartups
	sources   srclimit.Table
	trim      idletrim.Trimmer
	notice    hostKeyNotice
}

// ErrServerClosed is returned by Serve after Close.
var ErrServerClosed = errors.New("sshd: server closed")

func (s *Server) log() *Logger { return s.Log }

// accounts is the account database passwords and account states are read
// from (afresh at every use, so chpasswd and usermod apply at once).
func (s *Server) accounts() *passwd.DB { return &passwd.DB{ShadowFile: s.ShadowFile} }

// Reload makes fn the configuration of connections accepted from now on;
// connections already open keep theirs (what SIGHUP does).
func (s *Server) Reload(fn ConfigFunc) {
	s.mu.Lock()
	s.config = fn
	s.mu.Unlock()
}

func (s *Server) currentConfig() ConfigFunc {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.config != nil {
		return s.config
	}
	return s.Config
}

// Serve accepts connections on l and serves each in its own goroutine
// until Close. A connection that panics is logged and closed; the listener
// carries on.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		// Close came first (a SIGTERM as sshd starts): l is ours to
		// close, or the port would stay bound with nobody serving it.
		l.Close()
		return ErrServerClosed
	}
	if s.listeners == nil {
		s.listeners = map[net.Listener]struct{}{}
	}
	s.listeners[l] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, l)
		s.mu.Unlock()
	}()
	var backoff time.Duration
	for {
		nc, err := l.Accept()
		if err != nil {
			s.mu.Lock()
			closing := s.closing
			s.mu.Unlock()
			if closing {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || isTemporary(err) {
				// Out of descriptors and the like: wait and retry, as
				// net/http does, rather than give up listening.
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				s.log().Errorf(msgAcceptFailed, err)
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serveConn(nc, true)
		}()
	}
}

func isTemporary(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}

// Close stops every listener; connections already open carry on until
// their clients leave. Wait waits for them.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closing = true
	var err error
	for l := range s.listeners {
		if e := l.Close(); e != nil && err == nil {
			err = e
		}
	}
	s.mu.Unlock()
	return err
}

// Shutdown closes the listeners and every open connection, then waits for
// their sessions to end.
func (s *Server) Shutdown() {
	s.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.nc.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	s.trim.Stop()
}

// Wait waits until every connection served by Serve has ended. Call it
// after Close and after every Serve has returned (what sshd does on
// SIGTERM: stop listening, then let the sessions finish).
func (s *Server) Wait() { s.wg.Wait() }

// Connections is the number of connections open now.
func (s *Server) Connections() int64 { return s.nconns.Load() }

// LogStatus writes the number of goroutines and open connections to the
// log (sshd does this on SIGUSR1, so leaks can be watched from outside).
func (s *Server) LogStatus() {
	s.log().Infof(msgStatus, runtime.NumGoroutine(), s.nconns.Load())
}

func (s *Server) track(c *conn, add bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conns == nil {
		s.conns = map[*conn]struct{}{}
	}
	if add {
		s.conns[c] = struct{}{}
		s.nconns.Add(1)
	} else {
		delete(s.conns, c)
		s.nconns.Add(-1)
	}
	s.trim.Poke()
}

// sftpCommand is the program and argv of the built-in sftp server. This
// binary is started under the applet's name as argv[0], so that it picks
// the sftp-server applet whatever name it was installed under.
func (s *Server) sftpCommand(args []string) (string, []string, error) {
	if len(s.SftpServer) > 0 {
		return s.SftpServer[0], append(append([]string(nil), s.SftpServer...), args...), nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	return exe, append([]string{"sftp-server"}, args...), nil
}
