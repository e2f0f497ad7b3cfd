// Package sftpfilter enforces sftp-server's -P (denied) and -p (allowed)
// request lists in front of github.com/pkg/sftp, which has no such hook: it
// reads the client's packets, answers a refused request itself with
// SSH_FX_PERMISSION_DENIED as OpenSSH's sftp-server does, and passes the
// others on. It also serves the copy-data extension pkg/sftp lacks
// (copydata.go). Replies of the server and of the filter are written whole
// packets at a time so they never interleave.
package sftpfilter

import (
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"sync"

	"sshbox/internal/wire"
	"sshbox/sshcore/loglevel"
)

// maxPacket bounds a packet as OpenSSH's sftp-server does (SFTP_MAX_MSG_LENGTH).
const maxPacket = 256 * 1024

const (
	fxpInit     = 1
	fxpVersion  = 2
	fxpStatus   = 101
	fxpExtended = 200

	fxPermissionDenied = 3
)

// requestNames are OpenSSH's names for the request types, as -P, -p and
// -Q use them.
var requestNames = map[byte]string{
	3: "open", 4: "close", 5: "read", 6: "write", 7: "lstat", 8: "fstat",
	9: "setstat", 10: "fsetstat", 11: "opendir", 12: "readdir", 13: "remove",
	14: "mkdir", 15: "rmdir", 16: "realpath", 17: "stat", 18: "rename",
	19: "readlink", 20: "symlink",
}

// Supported lists the requests sshbox's sftp-server serves, in OpenSSH's
// order, for -Q requests.
var Supported = []string{
	"open", "close", "read", "write", "lstat", "fstat", "setstat", "fsetstat",
	"opendir", "readdir", "remove", "mkdir", "rmdir", "realpath", "stat",
	"rename", "readlink", "symlink", "posix-rename", "statvfs", "fstatvfs",
	"hardlink", "fsync", "lsetstat", "limits", "expand-path", "copy-data",
	"home-directory", "users-groups-by-id",
}

// Policy says which requests are served. The denied list applies first, as
// in OpenSSH; a nil Allowed allows everything not denied.
type Policy struct {
	Denied, Allowed []string
}

// denies reports whether the denied list names the request.
func (p Policy) denies(name string) bool {
	for _, d := range p.Denied {
		if d == name {
			return true
		}
	}
	return false
}

// Permits reports whether the request called name is served.
func (p Policy) Permits(name string) bool {
	if p.denies(name) {
		return false
	}
	if p.Allowed == nil {
		return true
	}
	for _, a := range p.Allowed {
		if a == name {
			return true
		}
	}
	return false
}

// ParseList reads a comma-separated request list.
func ParseList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Filter is the stream pkg/sftp serves instead of the client's.
type Filter struct {
	in      io.Reader
	out     io.Writer
	policy  Policy
	cp      *copier // copy-data, when served (copydata.go)
	workDir string  // where relative paths are (SetWorkDir)
	log     *Log    // -l's log (SetLog), nil for none

	rbuf []byte // what Read has still to return

	mu   sync.Mutex // one whole packet at a time on out
	wbuf []byte     // the server's packet in progress
}

// New filters the stream of client packets in and replies out.
func New(in io.Reader, out io.Writer, p Policy) *Filter {
	return &Filter{in: in, out: out, policy: p}
}

var errTooLong = errors.New("sftp packet too long")

// Read returns the next packets the policy permits.
func (f *Filter) Read(p []byte) (int, error) {
	for len(f.rbuf) == 0 {
		var pkt []byte
		var err error
		if f.cp != nil {
			pkt, err = f.nextCopying()
		} else {
			pkt, err = f.nextPacket()
		}
		if err != nil {
			return 0, err
		}
		f.rbuf = pkt
	}
	n := copy(p, f.rbuf)
	f.rbuf = f.rbuf[n:]
	return n, nil
}

// nextPacket reads client packets until one is for the server.
func (f *Filter) nextPacket() ([]byte, error) {
	for {
		pkt, err := f.readPacket()
		if err != nil {
			return nil, err
		}
		if pkt, err := f.screen(pkt); pkt != nil || err != nil {
			return pkt, err
		}
	}
}

// readPacket reads one whole client packet, length included.
func (f *Filter) readPacket() ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(f.in, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n == 0 || n > maxPacket {
		return nil, errTooLong
	}
	pkt := make([]byte, 4+n)
	copy(pkt, hdr[:])
	if _, err := io.ReadFull(f.in, pkt[4:]); err != nil {
		return nil, io.ErrUnexpectedEOF
	}
	return pkt, nil
}

// screen judges one client packet: a refused request is answered here,
// limits, users-groups-by-id and copy-data are served here; nil means
// nothing goes to the server.
func (f *Filter) screen(pkt []byte) ([]byte, error) {
	name, id, ok := request(pkt[4:])
	if ok && !f.policy.Permits(name) {
		if f.policy.denies(name) {
			f.log.logf(loglevel.Verbose, "Refusing denylisted %s request", name)
		} else {
			f.log.logf(loglevel.Verbose, "Refusing non-allowlisted %s request", name)
		}
		return nil, f.status(id, fxPermissionDenied)
	}
	if ok && f.cp != nil && f.cp.readOnly && (writes[name] || plainWrites[name]) {
		// pkg/sftp refuses it; OpenSSH's says so, and not what it is.
		f.log.logf(loglevel.Verbose, "Refusing %s request in read-only mode", name)
	} else if ok {
		f.logRequest(name, pkt[4:])
		if name == "open" && f.cp != nil && f.cp.readOnly && len(pkt) > 9 && opensToWrite(pkt[9:]) {
			f.log.logf(loglevel.Verbose, "Refusing open request in read-only mode")
		}
	} else if len(pkt) >= 9 && pkt[4] == fxpInit {
		f.log.logf(loglevel.Verbose, "received client version %d", binary.BigEndian.Uint32(pkt[5:9]))
	}
	if ok && pkt[4] == fxpRealpath {
		return nil, f.realpathReq(id, pkt[9:])
	}
	if ok && pkt[4] == fxpExtended {
		_, args, _ := wire.String(pkt[9:])
		switch name {
		case "limits":
			return nil, f.limits(id)
		case usersGroupsByID:
			return nil, f.usersGroups(id, args)
		case "statvfs":
			return nil, f.statvfs(id, args)
		case "fstatvfs":
			return nil, f.fstatvfs(id, args)
		case "expand-path":
			return nil, f.expandPath(id, args)
		case "home-directory":
			return nil, f.homeDirectory(id, args)
		case "fsync":
			return nil, f.fsync(id, args)
		case "lsetstat":
			return nil, f.lsetstat(id, args)
		}
	}
	if f.cp == nil {
		return pkt, nil
	}
	if ok && name == "copy-data" {
		_, args, _ := wire.String(pkt[9:])
		go f.copyData(id, append([]byte(nil), args...))
		return nil, nil
	}
	f.cp.renumber(pkt)
	return pkt, nil
}

// request names the request in a packet body (type, id, ...). ok is false
// for init and for packets too short to carry an id, which pass on to the
// server to judge.
func request(body []byte) (name string, id uint32, ok bool) {
	if len(body) < 5 || body[0] == fxpInit {
		return "", 0, false
	}
	id = binary.BigEndian.Uint32(body[1:5])
	if body[0] != fxpExtended {
		if n, known := requestNames[body[0]]; known {
			return n, id, true
		}
		return "", id, false
	}
	rest := body[5:]
	if len(rest) < 4 {
		return "", id, false
	}
	l := binary.BigEndian.Uint32(rest)
	if uint64(l) > uint64(len(rest)-4) {
		return "", id, false
	}
	ext := string(rest[4 : 4+l])
	return strings.TrimSuffix(ext, "@openssh.com"), id, true
}

// status answers request id with a status code and OpenSSH's text for it.
func (f *Filter) status(id, code uint32) error {
	return f.statusMsg(id, code, statusText[code])
}

// statusMsg answers request id with a status code and a text of its own.
func (f *Filter) statusMsg(id, code uint32, msg string) error {
	f.log.logStatus(code)
	b := binary.BigEndian.AppendUint32(nil, code)
	b = wire.AppendString(b, msg)
	b = wire.AppendString(b, "") // language tag
	return f.reply(fxpStatus, id, b)
}

// reply writes the filter's own reply of type typ to request id, whole,
// between the server's.
func (f *Filter) reply(typ byte, id uint32, payload []byte) error {
	pkt := binary.BigEndian.AppendUint32(nil, uint32(1+4+len(payload)))
	pkt = append(pkt, typ)
	pkt = binary.BigEndian.AppendUint32(pkt, id)
	pkt = append(pkt, payload...)
	f.mu.Lock()
	defer f.mu.Unlock()
	_, err := f.out.Write(pkt)
	return err
}

// Write takes the server's replies, which may arrive in pieces, and
// passes each on once it is whole.
func (f *Filter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.wbuf = append(f.wbuf, p...)
	for len(f.wbuf) >= 4 {
		n := 4 + int(binary.BigEndian.Uint32(f.wbuf))
		if len(f.wbuf) < n {
			break
		}
		pkt := f.wbuf[:n]
		f.wbuf = f.wbuf[n:]
		if len(pkt) > 4 && pkt[4] == fxpVersion {
			pkt = f.advertise(pkt)
		} else if f.cp != nil {
			var taken bool
			if pkt, taken = f.cp.reply(pkt); taken {
				continue
			}
		}
		if len(pkt) >= 13 && pkt[4] == fxpStatus {
			f.log.logStatus(binary.BigEndian.Uint32(pkt[9:13]))
		}
		if _, err := f.out.Write(pkt); err != nil {
			return 0, err
		}
	}
	if len(f.wbuf) == 0 {
		f.wbuf = nil // let a large reply's buffer go
	}
	return len(p), nil
}

// extensions are OpenSSH's sftp-server's, in the order its VERSION lists
// them; tracked ones need the filter's handle table (copydata.go). pkg/sftp
// serves posix-rename and hardlink, the filter the others.
var extensions = []struct {
	name, ext, version string
	tracked            bool
}{
	{"posix-rename", "posix-rename@openssh.com", "1", false},
	{"statvfs", "statvfs@openssh.com", "2", false},
	{"fstatvfs", "fstatvfs@openssh.com", "2", true},
	{"hardlink", "hardlink@openssh.com", "1", false},
	{"fsync", "fsync@openssh.com", "1", true},
	{"lsetstat", "lsetstat@openssh.com", "1", true},
	{"limits", "limits@openssh.com", "1", false},
	{"expand-path", "expand-path@openssh.com", "1", false},
	{"copy-data", "copy-data", "1", true},
	{"home-directory", "home-directory", "1", false},
	{usersGroupsByID, usersGroupsByID + "@openssh.com", "1", false},
}

// advertise replaces the extensions of the server's version packet with
// those served here, as OpenSSH's sftp-server lists them, leaving out what
// the policy refuses, as OpenSSH's does, so that a client falls back to
// the plain requests (rename for posix-rename).
func (f *Filter) advertise(pkt []byte) []byte {
	if len(pkt) < 9 {
		return pkt
	}
	out := append([]byte(nil), pkt[:9]...) // length, type, version
	if f.cp != nil && f.cp.readOnly {
		for _, e := range extensions {
			if writes[e.name] && f.policy.Permits(e.name) {
				f.log.logf(loglevel.Verbose, "Refusing %s request in read-only mode", e.name)
			}
		}
	}
	for _, e := range extensions {
		if (f.cp != nil || !e.tracked) && f.offers(e.name) {
			out = wire.AppendString(out, e.ext)
			out = wire.AppendString(out, e.version)
		}
	}
	binary.BigEndian.PutUint32(out, uint32(len(out)-4))
	return out
}

// writes are the extensions that change the file system, which OpenSSH's
// sftp-server does not advertise in read-only mode (-R).
var writes = map[string]bool{"posix-rename": true, "hardlink": true, "fsync": true, "lsetstat": true, "copy-data": true}

// opensToWrite says whether an OPEN's arguments (path, flags, ...) ask to
// write, create or truncate, which read-only mode refuses.
func opensToWrite(args []byte) bool {
	_, rest, ok := wire.String(args)
	return ok && len(rest) >= 4 && binary.BigEndian.Uint32(rest)&(0x02|0x04|0x08|0x10|0x20) != 0
}

// plainWrites are the requests of the protocol itself that change the
// file system (an open that may write is refused by pkg/sftp without a
// name of its own).
var plainWrites = map[string]bool{"write": true, "setstat": true, "fsetstat": true, "remove": true,
	"mkdir": true, "rmdir": true, "rename": true, "symlink": true}

// offers says whether the VERSION names extension name: permitted by the
// policy, and not a write in read-only mode.
func (f *Filter) offers(name string) bool {
	if f.cp != nil && f.cp.readOnly && writes[name] {
		return false
	}
	return f.policy.Permits(name)
}
