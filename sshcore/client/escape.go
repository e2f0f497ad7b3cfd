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
	w          io.Writer // where escapes are echoed; nil = stderr
}

// filter returns what to send for one chunk of input.
func (e *escapeFilter) filter(in []byte) []byte {
	out := make([]byte, 0, len(in)+1)
	for _, b := range in {
		if e.pending {
			e.pending = false
			switch b {
			case '.':
				e.echo(".")
				e.disconnect()
				return out
			case 0x1a:
				e.echo("^Z [suspend ssh]\r\n")
				e.suspend()
				e.lineHead = true
				continue
			case '?':
				e.echo("?\r\n" + strings.ReplaceAll(fmt.Sprintf(msgEscapeHelp, escapeName(int(e.ch))), "\n", "\r\n"))
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

func (e *escapeFilter) echo(s string) {
	w := e.w
	if w == nil {
		w = os.Stderr
	}
	io.WriteString(w, escapeName(int(e.ch))+s)
}

// suspendSelf stops ssh as ~^Z does, with the terminal restored while
// stopped.
func suspendSelf(restore, reraw func()) {
	restore()
	syscall.Kill(0, syscall.SIGTSTP)
	reraw()
}
