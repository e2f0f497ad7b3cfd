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
	pkt := binary.BigEndian.AppendUint32(nil, 1+4+4*8)
	pkt = append(pkt, fxpExtendedReply)
	pkt = binary.BigEndian.AppendUint32(pkt, id)
	for _, v := range []uint64{maxPacket, MaxRead, maxWrite, files} {
		pkt = binary.BigEndian.AppendUint64(pkt, v)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	_, err := f.out.Write(pkt)
	return err
}
