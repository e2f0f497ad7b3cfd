package sftpfilter

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"sshbox/internal/syslogw"
	"sshbox/internal/vis"
	"sshbox/internal/wire"
	"sshbox/sshcore/loglevel"
)

// Log is sftp-server's log (-l, -e, -f), in OpenSSH's sftp-server's words
// so that an audit of file transfers reads the same: at INFO the session's
// start and end, every open (its flags and mode), close (bytes read and
// written), directory listing, removal, rename, link, attribute change and
// refused request ("sent status ..."); at VERBOSE the lookups too (realpath,
// stat, lstat, readlink...).
type Log struct {
	Level  loglevel.Level
	Stderr io.Writer       // -e: each line here, ended in CR LF as log.c ends it
	Syslog *syslogw.Writer // else the system log
}

func (l *Log) logf(level loglevel.Level, format string, args ...any) {
	if l == nil || level > l.Level {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if l.Stderr != nil {
		io.WriteString(l.Stderr, vis.Safe(msg)+"\r\n")
	} else if l.Syslog != nil {
		l.Syslog.Send(level, syslogw.Line(level, msg))
	}
}

// SetLog makes the filter log requests to l; call it after ServeCopyData
// (whose handle table the log uses), before the server starts reading.
func (f *Filter) SetLog(l *Log) {
	f.log = l
	if f.cp != nil {
		f.cp.log = l
		f.cp.logged = map[string]*loggedHandle{}
		f.cp.reads = map[uint32]string{}
		f.cp.writes = map[uint32]pendingWrite{}
	}
}

// Session logs the session's start or end as OpenSSH's sftp-server does:
// the local user and the client's address from SSH_CONNECTION.
func (l *Log) Session(opened bool, user string) {
	addr := "UNKNOWN"
	if c := os.Getenv("SSH_CONNECTION"); c != "" {
		addr, _, _ = strings.Cut(c, " ")
	}
	what := "closed"
	if opened {
		what = "opened"
	}
	l.logf(loglevel.Info, "session %s for local user %s from [%s]", what, user, addr)
}

// loggedHandle is an open handle as the log knows it.
type loggedHandle struct {
	path          string
	dir           bool
	read, written uint64
}

type pendingWrite struct {
	handle string
	n      uint64
}

// logRequest logs a permitted request (body: type, id, payload) before it
// is served, as OpenSSH's process_* functions do; those on handles are
// logged by the copier, which knows the handles' paths.
func (f *Filter) logRequest(name string, body []byte) {
	l := f.log
	if l == nil || len(body) < 5 {
		return
	}
	args := body[5:]
	if body[0] == fxpExtended {
		_, args, _ = wire.String(args)
	}
	s1, rest, _ := wire.String(args)
	s2, _, _ := wire.String(rest)
	p1, p2 := string(s1), string(s2)
	switch name {
	case "open":
		flags, attrs := uint32(0), rest
		if len(rest) >= 4 {
			flags, attrs = binary.BigEndian.Uint32(rest), rest[4:]
		}
		mode := uint32(0o666)
		if a, ok := parseAttrs(attrs); ok && a.Flags&attrPermissions != 0 {
			mode = a.Perm
		}
		l.logf(loglevel.Info, "open \"%s\" flags %s mode 0%o", p1, openFlags(flags), mode)
	case "opendir":
		l.logf(loglevel.Info, "opendir \"%s\"", p1)
	case "remove":
		l.logf(loglevel.Info, "remove name \"%s\"", p1)
	case "mkdir":
		mode := uint32(0o777)
		if a, ok := parseAttrs(rest); ok && a.Flags&attrPermissions != 0 {
			mode = a.Perm & 0o7777
		}
		l.logf(loglevel.Info, "mkdir name \"%s\" mode 0%o", p1, mode)
	case "rmdir":
		l.logf(loglevel.Info, "rmdir name \"%s\"", p1)
	case "rename", "posix-rename", "symlink", "hardlink":
		l.logf(loglevel.Info, "%s old \"%s\" new \"%s\"", name, p1, p2)
	case "setstat", "lsetstat":
		l.logSetstat(p1, rest)
	case "realpath":
		l.logf(loglevel.Verbose, "realpath \"%s\"", p1)
	case "stat", "lstat":
		l.logf(loglevel.Verbose, "%s name \"%s\"", name, p1)
	case "readlink":
		l.logf(loglevel.Verbose, "readlink \"%s\"", p1)
	case "statvfs":
		l.logf(loglevel.Info, "statvfs \"%s\"", p1)
	case "expand-path":
		l.logf(loglevel.Verbose, "expand \"%s\"", p1)
	}
}

// logSetstat logs each attribute a setstat changes, in OpenSSH's order.
func (l *Log) logSetstat(name string, attrs []byte) {
	a, ok := parseAttrs(attrs)
	if !ok {
		return
	}
	if a.Flags&attrSize != 0 {
		l.logf(loglevel.Info, "set \"%s\" size %d", name, a.Size)
	}
	if a.Flags&attrPermissions != 0 {
		l.logf(loglevel.Info, "set \"%s\" mode %04o", name, a.Perm)
	}
	if a.Flags&attrACModTime != 0 {
		l.logf(loglevel.Info, "set \"%s\" modtime %s", name, time.Unix(int64(a.Mtime), 0).Format("20060102-15:04:05"))
	}
	if a.Flags&attrUIDGID != 0 {
		l.logf(loglevel.Info, "set \"%s\" owner %d group %d", name, a.UID, a.GID)
	}
}

// logStatus logs a status sent that is not success or end of file, as
// OpenSSH's send_status does at INFO (every one from DEBUG1 on).
func (l *Log) logStatus(code uint32) {
	if l == nil {
		return
	}
	level := loglevel.Info
	if code == fxOK || code == fxEOF {
		level = loglevel.Debug1
	}
	msg, ok := statusText[code]
	if !ok {
		msg = "Unknown error"
	}
	l.logf(level, "sent status %s", msg)
}

// openFlags is OpenSSH's string_from_portable.
func openFlags(f uint32) string {
	var names []string
	for _, b := range []struct {
		bit  uint32
		name string
	}{{0x01, "READ"}, {0x02, "WRITE"}, {0x04, "APPEND"}, {0x08, "CREATE"}, {0x10, "TRUNCATE"}, {0x20, "EXCL"}} {
		if f&b.bit != 0 {
			names = append(names, b.name)
		}
	}
	return strings.Join(names, ",")
}

// parseAttrs reads an ATTRS structure; false when it is cut short.
func parseAttrs(b []byte) (wire.Attrs, bool) {
	a, _, ok := wire.ReadAttrs(b)
	return a, ok
}

// The copier's part: what happens on handles.

const fxpFsetstat = 10

// logHandleRequest notes (and logs) a request on a handle as it is
// renumbered to id; c.mu is held.
func (c *copier) logHandleRequest(typ byte, id uint32, payload []byte) {
	if c.log == nil {
		return
	}
	h, rest, ok := wire.String(payload)
	if !ok {
		return
	}
	handle := string(h)
	switch typ {
	case fxpRead:
		c.reads[id] = handle
	case fxpWrite:
		if len(rest) >= 8 {
			if data, _, ok := wire.String(rest[8:]); ok {
				c.writes[id] = pendingWrite{handle, uint64(len(data))}
			}
		}
	case fxpClose:
		if lh, ok := c.logged[handle]; ok {
			delete(c.logged, handle)
			if lh.dir {
				c.log.logf(loglevel.Info, "closedir \"%s\"", lh.path)
			} else {
				c.log.logf(loglevel.Info, "close \"%s\" bytes read %d written %d", lh.path, lh.read, lh.written)
			}
		}
	case fxpFsetstat:
		if lh, ok := c.logged[handle]; ok {
			c.log.logSetstat(lh.path, rest)
		}
	}
}

// logReply counts what a reply to id moved and notes the handles opened;
// c.mu is held.
func (c *copier) logReply(id uint32, body []byte, openPath string, opened, dir bool) {
	if c.log == nil {
		return
	}
	if opened && body[0] == fxpHandle {
		if h, _, ok := wire.String(body[5:]); ok {
			c.logged[string(h)] = &loggedHandle{path: openPath, dir: dir}
		}
	}
	if h, ok := c.reads[id]; ok {
		delete(c.reads, id)
		if lh, known := c.logged[h]; known && body[0] == fxpData {
			if data, _, ok := wire.String(body[5:]); ok {
				lh.read += uint64(len(data))
			}
		}
	}
	if w, ok := c.writes[id]; ok {
		delete(c.writes, id)
		if lh, known := c.logged[w.handle]; known && body[0] == fxpStatus && len(body) >= 9 &&
			binary.BigEndian.Uint32(body[5:9]) == fxOK {
			lh.written += w.n
		}
	}
}
