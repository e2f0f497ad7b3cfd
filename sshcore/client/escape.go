package client

import (
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"sshbox/sshcore/loglevel"
	"sshbox/sshcore/rekey"
)

// EscapeNone disables escape sequences (-e none).
const EscapeNone = -1

// ParseEscapeChar reads an EscapeChar value: a single character, "^X" for a
// control character, or "none".
func ParseEscapeChar(s string) (int, error) {
	switch {
	case s == "none":
		return EscapeNone, nil
	case len(s) == 1:
		return int(s[0]), nil
	case len(s) == 2 && s[0] == '^':
		c := s[1]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c < '@' || c > '_' {
			break
		}
		return int(c & 0x1f), nil
	}
	return 0, fmt.Errorf(msgBadEscape, s)
}

func escapeName(ch int) string {
	if ch < 0x20 {
		return "^" + string(rune(ch+'@'))
	}
	return string(rune(ch))
}

// escapeFilter copies what the user types to the session, acting on
// escape sequences typed right after a newline (OpenSSH's client loop).
type escapeFilter struct {
	c        *Client
	ch       byte
	lineHead bool
	pending  bool
	// disconnect ends the connection (~.); suspend stops ssh (~^Z);
	// sendBreak sends the session a BREAK (~B; nil: not available).
	disconnect func()
	suspend    func()
	sendBreak  func()
	// command runs a ~C command line and returns what to show; nil
	// disables ~C.
	command func(line string) string
	// cmdlineOff: ~C only says "commandline disabled", as OpenSSH 9.2
	// does unless EnableEscapeCommandline is set.
	cmdlineOff bool
	w          io.Writer // where escapes are echoed; nil = stderr
	shared     bool      // a master filtering a shared session's input

	inCmd bool   // reading a ~C command line
	cmd   []byte // the command line so far
}

// filter returns what to send for one chunk of input.
func (e *escapeFilter) filter(in []byte) []byte {
	out := make([]byte, 0, len(in)+1)
	for _, b := range in {
		if e.inCmd {
			e.commandKey(b)
			continue
		}
		if e.pending {
			e.pending = false
			switch b {
			case '.':
				e.echo(".")
				e.disconnect()
				return out
			case 0x1a:
				if e.shared {
					e.echo("^Z" + msgEscapeNotShared)
					e.lineHead = true
					continue
				}
				e.echo("^Z [suspend ssh]\r\n")
				e.suspend()
				e.lineHead = true
				continue
			case '?':
				e.echo("?\r\n" + e.help())
				e.lineHead = true
				continue
			case 'B':
				if e.sendBreak != nil {
					e.echo("B\r\n")
					e.sendBreak()
					e.lineHead = true
					continue
				}
			case 'R':
				// As OpenSSH: nothing is echoed; -v shows the exchange.
				if !rekey.Request(e.c.transport) {
					e.say(rekey.ErrUnsupported.Error() + "\r\n")
				}
				e.lineHead = true
				continue
			case 'V', 'v':
				// A shared session's ~V and ~v are typed text, as with
				// OpenSSH's master.
				if !e.shared {
					e.verbosity(b)
					e.lineHead = true
					continue
				}
			case '#':
				e.echo("#\r\n" + strings.ReplaceAll(e.c.forwardList(), "\n", "\r\n"))
				e.lineHead = true
				continue
			case e.ch:
				out = append(out, b)
				e.lineHead = false
				continue
			case 'C':
				if e.shared {
					e.echo("C" + msgEscapeNotShared)
					e.lineHead = true
					continue
				}
				if e.command != nil && e.cmdlineOff {
					// OpenSSH 9.2: off unless EnableEscapeCommandline.
					e.say(msgEscapeCmdlineOff)
					e.lineHead = true
					continue
				}
				if e.command != nil {
					e.inCmd = true
					e.say("\r\nssh> ")
					continue
				}
			}
			// Not an escape: both characters go through.
			out = append(out, e.ch)
		} else if e.lineHead && b == e.ch {
			e.pending = true
			continue
		}
		out = append(out, b)
		e.lineHead = b == '\r' || b == '\n'
	}
	return out
}

// commandKey edits the ~C command line (the terminal is raw, so the line
// is echoed and edited here) and runs it at the end of the line.
func (e *escapeFilter) commandKey(b byte) {
	switch b {
	case '\r', '\n':
		e.inCmd = false
		e.say("\r\n")
		if r := e.command(string(e.cmd)); r != "" {
			e.say(strings.ReplaceAll(strings.TrimRight(r, "\n"), "\n", "\r\n") + "\r\n")
		}
		e.cmd = nil
		e.lineHead = true
	case 0x7f, 0x08:
		if len(e.cmd) > 0 {
			e.cmd = e.cmd[:len(e.cmd)-1]
			e.say("\b \b")
		}
	case 0x03, 0x15: // ^C, ^U: abandon the line
		e.inCmd, e.cmd, e.lineHead = false, nil, true
		e.say("\r\n")
	default:
		if b >= 0x20 && b < 0x7f && len(e.cmd) < 1024 {
			e.cmd = append(e.cmd, b)
			e.say(string(b))
		}
	}
}

// escapeHelp is OpenSSH's list of escapes, in its order, with what each
// session offers: a shared session (a master filtering a passenger's
// input) has only what does not act on ssh itself. ~& (background ssh while
// forwarded connections finish) is not implemented and not listed.
var escapeHelp = []struct {
	keys, what     string
	shared, notMux bool // only for a shared session; not for one
	cmdline        bool // only when ~C opens a command line
}{
	{keys: ".", what: "terminate session", shared: true},
	{keys: ".", what: "terminate connection (and any multiplexed sessions)", notMux: true},
	{keys: "B", what: "send a BREAK to the remote system"},
	{keys: "C", what: "open a command line", notMux: true, cmdline: true},
	{keys: "R", what: "request rekey"},
	{keys: "V/v", what: "decrease/increase verbosity (LogLevel)", notMux: true},
	{keys: "^Z", what: "suspend ssh", notMux: true},
	{keys: "#", what: "list forwarded connections"},
	{keys: "?", what: "this message"},
}

// help is the text ~? shows, lines ending in CR LF (the terminal is raw).
func (e *escapeFilter) help() string {
	esc := escapeName(int(e.ch))
	var b strings.Builder
	b.WriteString("Supported escape sequences:\r\n")
	for _, h := range escapeHelp {
		if h.shared && !e.shared || h.notMux && e.shared || h.cmdline && (e.command == nil || e.cmdlineOff) {
			continue
		}
		fmt.Fprintf(&b, " %s%-3s - %s\r\n", esc, h.keys, h.what)
	}
	fmt.Fprintf(&b, " %s%-3s - send the escape character by typing it twice\r\n", esc, esc)
	b.WriteString("(Note that escapes are only recognized immediately after newline.)\r\n")
	return b.String()
}

// verbosity is ~V (less) and ~v (more): the client's LogLevel changes
// between QUIET and DEBUG3, as OpenSSH's does, unless the log goes to a
// file (-E), where OpenSSH says this.
func (e *escapeFilter) verbosity(key byte) {
	esc := escapeName(int(e.ch))
	log := e.c.Log
	if !log.OnStderr() {
		e.say(fmt.Sprintf(msgEscapeSyslog, esc, string(key)))
		return
	}
	l := log.Level()
	if key == 'V' && l > loglevel.Quiet {
		l--
	}
	if key == 'v' && l < loglevel.Debug3 {
		l++
	}
	log.SetLevel(l)
	e.say(fmt.Sprintf(msgEscapeVerbosity, esc, string(key), l))
}

func (e *escapeFilter) echo(s string) { e.say(escapeName(int(e.ch)) + s) }

func (e *escapeFilter) say(s string) {
	w := e.w
	if w == nil {
		w = os.Stderr
	}
	io.WriteString(w, s)
}

// suspendSelf stops ssh as ~^Z does, with the terminal restored while
// stopped.
func suspendSelf(restore, reraw func()) {
	restore()
	syscall.Kill(0, syscall.SIGTSTP)
	reraw()
}
