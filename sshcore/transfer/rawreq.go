package transfer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sync"
	"time"

	"github.com/pkg/sftp"

	"sshbox/internal/wire"
)

// What sftp's "ls -l" needs from the server that pkg/sftp's client does
// not give: the owners' and groups' names as the server knows them
// (users-groups-by-id@openssh.com), or else each directory entry's long
// name, the server's own "ls -l" line (READDIR's longname, which pkg/sftp
// reads past). OpenSSH's sftp prints one or the other; names looked up
// on the client would be the client's users, not the server's.
// And sftp's chmod, chown and chgrp -h, which set the attributes of a link
// itself (lsetstat@openssh.com, Lsetstat below). All of these go through
// one more sftp session, opened at the first need and kept for the next.

// rawConn is the pool's extra session for requests pkg/sftp cannot send.
type rawConn struct {
	mu    sync.Mutex
	c     *rawSFTP
	close func() error
	err   error // why it could not be opened; not tried again
}

func (p *Pool) rawCall(fn func(c *rawSFTP) error) error {
	r := &p.rawSess
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.c == nil && r.err == nil {
		rs, err := p.conn.RawSFTP()
		if err == nil {
			c := &rawSFTP{w: rs.W, r: rs.R}
			if err = c.init(); err == nil {
				r.c, r.close = c, rs.Close
			} else {
				rs.Close()
			}
		}
		r.err = err
	}
	if r.err != nil {
		return r.err
	}
	return fn(r.c)
}

func (p *Pool) closeRaw() {
	r := &p.rawSess
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.close != nil {
		r.close()
		r.c, r.close, r.err = nil, nil, errors.New("closed")
	}
}

const (
	fxpOpendir = 11
	fxpReaddir = 12
	fxpName    = 104

	attrSize      = 0x01
	attrUIDGID    = 0x02
	attrACModTime = 0x08
	attrExtended  = 0x80000000
)

// UserGroupNames asks the server the names of uids and gids; false when
// it does not offer users-groups-by-id@openssh.com or the request fails.
// An id the server has no name for is left out.
func (p *Pool) UserGroupNames(uids, gids []uint32) (users, groups map[uint32]string, ok bool) {
	if _, has := p.Main.HasExtension("users-groups-by-id@openssh.com"); !has {
		return nil, nil, false
	}
	pack := func(ids []uint32) string {
		var b []byte
		for _, id := range ids {
			b = binary.BigEndian.AppendUint32(b, id)
		}
		return string(b)
	}
	req := wire.AppendString(nil, "users-groups-by-id@openssh.com")
	req = wire.AppendString(req, pack(uids))
	req = wire.AppendString(req, pack(gids))
	err := p.rawCall(func(c *rawSFTP) error {
		typ, body, err := c.call(fxpExtended, req)
		if err != nil {
			return err
		}
		if typ != fxpExtendedReply {
			return errBadReply
		}
		un, rest, ok1 := wire.String(body)
		gn, _, ok2 := wire.String(rest)
		if !ok1 || !ok2 {
			return errBadReply
		}
		users, ok1 = nameList(un, uids)
		groups, ok2 = nameList(gn, gids)
		if !ok1 || !ok2 {
			return errBadReply
		}
		return nil
	})
	return users, groups, err == nil
}

// nameList pairs ids with the strings of b, in order.
func nameList(b []byte, ids []uint32) (map[uint32]string, bool) {
	out := map[uint32]string{}
	for _, id := range ids {
		name, rest, ok := wire.String(b)
		if !ok {
			return nil, false
		}
		if len(name) > 0 {
			out[id] = string(name)
		}
		b = rest
	}
	return out, len(b) == 0
}

// RawEntry is a directory entry as the server sent it: its long name
// (the server's "ls -l" line) and its attributes.
type RawEntry struct {
	Long string
	Info fs.FileInfo
}

// RawDir reads directory dir on the server and returns its entries by
// file name, "." and ".." included when the server lists them (pkg/sftp's
// ReadDir leaves them out and reads past the long names); false when that
// fails.
func (p *Pool) RawDir(dir string) (map[string]RawEntry, bool) {
	out := map[string]RawEntry{}
	err := p.rawCall(func(c *rawSFTP) error {
		typ, body, err := c.call(fxpOpendir, wire.AppendString(nil, dir))
		if err != nil {
			return err
		}
		if typ != fxpHandle {
			return c.status(typ, body, nil)
		}
		h, _, ok := wire.String(body)
		if !ok {
			return errBadReply
		}
		handle := string(h)
		defer c.close(handle)
		for {
			typ, body, err := c.call(fxpReaddir, wire.AppendString(nil, handle))
			if err != nil {
				return err
			}
			if typ == fxpStatus {
				return nil // end of the directory (or an error: what was read stands)
			}
			if typ != fxpName || !readNames(body, out) {
				return errBadReply
			}
		}
	})
	return out, err == nil
}

// readNames adds a NAME reply's entries (after its id) to out.
func readNames(b []byte, out map[string]RawEntry) bool {
	if len(b) < 4 {
		return false
	}
	n := binary.BigEndian.Uint32(b)
	b = b[4:]
	for ; n > 0; n-- {
		name, rest, ok := wire.String(b)
		if !ok {
			return false
		}
		long, rest, ok := wire.String(rest)
		if !ok {
			return false
		}
		var st *sftp.FileStat
		if st, b, ok = readAttrs(rest); !ok {
			return false
		}
		out[string(name)] = RawEntry{Long: string(long), Info: rawInfo{path.Base(string(name)), st}}
	}
	return true
}

// rawInfo is an entry's attributes as an fs.FileInfo whose Sys is the
// *sftp.FileStat, as pkg/sftp's own.
type rawInfo struct {
	name string
	st   *sftp.FileStat
}

func (r rawInfo) Name() string       { return r.name }
func (r rawInfo) Size() int64        { return int64(r.st.Size) }
func (r rawInfo) Mode() fs.FileMode  { return r.st.FileMode() }
func (r rawInfo) ModTime() time.Time { return r.st.ModTime() }
func (r rawInfo) IsDir() bool        { return r.Mode().IsDir() }
func (r rawInfo) Sys() any           { return r.st }

// readAttrs reads an ATTRS structure (SFTP version 3) off b, as pkg/sftp's
// FileStat.
func readAttrs(b []byte) (*sftp.FileStat, []byte, bool) {
	a, rest, ok := wire.ReadAttrs(b)
	if !ok {
		return nil, nil, false
	}
	return &sftp.FileStat{Size: a.Size, UID: a.UID, GID: a.GID, Mode: a.Perm, Atime: a.Atime, Mtime: a.Mtime}, rest, true
}

// Lsetstat sets the mode or the owner and group (ids) of p without
// following a final symbolic link (lsetstat@openssh.com), as sftp's
// chmod -h, chown -h and chgrp -h.
func (p *Pool) Lsetstat(path string, mode *uint32, ids *[2]uint32) error {
	req := wire.AppendString(nil, "lsetstat@openssh.com")
	req = wire.AppendString(req, path)
	switch {
	case ids != nil:
		req = binary.BigEndian.AppendUint32(req, attrUIDGID)
		req = binary.BigEndian.AppendUint32(req, ids[0])
		req = binary.BigEndian.AppendUint32(req, ids[1])
	case mode != nil:
		req = binary.BigEndian.AppendUint32(req, attrPermissions)
		req = binary.BigEndian.AppendUint32(req, *mode)
	default:
		req = binary.BigEndian.AppendUint32(req, 0)
	}
	return p.rawCall(func(c *rawSFTP) error {
		return c.status(c.call(fxpExtended, req))
	})
}

var errNoExpandPath = errors.New("server expand-path extension is required for ~user paths in SFTP mode")

// ExpandPath asks the server to expand a "~user" path and resolve it
// (expand-path@openssh.com), as OpenSSH's scp does in SFTP mode; the
// error says what OpenSSH's says, the server's own message included.
func (p *Pool) ExpandPath(path string) (string, error) {
	if _, has := p.Main.HasExtension("expand-path@openssh.com"); !has {
		return "", errNoExpandPath
	}
	req := wire.AppendString(nil, "expand-path@openssh.com")
	req = wire.AppendString(req, path)
	var out string
	err := p.rawCall(func(c *rawSFTP) error {
		typ, body, err := c.call(fxpExtended, req)
		if err != nil {
			return err
		}
		if typ == fxpStatus {
			return fmt.Errorf("expand %s: %s", path, statusMessage(body))
		}
		names := map[string]RawEntry{}
		if typ != fxpName || len(body) < 4 || binary.BigEndian.Uint32(body) != 1 || !readNames(body, names) {
			return errBadReply
		}
		for name := range names {
			out = name
		}
		return nil
	})
	return out, err
}

// statusMessage is a STATUS reply's message, or OpenSSH's text for its
// code where the server sent none.
func statusMessage(body []byte) string {
	if len(body) < 4 {
		return "Bad message"
	}
	if msg, _, ok := wire.String(body[4:]); ok && len(msg) > 0 {
		return string(msg)
	}
	if t, ok := fxText[binary.BigEndian.Uint32(body)]; ok {
		return t
	}
	return fmt.Sprintf("Unknown status %d", binary.BigEndian.Uint32(body))
}

const fxpMkdir = 14

// MkdirMode makes directory path with mode perm (less the server's umask),
// which pkg/sftp's Mkdir cannot send: OpenSSH's scp makes the target of
// several files so.
func (p *Pool) MkdirMode(path string, perm uint32) error {
	req := wire.AppendString(nil, path)
	req = binary.BigEndian.AppendUint32(req, attrPermissions)
	req = binary.BigEndian.AppendUint32(req, perm)
	return p.rawCall(func(c *rawSFTP) error {
		return c.status(c.call(fxpMkdir, req))
	})
}
