// Package errtext words errors for users as C programs do: the reason a
// system call failed in strerror's words ("No such file or directory"),
// without Go's "open /path:" or "listen tcp 0.0.0.0:22:" prefixes, so that
// a message can name the file or address once and give the reason after
// it, as OpenSSH's messages do.
package errtext

import (
	"errors"
	"io"
	"syscall"
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
