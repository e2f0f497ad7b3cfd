package mux

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
)

// Conn is a client's connection to a master.
type Conn struct {
	c      *net.UnixConn
	nextID uint32
}

// Refused is a master's PERMISSION_DENIED or FAILURE answer.
type Refused struct {
	Denied bool // PERMISSION_DENIED rather than FAILURE
	Reason string
}

func (e *Refused) Error() string { return e.Reason }

// ConnectError is a failed connect(2) to the control socket, worded as
// OpenSSH's "Control socket connect(path): reason".
type ConnectError struct {
	Path string
	Err  error
}

func (e *ConnectError) Error() string {
	return fmt.Sprintf("Control socket connect(%.100s): %s", e.Path, errnoText(e.Err))
}

// NoMaster reports whether err means nobody listens at the control path
// (the socket is missing or stale), when ControlMaster auto becomes the
// master itself.
func NoMaster(err error) bool {
	var ce *ConnectError
	return errors.As(err, &ce) && (errors.Is(ce.Err, syscall.ENOENT) || errors.Is(ce.Err, syscall.ECONNREFUSED))
}

// Dial connects to the master at path and exchanges hellos.
func Dial(path string) (*Conn, error) {
	c, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		var oe *net.OpError
		if errors.As(err, &oe) {
			err = oe.Err
		}
		var se *os.SyscallError
		if errors.As(err, &se) {
			err = se.Err
		}
		return nil, &ConnectError{Path: path, Err: err}
	}
	if err := writePacket(c, hello()); err != nil {
		c.Close()
		return nil, err
	}
	if err := checkHello(c); err != nil {
		c.Close()
		return nil, fmt.Errorf("mux_client_hello_exchange: %v", err)
	}
	return &Conn{c: c}, nil
}

// Close ends the control connection.
func (c *Conn) Close() error { return c.c.Close() }

func (c *Conn) id() uint32 {
	c.nextID++
	return c.nextID - 1
}

// request sends p and reads the answer to it.
func (c *Conn) request(p packet, id uint32) (uint32, *reader, error) {
	if err := writePacket(c.c, p); err != nil {
		return 0, nil, err
	}
	return c.answer(id)
}

// answer reads the master's answer to request id; OK, ALIVE and the like
// come back with their bodies, refusals as *Refused.
func (c *Conn) answer(id uint32) (uint32, *reader, error) {
	typ, body, err := readPacket(c.c)
	if err != nil {
		return 0, nil, fmt.Errorf("read from master failed: %w", err)
	}
	if got := body.u32(); body.err != nil || got != id {
		return 0, nil, fmt.Errorf("out of sequence reply: my id %d theirs %d", id, got)
	}
	switch typ {
	case sPermissionDenied, sFailure:
		reason := body.str()
		return typ, body, &Refused{Denied: typ == sPermissionDenied, Reason: reason}
	}
	return typ, body, nil
}

func (c *Conn) expectOK(p packet, id uint32) error {
	typ, _, err := c.request(p, id)
	if err != nil {
		return err
	}
	if typ != sOK {
		return fmt.Errorf("unexpected response from master 0x%08x", typ)
	}
	return nil
}

// AliveCheck is -O check: the master's process id.
func (c *Conn) AliveCheck() (int, error) {
	id := c.id()
	var p packet
	p.u32(cAliveCheck).u32(id)
	typ, body, err := c.request(p, id)
	if err != nil {
		return 0, err
	}
	if typ != sAlive {
		return 0, fmt.Errorf("unexpected response from master 0x%08x", typ)
	}
	pid := body.u32()
	return int(pid), body.err
}

// Terminate is -O exit. A master that ends before its answer arrives (as
// OpenSSH's may) has done what was asked.
func (c *Conn) Terminate() error {
	id := c.id()
	var p packet
	p.u32(cTerminate).u32(id)
	err := c.expectOK(p, id)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) {
		return nil
	}
	return err
}

// StopListening is -O stop.
func (c *Conn) StopListening() error {
	id := c.id()
	var p packet
	p.u32(cStopListening).u32(id)
	return c.expectOK(p, id)
}

func (c *Conn) fwd(typ uint32, f Forward) (uint32, *reader, error) {
	id := c.id()
	var p packet
	p.u32(typ).u32(id).u32(f.Kind).str(f.ListenHost).u32(f.ListenPort).str(f.ConnectHost).u32(f.ConnectPort)
	return c.request(p, id)
}

// OpenForward asks the master for a forwarding; for a remote one on port
// 0 it returns the port the server allocated.
func (c *Conn) OpenForward(f Forward) (allocated int, err error) {
	typ, body, err := c.fwd(cOpenFwd, f)
	if err != nil {
		return 0, err
	}
	switch typ {
	case sOK:
		return 0, nil
	case sRemotePort:
		port := body.u32()
		return int(port), body.err
	}
	return 0, fmt.Errorf("unexpected response from master 0x%08x", typ)
}

// CloseForward is -O cancel.
func (c *Conn) CloseForward(f Forward) error {
	typ, _, err := c.fwd(cCloseFwd, f)
	if err != nil {
		return err
	}
	if typ != sOK {
		return fmt.Errorf("unexpected response from master 0x%08x", typ)
	}
	return nil
}
