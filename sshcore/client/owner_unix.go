package client

import (
	"os"
	"syscall"
)

// ownerOf returns the uid owning the file; only keys we own are judged by
// their mode, as OpenSSH's sshkey_perm_ok does for the running user.
func ownerOf(st os.FileInfo) int {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return int(s.Uid)
	}
	return os.Getuid()
}
