package transfer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"

	"github.com/pkg/sftp"
)

// Reason is the strerror-style text of err, as OpenSSH's tools print it
// after the file name: "No such file or directory", "Permission denied".
func Reason(err error) string {
	var errno syscall.Errno
	var se *sftp.StatusError
	switch {
	case errors.As(err, &errno):
		return capital(errno.Error())
	case errors.Is(err, fs.ErrNotExist):
		return "No such file or directory"
	case errors.Is(err, fs.ErrPermission):
		return "Permission denied"
	case errors.As(err, &se):
		switch se.FxCode() {
		case sftp.ErrSSHFxNoSuchFile:
			return "No such file or directory"
		case sftp.ErrSSHFxPermissionDenied:
			return "Permission denied"
		case sftp.ErrSSHFxOpUnsupported:
			return "Operation unsupported"
		case sftp.ErrSSHFxEOF:
			return "End of file"
		}
		return "Failure"
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return Reason(pe.Err)
	}
	return err.Error()
}

// StatusMessage is the message an OpenSSH sftp-server sends with the
// status err stands for (its status_to_message: "No such file" where
// Reason says "No such file or directory"), which OpenSSH's sftp prints
// where it prints the server's own words, as after realpath.
func StatusMessage(err error) string {
	var se *sftp.StatusError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "No such file"
	case errors.Is(err, fs.ErrPermission):
		return "Permission denied"
	case errors.As(err, &se):
		if t, ok := fxText[se.Code]; ok && se.Code > 2 {
			return t
		}
	}
	return Reason(err)
}

func capital(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-32) + s[1:]
}

// FileError is a failure about one file: "path: reason".
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return fmt.Sprintf("%s: %s", e.Path, Reason(e.Err)) }
func (e *FileError) Unwrap() error { return e.Err }

func fileErr(path string, err error) error {
	var fe *FileError
	if errors.As(err, &fe) {
		return err
	}
	return &FileError{path, err}
}
