// Package errtext words errors for users as C programs do: the reason a
// system call failed in strerror's words ("No such file or directory"),
// without Go's "open /path:" or "listen tcp 0.0.0.0:22:" prefixes, so that
// a message can name the file or address once and give the reason after
// it, as OpenSSH's messages do.
package errtext

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"
	"unicode"
	"unicode/utf8"
)

// Reason is the reason err gives: strerror's text, capitalised as glibc
// prints it, when a system call failed; "Unexpected end of file" for a
// bare EOF; the error's own text otherwise.
func Reason(err error) string {
	var errno syscall.Errno
	switch {
	case err == nil:
		return ""
	case errors.As(err, &errno):
		s := errno.Error()
		if s != "" && s[0] >= 'a' && s[0] <= 'z' {
			s = string(s[0]-'a'+'A') + s[1:]
		}
		return s
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "Unexpected end of file"
	}
	return err.Error()
}

// Printable is s with every control character, DEL and byte that is not
// UTF-8 written as a backslash and three octal digits, as OpenSSH's
// strvis does: error texts that quote bytes read from a file or the
// network (a key type named inside a key blob) stay one line that cannot
// forge another in a log or on a terminal.
func Printable(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 || r < 0x20 || r == 0x7f || unicode.IsControl(r) {
			for _, c := range []byte(s[i : i+max(n, 1)]) {
				fmt.Fprintf(&b, "\\%03o", c)
			}
			i += max(n, 1)
			continue
		}
		b.WriteString(s[i : i+n])
		i += n
	}
	return b.String()
}
