package server

import (
	"fmt"
	"io"
	"log/syslog"
	"strings"
	"sync"

	"sshbox/internal/syslogw"
	"sshbox/internal/vis"
	"sshbox/sshcore/loglevel"
)

// Logger writes sshd's log lines, in OpenSSH's words, to a writer (stderr
// for -e/-D, a file for -E) or to syslog. It is safe for concurrent use, and
// a nil *Logger discards everything, so tests may leave it out.
type Logger struct {
	mu     sync.Mutex
	level  loglevel.Level
	w      io.Writer
	syslog *syslogw.Writer
	// errCopy also gets the error lines: stderr while sshd has not yet
	// detached, so that a key it cannot load or a port it cannot bind is
	// seen by whoever started it, whatever the log's destination.
	errCopy io.Writer
}

// NewLogger logs lines at or above level to w, one per line.
func NewLogger(w io.Writer, level loglevel.Level) *Logger {
	return &Logger{w: w, level: level}
}

// syslogNetwork and syslogAddr name the syslog socket; empty means the
// system's (/dev/log). Tests point them at a socket of their own.
var syslogNetwork, syslogAddr string

// NewSyslogLogger logs to the system log under the tag "sshd" with the
// OpenSSH SyslogFacility name (AUTH by default).
func NewSyslogLogger(facility string, level loglevel.Level) (*Logger, error) {
	f, err := syslogw.Facility(facility, syslog.LOG_AUTH)
	if err != nil {
		return nil, err
	}
	w, err := syslogw.Dial(syslogNetwork, syslogAddr, f, "sshd")
	if err != nil {
		return nil, err
	}
	return &Logger{syslog: w, level: level}, nil
}

// CopyErrorsTo makes error lines go to w as well as to the log, until
// called with nil.
func (l *Logger) CopyErrorsTo(w io.Writer) {
	if l == nil {
		return
	}
	l.mu.Lock()
	l.errCopy = w
	l.mu.Unlock()
}

// SetLevel changes the level (SIGHUP re-reads LogLevel).
func (l *Logger) SetLevel(level loglevel.Level) {
	if l == nil {
		return
	}
	l.mu.Lock()
	l.level = level
	l.mu.Unlock()
}

// Enabled reports whether lines at level are written, for a caller whose
// arguments cost something to work out.
func (l *Logger) Enabled(level loglevel.Level) bool {
	if l == nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return level <= l.level
}

func (l *Logger) logf(level loglevel.Level, format string, args ...any) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if level > l.level {
		return
	}
	raw := strings.TrimRight(fmt.Sprintf(format, args...), "\n")
	msg := vis.Line(raw)
	// Each line ends in CR LF, as OpenSSH's log.c writes it (on -e's
	// stderr and in -E's file alike).
	if level <= loglevel.Error && l.errCopy != nil && l.errCopy != l.w {
		io.WriteString(l.errCopy, msg+"\r\n")
	}
	if l.syslog != nil {
		// What OpenSSH's log.c sends to syslog: the severity named for
		// errors ("error: maximum authentication attempts exceeded
		// ...", as fail2ban expects) and C-style escapes.
		l.syslog.Send(level, syslogw.Line(level, raw))
		return
	}
	if level >= loglevel.Debug1 {
		msg = fmt.Sprintf("debug%d: %s", level-loglevel.Debug1+1, msg)
	}
	io.WriteString(l.w, msg+"\r\n")
}

func (l *Logger) Errorf(format string, args ...any)   { l.logf(loglevel.Error, format, args...) }
func (l *Logger) Infof(format string, args ...any)    { l.logf(loglevel.Info, format, args...) }
func (l *Logger) Verbosef(format string, args ...any) { l.logf(loglevel.Verbose, format, args...) }
func (l *Logger) Debugf(format string, args ...any)   { l.logf(loglevel.Debug1, format, args...) }
func (l *Logger) Debug2f(format string, args ...any)  { l.logf(loglevel.Debug2, format, args...) }
func (l *Logger) Debug3f(format string, args ...any)  { l.logf(loglevel.Debug3, format, args...) }
