package sftpfilter

import (
	"encoding/binary"
	"syscall"
)

// The limits@openssh.com extension (OpenSSH's PROTOCOL, 4.8): the largest
// packet, read and write the server takes, and how many files it may
// hold open. OpenSSH's sftp client (and scp, and sshbox's) sizes its
// requests from the answer: 255 KiB reads and writes instead of 32 KiB,
// an eighth as many requests and replies. The figures are OpenSSH's
// sftp-server's; the server behind the filter must take such reads and
// writes (sftp-server passes pkg/sftp MaxRead).
const (
	MaxRead  = maxPacket - 1024 // OpenSSH's SFTP_MAX_READ_LENGTH
	maxWrite = maxPacket - 1024

	fxpExtendedReply = 201
)

// limits answers request id.
func (f *Filter) limits(id uint32) error {
	var files uint64
	var rl syscall.Rlimit
	// As OpenSSH: the descriptor limit less stdio, syslog and a spare.
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl) == nil && rl.Cur > 5 {
		files = rl.Cur - 5
	}
	var b []byte
	for _, v := range []uint64{maxPacket, MaxRead, maxWrite, files} {
		b = binary.BigEndian.AppendUint64(b, v)
	}
	return f.reply(fxpExtendedReply, id, b)
}
