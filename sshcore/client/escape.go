package client

import (
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
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
	// forwards lists the forwarded connections (~#).
	disconnect func()
	suspend    func()
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
				help := msgEscapeHelp
				if e.shared {
					help = msgEscapeHelpShared
				}
				e.echo("?\r\n" + strings.ReplaceAll(fmt.Sprintf(help, escapeName(int(e.ch))), "\n", "\r\n"))
				e.lineHead = true
				continue
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
