package server

import (
	"net"
	"os"
	"time"

	"sshbox/sshcore/loginrec"
)

// loginRecord is the utmp/wtmp/lastlog entry of a session with a
// terminal, kept to write the logout that matches the login.
type loginRecord struct {
	files loginrec.Files
	rec   loginrec.Record
	last  loginrec.LastLogin // the login before this one
}

// recordLogin writes the login records of a session whose child pid runs
// on the terminal tty, as OpenSSH does for every session with a pty. A
// failure is logged and the session goes on, as with OpenSSH.
func (s *session) recordLogin(tty string, pid int) {
	files := s.c.srv.LoginRecords
	if files == (loginrec.Files{}) {
		return
	}
	a := s.c.user.acct
	r := &loginRecord{files: files, rec: loginrec.Record{
		User: a.Name, UID: a.UID, PID: pid, Line: tty,
		Host: s.c.remoteIP, Addr: net.ParseIP(s.c.remoteIP), Time: time.Now(),
	}}
	last, err := files.Login(r.rec)
	if err != nil {
		s.c.srv.log().Errorf(msgLoginRecord, err)
	}
	r.last = last
	s.login = r
}

// recordLogout writes the logout of a session recordLogin recorded.
func (s *session) recordLogout() {
	if s.login == nil {
		return
	}
	r := s.login.rec
	r.Time = time.Now()
	if err := s.login.files.Logout(r); err != nil {
		s.c.srv.log().Errorf(msgLoginRecord, err)
	}
	s.login = nil
}

// lastLogMessage is the "Last login: ..." line of PrintLastLog; empty for
// a first login or when nothing was recorded.
func (s *session) lastLogMessage() string {
	if s.login == nil || !s.c.user.opts.PrintLastLog {
		return ""
	}
	return s.login.last.Message()
}

// recordFailed writes a failed password login to btmp, as OpenSSH does
// for password and keyboard-interactive failures (lastb shows them).
func (c *conn) recordFailed(name string) {
	files := c.srv.LoginRecords
	if files == (loginrec.Files{}) {
		return
	}
	err := files.Failed(loginrec.Record{User: name, PID: os.Getpid(), Host: c.remoteIP,
		Addr: net.ParseIP(c.remoteIP), Time: time.Now()})
	if err != nil {
		c.srv.log().Errorf(msgLoginRecord, err)
	}
}
