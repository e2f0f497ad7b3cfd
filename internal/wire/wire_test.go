package wire

import (
	"bytes"
	"encoding/binary"
	"testing"
)

func TestString(t *testing.T) {
	b := AppendString(AppendString(nil, "limits@openssh.com"), "")
	s, rest, ok := String(b)
	if !ok || string(s) != "limits@openssh.com" {
		t.Fatalf("%q %v", s, ok)
	}
	if s, rest, ok = String(rest); !ok || len(s) != 0 || len(rest) != 0 {
		t.Fatalf("%q %q %v", s, rest, ok)
	}
	for n := 0; n < 4+len("limits@openssh.com"); n++ {
		if _, _, ok := String(b[:n]); ok {
			t.Errorf("a string cut at %d bytes read", n)
		}
	}
	if _, _, ok := String([]byte{0xff, 0xff, 0xff, 0xff}); ok {
		t.Error("a length past the end read")
	}
}

// FuzzString: any bytes are read without a panic, and what is read
// writes back the same.
func FuzzString(f *testing.F) {
	f.Add(AppendString(nil, "x"))
	f.Add([]byte{0, 0, 0, 9, 'a'})
	f.Fuzz(func(t *testing.T, b []byte) {
		s, rest, ok := String(b)
		if ok && !bytes.Equal(append(AppendString(nil, string(s)), rest...), b) {
			t.Fatalf("%x does not write back", b)
		}
	})
}

// attrsBytes is an ATTRS structure with every field and one extended pair,
// then a trailing byte.
func attrsBytes() []byte {
	b := binary.BigEndian.AppendUint32(nil, AttrSize|AttrUIDGID|AttrPermissions|AttrACModTime|AttrExtended)
	b = binary.BigEndian.AppendUint64(b, 70000)
	for _, v := range []uint32{1000, 100, 0o100644, 1600000000, 1600000001, 1} {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	b = AppendString(AppendString(b, "name@example.com"), "data")
	return append(b, 0xaa)
}

// TestReadAttrs: every field read, the extended pair passed over, the
// rest left; cut anywhere, not read.
func TestReadAttrs(t *testing.T) {
	b := attrsBytes()
	a, rest, ok := ReadAttrs(b)
	want := Attrs{Flags: AttrSize | AttrUIDGID | AttrPermissions | AttrACModTime | AttrExtended,
		Size: 70000, UID: 1000, GID: 100, Perm: 0o100644, Atime: 1600000000, Mtime: 1600000001}
	if !ok || a != want || !bytes.Equal(rest, []byte{0xaa}) {
		t.Fatalf("%+v %x %v", a, rest, ok)
	}
	for n := 0; n < len(b)-1; n++ {
		if _, _, ok := ReadAttrs(b[:n]); ok {
			t.Errorf("attributes cut at %d bytes read", n)
		}
	}
	if a, _, ok := ReadAttrs([]byte{0, 0, 0, 0}); !ok || a.Flags != 0 {
		t.Errorf("no attributes: %+v %v", a, ok)
	}
}

// FuzzReadAttrs: any bytes are read without a panic, and what is left is
// the end of them.
func FuzzReadAttrs(f *testing.F) {
	f.Add(attrsBytes())
	f.Add([]byte{0x80, 0, 0, 0, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, rest, ok := ReadAttrs(b); ok && !bytes.HasSuffix(b, rest) {
			t.Fatalf("%x: rest %x is not its end", b, rest)
		}
	})
}
