// Package wire reads and writes the SSH wire format's string (RFC 4251,
// section 5: a uint32 length, then the bytes), in which the sftp
// protocol carries names, handles and extension data; sftp-server's
// filter and the sftp client's own requests share it.
package wire

import "encoding/binary"

// String splits a string off b; ok is false when b is too short for the
// length it gives.
func String(b []byte) (s, rest []byte, ok bool) {
	if len(b) < 4 {
		return nil, nil, false
	}
	n := binary.BigEndian.Uint32(b)
	if uint64(n) > uint64(len(b)-4) {
		return nil, nil, false
	}
	return b[4 : 4+n], b[4+n:], true
}

// AppendString appends s as a string.
func AppendString(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}
