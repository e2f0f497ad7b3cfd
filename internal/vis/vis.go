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
// (ssh's display of the server's banner, scp's and sftp's file names):
// newline, carriage return and tab pass, as do the characters the locale
// can print (printable UTF-8 under a UTF-8 locale, printable ASCII
// otherwise); every byte of anything else becomes \ooo.
func Terminal(s string, utf8Locale bool) string {
	out, _ := terminal(s, utf8Locale, -1)
	return out
}

// Field is utf8.c's asmprintf with a width (scp's progress meter): as
// Terminal, but newline, carriage return and tab are escaped too, and the
// output stops before the first character, or \ooo escape, that would
// take it past width columns. It returns the columns used. Wide East Asian
// characters count two, combining marks none, as glibc's wcwidth has them.
func Field(s string, width int, utf8Locale bool) (string, int) {
	return terminal(s, utf8Locale, width)
}

// PadBytes is C's "%-*s": s and spaces up to width bytes (Go's own "%-*s"
// counts runes), what OpenSSH pads a name with before it escapes it.
func PadBytes(s string, width int) string {
	if len(s) >= width {
		return s
	}
	return s + strings.Repeat(" ", width-len(s))
}

// terminal is vasnmprintf: limit < 0 is no width (wp NULL).
func terminal(s string, utf8Locale bool, limit int) (string, int) {
	var b strings.Builder
	cols := 0
	fits := func(w int) bool { return limit < 0 || cols+w <= limit }
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		w := -1
		switch {
		case limit < 0 && (r == '\n' || r == '\r' || r == '\t'):
			w = 0
		case r < utf8.RuneSelf:
			if r >= ' ' && r < 0x7f {
				w = 1
			}
		case utf8Locale && r != utf8.RuneError:
			w = runeWidth(r)
		}
		if w >= 0 {
			if !fits(w) {
				break
			}
			b.WriteString(s[:n])
			cols += w
			s = s[n:]
			continue
		}
		for i := 0; i < n; i++ {
			if !fits(4) {
				return b.String(), cols
			}
			fmt.Fprintf(&b, "\\%03o", s[i])
			cols += 4
		}
		s = s[n:]
	}
	return b.String(), cols
}

// runeWidth is glibc's wcwidth under a UTF-8 locale, nearly: -1 for what
// it cannot print, 0 for combining marks and format characters (a
// right-to-left override among them: OpenSSH lets those through too), 2
// for the wide East Asian blocks, 1 otherwise. Private-use characters
// print. Characters newer than glibc's tables are where it can differ.
func runeWidth(r rune) int {
	switch {
	case r == 0xad || r >= 0x600 && r <= 0x605 || r == 0x6dd || r == 0x70f || r == 0x890 || r == 0x891 ||
		r == 0x8e2 || r == 0x110bd || r == 0x110cd:
		return 1 // format characters glibc gives a column
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) || r >= 0x1160 && r <= 0x11ff || r >= 0xd7b0 && r <= 0xd7ff:
		return 0
	case unicode.Is(unicode.Co, r):
		return 1
	case !unicode.IsGraphic(r):
		return -1
	}
	for _, w := range wide {
		if r >= w[0] && r <= w[1] {
			return 2
		}
	}
	return 1
}

// wide are the East Asian Wide and Fullwidth blocks (Markus Kuhn's
// wcwidth ranges, with the emoji blocks glibc counts two).
var wide = [][2]rune{
	{0x1100, 0x115f}, {0x231a, 0x231b}, {0x2329, 0x232a}, {0x2e80, 0x303e}, {0x3041, 0x33ff},
	{0x3400, 0x4dbf}, {0x4e00, 0x9fff}, {0xa000, 0xa4cf}, {0xa960, 0xa97f}, {0xac00, 0xd7a3},
	{0xf900, 0xfaff}, {0xfe10, 0xfe19}, {0xfe30, 0xfe6f}, {0xff00, 0xff60}, {0xffe0, 0xffe6},
	{0x16fe0, 0x18cff}, {0x1b000, 0x1b2ff}, {0x1f300, 0x1f64f}, {0x1f900, 0x1f9ff},
	{0x20000, 0x2fffd}, {0x30000, 0x3fffd},
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
