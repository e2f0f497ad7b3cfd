// Package mux speaks OpenSSH's connection-sharing protocol (PROTOCOL.mux,
// version 4) over a Unix socket: the master side, held by the ssh process
// that owns the SSH connection, and the client side used by later ssh
// invocations (-S, ControlMaster auto, -O). Passenger sessions hand their
// standard input, output and error to the master as file descriptors
// (SCM_RIGHTS), one descriptor per one-byte message as OpenSSH sends them,
// so that OpenSSH's ssh and sshbox's ssh can use each other's masters.
package mux

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"

	"golang.org/x/sys/unix"
)

// Version is the protocol version both sides announce in their hello.
const Version = 4

// Message types (PROTOCOL.mux §11).
const (
	msgHello          = 0x00000001
	cNewSession       = 0x10000002
	cAliveCheck       = 0x10000004
	cTerminate        = 0x10000005
	cOpenFwd          = 0x10000006
	cCloseFwd         = 0x10000007
	cNewStdioFwd      = 0x10000008
	cStopListening    = 0x10000009
	cProxy            = 0x1000000f
	sOK               = 0x80000001
	sPermissionDenied = 0x80000002
	sFailure          = 0x80000003
	sExitMessage      = 0x80000004
	sAlive            = 0x80000005
	sSessionOpened    = 0x80000006
	sRemotePort       = 0x80000007
	sTTYAllocFail     = 0x80000008
)

// Forwarding kinds in OPEN_FWD / CLOSE_FWD.
const (
	FwdLocal   = 1
	FwdRemote  = 2
	FwdDynamic = 3
)

// maxPacket bounds one control message; OpenSSH's own limit is 256 KiB.
const maxPacket = 256 * 1024

// unixPort marks a forwarding end that is a Unix socket path.
const unixPort = 0xfffffffe

var errShort = errors.New("mux: truncated message")

// packet builds one message body.
type packet []byte

func (p *packet) u32(v uint32) *packet {
	*p = binary.BigEndian.AppendUint32(*p, v)
	return p
}

func (p *packet) str(s string) *packet {
	p.u32(uint32(len(s)))
	*p = append(*p, s...)
	return p
}

func (p *packet) flag(b bool) *packet {
	if b {
		return p.u32(1)
	}
	return p.u32(0)
}

// reader takes a message body apart; the first error sticks.
type reader struct {
	b   []byte
	err error
}

func (r *reader) u32() uint32 {
	if r.err != nil || len(r.b) < 4 {
		r.err = errShort
		return 0
	}
	v := binary.BigEndian.Uint32(r.b)
	r.b = r.b[4:]
	return v
}

func (r *reader) str() string {
	n := r.u32()
	if r.err != nil || uint32(len(r.b)) < n {
		r.err = errShort
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// writePacket sends one length-prefixed message in a single write, so it
// never interleaves with a descriptor's carrier byte.
func writePacket(w io.Writer, p packet) error {
	buf := binary.BigEndian.AppendUint32(make([]byte, 0, 4+len(p)), uint32(len(p)))
	_, err := w.Write(append(buf, p...))
	return err
}

// readPacket reads exactly one message: never more, because the bytes
// after it may carry descriptors that a plain read would drop.
func readPacket(r io.Reader) (typ uint32, body *reader, err error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n < 4 || n > maxPacket {
		return 0, nil, fmt.Errorf("mux: bad message length %d", n)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return 0, nil, err
	}
	rd := &reader{b: b}
	return rd.u32(), rd, nil
}

// hello is MUX_MSG_HELLO with no extensions.
func hello() packet {
	var p packet
	p.u32(msgHello).u32(Version)
	return p
}

// checkHello reads the peer's hello and refuses another version.
func checkHello(r io.Reader) error {
	typ, body, err := readPacket(r)
	if err != nil {
		return err
	}
	if typ != msgHello {
		return fmt.Errorf("expected HELLO (%d), got %d", msgHello, typ)
	}
	if v := body.u32(); body.err != nil || v != Version {
		return fmt.Errorf("Unsupported multiplexing protocol version %d (expected %d)", v, Version)
	}
	return nil
}

// sendFD passes one descriptor with a single NUL byte, as OpenSSH's
// mm_send_fd does.
func sendFD(c *net.UnixConn, fd int) error {
	_, _, err := c.WriteMsgUnix([]byte{0}, unix.UnixRights(fd), nil)
	return err
}

// recvFD receives one descriptor sent by sendFD.
func recvFD(c *net.UnixConn) (int, error) {
	buf := make([]byte, 1)
	oob := make([]byte, unix.CmsgSpace(4))
	n, oobn, _, _, err := c.ReadMsgUnix(buf, oob)
	if err != nil {
		return -1, err
	}
	if n != 1 || oobn == 0 {
		return -1, errors.New("mux: expected a file descriptor")
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		return -1, errors.New("mux: bad control message")
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) == 0 {
		return -1, errors.New("mux: bad control message")
	}
	for _, extra := range fds[1:] {
		unix.Close(extra)
	}
	return fds[0], nil
}
