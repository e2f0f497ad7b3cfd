package mux

import (
	"fmt"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/sys/unix"

	"sshbox/sshcore/client"
)

// Master serves shared sessions and forwardings through the SSH
// connection of the ssh process that holds it.
type Master struct {
	Conn   *ssh.Client
	Client *client.Client // logging and the forwarding helpers
	Path   string         // the control socket, removed when the master ends
	Host   string         // for the confirmation questions

	// Confirm, when set, asks the user whether to allow a request
	// (ControlMaster ask/autoask); nil allows everything.
	Confirm func(question string) bool
	// Persist is how long the master stays once its last client has left
	// and its own session is over: <0 forever (ControlPersist yes); 0
	// means it ends with its own session.
	Persist time.Duration
	// End closes the master's connection (-O exit, ControlPersist
	// expiring); ssh then exits.
	End func()

	mu        sync.Mutex
	l         *net.UnixListener
	clients   int
	ownDone   bool
	stopped   bool // -O stop
	idle      *time.Timer
	allIdle   chan struct{} // closed when the last client leaves after ownDone
	nextSess  uint32
	ttys      map[uint32]*ttySession
	sigwinch  chan os.Signal
	closeOnce sync.Once
	agentOnce sync.Once
}

// Forward is one forwarding as OPEN_FWD and CLOSE_FWD describe it; ports
// are unixPort for a socket path.
type Forward struct {
	Kind        uint32
	ListenHost  string
	ListenPort  uint32
	ConnectHost string
	ConnectPort uint32
}

// Serve accepts control connections on l until StopListening or Close.
func (m *Master) Serve(l *net.UnixListener) {
	m.mu.Lock()
	m.l = l
	m.ttys = map[uint32]*ttySession{}
	m.sigwinch = make(chan os.Signal, 1)
	m.mu.Unlock()
	signal.Notify(m.sigwinch, syscall.SIGWINCH)
	go m.windowChanges()
	for {
		c, err := l.AcceptUnix()
		if err != nil {
			return
		}
		if !sameUser(c) {
			m.Client.Log.Error("multiplex uid mismatch")
			c.Close()
			continue
		}
		m.enter()
		go func() {
			defer m.leave()
			defer c.Close()
			m.serveConn(c)
		}()
	}
}

// sameUser reports whether the peer runs as our user or root, which is
// whom OpenSSH's master serves.
func sameUser(c *net.UnixConn) bool {
	raw, err := c.SyscallConn()
	if err != nil {
		return false
	}
	var cred *unix.Ucred
	raw.Control(func(fd uintptr) {
		cred, err = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	})
	if err != nil || cred == nil {
		return false
	}
	return cred.Uid == 0 || int(cred.Uid) == os.Geteuid()
}

// enter and leave count the clients, so the master knows when it is idle.
func (m *Master) enter() {
	m.mu.Lock()
	m.clients++
	if m.idle != nil {
		m.idle.Stop()
		m.idle = nil
	}
	m.mu.Unlock()
}

func (m *Master) leave() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.clients--
	m.checkIdle()
}

// checkIdle (with mu held) starts the ControlPersist clock or wakes Wait.
func (m *Master) checkIdle() {
	if m.clients > 0 || !m.ownDone {
		return
	}
	if m.allIdle != nil {
		close(m.allIdle)
		m.allIdle = nil
	}
	switch {
	case m.stopped:
		// Nobody can reach the master any more (-O stop): end now.
		go m.terminate()
	case m.Persist > 0 && m.idle == nil:
		m.idle = time.AfterFunc(m.Persist, m.terminate)
	}
}

// OwnSessionDone tells the master that the ssh holding it has nothing of
// its own left to do (its session ended, or it never had one because it
// runs in the background for ControlPersist). It returns a channel closed
// when no shared client remains.
func (m *Master) OwnSessionDone() <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ownDone = true
	ch := make(chan struct{})
	m.allIdle = ch
	m.checkIdle()
	return ch
}

// Close stops listening, removes the control socket and closes the
// forwardings opened through the master.
func (m *Master) Close() {
	m.closeOnce.Do(func() {
		m.mu.Lock()
		if m.l != nil {
			m.l.Close()
			m.l = nil
			os.Remove(m.Path)
		}
		if m.sigwinch != nil {
			signal.Stop(m.sigwinch)
		}
		m.mu.Unlock()
	})
}

// stopListening is -O stop: no new clients; the socket goes away.
func (m *Master) stopListening() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stopped = true
	if m.l != nil {
		m.l.Close()
		m.l = nil
		os.Remove(m.Path)
	}
}

func (m *Master) terminate() {
	m.Close()
	if m.End != nil {
		m.End()
	}
}

// serveConn speaks the protocol with one client until it leaves.
func (m *Master) serveConn(c *net.UnixConn) {
	if err := writePacket(c, hello()); err != nil {
		return
	}
	if err := checkHello(c); err != nil {
		m.Client.Log.Debug1("mux: %v", err)
		return
	}
	for {
		typ, body, err := readPacket(c)
		if err != nil {
			return
		}
		id := body.u32()
		if body.err != nil {
			return
		}
		switch typ {
		case cAliveCheck:
			var p packet
			p.u32(sAlive).u32(id).u32(uint32(os.Getpid()))
			err = writePacket(c, p)
		case cTerminate:
			if m.Confirm != nil && !m.Confirm(fmt.Sprintf("Terminate shared connection to %s? ", m.Host)) {
				err = reply(c, sPermissionDenied, id, "permission denied")
				break
			}
			reply(c, sOK, id, "")
			m.terminate()
			return
		case cStopListening:
			if m.Confirm != nil && !m.Confirm(fmt.Sprintf("Disable further multiplexing on shared connection to %s? ", m.Host)) {
				err = reply(c, sPermissionDenied, id, "permission denied")
				break
			}
			m.stopListening()
			err = reply(c, sOK, id, "")
		case cOpenFwd, cCloseFwd:
			f, err := decodeForward(body)
			if err != nil {
				return
			}
			if typ == cOpenFwd {
				err = m.openForward(c, id, f)
			} else {
				err = m.closeForward(c, id, f)
			}
		case cNewSession:
			m.newSession(c, id, body)
			return
		case cNewStdioFwd:
			m.stdioForward(c, id, body)
			return
		default:
			err = reply(c, sFailure, id, fmt.Sprintf("unsupported request type 0x%08x", typ))
		}
		if err != nil {
			return
		}
	}
}

func decodeForward(body *reader) (Forward, error) {
	f := Forward{Kind: body.u32(), ListenHost: body.str(), ListenPort: body.u32(), ConnectHost: body.str(), ConnectPort: body.u32()}
	return f, body.err
}

// reply sends OK (reason unused), PERMISSION_DENIED or FAILURE.
func reply(c *net.UnixConn, typ, id uint32, reason string) error {
	var p packet
	p.u32(typ).u32(id)
	if typ != sOK {
		p.str(reason)
	}
	return writePacket(c, p)
}
