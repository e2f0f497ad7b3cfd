package server

import (
	"fmt"
	"io"
	"log/syslog"
	"strings"
	"sync"
)

// Level is an OpenSSH LogLevel.
type Level int

const (
	LevelQuiet Level = iota
	LevelFatal
	LevelError
	LevelInfo
	LevelVerbose
	LevelDebug1
	LevelDebug2
	LevelDebug3
)

// ParseLevel maps an OpenSSH LogLevel keyword (any case) to a Level; "" is
// INFO, as in OpenSSH.
func ParseLevel(s string) (Level, error) {
	switch strings.ToUpper(s) {
	case "", "INFO":
		return LevelInfo, nil
	case "QUIET":
		return LevelQuiet, nil
	case "FATAL":
		return LevelFatal, nil
	case "ERROR":
		return LevelError, nil
	case "VERBOSE":
		return LevelVerbose, nil
	case "DEBUG", "DEBUG1":
		return LevelDebug1, nil
	case "DEBUG2":
		return LevelDebug2, nil
	case "DEBUG3":
		return LevelDebug3, nil
	}
	return 0, fmt.Errorf("unsupported log level %q", s)
}

// Logger writes sshd's log lines, in OpenSSH's words, to a writer (stderr
// for -e/-D, a file for -E) or to syslog. It is safe for concurrent use, and
// a nil *Logger discards everything, so tests may leave it out.
type Logger struct {
	mu     sync.Mutex
	level  Level
	w      io.Writer
	syslog *syslog.Writer
}

// NewLogger logs lines at or above level to w, one per line.
func NewLogger(w io.Writer, level Level) *Logger {
	return &Logger{w: w, level: level}
}

// NewSyslogLogger logs to the system log under the tag "sshd" with the
// OpenSSH SyslogFacility name (AUTH by default).
func NewSyslogLogger(facility string, level Level) (*Logger, error) {
	f := syslog.LOG_AUTH
	switch strings.ToUpper(facility) {
	case "", "AUTH":
	case "AUTHPRIV":
		f = syslog.LOG_AUTHPRIV
	case "DAEMON":
		f = syslog.LOG_DAEMON
	case "USER":
		f = syslog.LOG_USER
	default:
		var n int
		if _, err := fmt.Sscanf(strings.ToUpper(facility), "LOCAL%d", &n); err != nil || n < 0 || n > 7 {
			return nil, fmt.Errorf("unsupported syslog facility %q", facility)
		}
		f = syslog.LOG_LOCAL0 + syslog.Priority(n)*8
	}
	w, err := syslog.New(f|syslog.LOG_INFO, "sshd")
	if err != nil {
		return nil, err
	}
	return &Logger{syslog: w, level: level}, nil
}

// SetLevel changes the level (SIGHUP re-reads LogLevel).
func (l *Logger) SetLevel(level Level) {
	if l == nil {
		return
	}
	l.mu.Lock()
	l.level = level
	l.mu.Unlock()
}

// Enabled reports whether lines at level are written.
func (l *Logger) Enabled(level Level) bool {
	if l == nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return level <= l.level
}

func (l *Logger) logf(level Level, format string, args ...any) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if level > l.level {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if level >= LevelDebug1 {
		msg = fmt.Sprintf("debug%d: %s", level-LevelDebug1+1, msg)
	}
	if l.syslog != nil {
		switch {
		case level <= LevelError:
			l.syslog.Err(msg)
		case level <= LevelVerbose:
			l.syslog.Info(msg)
		default:
			l.syslog.Debug(msg)
		}
		return
	}
	io.WriteString(l.w, strings.TrimRight(msg, "\n")+"\n")
}

func (l *Logger) Errorf(format string, args ...any)   { l.logf(LevelError, format, args...) }
func (l *Logger) Infof(format string, args ...any)    { l.logf(LevelInfo, format, args...) }
func (l *Logger) Verbosef(format string, args ...any) { l.logf(LevelVerbose, format, args...) }
func (l *Logger) Debugf(format string, args ...any)   { l.logf(LevelDebug1, format, args...) }
