package transfer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"sshbox/internal/wire"
)

// Copy is sftp's "copy"/"cp": the server copies oldpath to newpath with
// the copy-data extension, the data never crossing the network, as
// OpenSSH's sftp does it: the source must be a regular file, the target is
// created (or truncated) with the source's permission bits. pkg/sftp's
// client can send neither copy-data nor requests on its handles, so the
// copy runs on a session of its own, spoken here packet by packet.
func (p *Pool) Copy(oldpath, newpath string) error {
	if _, ok := p.Main.HasExtension("copy-data"); !ok {
		return errors.New(msgNoCopyData)
	}
	st, err := p.Main.Stat(oldpath)
	if err != nil {
		return fmt.Errorf(msgStatRemote, Reason(err))
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf(msgCopyNotRegular, oldpath)
	}
	raw, err := p.conn.RawSFTP()
	if err != nil {
		return err
	}
	defer raw.Close()
	c := &rawSFTP{w: raw.W, r: raw.R}
	if err := c.init(); err != nil {
		return fmt.Errorf(msgSFTPInit, err)
	}
	src, err := c.open(oldpath, fxfRead, 0)
	if err != nil {
		return fmt.Errorf(msgCopyOpen, oldpath, err)
	}
	defer c.close(src)
	dst, err := c.open(newpath, fxfWrite|fxfCreat|fxfTrunc, uint32(st.Mode().Perm()))
	if err != nil {
		return fmt.Errorf(msgCopyOpen, newpath, err)
	}
	defer c.close(dst)
	req := wire.AppendString(nil, "copy-data")
	req = wire.AppendString(req, src)
	req = binary.BigEndian.AppendUint64(req, 0)
	req = binary.BigEndian.AppendUint64(req, 0) // 0: to the end
	req = wire.AppendString(req, dst)
	req = binary.BigEndian.AppendUint64(req, 0)
	if err := c.status(c.call(fxpExtended, req)); err != nil {
		return fmt.Errorf(msgCopyFailed, oldpath, newpath, err)
	}
	return nil
}

// SFTP version 3 packet types and flags the copy uses.
const (
	fxpInit          = 1
	fxpVersion       = 2
	fxpOpen          = 3
	fxpClose         = 4
	fxpStatus        = 101
	fxpHandle        = 102
	fxpExtended      = 200
	fxpExtendedReply = 201

	fxfRead  = 0x01
	fxfWrite = 0x02
	fxfCreat = 0x08
	fxfTrunc = 0x10

	attrPermissions = 0x04
	maxRawPacket    = 256 * 1024
)

// fxText is OpenSSH's fx2txt.
var fxText = map[uint32]string{
	0: "No error", 1: "End of file", 2: "No such file or directory", 3: "Permission denied",
	4: "Failure", 5: "Bad message", 6: "No connection", 7: "Connection lost", 8: "Operation unsupported",
}

// rawSFTP is the few requests of an sftp client that Copy needs.
type rawSFTP struct {
	w  io.Writer
	r  io.Reader
	id uint32
}

var errBadReply = errors.New("Bad message")

func (c *rawSFTP) send(typ byte, payload []byte) error {
	pkt := binary.BigEndian.AppendUint32(nil, uint32(1+len(payload)))
	pkt = append(pkt, typ)
	_, err := c.w.Write(append(pkt, payload...))
	return err
}

func (c *rawSFTP) recv() ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(c.r, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n == 0 || n > maxRawPacket {
		return nil, errBadReply
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(c.r, body); err != nil {
		return nil, err
	}
	return body, nil
}

func (c *rawSFTP) init() error {
	_, err := c.version()
	return err
}

// version sends INIT (version 3) and returns the server's VERSION body.
func (c *rawSFTP) version() ([]byte, error) {
	if err := c.send(fxpInit, []byte{0, 0, 0, 3}); err != nil {
		return nil, err
	}
	body, err := c.recv()
	if err != nil {
		return nil, err
	}
	if body[0] != fxpVersion {
		return nil, errBadReply
	}
	return body, nil
}

// call sends one request and returns the reply's body after its id.
func (c *rawSFTP) call(typ byte, payload []byte) (byte, []byte, error) {
	c.id++
	id := c.id
	if err := c.send(typ, append(binary.BigEndian.AppendUint32(nil, id), payload...)); err != nil {
		return 0, nil, err
	}
	body, err := c.recv()
	if err != nil {
		return 0, nil, err
	}
	if len(body) < 5 || binary.BigEndian.Uint32(body[1:5]) != id {
		return 0, nil, errBadReply
	}
	return body[0], body[5:], nil
}

// status turns a STATUS reply into nil (OK) or the status's text.
func (c *rawSFTP) status(typ byte, body []byte, err error) error {
	if err != nil {
		return err
	}
	if typ != fxpStatus || len(body) < 4 {
		return errBadReply
	}
	code := binary.BigEndian.Uint32(body)
	if code == 0 {
		return nil
	}
	if t, ok := fxText[code]; ok {
		return errors.New(t)
	}
	return fmt.Errorf("Unknown status %d", code)
}

// open opens path, with perm as its permission bits when creating (0: no
// attributes), and returns the handle.
func (c *rawSFTP) open(path string, pflags, perm uint32) (string, error) {
	req := wire.AppendString(nil, path)
	req = binary.BigEndian.AppendUint32(req, pflags)
	if perm != 0 {
		req = binary.BigEndian.AppendUint32(req, attrPermissions)
		req = binary.BigEndian.AppendUint32(req, perm)
	} else {
		req = binary.BigEndian.AppendUint32(req, 0)
	}
	typ, body, err := c.call(fxpOpen, req)
	if err != nil {
		return "", err
	}
	if typ != fxpHandle {
		return "", c.status(typ, body, nil)
	}
	if len(body) < 4 || uint64(binary.BigEndian.Uint32(body)) > uint64(len(body)-4) {
		return "", errBadReply
	}
	return string(body[4 : 4+binary.BigEndian.Uint32(body)]), nil
}

func (c *rawSFTP) close(handle string) {
	c.status(c.call(fxpClose, wire.AppendString(nil, handle)))
}
