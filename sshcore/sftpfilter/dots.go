package sftpfilter

import (
	"encoding/binary"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"sshbox/internal/unixmode"
	"sshbox/internal/wire"
)

// A directory read through OpenSSH's sftp-server begins with "." and
// "..", as readdir(3) gives them; pkg/sftp's server leaves them out.
// OpenSSH's sftp shows them under "ls -a", and its column layout of an
// empty directory depends on them, so the filter puts them at the head of
// a directory's first READDIR reply (or makes that reply, when the server
// has nothing but end-of-file): their attributes from lstat(2), their
// long names in the form pkg/sftp's server gives the other entries.

const (
	fxpOpendir = 11
	fxpReaddir = 12
	fxpName    = 104
)

// dotsReply is pkt, the server's reply to a directory's first READDIR,
// with "." and ".." before its entries; pkt itself when it is neither a
// NAME reply nor end-of-file, or the directory cannot be read.
func dotsReply(pkt []byte, dir string) []byte {
	body := pkt[4:]
	var count uint32
	var rest []byte
	switch {
	case len(body) >= 9 && body[0] == fxpName:
		count, rest = binary.BigEndian.Uint32(body[5:9]), body[9:]
	case len(body) >= 9 && body[0] == fxpStatus && binary.BigEndian.Uint32(body[5:9]) == fxEOF:
	default:
		return pkt
	}
	var entries []byte
	for _, name := range []string{".", ".."} {
		fi, err := os.Lstat(filepath.Join(dir, name))
		if err != nil {
			return pkt
		}
		entries = appendEntry(entries, name, fi)
	}
	out := binary.BigEndian.AppendUint32(nil, 0) // length, below
	out = append(out, fxpName)
	out = append(out, body[1:5]...) // id
	out = binary.BigEndian.AppendUint32(out, count+2)
	out = append(out, entries...)
	out = append(out, rest...)
	binary.BigEndian.PutUint32(out, uint32(len(out)-4))
	return out
}

// appendEntry appends a NAME entry: name, long name, attributes.
func appendEntry(b []byte, name string, fi fs.FileInfo) []byte {
	var links uint64 = 1
	var uid, gid uint32
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		links, uid, gid = uint64(st.Nlink), st.Uid, st.Gid
	}
	owner, group := strconv.FormatUint(uint64(uid), 10), strconv.FormatUint(uint64(gid), 10)
	if u, err := user.LookupId(owner); err == nil {
		owner = u.Username
	}
	if g, err := user.LookupGroupId(group); err == nil {
		group = g.Name
	}
	mtime := fi.ModTime()
	when := mtime.Format("15:04")
	if mtime.Before(time.Now().AddDate(0, -6, 0)) {
		when = mtime.Format("2006")
	}
	long := fmt.Sprintf("%s %4d %-8s %-8s %8d %s %5s %s", unixmode.String(fi.Mode()), links, owner, group,
		fi.Size(), mtime.Format("Jan 2"), when, name)
	b = wire.AppendString(b, name)
	b = wire.AppendString(b, long)
	const attrs = 0x1 | 0x2 | 0x4 | 0x8 // size, uid and gid, permissions, times
	b = binary.BigEndian.AppendUint32(b, attrs)
	b = binary.BigEndian.AppendUint64(b, uint64(fi.Size()))
	b = binary.BigEndian.AppendUint32(b, uid)
	b = binary.BigEndian.AppendUint32(b, gid)
	// st_mode with its type: "." and ".." are directories.
	mode := unixmode.Perm(fi.Mode()) | 0o100000
	if fi.IsDir() {
		mode = unixmode.Perm(fi.Mode()) | 0o040000
	}
	b = binary.BigEndian.AppendUint32(b, mode)
	b = binary.BigEndian.AppendUint32(b, uint32(mtime.Unix())) // atime: not shown by ls
	return binary.BigEndian.AppendUint32(b, uint32(mtime.Unix()))
}
