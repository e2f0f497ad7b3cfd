package loginrec

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// Files are where the records go; an empty path or a file that does not
// exist means no such record.
type Files struct {
	Utmp, Wtmp, Btmp, Lastlog string
}

// System are the files glibc and OpenSSH use on Linux.
var System = Files{
	Utmp:    "/var/run/utmp",
	Wtmp:    "/var/log/wtmp",
	Btmp:    "/var/log/btmp",
	Lastlog: "/var/log/lastlog",
}

// Login records the start of a session with a terminal: a USER_PROCESS
// entry in utmp and wtmp and the user's lastlog entry. It returns the
// lastlog entry it replaced, for PrintLastLog. Every file is tried; the
// first error is returned.
func (f Files) Login(r Record) (LastLogin, error) {
	rec := encodeUtmp(userProcess, r)
	err := f.putUtmp(rec)
	err = first(err, appendRecord(f.Wtmp, rec))
	last, e := f.swapLastlog(r)
	return last, first(err, e)
}

// Logout records the end of a session started with Login: its utmp entry
// becomes DEAD_PROCESS and wtmp gets the logout entry `last` pairs with
// the login.
func (f Files) Logout(r Record) error {
	rec := encodeUtmp(deadProcess, r)
	return first(f.putUtmp(rec), appendRecord(f.Wtmp, rec))
}

// Failed records a failed login in btmp, for lastb.
func (f Files) Failed(r Record) error {
	if r.Line == "" {
		r.Line = "ssh:notty"
	}
	return appendRecord(f.Btmp, encodeUtmp(loginProcess, r))
}

func first(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// openExisting opens path for reading and writing, or returns nil, nil
// when there is no such file (or no path).
func openExisting(path string, flag int) (*os.File, error) {
	if path == "" {
		return nil, nil
	}
	fh, err := os.OpenFile(path, os.O_RDWR|flag, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return fh, err
}

// lock takes glibc's lock on a record file (a write lock on the whole
// file), so that sshd and login, getty or another sshd never interleave.
func lock(fh *os.File) error {
	return syscall.FcntlFlock(fh.Fd(), syscall.F_SETLKW, &syscall.Flock_t{Type: syscall.F_WRLCK, Whence: io.SeekStart})
}

// appendRecord appends one record to wtmp or btmp.
func appendRecord(path string, rec []byte) error {
	fh, err := openExisting(path, os.O_APPEND)
	if fh == nil {
		return err
	}
	defer fh.Close()
	if err := lock(fh); err != nil {
		return err
	}
	_, err = fh.Write(rec)
	return err
}

// putUtmp writes rec over the utmp entry with the same ut_id (as
// pututline does), or over a free one, or at the end.
func (f Files) putUtmp(rec []byte) error {
	fh, err := openExisting(f.Utmp, 0)
	if fh == nil {
		return err
	}
	defer fh.Close()
	if err := lock(fh); err != nil {
		return err
	}
	data, err := io.ReadAll(fh)
	if err != nil {
		return err
	}
	at, free := -1, -1
	id := rec[offID : offID+idLen]
	for off := 0; off+utmpSize <= len(data); off += utmpSize {
		e := data[off : off+utmpSize]
		typ := order.Uint16(e[offType:])
		switch {
		case (typ == userProcess || typ == deadProcess || typ == loginProcess) && string(e[offID:offID+idLen]) == string(id):
			at = off
		case typ == 0 && free < 0:
			free = off
		}
		if at >= 0 {
			break
		}
	}
	if at < 0 {
		at = free
	}
	if at < 0 {
		at = len(data) - len(data)%utmpSize
	}
	_, err = fh.WriteAt(rec, int64(at))
	return err
}

// swapLastlog reads the user's lastlog entry and writes the new one. The
// file is indexed by uid (sparse for large uids).
func (f Files) swapLastlog(r Record) (LastLogin, error) {
	fh, err := openExisting(f.Lastlog, 0)
	if fh == nil {
		return LastLogin{}, err
	}
	defer fh.Close()
	if err := lock(fh); err != nil {
		return LastLogin{}, err
	}
	off := int64(r.UID) * lastlogSize
	old := make([]byte, lastlogSize)
	var last LastLogin
	if n, err := fh.ReadAt(old, off); n == lastlogSize {
		last = decodeLastlog(old)
	} else if err != nil && err != io.EOF {
		return LastLogin{}, err
	}
	_, err = fh.WriteAt(encodeLastlog(r), off)
	return last, err
}

// Message is the line PrintLastLog shows before the message of the day,
// in OpenSSH's words (sshlogin.c); empty when the user never logged in.
func (l LastLogin) Message() string {
	if l.Time.IsZero() {
		return ""
	}
	t := l.Time.Format("Mon Jan _2 15:04:05 2006")
	if l.Host == "" {
		return "Last login: " + t + "\r\n"
	}
	return "Last login: " + t + " from " + l.Host + "\r\n"
}
