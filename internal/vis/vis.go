// Package vis escapes text from the other side of a connection before it
// reaches a terminal or a log, as OpenSSH's strnvis(3) and utf8.c do: a
// server's disconnect reason, banner or error text, or a client's user
// name, must never move the cursor, set a window title, write to the
// clipboard or start a log line of its own.
package vis

import (
	"fmt"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Safe is strnvis(VIS_SAFE|VIS_OCTAL), what OpenSSH's log.c applies to
// every line it writes to standard error or to -E's file: printable ASCII,
// space, tab, newline, carriage return, backspace and bell as they are, a
// backslash doubled, every other byte (escape characters, the rest of the
// control characters, DEL, and bytes of UTF-8 alike) as \ooo.
func Safe(s string) string {
	return escape(s, func(c byte) bool {
		return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\b' || c == '\a'
	})
}

// Line is Safe with newline, carriage return, tab, backspace and bell
// escaped too, so that a string can never begin a line of its own: what
// sshd applies to its log (a user name is the client's to choose).
func Line(s string) string {
	return escape(s, func(c byte) bool { return c == ' ' })
}

// escape keeps printable ASCII, doubles backslashes and writes \ooo for
// every other byte that keep does not allow.
func escape(s string, keep func(byte) bool) string {
	clean := true
	for i := 0; i < len(s) && clean; i++ {
		c := s[i]
		clean = c != '\\' && (c > ' ' && c < 0x7f || keep(c))
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			b.WriteString(`\\`)
		case c > ' ' && c < 0x7f || keep(c):
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "\\%03o", c)
		}
	}
	return b.String()
}

// CStyle is strnvis(VIS_CSTYLE|VIS_NL|VIS_TAB|VIS_OCTAL), what log.c
// sends to syslog: the C escapes for the control characters that have one
// (\n, \t, \r, \b, \a, \v, \f, \0), \ooo for the other bytes that are not
// printable ASCII, a backslash doubled.
func CStyle(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			b.WriteString(`\\`)
		case c >= ' ' && c <= '~':
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\b':
			b.WriteString(`\b`)
		case c == '\a':
			b.WriteString(`\a`)
		case c == '\v':
			b.WriteString(`\v`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\f':
			b.WriteString(`\f`)
		case c == 0:
			// \0, or \000 when an octal digit follows (it would be
			// read as part of the number).
			if i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '7' {
				b.WriteString(`\000`)
			} else {
				b.WriteString(`\0`)
			}
		default:
			fmt.Fprintf(&b, "\\%03o", c)
		}
	}
	return b.String()
}

// Terminal is what OpenSSH's fmprintf does to text it shows as it is
// (ssh's display of the server's banner): newline, carriage return and
// tab pass, as do the characters the locale can print (printable UTF-8
// under a UTF-8 locale, printable ASCII otherwise); every byte of
// anything else becomes \ooo.
func Terminal(s string, utf8Locale bool) string {
	var b strings.Builder
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteRune(r)
		case r < utf8.RuneSelf && r >= ' ' && r < 0x7f:
			b.WriteByte(byte(r))
		case utf8Locale && r != utf8.RuneError && r >= utf8.RuneSelf && unicode.IsGraphic(r):
			b.WriteString(s[:n])
		default:
			for i := 0; i < n; i++ {
				fmt.Fprintf(&b, "\\%03o", s[i])
			}
		}
		s = s[n:]
	}
	return b.String()
}

// UTF8Locale reports whether the environment's locale is UTF-8, as
// OpenSSH's msetlocale decides from the first of LC_ALL, LC_CTYPE and
// LANG that is set (none: the C locale, ASCII).
func UTF8Locale() bool {
	for _, v := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if s := os.Getenv(v); s != "" {
			s = strings.ToLower(s)
			return strings.Contains(s, "utf-8") || strings.Contains(s, "utf8")
		}
	}
	return false
}
