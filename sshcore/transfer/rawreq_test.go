package transfer

import (
	"encoding/binary"
	"testing"

	"github.com/pkg/sftp"

	"sshbox/internal/wire"
)

// nameReply is a NAME reply's body after its id: entries of name, long
// name and attributes with every flag set.
func nameReply(names ...string) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(names)))
	for i, n := range names {
		b = wire.AppendString(b, n)
		b = wire.AppendString(b, "-rw-r--r--    1 root root 5 Jan  1 00:00 "+n)
		b = binary.BigEndian.AppendUint32(b, attrSize|attrUIDGID|attrPermissions|attrACModTime|attrExtended)
		b = binary.BigEndian.AppendUint64(b, uint64(100+i))
		b = binary.BigEndian.AppendUint32(b, 1000)
		b = binary.BigEndian.AppendUint32(b, 1001)
		b = binary.BigEndian.AppendUint32(b, 0o100644)
		b = binary.BigEndian.AppendUint32(b, 7)
		b = binary.BigEndian.AppendUint32(b, 8)
		b = binary.BigEndian.AppendUint32(b, 1)
		b = wire.AppendString(b, "ext@example.com")
		b = wire.AppendString(b, "data")
	}
	return b
}

func TestReadNames(t *testing.T) {
	out := map[string]RawEntry{}
	if !readNames(nameReply(".", "..", "file"), out) {
		t.Fatal("a well-formed reply did not parse")
	}
	e, ok := out["file"]
	if !ok || len(out) != 3 {
		t.Fatalf("entries %v", out)
	}
	st := e.Info.Sys().(*sftp.FileStat)
	if e.Info.Name() != "file" || e.Info.Size() != 102 || st.UID != 1000 || st.GID != 1001 ||
		st.Mtime != 8 || !e.Info.Mode().IsRegular() || e.Info.Mode().Perm() != 0o644 {
		t.Errorf("file: %+v %+v", e.Info, st)
	}
	if e.Long != "-rw-r--r--    1 root root 5 Jan  1 00:00 file" {
		t.Errorf("long name %q", e.Long)
	}
	full := nameReply("a")
	for n := 0; n < len(full); n++ {
		if readNames(full[:n], map[string]RawEntry{}) {
			t.Fatalf("a reply cut at %d of %d bytes parsed", n, len(full))
		}
	}
}

// The names of a users-groups-by-id reply pair with the ids asked, in
// order; empty ones are left out, a count that differs is refused.
func TestNameList(t *testing.T) {
	b := wire.AppendString(wire.AppendString(wire.AppendString(nil, "root"), ""), "bin")
	got, ok := nameList(b, []uint32{0, 54321, 2})
	if !ok || len(got) != 2 || got[0] != "root" || got[2] != "bin" {
		t.Errorf("got %v %v", got, ok)
	}
	if _, ok := nameList(b, []uint32{0, 1}); ok {
		t.Error("three names for two ids accepted")
	}
	if _, ok := nameList(b, []uint32{0, 1, 2, 3}); ok {
		t.Error("three names for four ids accepted")
	}
}

// FuzzReadNames: any NAME reply a server sends is read without a panic.
func FuzzReadNames(f *testing.F) {
	f.Add(nameReply("a", "b"))
	f.Add([]byte{0, 0, 0, 1, 0, 0, 0, 1, 'x', 0, 0, 0, 0, 0x80, 0, 0, 0, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		out := map[string]RawEntry{}
		if readNames(b, out) {
			for _, e := range out {
				if _, ok := e.Info.Sys().(*sftp.FileStat); !ok {
					t.Fatal("an entry without its attributes")
				}
			}
		}
	})
}
