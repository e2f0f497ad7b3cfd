package client

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"sshbox/sshcore/loglevel"
)

// Logger prints the client's diagnostics on stderr (or the -E file), one
// line each, the way OpenSSH formats them. While the terminal is in raw mode
// a bare LF would not return the cursor, so lines end in CR LF then.
type Logger struct {
	mu sync.Mutex
	w  io.Writer
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
// (-E).
func (l *Logger) OnStderr() bool { return l != nil && l.w == os.Stderr }

func (l *Logger) out(level loglevel.Level, prefix, format string, args ...any) {
	if level > l.Level() {
		return
	}
	msg := prefix + fmt.Sprintf(format, args...)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.raw {
		msg = strings.ReplaceAll(msg, "\n", "\r\n") + "\r\n"
	} else {
		msg += "\n"
	}
	io.WriteString(l.w, msg)
}

// Error is for failures; shown unless LogLevel is QUIET or FATAL.
func (l *Logger) Error(format string, args ...any) { l.out(loglevel.Error, "", format, args...) }

// Fatal is for the failure that ends ssh; shown unless LogLevel is QUIET.
func (l *Logger) Fatal(format string, args ...any) { l.out(loglevel.Fatal, "", format, args...) }

// Info is for notices such as "Warning: Permanently added ..." (hidden by -q).
func (l *Logger) Info(format string, args ...any) { l.out(loglevel.Info, "", format, args...) }

// Verbose is LogLevel VERBOSE.
func (l *Logger) Verbose(format string, args ...any) { l.out(loglevel.Verbose, "", format, args...) }

// Logf logs at level, with the prefix that level's lines have.
func (l *Logger) Logf(level loglevel.Level, format string, args ...any) {
	prefix := ""
	switch level {
	case loglevel.Debug1:
		prefix = "debug1: "
	case loglevel.Debug2:
		prefix = "debug2: "
	case loglevel.Debug3:
		prefix = "debug3: "
	}
	l.out(level, prefix, format, args...)
}

// Debug1, Debug2 and Debug3 are -v, -vv and -vvv.
func (l *Logger) Debug1(format string, args ...any) {
	l.out(loglevel.Debug1, "debug1: ", format, args...)
}
func (l *Logger) Debug2(format string, args ...any) {
	l.out(loglevel.Debug2, "debug2: ", format, args...)
}
func (l *Logger) Debug3(format string, args ...any) {
	l.out(loglevel.Debug3, "debug3: ", format, args...)
}
