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

// The ATTRS flags of SFTP version 3 (draft-ietf-secsh-filexfer-02, 5).
const (
	AttrSize        = 0x01
	AttrUIDGID      = 0x02
	AttrPermissions = 0x04
	AttrACModTime   = 0x08
	AttrExtended    = 0x80000000
)

// Attrs is an ATTRS structure's fields; Flags says which were present.
type Attrs struct {
	Flags, UID, GID, Perm, Atime, Mtime uint32
	Size                                uint64
}

// ReadAttrs splits an ATTRS structure off b (extended pairs read past);
// ok is false when b is cut short.
func ReadAttrs(b []byte) (a Attrs, rest []byte, ok bool) {
	u32 := func(dst *uint32) bool {
		if len(b) < 4 {
			return false
		}
		*dst, b = binary.BigEndian.Uint32(b), b[4:]
		return true
	}
	if !u32(&a.Flags) {
		return a, nil, false
	}
	if a.Flags&AttrSize != 0 {
		if len(b) < 8 {
			return a, nil, false
		}
		a.Size, b = binary.BigEndian.Uint64(b), b[8:]
	}
	for _, f := range []struct {
		bit  uint32
		dest []*uint32
	}{{AttrUIDGID, []*uint32{&a.UID, &a.GID}}, {AttrPermissions, []*uint32{&a.Perm}}, {AttrACModTime, []*uint32{&a.Atime, &a.Mtime}}} {
		if a.Flags&f.bit == 0 {
			continue
		}
		for _, d := range f.dest {
			if !u32(d) {
				return a, nil, false
			}
		}
	}
	if a.Flags&AttrExtended != 0 {
		var count uint32
		if !u32(&count) {
			return a, nil, false
		}
		for ; count > 0; count-- {
			for range 2 { // name, data
				if _, b, ok = String(b); !ok {
					return a, nil, false
				}
			}
		}
	}
	return a, b, true
}
