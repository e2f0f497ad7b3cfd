package sftpfilter

import (
	"errors"
	"syscall"

	"golang.org/x/sys/unix"

	"sshbox/internal/wire"
)

// The lsetstat@openssh.com extension (OpenSSH's PROTOCOL, 4.9): setstat
// that does not follow a final symbolic link, which OpenSSH's sftp sends
// for "chmod -h", "chown -h" and "chgrp -h". pkg/sftp's server has no
// such request; the filter serves it as OpenSSH's sftp-server does, with
// fchmodat, utimensat and fchownat and AT_SYMLINK_NOFOLLOW (Linux cannot
// change a link's own mode: that is a failure, as with OpenSSH), and a
// size, meaningless for a link, a bad message. Refused in read-only mode
// (-R), as in OpenSSH.

const (
	attrSize        = 0x01
	attrUIDGID      = 0x02
	attrPermissions = 0x04
	attrACModTime   = 0x08
	attrExtended    = 0x80000000

	fxNoSuchFile = 2
)

// lsetstat answers request id for the path and attributes in args.
func (f *Filter) lsetstat(id uint32, args []byte) error {
	p, rest, ok := wire.String(args)
	if !ok || len(rest) < 4 {
		return f.status(id, fxBadMessage)
	}
	if f.cp == nil {
		return f.status(id, fxOpUnsupported)
	}
	if f.cp.readOnly {
		return f.status(id, fxPermissionDenied)
	}
	a, ok := parseAttrs(rest)
	if !ok || a.Flags&attrSize != 0 {
		return f.status(id, fxBadMessage) // a link has no size to set
	}
	flags, uid, gid, perm, atime, mtime := a.Flags, a.UID, a.GID, a.Perm, a.Atime, a.Mtime
	path := f.cp.local(string(p))
	var err error
	if flags&attrPermissions != 0 {
		err = unix.Fchmodat(unix.AT_FDCWD, path, perm&0o7777, unix.AT_SYMLINK_NOFOLLOW)
	}
	if err == nil && flags&attrACModTime != 0 {
		// NsecToTimespec: Timespec's fields are 32 bits on 32-bit targets.
		ts := []unix.Timespec{unix.NsecToTimespec(int64(atime) * 1e9), unix.NsecToTimespec(int64(mtime) * 1e9)}
		err = unix.UtimesNanoAt(unix.AT_FDCWD, path, ts, unix.AT_SYMLINK_NOFOLLOW)
	}
	if err == nil && flags&attrUIDGID != 0 {
		err = unix.Fchownat(unix.AT_FDCWD, path, int(uid), int(gid), unix.AT_SYMLINK_NOFOLLOW)
	}
	return f.status(id, portable(err))
}

// portable is OpenSSH's errno_to_portable.
func portable(err error) uint32 {
	var errno syscall.Errno
	switch {
	case err == nil:
		return fxOK
	case !errors.As(err, &errno):
		return fxFailure
	}
	switch errno {
	case syscall.ENOENT, syscall.ENOTDIR, syscall.EBADF, syscall.ELOOP:
		return fxNoSuchFile
	case syscall.EPERM, syscall.EACCES, syscall.EFAULT:
		return fxPermissionDenied
	case syscall.ENAMETOOLONG, syscall.EINVAL:
		return fxBadMessage
	case syscall.ENOSYS:
		return fxOpUnsupported
	}
	return fxFailure
}
