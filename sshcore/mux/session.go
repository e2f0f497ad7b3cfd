package mux

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/sys/unix"

	"sshbox/sshcore/client"
)

// SessionRequest is MUX_C_NEW_SESSION.
type SessionRequest struct {
	TTY, X11, Agent, Subsystem bool
	EscapeChar                 uint32 // NoEscape: none
	Term                       string
	Command                    string
	Env                        []string // NAME=value
}

// NoEscape disables the escape character of a shared session.
const NoEscape = 0xffffffff

func (r *SessionRequest) encode(id uint32) packet {
	var p packet
	p.u32(cNewSession).u32(id).str("")
	p.flag(r.TTY).flag(r.X11).flag(r.Agent).flag(r.Subsystem)
	p.u32(r.EscapeChar).str(r.Term).str(r.Command)
	for _, e := range r.Env {
		p.str(e)
	}
	return p
}

func decodeSession(body *reader) (*SessionRequest, error) {
	r := &SessionRequest{}
	body.str() // reserved
	r.TTY = body.u32() != 0
	r.X11 = body.u32() != 0
	r.Agent = body.u32() != 0
	r.Subsystem = body.u32() != 0
	r.EscapeChar = body.u32()
	r.Term = body.str()
	r.Command = body.str()
	for body.err == nil && len(body.b) > 0 {
		r.Env = append(r.Env, body.str())
	}
	return r, body.err
}

// ttySession is a shared session with a pty: SIGWINCH, which passengers
// relay to the master, is checked against its terminal.
type ttySession struct {
	s    *ssh.Session
	fd   int
	w, h int
}

// receiveFDs takes n descriptors from the client.
func receiveFDs(c *net.UnixConn, n int) ([]*os.File, error) {
	var files []*os.File
	for i := 0; i < n; i++ {
		fd, err := recvFD(c)
		if err != nil {
			closeAll(files)
			return nil, err
		}
		files = append(files, os.NewFile(uintptr(fd), "mux-fd-"+strconv.Itoa(i)))
	}
	return files, nil
}

func closeAll(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}

// interruptible makes a received input descriptor non-blocking so that
// reading from it can be abandoned when the session ends; restore puts
// the shared file description back as it was, since the passenger's shell
// reads from it afterwards. fd stays usable for ioctls (File.Fd would
// switch the descriptor back to blocking).
func interruptible(f *os.File) (nf *os.File, fd int, restore func()) {
	fd = int(f.Fd())
	flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil || flags&unix.O_NONBLOCK != 0 {
		return f, fd, func() { f.Close() }
	}
	dup, err := unix.Dup(fd)
	if err != nil {
		return f, fd, func() { f.Close() }
	}
	f.Close()
	unix.SetNonblock(dup, true)
	nf = os.NewFile(uintptr(dup), f.Name())
	return nf, dup, func() {
		if raw, err := nf.SyscallConn(); err == nil {
			raw.Control(func(fd uintptr) { unix.SetNonblock(int(fd), false) })
		}
		nf.Close()
	}
}

// newSession runs one passenger session: the client's descriptors become
// the session's standard input, output and error, and the exit status
// goes back in MUX_S_EXIT_MESSAGE.
func (m *Master) newSession(c *net.UnixConn, id uint32, body *reader) {
	log := m.Client.Log
	req, err := decodeSession(body)
	if err != nil {
		return
	}
	files, err := receiveFDs(c, 3)
	if err != nil {
		log.Error("mux: failed to receive the session's descriptors: %v", err)
		return
	}
	stdin, stdinFd, restoreStdin := interruptible(files[0])
	defer restoreStdin()
	defer closeAll(files[1:])
	if m.Confirm != nil && !m.Confirm(fmt.Sprintf("Allow shared connection to %s? ", m.Host)) {
		reply(c, sPermissionDenied, id, "permission denied")
		return
	}
	s, err := m.Conn.NewSession()
	if err != nil {
		reply(c, sFailure, id, "Session open refused by peer")
		return
	}
	defer s.Close()
	m.mu.Lock()
	m.nextSess++
	sid := m.nextSess
	m.mu.Unlock()
	for _, kv := range req.Env {
		if name, value, ok := strings.Cut(kv, "="); ok {
			s.Setenv(name, value)
		}
	}
	// As OpenSSH's master: X11 only when the passenger asks and the
	// master itself forwards it (its DISPLAY, its options).
	if req.X11 {
		m.Client.RequestX11(m.Conn, s)
	}
	if req.Agent {
		m.forwardAgent(s)
	}
	ttyFailed := false
	if req.TTY {
		ttyFailed = m.requestPty(s, sid, req.Term, stdinFd)
	}
	in, err := s.StdinPipe()
	if err != nil {
		reply(c, sFailure, id, err.Error())
		return
	}
	s.Stdout, s.Stderr = files[1], files[2]
	switch {
	case req.Subsystem:
		err = s.RequestSubsystem(req.Command)
	case req.Command == "":
		err = s.Shell()
	default:
		err = s.Start(req.Command)
	}
	if err != nil {
		reply(c, sFailure, id, err.Error())
		return
	}
	var p packet
	p.u32(sSessionOpened).u32(id).u32(sid)
	writePacket(c, p)
	if ttyFailed {
		var p packet
		p.u32(sTTYAllocFail).u32(sid)
		writePacket(c, p)
	}
	var input io.Reader = stdin
	if req.TTY && !ttyFailed && req.EscapeChar < 256 {
		input = &filtered{r: stdin, f: m.Client.SharedEscapes(byte(req.EscapeChar), files[2], s, func() { s.Close() })}
	}
	go func() {
		io.Copy(in, input)
		in.Close()
	}()
	// A passenger that goes away (killed, interrupted) takes its session
	// with it, as with OpenSSH's master: it sends nothing more, so a read
	// ends only with the control connection.
	go func() {
		io.Copy(io.Discard, c)
		s.Close()
	}()
	status := exitStatus(s.Wait())
	m.mu.Lock()
	delete(m.ttys, sid)
	m.mu.Unlock()
	p = nil
	p.u32(sExitMessage).u32(sid).u32(uint32(status))
	writePacket(c, p)
}

// forwardAgent honours a client's -A as OpenSSH's master does: only when
// the master itself forwards the agent (ForwardAgent), whose socket it is.
func (m *Master) forwardAgent(s *ssh.Session) {
	sock := m.Client.AgentSocket()
	if !m.Client.Opts.ForwardAgent || sock == "" {
		return
	}
	// One handler per connection; the master's own session may have
	// registered it already, which is as good.
	m.agentOnce.Do(func() { agent.ForwardToRemote(m.Conn, sock) })
	if err := agent.RequestAgentForwarding(s); err != nil {
		m.Client.Log.Debug1("Agent forwarding request refused: %v", err)
	}
}

// requestPty asks for a pty sized and moded as the passenger's terminal;
// it reports failure as OpenSSH's master does, to the passenger.
func (m *Master) requestPty(s *ssh.Session, sid uint32, term string, fd int) (failed bool) {
	w, h := 80, 24
	if ws, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ); err == nil && ws.Col > 0 {
		w, h = int(ws.Col), int(ws.Row)
	}
	if term == "" {
		term = "vt100"
	}
	if err := s.RequestPty(term, h, w, client.TerminalModes(fd)); err != nil {
		return true
	}
	m.mu.Lock()
	m.ttys[sid] = &ttySession{s: s, fd: fd, w: w, h: h}
	m.mu.Unlock()
	return false
}

// windowChanges follows SIGWINCH: each shared pty whose terminal changed
// size gets a window-change request.
func (m *Master) windowChanges() {
	for range m.sigwinch {
		m.mu.Lock()
		for _, t := range m.ttys {
			ws, err := unix.IoctlGetWinsize(t.fd, unix.TIOCGWINSZ)
			if err != nil || int(ws.Col) == t.w && int(ws.Row) == t.h {
				continue
			}
			t.w, t.h = int(ws.Col), int(ws.Row)
			go t.s.WindowChange(t.h, t.w)
		}
		m.mu.Unlock()
	}
}

// exitStatus is what a direct ssh would exit with: the command's status,
// 255 for a signal or no status at all.
func exitStatus(err error) int {
	var ee *ssh.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee) && ee.Signal() == "":
		return ee.ExitStatus()
	}
	return 255
}

// stdioForward is MUX_C_NEW_STDIO_FWD (ssh -W through a master).
func (m *Master) stdioForward(c *net.UnixConn, id uint32, body *reader) {
	body.str() // reserved
	host, port := body.str(), body.u32()
	if body.err != nil {
		return
	}
	files, err := receiveFDs(c, 2)
	if err != nil {
		return
	}
	stdin, _, restore := interruptible(files[0])
	defer restore()
	defer files[1].Close()
	if m.Confirm != nil && !m.Confirm(fmt.Sprintf("Allow forward to %s:%d? ", host, port)) {
		reply(c, sPermissionDenied, id, "permission denied")
		return
	}
	ch, err := m.Conn.Dial("tcp", net.JoinHostPort(host, strconv.Itoa(int(port))))
	if err != nil {
		reply(c, sFailure, id, "stdio forwarding failed")
		return
	}
	defer ch.Close()
	var p packet
	p.u32(sSessionOpened).u32(id).u32(0)
	writePacket(c, p)
	go func() {
		io.Copy(ch, stdin)
		if cw, ok := ch.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
		}
	}()
	io.Copy(files[1], ch)
}

// filtered passes what r reads through the escape filter f.
type filtered struct {
	r    io.Reader
	f    func([]byte) []byte
	left []byte // filtered bytes p had no room for
}

func (x *filtered) Read(p []byte) (int, error) {
	for len(x.left) == 0 {
		n, err := x.r.Read(p)
		x.left = x.f(p[:n])
		if err != nil && len(x.left) == 0 {
			return 0, err
		}
	}
	n := copy(p, x.left)
	x.left = x.left[n:]
	return n, nil
}
