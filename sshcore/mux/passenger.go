package mux

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Session is a passenger session: the master drives it with our
// descriptors, and we wait for its exit message.
type Session struct {
	c         *Conn
	masterPID int
	// TTYFailed is called if the master could not get a pty, so the
	// passenger can leave raw mode.
	TTYFailed func()
}

// NewSession asks the master to run req with stdin, stdout and stderr as
// the session's standard descriptors.
func (c *Conn) NewSession(req *SessionRequest, stdin, stdout, stderr *os.File) (*Session, error) {
	// OpenSSH's passengers learn the master's pid first: SIGWINCH is
	// relayed to it.
	pid, err := c.AliveCheck()
	if err != nil {
		return nil, err
	}
	id := c.id()
	if err := writePacket(c.c, req.encode(id)); err != nil {
		return nil, err
	}
	for _, f := range []*os.File{stdin, stdout, stderr} {
		if err := sendFD(c.c, int(f.Fd())); err != nil {
			return nil, fmt.Errorf("send fds failed: %v", err)
		}
	}
	if err := c.opened(id); err != nil {
		return nil, err
	}
	return &Session{c: c, masterPID: pid}, nil
}

// opened reads SESSION_OPENED (or the refusal) for request id.
func (c *Conn) opened(id uint32) error {
	typ, _, err := c.answer(id)
	if err != nil {
		return err
	}
	if typ != sSessionOpened {
		return fmt.Errorf("unexpected response from master 0x%08x", typ)
	}
	return nil
}

// Wait relays window size changes to the master until the session ends;
// it returns the remote exit status and whether the master sent one (a
// master that goes away without one leaves ssh with 255).
func (s *Session) Wait() (status int, seen bool) {
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	defer signal.Stop(winch)
	go func() {
		for range winch {
			if s.masterPID > 1 {
				syscall.Kill(s.masterPID, syscall.SIGWINCH)
			}
		}
	}()
	status = 255
	for {
		typ, body, err := readPacket(s.c.c)
		if err != nil {
			return status, seen
		}
		switch typ {
		case sTTYAllocFail:
			if s.TTYFailed != nil {
				s.TTYFailed()
			}
		case sExitMessage:
			body.u32() // session id
			v := body.u32()
			if body.err == nil {
				status, seen = int(v), true
			}
		default:
			return status, seen
		}
	}
}

// StdioForward is ssh -W through the master: stdin and stdout become a
// connection to host:port; it returns when the master closes it.
func (c *Conn) StdioForward(host string, port int, stdin, stdout *os.File) error {
	id := c.id()
	var p packet
	p.u32(cNewStdioFwd).u32(id).str("").str(host).u32(uint32(port))
	if err := writePacket(c.c, p); err != nil {
		return err
	}
	for _, f := range []*os.File{stdin, stdout} {
		if err := sendFD(c.c, int(f.Fd())); err != nil {
			return fmt.Errorf("send fds failed: %v", err)
		}
	}
	if err := c.opened(id); err != nil {
		return err
	}
	// The master closes the control connection when the forwarding ends.
	_, err := io.Copy(io.Discard, c.c)
	return err
}
