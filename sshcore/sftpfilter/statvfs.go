package sftpfilter

import (
	"encoding/binary"

	"golang.org/x/sys/unix"

	"sshbox/internal/wire"
)

// statvfs@openssh.com and fstatvfs@openssh.com (OpenSSH's PROTOCOL, 4.4):
// a file system's figures, which sftp's "df" prints. pkg/sftp serves the
// first with the kernel's flags as they are (ST_VALID, ST_RELATIME...)
// and no file system id, and lacks the second; OpenSSH's sftp-server
// sends statvfs(3)'s figures with only its two defined flags.

const (
	stRdonly = 0x1 // SSH2_FXE_STATVFS_ST_RDONLY, and the kernel's ST_RDONLY
	stNosuid = 0x2 // SSH2_FXE_STATVFS_ST_NOSUID, and ST_NOSUID
)

// statvfs answers statvfs@openssh.com request id for the path in args.
func (f *Filter) statvfs(id uint32, args []byte) error {
	p, _, ok := wire.String(args)
	if !ok {
		return f.status(id, fxBadMessage)
	}
	var st unix.Statfs_t
	if err := unix.Statfs(localPath(f.workDir, string(p)), &st); err != nil {
		return f.status(id, portable(err))
	}
	return f.reply(fxpExtendedReply, id, statvfsFigures(&st))
}

// fstatvfs answers fstatvfs@openssh.com request id for the handle in
// args: the file the handle was opened on, checked to be the same file
// (as for fsync); failure for a handle the filter did not see opened.
func (f *Filter) fstatvfs(id uint32, args []byte) error {
	h, _, ok := wire.String(args)
	if !ok {
		return f.status(id, fxBadMessage)
	}
	if f.cp == nil {
		return f.status(id, fxOpUnsupported)
	}
	path, fi, ok := f.cp.handleFile(string(h))
	if !ok {
		return f.status(id, fxFailure)
	}
	file, err := openSame(path, fi)
	if err != nil {
		return f.status(id, fxFailure)
	}
	defer file.Close()
	var st unix.Statfs_t
	if err := unix.Fstatfs(int(file.Fd()), &st); err != nil {
		return f.status(id, portable(err))
	}
	return f.reply(fxpExtendedReply, id, statvfsFigures(&st))
}

// statvfsFigures are the eleven uint64 of the reply, as glibc's statvfs(3)
// derives them from statfs(2) and OpenSSH's sftp-server sends them.
func statvfsFigures(st *unix.Statfs_t) []byte {
	frsize := uint64(st.Frsize)
	if frsize == 0 {
		frsize = uint64(st.Bsize)
	}
	fsid := uint64(uint32(st.Fsid.Val[0])) | uint64(uint32(st.Fsid.Val[1]))<<32
	var flag uint64
	if st.Flags&unix.ST_RDONLY != 0 {
		flag |= stRdonly
	}
	if st.Flags&unix.ST_NOSUID != 0 {
		flag |= stNosuid
	}
	var b []byte
	for _, v := range []uint64{uint64(st.Bsize), frsize, uint64(st.Blocks), uint64(st.Bfree),
		uint64(st.Bavail), uint64(st.Files), uint64(st.Ffree), uint64(st.Ffree), fsid, flag,
		uint64(st.Namelen)} {
		b = binary.BigEndian.AppendUint64(b, v)
	}
	return b
}
