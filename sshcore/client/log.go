package client

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"sshbox/internal/syslogw"
	"sshbox/internal/vis"
	"sshbox/sshcore/loglevel"
)

// Logger prints the client's diagnostics on stderr (or the -E file), one
// line each, the way OpenSSH formats them: each ends in CR LF, as log.c
// writes them, so that a line is whole in the terminal's raw mode too.
// With -y they go to the system log instead (NewSyslogLogger).
type Logger struct {
	mu sync.Mutex
	w  io.Writer
	// sys is the system log of ssh -y, in place of w.
	sys *syslogw.Writer
	// level changes under ~V and ~v while other goroutines log.
	level atomic.Int32
	raw   bool
}

// NewLogger writes lines at or below level to w.
func NewLogger(w io.Writer, level loglevel.Level) *Logger {
	if w == nil {
		w = os.Stderr
	}
	l := &Logger{w: w}
	l.level.Store(int32(level))
	return l
}

// NewSyslogLogger sends lines at or below level to the system log, as
// OpenSSH's ssh -y does: with the severity and the words log.c gives each
// level ("error: ", "fatal: ", "debug1: "), escaped as log.c escapes
// them for syslog. What ssh writes on the terminal without logging it
// (Quit) still goes to stderr.
func NewSyslogLogger(w *syslogw.Writer, level loglevel.Level) *Logger {
	l := &Logger{w: os.Stderr, sys: w}
	l.level.Store(int32(level))
	return l
}

// SetRaw tells the logger whether the terminal is in raw mode.
func (l *Logger) SetRaw(raw bool) {
	l.mu.Lock()
	l.raw = raw
	l.mu.Unlock()
}

// Level returns the configured level.
// A nil Logger logs nothing (QUIET).
func (l *Logger) Level() loglevel.Level {
	if l == nil {
		return loglevel.Quiet
	}
	return loglevel.Level(l.level.Load())
}

// SetLevel changes the level (the ~V and ~v escapes).
func (l *Logger) SetLevel(level loglevel.Level) {
	if l != nil {
		l.level.Store(int32(level))
	}
}

// OnStderr reports whether the lines go to standard error, not to a file
// (-E) or to the system log (-y): OpenSSH's log_is_on_stderr.
func (l *Logger) OnStderr() bool { return l != nil && l.sys == nil && l.w == os.Stderr }

func (l *Logger) out(level loglevel.Level, format string, args ...any) {
	if level > l.Level() {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if l.sys != nil {
		l.sys.Send(level, syslogw.Line(level, msg))
		return
	}
	if level >= loglevel.Debug1 {
		msg = fmt.Sprintf("debug%d: %s", level-loglevel.Debug1+1, msg)
	}
	// As log.c: what a server sent (a disconnect reason, an error text, a
	// key comment) cannot reach the terminal as control sequences.
	l.write(l.w, vis.Safe(msg))
}

// write puts one message on w as OpenSSH's log.c does, ended with CR LF
// whatever the terminal's mode (on -E's file too); in raw mode the
// message's own line breaks get their CR as well, so that a banner of
// several lines does not run down the screen in steps.
func (l *Logger) write(w io.Writer, msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.raw {
		msg = strings.ReplaceAll(msg, "\n", "\r\n")
	}
	io.WriteString(w, msg+"\r\n")
}

// Quit is what OpenSSH's client loop says on the terminal as it ends
// ("Connection to HOST closed."): no log line but quit_message, which
// goes to stderr whatever -E or -y say and always ends in CR LF. It is
// shown when LogLevel is at least level.
func (l *Logger) Quit(level loglevel.Level, format string, args ...any) {
	if l == nil || level > l.Level() {
		return
	}
	msg := fmt.Sprintf(format, args...)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.raw {
		msg = strings.ReplaceAll(msg, "\n", "\r\n")
	}
	io.WriteString(os.Stderr, msg+"\r\n")
}

// Fail logs the failure that ends ssh (Connect's error) at the level
// OpenSSH logs it (fatalError); another error is a fatal one.
func (l *Logger) Fail(err error) {
	var fe *fatalError
	var ml multiLine
	switch {
	case errors.As(err, &ml):
		lines := ml.logLines()
		for _, s := range lines[:len(lines)-1] {
			l.Error("%s", s)
		}
		l.Fatal("%s", lines[len(lines)-1])
		return
	case !errors.As(err, &fe):
		l.Fatal("%v", err)
		return
	}
	if fe.before != "" {
		l.Error("%s", fe.before)
	}
	l.out(fe.level, "%s", fe.msg)
}

// multiLine is an error that is several of OpenSSH's log messages, each
// logged (and ended) on its own.
type multiLine interface{ logLines() []string }

// errorLines logs err at error level: as its messages where it is
// several, else as one.
func (l *Logger) errorLines(err error) {
	var ml multiLine
	if !errors.As(err, &ml) {
		l.Error("%v", err)
		return
	}
	for _, s := range ml.logLines() {
		l.Error("%s", s)
	}
}

// ErrorLines logs text's lines as the separate error() calls OpenSSH
// makes for a banner such as the changed host key's, which matters under
// -y (one syslog line each). The one exception is the fingerprint, which
// OpenSSH puts under its sentence in the same call.
func (l *Logger) ErrorLines(text string) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		s := lines[i]
		if strings.HasSuffix(s, " sent by the remote host is") && i+1 < len(lines) {
			i++
			s += "\n" + lines[i]
		}
		l.Error("%s", s)
	}
}

// Error is for failures; shown unless LogLevel is QUIET or FATAL.
func (l *Logger) Error(format string, args ...any) { l.out(loglevel.Error, format, args...) }

// Fatal is for the failure that ends ssh; shown unless LogLevel is QUIET.
func (l *Logger) Fatal(format string, args ...any) { l.out(loglevel.Fatal, format, args...) }

// Info is for notices such as "Warning: Permanently added ..." (hidden by -q).
func (l *Logger) Info(format string, args ...any) { l.out(loglevel.Info, format, args...) }

// Verbose is LogLevel VERBOSE.
func (l *Logger) Verbose(format string, args ...any) { l.out(loglevel.Verbose, format, args...) }

// Logf logs at level (debug lines get their "debugN: " prefix in out).
func (l *Logger) Logf(level loglevel.Level, format string, args ...any) {
	l.out(level, format, args...)
}

// Debug1, Debug2 and Debug3 are -v, -vv and -vvv.
func (l *Logger) Debug1(format string, args ...any) {
	l.out(loglevel.Debug1, format, args...)
}
func (l *Logger) Debug2(format string, args ...any) {
	l.out(loglevel.Debug2, format, args...)
}
func (l *Logger) Debug3(format string, args ...any) {
	l.out(loglevel.Debug3, format, args...)
}
