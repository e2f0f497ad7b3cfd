// Package loginrec writes the login records OpenSSH's sshd writes for
// sessions with a terminal: utmp (who is logged in now), wtmp (the login
// and logout history `last` reads), lastlog (each user's last login, which
// `lastlog` and PrintLastLog read) and btmp (failed logins, `lastb`). The
// records are glibc's binary structures, written in Go without cgo. A file
// that does not exist is not created: an embedded image without them gets
// no records and no error, as with OpenSSH.
package loginrec

import (
	"bytes"
	"encoding/binary"
	"net"
	"time"
)

// The record types of struct utmp (utmp.h).
const (
	loginProcess = 6
	userProcess  = 7
	deadProcess  = 8
)

// glibc's struct utmp on Linux. Its size is 384 bytes on every target
// sshbox builds for: on the 64-bit ones (amd64, arm64, riscv64) glibc
// defines __WORDSIZE_TIME64_COMPAT32, so ut_session and ut_tv are 32-bit
// fields as on the 32-bit ones (arm, mipsle), where long is 32 bits.
const (
	utmpSize    = 384
	offType     = 0   // short
	offPid      = 4   // pid_t
	offLine     = 8   // char[32]
	offID       = 40  // char[4]
	offUser     = 44  // char[32]
	offHost     = 76  // char[256]
	offExit     = 332 // two shorts
	offSession  = 336 // int32
	offTvSec    = 340 // int32
	offTvUsec   = 344 // int32
	offAddrV6   = 348 // int32[4], network byte order
	lineLen     = 32
	idLen       = 4
	userLen     = 32
	hostLen     = 256
	lastlogSize = 292 // int32 ll_time, char ll_line[32], char ll_host[256]
)

// Record describes one login (or logout, or failed login).
type Record struct {
	User string
	UID  uint32
	PID  int
	// Line is the terminal: /dev/pts/3 (the /dev/ prefix is dropped in
	// the records), or "ssh:notty" for a failed login.
	Line string
	Host string // what the records show as the remote host
	Addr net.IP // the remote address (ut_addr_v6)
	Time time.Time
}

// order is the byte order of the records: the machine's, as glibc writes
// them.
var order = binary.NativeEndian

// utmpLine is ut_line: the terminal without "/dev/".
func utmpLine(line string) string {
	if len(line) > 5 && line[:5] == "/dev/" {
		return line[5:]
	}
	return line
}

// utmpID is ut_id as OpenSSH's loginrec.c makes it: the last four
// characters of the line ("ts/3" for pts/3).
func utmpID(line string) string {
	l := utmpLine(line)
	if len(l) > idLen {
		l = l[len(l)-idLen:]
	}
	return l
}

// encodeUtmp builds one struct utmp.
func encodeUtmp(typ int16, r Record) []byte {
	b := make([]byte, utmpSize)
	order.PutUint16(b[offType:], uint16(typ))
	order.PutUint32(b[offPid:], uint32(r.PID))
	copy(b[offLine:offLine+lineLen], utmpLine(r.Line))
	copy(b[offID:offID+idLen], utmpID(r.Line))
	if typ != deadProcess {
		copy(b[offUser:offUser+userLen], r.User)
		copy(b[offHost:offHost+hostLen], r.Host)
		if v4 := r.Addr.To4(); v4 != nil {
			copy(b[offAddrV6:], v4)
		} else if v6 := r.Addr.To16(); v6 != nil {
			copy(b[offAddrV6:], v6)
		}
	}
	order.PutUint32(b[offTvSec:], uint32(r.Time.Unix()))
	order.PutUint32(b[offTvUsec:], uint32(r.Time.Nanosecond()/1000))
	return b
}

// cstring reads a NUL-padded char array.
func cstring(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// LastLogin is a user's previous login, as lastlog holds it.
type LastLogin struct {
	Time time.Time // zero when the user never logged in
	Line string
	Host string
}

func encodeLastlog(r Record) []byte {
	b := make([]byte, lastlogSize)
	order.PutUint32(b[0:], uint32(r.Time.Unix()))
	copy(b[4:4+lineLen], utmpLine(r.Line))
	copy(b[4+lineLen:lastlogSize], r.Host)
	return b
}

func decodeLastlog(b []byte) LastLogin {
	var l LastLogin
	if t := order.Uint32(b[0:]); t != 0 {
		l.Time = time.Unix(int64(t), 0)
	}
	l.Line = cstring(b[4 : 4+lineLen])
	l.Host = cstring(b[4+lineLen : lastlogSize])
	return l
}
