// Package syslogw is the system log as OpenSSH's log.c uses it, shared by
// sshd (which logs there unless told otherwise) and ssh -y: the
// SyslogFacility names, the severity each LogLevel is sent with, the
// escaping and length of a line, and the connection to /dev/log. What a
// line says is the caller's.
package syslogw

import (
	"fmt"
	"log/syslog"
	"strings"
	"sync"

	"sshbox/internal/vis"
	"sshbox/sshcore/loglevel"
)

// Facility maps an OpenSSH SyslogFacility name (any case) to its syslog
// facility; def is taken for "" (sshd's AUTH, ssh's USER).
func Facility(name string, def syslog.Priority) (syslog.Priority, error) {
	if name == "" {
		return def, nil
	}
	if f, ok := facilities[strings.ToUpper(name)]; ok {
		return f, nil
	}
	return 0, fmt.Errorf("unsupported syslog facility %q", name)
}

// facilities are log.c's names.
var facilities = map[string]syslog.Priority{
	"DAEMON": syslog.LOG_DAEMON, "USER": syslog.LOG_USER, "AUTH": syslog.LOG_AUTH, "AUTHPRIV": syslog.LOG_AUTHPRIV,
	"LOCAL0": syslog.LOG_LOCAL0, "LOCAL1": syslog.LOG_LOCAL1, "LOCAL2": syslog.LOG_LOCAL2, "LOCAL3": syslog.LOG_LOCAL3,
	"LOCAL4": syslog.LOG_LOCAL4, "LOCAL5": syslog.LOG_LOCAL5, "LOCAL6": syslog.LOG_LOCAL6, "LOCAL7": syslog.LOG_LOCAL7,
}

// Severity is the syslog severity log.c sends a level with: FATAL is
// crit, ERROR err, INFO and VERBOSE info, DEBUG1 to DEBUG3 debug.
func Severity(l loglevel.Level) syslog.Priority {
	switch {
	case l <= loglevel.Fatal:
		return syslog.LOG_CRIT
	case l == loglevel.Error:
		return syslog.LOG_ERR
	case l <= loglevel.Verbose:
		return syslog.LOG_INFO
	}
	return syslog.LOG_DEBUG
}

// Line is the text log.c sends for a message at level when it logs to
// syslog (not to stderr): "fatal: ", "error: " or "debugN: " before it,
// every byte that is not printable escaped as strnvis(VIS_CSTYLE|VIS_NL|
// VIS_TAB|VIS_OCTAL) does (\n, \t, \r and the other C escapes, else \ooo;
// a backslash doubled), and at most 500 bytes of that.
func Line(level loglevel.Level, msg string) string {
	switch {
	case level <= loglevel.Fatal:
		msg = "fatal: " + msg
	case level == loglevel.Error:
		msg = "error: " + msg
	case level >= loglevel.Debug1:
		msg = fmt.Sprintf("debug%d: %s", level-loglevel.Debug1+1, msg)
	}
	s := vis.CStyle(msg)
	if len(s) > maxLine {
		s = s[:maxLine]
	}
	return s
}

// maxLine is log.c's "%.500s".
const maxLine = 500

// Writer sends lines to the system log under one facility and tag (the
// ident: "tag[pid]: " starts each line, as openlog's LOG_PID makes it).
// Like OpenSSH's, which opens the log for each line, it connects when it
// first has a line to send and again after a failure; a line that cannot
// be sent is lost, as syslog(3) loses it.
type Writer struct {
	network, addr string
	facility      syslog.Priority
	tag           string

	mu sync.Mutex
	w  *syslog.Writer
}

// New returns a writer to the system's log (network and addr empty: /dev/log,
// as log/syslog finds it) or to the given socket.
func New(network, addr string, facility syslog.Priority, tag string) *Writer {
	return &Writer{network: network, addr: addr, facility: facility, tag: tag}
}

// Dial is New, connected now: sshd wants to know that a log is there.
func Dial(network, addr string, facility syslog.Priority, tag string) (*Writer, error) {
	w := New(network, addr, facility, tag)
	sw, err := syslog.Dial(network, addr, facility|syslog.LOG_INFO, tag)
	if err != nil {
		return nil, err
	}
	w.w = sw
	return w, nil
}

// Send sends msg as it is with the severity of level.
func (w *Writer) Send(level loglevel.Level, msg string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.w == nil {
		sw, err := syslog.Dial(w.network, w.addr, w.facility|syslog.LOG_INFO, w.tag)
		if err != nil {
			return err
		}
		w.w = sw
	}
	switch Severity(level) {
	case syslog.LOG_CRIT:
		return w.w.Crit(msg)
	case syslog.LOG_ERR:
		return w.w.Err(msg)
	case syslog.LOG_INFO:
		return w.w.Info(msg)
	}
	return w.w.Debug(msg)
}

// Close ends the connection.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.w == nil {
		return nil
	}
	err := w.w.Close()
	w.w = nil
	return err
}
