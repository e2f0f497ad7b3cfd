package sftpfilter

import (
	"errors"
	"os"

	"sshbox/internal/wire"
)

// The fsync@openssh.com extension (OpenSSH's PROTOCOL, 4.7): flush an open
// handle's file to stable storage, which OpenSSH's "sftp -f", "put -f" and
// sshbox's ask for after a file's last write has been acknowledged.
// pkg/sftp's server has no such request and no way to reach the handle's
// descriptor, so the filter syncs the file the handle was opened on: the
// path the OPEN named (copier.handles), opened again and checked to be the
// same file (device and inode, noted when the handle was given) before
// fsync(2), which on Linux flushes the file whatever descriptor it is
// called on. A handle the filter did not see opened, or whose path now
// names another file, fails rather than answer success for a sync that
// did not happen. Refused in read-only mode (-R), as in OpenSSH.

// SetWorkDir says where relative paths are, the directory pkg/sftp's
// server is given (sftp-server -d, else where it started). Call it
// after ServeCopyData, before the server starts reading.
func (f *Filter) SetWorkDir(dir string) {
	f.workDir = dir
	if f.cp != nil {
		f.cp.workDir = dir
	}
}

// fsync answers request id for the handle in args.
func (f *Filter) fsync(id uint32, args []byte) error {
	h, _, ok := wire.String(args)
	if !ok {
		return f.status(id, fxBadMessage)
	}
	if f.cp == nil {
		return f.status(id, fxOpUnsupported)
	}
	if f.cp.readOnly {
		return f.status(id, fxPermissionDenied)
	}
	path, fi, ok := f.cp.handleFile(string(h))
	if !ok {
		return f.status(id, fxFailure)
	}
	if err := syncFile(path, fi); err != nil {
		return f.status(id, fxFailure)
	}
	return f.status(id, fxOK)
}

var errNotSameFile = errors.New("the handle's path names another file")

// syncFile fsyncs the file at path, if it is still the file fi described.
func syncFile(path string, fi os.FileInfo) error {
	file, err := openSame(path, fi)
	if err != nil {
		return err
	}
	defer file.Close()
	return file.Sync()
}

// openSame opens the file at path for reading (for writing, if only its
// writer may open it), if it is still the file fi described: a handle's
// file, reached again by the path it was opened on.
func openSame(path string, fi os.FileInfo) (*os.File, error) {
	file, err := os.Open(path)
	if err != nil {
		// A file only its writer may open (mode 0200).
		if file, err = os.OpenFile(path, os.O_WRONLY, 0); err != nil {
			return nil, err
		}
	}
	st, err := file.Stat()
	if err == nil && !os.SameFile(st, fi) {
		err = errNotSameFile
	}
	if err != nil {
		file.Close()
		return nil, err
	}
	return file, nil
}
